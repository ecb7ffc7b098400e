"""services.person_add: a member joins a KK — validated, one head, NIK free among the living, audited, atomic."""

from datetime import date

import pytest

from berdaya.core.errors import ApplicationError
from berdaya.registry import services
from berdaya.registry.codes import Relationship
from berdaya.registry.models import Household, Person, ReviewFlag
from tests import factories
from tests.conftest import VILLAGE_A, VILLAGE_B


def add(actor, household, **data):
    data = factories.person_data(village=VILLAGE_A, **data)
    return services.person_add(actor=actor, household=household, data=data)


def test_it_adds_a_member_and_counts_them(household_a, staff_blora):
    person = add(staff_blora, household_a, name="Sri  Wahyuni ", sex="P", birth_date=date(1984, 1, 9),
                 relationship=Relationship.WIFE)
    assert (person.household_id, person.name, person.relationship) == (household_a.pk, "Sri Wahyuni",
                                                                       Relationship.WIFE)
    assert Household.objects.get(pk=household_a.pk).member_count == 2


def test_it_writes_an_audit_record_with_the_actor_and_the_action(household_a, operator_desa_a):
    person = add(operator_desa_a, household_a)
    assert factories.audit_trail(Person, id=person.pk) == [("registry.person.created", "operator_desa_a")]


def test_a_duplicate_nik_is_refused_and_leaves_no_person_and_no_history(household_a, staff_blora):
    taken = household_a.members.get().nik
    before = factories.audit_counts()
    with pytest.raises(ApplicationError) as exc:
        add(staff_blora, household_a, name="Orang Lain", nik=taken)
    assert (exc.value.field, exc.value.code) == ("nik", "duplicate")
    assert household_a.kk_number in exc.value.message
    assert factories.audit_counts() == before


def test_a_failure_after_the_writes_rolls_back_the_person_its_flags_and_their_history(household_a, staff_blora,
                                                                                        settings):
    # A misconfigured threshold breaks the household refresh that runs after the member and its flag are saved.
    settings.BERDAYA_BPS_POOR_THRESHOLD = "sembilan"
    before = factories.audit_counts()
    with pytest.raises(TypeError):
        add(staff_blora, household_a, name="Bayi", nik="", birth_date=date(2026, 1, 2))
    assert factories.audit_counts() == before


def test_a_second_head_is_refused(household_a, staff_blora):
    with pytest.raises(ApplicationError) as exc:
        add(staff_blora, household_a, name="Kepala Dua", relationship=Relationship.HEAD)
    assert (exc.value.field, exc.value.code) == ("relationship", "two_heads")
    assert household_a.members.count() == 1


def test_a_person_without_a_nik_is_added_and_flagged_for_follow_up(household_a, operator_desa_a):
    baby = add(operator_desa_a, household_a, name="Bayi Laki", nik="", birth_date=date(2026, 1, 2))
    twin = add(operator_desa_a, household_a, name="Bayi Kembar", nik="", birth_date=date(2026, 1, 2))
    assert baby.nik == twin.nik == ""
    flags = ReviewFlag.objects.filter(code=ReviewFlag.Code.NIK_MISSING, resolved_at__isnull=True)
    assert {f.person_id for f in flags} == {baby.pk, twin.pk}
    assert factories.audit_trail(ReviewFlag, person=baby) == [("registry.flag.opened", "operator_desa_a")]
    assert Household.objects.get(pk=household_a.pk).open_flag_count == 2


def test_a_birth_date_that_disagrees_with_the_nik_is_accepted_with_a_review_flag(household_a, staff_blora):
    data = factories.person_data(village=VILLAGE_A, name="Siti", sex="P", birth_date=date(2001, 3, 4))
    data["birth_date"] = date(2001, 3, 5)
    person = services.person_add(actor=staff_blora, household=household_a, data=data)
    flag = ReviewFlag.objects.get(person=person)
    assert flag.code == ReviewFlag.Code.NIK_BIRTHDATE_MISMATCH
    assert "04/03/01" in flag.message and "05/03/2001" in flag.message


def test_a_sex_that_disagrees_with_the_nik_is_accepted_with_a_review_flag(household_a, staff_blora):
    data = factories.person_data(village=VILLAGE_A, name="Siti", sex="P", birth_date=date(2001, 3, 4))
    data["sex"] = "L"
    person = services.person_add(actor=staff_blora, household=household_a, data=data)
    assert ReviewFlag.objects.get(person=person).code == ReviewFlag.Code.NIK_SEX_MISMATCH


def test_a_nik_from_another_region_is_accepted_because_niks_do_not_move(household_a, staff_blora):
    nik = factories.nik_for(village="65.01.01.2001", birth_date=date(1980, 5, 17), sex="L")
    assert add(staff_blora, household_a, nik=nik).nik == nik


@pytest.mark.parametrize(("field", "data"), [
    ("nik", {"nik": "3.31601E+15"}),
    ("nik", {"nik": "331601170580001"}),
    ("birth_date", {"nik": "", "birth_date": date(2999, 1, 1)}),
    ("sex", {"sex": "X"}),
])
def test_invalid_data_is_refused_on_its_field_and_writes_nothing(household_a, staff_blora, field, data):
    before = factories.audit_counts()
    with pytest.raises(ApplicationError) as exc:
        add(staff_blora, household_a, **data)
    assert exc.value.field == field
    assert factories.audit_counts() == before


def test_only_users_who_may_edit_that_village_can_add(household_a, household_b, operator_desa_a, auditor_blora):
    with pytest.raises(ApplicationError):
        services.person_add(actor=operator_desa_a, household=household_b,
                            data=factories.person_data(village=VILLAGE_B))
    with pytest.raises(ApplicationError):
        add(auditor_blora, household_a)
    assert Person.objects.count() == 2
