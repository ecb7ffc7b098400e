"""services.household_update: validated, in scope, audited with the fields that changed."""

import pytest

from berdaya.core.errors import ApplicationError
from berdaya.registry import services
from berdaya.registry.models import BPS_FIELDS, Household
from tests import factories
from tests.conftest import VILLAGE_A2, VILLAGE_B


def test_it_changes_the_household_and_returns_the_changed_fields(household_a, staff_blora):
    changed = services.household_update(actor=staff_blora, household=household_a,
                                        data={"address": "Jl. Baru 5", "rt": "001", "monthly_income": 750_000})
    assert changed == ["address", "monthly_income"]
    household_a.refresh_from_db()
    assert (household_a.address, household_a.monthly_income) == ("Jl. Baru 5", 750_000)


def test_it_writes_an_audit_record_with_the_actor_and_the_old_and_new_values(household_a, operator_desa_a):
    services.household_update(actor=operator_desa_a, household=household_a, data={"address": "Jl. Baru 5"})
    assert factories.audit_trail(Household, id=household_a.pk) == [
        ("registry.household.created", "staf_blora"), ("registry.household.updated", "operator_desa_a")]
    new, old = household_a.history.all()[:2]
    [change] = new.diff_against(old).changes
    assert (change.field, change.old, change.new) == ("address", "Jl. Raya Jati No. 3", "Jl. Baru 5")


def test_saving_without_a_change_writes_no_audit_record(household_a, staff_blora):
    assert services.household_update(actor=staff_blora, household=household_a,
                                      data={"address": household_a.address}) == []
    assert household_a.history.count() == 1


def test_it_refuses_a_kk_of_an_unknown_district_and_keeps_the_old_one(household_a, staff_blora):
    before = factories.audit_counts()
    with pytest.raises(ApplicationError) as exc:
        services.household_update(actor=staff_blora, household=household_a,
                                  data={"kk_number": "3316990000000001", "address": "Jl. Lain"})
    assert exc.value.field == "kk_number"
    assert factories.audit_counts() == before
    assert Household.objects.get(pk=household_a.pk).address == "Jl. Raya Jati No. 3"


def test_it_refuses_the_kk_number_of_another_household(household_a, household_b, staff_blora):
    with pytest.raises(ApplicationError) as exc:
        services.household_update(actor=staff_blora, household=household_a, data={"kk_number": household_b.kk_number})
    assert exc.value.code == "duplicate"


def test_an_operator_cannot_edit_a_household_of_another_village(household_b, operator_desa_a):
    with pytest.raises(ApplicationError) as exc:
        services.household_update(actor=operator_desa_a, household=household_b, data={"address": "X"})
    assert exc.value.code == "forbidden"
    assert household_b.history.count() == 1


def test_an_operator_cannot_move_their_household_to_another_village(household_a, operator_desa_a):
    with pytest.raises(ApplicationError):
        services.household_update(actor=operator_desa_a, household=household_a, data={"village": VILLAGE_A2})
    with pytest.raises(ApplicationError):
        services.household_update(actor=operator_desa_a, household=household_a, data={"village": VILLAGE_B})
    assert Household.objects.get(pk=household_a.pk).village_id == household_a.village_id


def test_the_auditor_cannot_edit(household_a, auditor_blora):
    with pytest.raises(ApplicationError) as exc:
        services.household_update(actor=auditor_blora, household=household_a, data={"address": "X"})
    assert exc.value.code == "forbidden"


def test_the_bps_criteria_met_are_counted_again(household_a, staff_blora):
    services.household_update(actor=staff_blora, household=household_a,
                              data={name: True for name in BPS_FIELDS[:9]} | {BPS_FIELDS[9]: False})
    household_a.refresh_from_db()
    assert (household_a.bps_criteria_met, household_a.vul_bps_poor) == (9, True)
    services.household_update(actor=staff_blora, household=household_a, data={BPS_FIELDS[0]: False})
    household_a.refresh_from_db()
    assert (household_a.bps_criteria_met, household_a.vul_bps_poor) == (8, False)
