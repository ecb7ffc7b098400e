"""services.person_move: a member moves to another KK; the head cannot leave others behind; audited."""

from datetime import date

import pytest

from berdaya.core.errors import ApplicationError
from berdaya.registry import services
from berdaya.registry.codes import Relationship
from berdaya.registry.models import Household, Person, ReviewFlag
from tests import factories
from tests.conftest import VILLAGE_A


@pytest.fixture
def daughter(household_a, staff_blora):
    data = factories.person_data(village=VILLAGE_A, name="Rina", sex="P", birth_date=date(2000, 4, 4),
                                 relationship=Relationship.CHILD)
    return services.person_add(actor=staff_blora, household=household_a, data=data)


@pytest.fixture
def other_household_a(staff_blora):
    return factories.household(actor=staff_blora, village=VILLAGE_A, head_name="Bambang")


def test_a_member_moves_to_another_kk_with_a_new_relationship(daughter, household_a, other_household_a,
                                                              operator_desa_a):
    services.person_move(actor=operator_desa_a, person=daughter, to_household=other_household_a,
                         relationship=Relationship.WIFE)
    daughter.refresh_from_db()
    assert (daughter.household_id, daughter.relationship) == (other_household_a.pk, Relationship.WIFE)
    assert Household.objects.get(pk=household_a.pk).member_count == 1
    assert Household.objects.get(pk=other_household_a.pk).member_count == 2


def test_the_move_is_audited_with_the_actor(daughter, other_household_a, operator_desa_a):
    services.person_move(actor=operator_desa_a, person=daughter, to_household=other_household_a,
                         relationship=Relationship.WIFE)
    assert factories.audit_trail(Person, id=daughter.pk)[-1] == ("registry.person.moved", "operator_desa_a")
    new, old = daughter.history.all()[:2]
    assert {c.field for c in new.diff_against(old).changes} == {"household", "relationship"}


def test_the_head_cannot_move_out_while_others_remain(daughter, household_a, other_household_a, staff_blora):
    head = household_a.members.get(relationship=Relationship.HEAD)
    before = factories.audit_counts()
    with pytest.raises(ApplicationError) as exc:
        services.person_move(actor=staff_blora, person=head, to_household=other_household_a,
                             relationship=Relationship.HUSBAND)
    assert exc.value.code == "head_move"
    assert factories.audit_counts() == before


def test_a_head_living_alone_can_move(household_a, other_household_a, staff_blora):
    head = household_a.members.get()
    services.person_move(actor=staff_blora, person=head, to_household=other_household_a,
                         relationship=Relationship.PARENT)
    assert Household.objects.get(pk=household_a.pk).member_count == 0
    assert not ReviewFlag.objects.filter(code=ReviewFlag.Code.HEAD_MISSING).exists()


def test_a_member_cannot_join_as_a_second_head(daughter, other_household_a, staff_blora):
    with pytest.raises(ApplicationError) as exc:
        services.person_move(actor=staff_blora, person=daughter, to_household=other_household_a,
                             relationship=Relationship.HEAD)
    assert exc.value.code == "two_heads"
    assert Person.objects.get(pk=daughter.pk).household_id == daughter.household_id


def test_moving_to_the_same_kk_is_refused(daughter, household_a, staff_blora):
    with pytest.raises(ApplicationError) as exc:
        services.person_move(actor=staff_blora, person=daughter, to_household=household_a,
                             relationship=Relationship.CHILD)
    assert exc.value.field == "to_household"


def test_an_operator_cannot_move_a_member_into_a_kk_of_another_village(daughter, household_b, operator_desa_a):
    with pytest.raises(ApplicationError) as exc:
        services.person_move(actor=operator_desa_a, person=daughter, to_household=household_b,
                             relationship=Relationship.OTHER)
    assert exc.value.code == "forbidden"
    assert Person.objects.get(pk=daughter.pk).household_id == daughter.household_id


def test_a_deceased_member_cannot_be_moved(daughter, other_household_a, staff_blora):
    services.person_mark_deceased(actor=staff_blora, person=daughter, on=date(2026, 1, 2))
    with pytest.raises(ApplicationError):
        services.person_move(actor=staff_blora, person=daughter, to_household=other_household_a,
                             relationship=Relationship.OTHER)


def test_the_members_open_flags_follow_them(household_a, other_household_a, staff_blora):
    data = factories.person_data(village=VILLAGE_A, name="Tanpa NIK", nik="", birth_date=date(1999, 9, 9))
    person = services.person_add(actor=staff_blora, household=household_a, data=data)
    services.person_move(actor=staff_blora, person=person, to_household=other_household_a,
                         relationship=Relationship.OTHER_RELATIVE)
    assert ReviewFlag.objects.get(person=person).household_id == other_household_a.pk
    assert Household.objects.get(pk=household_a.pk).open_flag_count == 0
    assert Household.objects.get(pk=other_household_a.pk).open_flag_count == 1
