"""programme_create / programme_update: scoped to the office, codes unique per office, benefit checked, audited."""

import pytest

from berdaya.core.errors import ApplicationError
from berdaya.programmes import services
from berdaya.programmes.models import BenefitType, Programme
from tests import factories
from tests.conftest import BLORA, PASURUAN
from tests.programmes.conftest import programme_data


def test_staff_add_a_programme_to_their_office_with_sources_and_partners(staff_blora, apbn, sentra):
    programme = services.programme_create(actor=staff_blora, data=programme_data(
        code=" bpnt ", funding_sources=[apbn], partners=[sentra]))
    assert programme.code == "BPNT"
    assert programme.office_id == BLORA
    assert list(programme.funding_sources.all()) == [apbn]
    assert list(programme.partners.all()) == [sentra]


def test_it_records_who_created_and_changed_a_programme(staff_blora, programme):
    services.programme_update(actor=staff_blora, programme=programme, data={"benefit_amount": 225_000})
    trail = factories.audit_trail(Programme, id=programme.pk)
    assert ("programmes.programme.created", "staf_blora") in trail
    assert trail[-1] == ("programmes.programme.updated", "staf_blora")
    assert programme.history.order_by("history_date").last().benefit_amount == 225_000


def test_it_refuses_a_programme_for_another_regency(staff_blora):
    with pytest.raises(ApplicationError) as err:
        services.programme_create(actor=staff_blora, data=programme_data(office=PASURUAN))
    assert err.value.code == "forbidden"
    assert not Programme.objects.exists()


@pytest.mark.parametrize("persona", ["kadis", "auditor_blora", "operator_desa_a"])
def test_roles_without_the_manage_permission_cannot_add_a_programme(request, persona):
    with pytest.raises(ApplicationError) as err:
        services.programme_create(actor=request.getfixturevalue(persona), data=programme_data())
    assert err.value.code == "forbidden"


def test_a_code_is_unique_within_an_office(staff_blora, programme):
    with pytest.raises(ApplicationError) as err:
        services.programme_create(actor=staff_blora, data=programme_data(name="Lain"))
    assert (err.value.field, err.value.code) == ("code", "duplicate")


def test_it_refuses_a_code_with_spaces(staff_blora):
    with pytest.raises(ApplicationError) as err:
        services.programme_create(actor=staff_blora, data=programme_data(code="BLT DD"))
    assert err.value.field == "code"


def test_a_fixed_amount_programme_needs_its_amount(staff_blora):
    with pytest.raises(ApplicationError) as err:
        services.programme_create(actor=staff_blora, data=programme_data(benefit_amount=None))
    assert err.value.field == "benefit_amount"


def test_a_component_programme_needs_no_single_amount(staff_blora):
    programme = services.programme_create(actor=staff_blora, data=programme_data(
        code="PKH", benefit_type=BenefitType.COMPONENTS, benefit_amount=None))
    assert programme.pk


@pytest.mark.parametrize(("low", "high"), [(5, None), (None, 20), (21, 20), (0, 5)])
def test_it_refuses_an_inconsistent_group_size(staff_blora, low, high):
    with pytest.raises(ApplicationError) as err:
        services.programme_create(actor=staff_blora, data=programme_data(group_size_min=low, group_size_max=high))
    assert err.value.field in ("group_size_min", "group_size_max")


def test_update_reports_what_changed_including_sources(staff_blora, programme, apbn):
    changed = services.programme_update(actor=staff_blora, programme=programme, data={
        "name": programme.name, "benefit_amount": 250_000, "funding_sources": [apbn]})
    assert changed == ["benefit_amount", "funding_sources"]
    programme.refresh_from_db()
    assert programme.benefit_amount == 250_000
    assert list(programme.funding_sources.all()) == [apbn]
    assert services.programme_update(actor=staff_blora, programme=programme, data={"benefit_amount": 250_000}) == []


def test_an_office_of_another_regency_cannot_change_the_programme(staff_pasuruan, programme):
    with pytest.raises(ApplicationError) as err:
        services.programme_update(actor=staff_pasuruan, programme=programme, data={"benefit_amount": 1})
    assert err.value.code == "forbidden"


def test_staff_cannot_move_a_programme_to_another_regency(staff_blora, programme):
    with pytest.raises(ApplicationError) as err:
        services.programme_update(actor=staff_blora, programme=programme, data={"office": PASURUAN})
    assert err.value.code == "forbidden"
    programme.refresh_from_db()
    assert programme.office_id == BLORA
