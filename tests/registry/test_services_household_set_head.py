"""services.household_set_head: exactly one head per KK; the swap is audited on both people."""

from datetime import date

import pytest

from berdaya.core.errors import ApplicationError
from berdaya.registry import services
from berdaya.registry.codes import PersonStatus, Relationship
from berdaya.registry.models import Household, Person, ReviewFlag
from tests import factories
from tests.conftest import VILLAGE_A


@pytest.fixture
def wife(household_a, staff_blora):
    data = factories.person_data(village=VILLAGE_A, name="Sri Wahyuni", sex="P", birth_date=date(1984, 1, 9),
                                 relationship=Relationship.WIFE)
    return services.person_add(actor=staff_blora, household=household_a, data=data)


def living_heads(household):
    return list(household.members.filter(relationship=Relationship.HEAD, status=PersonStatus.ALIVE))


def test_setting_a_new_head_swaps_the_roles(household_a, wife, operator_desa_a):
    former = household_a.members.get(relationship=Relationship.HEAD)
    services.household_set_head(actor=operator_desa_a, household=household_a, new_head=wife,
                                former_head_relationship=Relationship.HUSBAND)
    assert living_heads(household_a) == [wife]
    assert Person.objects.get(pk=former.pk).relationship == Relationship.HUSBAND
    household_a.refresh_from_db()
    assert (household_a.head_name, household_a.vul_woman_headed) == ("Sri Wahyuni", True)


def test_the_swap_is_audited_on_both_people_with_the_actor(household_a, wife, operator_desa_a):
    former = household_a.members.get(relationship=Relationship.HEAD)
    services.household_set_head(actor=operator_desa_a, household=household_a, new_head=wife,
                                former_head_relationship=Relationship.HUSBAND)
    assert factories.audit_trail(Person, id=former.pk)[-1] == ("registry.person.head_replaced", "operator_desa_a")
    assert factories.audit_trail(Person, id=wife.pk)[-1] == ("registry.person.head_assigned", "operator_desa_a")


def test_the_former_head_cannot_stay_head(household_a, wife, staff_blora):
    with pytest.raises(ApplicationError) as exc:
        services.household_set_head(actor=staff_blora, household=household_a, new_head=wife,
                                    former_head_relationship=Relationship.HEAD)
    assert exc.value.field == "former_head_relationship"
    assert len(living_heads(household_a)) == 1


def test_the_new_head_must_be_a_living_member_of_this_kk(household_a, household_b, wife, staff_blora):
    stranger = household_b.members.get()
    with pytest.raises(ApplicationError):
        services.household_set_head(actor=staff_blora, household=household_a, new_head=stranger,
                                    former_head_relationship=Relationship.HUSBAND)
    services.person_mark_deceased(actor=staff_blora, person=wife, on=date(2026, 1, 2))
    wife.refresh_from_db()
    before = factories.audit_counts()
    with pytest.raises(ApplicationError):
        services.household_set_head(actor=staff_blora, household=household_a, new_head=wife,
                                    former_head_relationship=Relationship.HUSBAND)
    assert factories.audit_counts() == before


def test_when_the_head_dies_the_household_is_flagged_until_a_new_head_is_set(household_a, wife, operator_desa_a):
    former = household_a.members.get(relationship=Relationship.HEAD)
    services.person_mark_deceased(actor=operator_desa_a, person=former, on=date(2026, 1, 2))
    flag = ReviewFlag.objects.get(household=household_a, code=ReviewFlag.Code.HEAD_MISSING)
    assert flag.resolved_at is None
    assert Household.objects.get(pk=household_a.pk).head_name == ""
    services.household_set_head(actor=operator_desa_a, household=household_a, new_head=wife,
                                former_head_relationship=Relationship.HUSBAND)
    flag.refresh_from_db()
    assert flag.resolved_at is not None
    assert factories.audit_trail(ReviewFlag, id=flag.pk) == [
        ("registry.flag.opened", "operator_desa_a"), ("registry.flag.resolved", "operator_desa_a")]
    # The dead former head keeps the relationship they died with; only the living count as heads.
    assert living_heads(household_a) == [wife]


def test_an_operator_of_another_village_cannot_set_the_head(household_a, wife, operator_desa_b):
    with pytest.raises(ApplicationError) as exc:
        services.household_set_head(actor=operator_desa_b, household=household_a, new_head=wife,
                                    former_head_relationship=Relationship.HUSBAND)
    assert exc.value.code == "forbidden"
    assert living_heads(household_a)[0].name == "Sutrisno"



def test_setting_the_head_does_not_undo_edits_made_since_the_member_was_loaded(household_a, wife, staff_blora):
    services.person_update(actor=staff_blora, person=wife, data={"phone": "0812345", "disability": "fisik"})
    services.household_set_head(actor=staff_blora, household=household_a, new_head=wife,  # `wife` is stale here
                                former_head_relationship=Relationship.HUSBAND)
    fresh = Person.objects.get(pk=wife.pk)
    assert (fresh.relationship, fresh.phone, fresh.disability) == (Relationship.HEAD, "0812345", "fisik")
