"""assignment_create: Dinsos gives a verifier a work list over an area inside the verifier's own area."""

import pytest

from berdaya.core.errors import ApplicationError
from berdaya.verification import services
from berdaya.verification.models import Assignment, Source
from tests.conftest import DISTRICT_A, DISTRICT_B, VILLAGE_A, VILLAGE_A2
from tests.factories import audit_trail
from tests.verification.conftest import YEAR


def _create(actor, verifier, region=DISTRICT_A, **extra):
    data = {"name": "Verval UEP Jati", "region": region, "verifier": verifier, "source": Source.PROPOSALS}
    data.update(extra)
    return services.assignment_create(actor=actor, **data)


def test_it_creates_an_assignment_for_a_verifier_of_the_area_and_audits_it(staff_blora, verifier_a, uep):
    assignment = _create(staff_blora, verifier_a, programme=uep, fiscal_year=YEAR)
    assert (assignment.region_id, assignment.verifier, assignment.status) == (DISTRICT_A, verifier_a, "open")
    assert (assignment.programme, assignment.fiscal_year, assignment.created_by) == (uep, YEAR, staff_blora)
    assert audit_trail(Assignment, id=assignment.pk) == [("verification.assignment.created", "staf_blora")]


def test_a_village_inside_the_verifiers_district_is_accepted(staff_blora, verifier_a):
    assert _create(staff_blora, verifier_a, region=VILLAGE_A).region_id == VILLAGE_A


def test_it_refuses_a_verifier_of_another_district(staff_blora, verifier_kecamatan_b):
    with pytest.raises(ApplicationError) as exc:
        _create(staff_blora, verifier_kecamatan_b, region=DISTRICT_A)
    assert exc.value.field == "verifier"
    assert not Assignment.objects.exists()


def test_it_refuses_an_area_wider_than_the_verifiers(staff_blora, verifier_village_a):
    with pytest.raises(ApplicationError) as exc:
        _create(staff_blora, verifier_village_a, region=DISTRICT_A)
    assert exc.value.field == "verifier"
    assert _create(staff_blora, verifier_village_a, region=VILLAGE_A).pk
    with pytest.raises(ApplicationError):
        _create(staff_blora, verifier_village_a, region=VILLAGE_A2)


def test_it_refuses_a_person_who_does_not_verify(staff_blora, operator_desa_a):
    with pytest.raises(ApplicationError) as exc:
        _create(staff_blora, operator_desa_a, region=VILLAGE_A)
    assert exc.value.field == "verifier"


def test_it_refuses_a_deactivated_verifier(staff_blora, verifier_a):
    verifier_a.is_active = False
    verifier_a.save()
    with pytest.raises(ApplicationError):
        _create(staff_blora, verifier_a)


def test_only_who_assigns_over_the_area_may_create(verifier_a, kadis, staff_pasuruan):
    for actor in (verifier_a, kadis, staff_pasuruan):
        with pytest.raises(ApplicationError) as exc:
            _create(actor, verifier_a)
        assert exc.value.code == "forbidden"


def test_a_programme_needs_its_year_and_must_be_of_the_areas_office(staff_blora, verifier_a, uep):
    from berdaya.programmes.models import Programme

    with pytest.raises(ApplicationError) as exc:
        _create(staff_blora, verifier_a, programme=uep)
    assert exc.value.field == "fiscal_year"
    other = Programme.objects.create(office_id="35.75", code="UEP", name="UEP Pasuruan", kind="business_capital",
                                     frequency="one_off", duration_months=1, benefit_type="kit",
                                     benefit_amount=2_500_000)
    with pytest.raises(ApplicationError) as exc:
        _create(staff_blora, verifier_a, programme=other, fiscal_year=YEAR)
    assert exc.value.field == "programme"


def test_it_needs_a_name_and_a_known_source(staff_blora, verifier_a):
    with pytest.raises(ApplicationError) as exc:
        _create(staff_blora, verifier_a, name="  ")
    assert exc.value.field == "name"
    with pytest.raises(ApplicationError) as exc:
        _create(staff_blora, verifier_a, source="rumour")
    assert exc.value.field == "source"


def test_a_verifier_of_district_b_can_be_given_district_b(staff_blora, verifier_kecamatan_b):
    assert _create(staff_blora, verifier_kecamatan_b, region=DISTRICT_B).verifier == verifier_kecamatan_b
