"""services.household_create: a new KK with its head, validated, in the actor's scope, audited."""

import pytest

from berdaya.core.errors import ApplicationError
from berdaya.registry import services
from berdaya.registry.codes import Relationship
from berdaya.registry.models import Household, Person, ReviewFlag
from tests import factories
from tests.conftest import DISTRICT_A, VILLAGE_A, VILLAGE_A2, VILLAGE_B


def household_data(village=VILLAGE_A, **extra):
    return {"kk_number": factories.kk_for(village=village), "village": village, "address": "Jl. Pemuda 7",
            "rt": "003", "rw": "001", **extra}


def create(actor, village=VILLAGE_A, head=None, **extra):
    head = head or factories.person_data(village=village, name="Sutrisno", relationship=Relationship.HEAD)
    return services.household_create(actor=actor, data=household_data(village, **extra), head=head)


def test_it_registers_a_household_with_its_head(staff_blora):
    household = create(staff_blora)
    head = household.members.get()
    assert head.relationship == Relationship.HEAD
    assert (household.member_count, household.head_name, household.village_id) == (1, "Sutrisno", VILLAGE_A)


def test_the_head_is_the_head_whatever_relationship_the_form_sent(staff_blora):
    head = factories.person_data(village=VILLAGE_A, relationship=Relationship.CHILD)
    assert create(staff_blora, head=head).members.get().relationship == Relationship.HEAD


def test_it_writes_an_audit_record_for_the_household_and_its_head_with_the_actor(staff_blora):
    household = create(staff_blora)
    assert factories.audit_trail(Household, id=household.pk) == [("registry.household.created", "staf_blora")]
    assert factories.audit_trail(Person, household_id=household.pk) == [("registry.person.created", "staf_blora")]


def test_an_operator_registers_in_their_own_village_only(operator_desa_a):
    create(operator_desa_a, VILLAGE_A)
    before = factories.audit_counts()
    with pytest.raises(ApplicationError) as exc:
        create(operator_desa_a, VILLAGE_A2)
    assert exc.value.code == "forbidden"
    assert factories.audit_counts() == before


def test_an_auditor_cannot_register_a_household(auditor_blora):
    with pytest.raises(ApplicationError) as exc:
        create(auditor_blora)
    assert exc.value.code == "forbidden"
    assert not Household.objects.exists()


def test_the_village_must_be_a_village(staff_blora):
    data = household_data(kk_number=factories.kk_for(village=VILLAGE_A)) | {"village": DISTRICT_A}
    with pytest.raises(ApplicationError) as exc:
        services.household_create(actor=staff_blora, data=data, head=factories.person_data(village=VILLAGE_A))
    assert exc.value.field == "village"


def test_it_refuses_a_kk_whose_first_six_digits_are_not_a_district_and_writes_nothing(staff_blora):
    before = factories.audit_counts()
    with pytest.raises(ApplicationError) as exc:
        create(staff_blora, kk_number="3316990000000001")
    assert exc.value.field == "kk_number"
    assert "33.16.99" in exc.value.message
    assert factories.audit_counts() == before


def test_it_refuses_a_kk_number_already_registered(household_a, staff_blora):
    with pytest.raises(ApplicationError) as exc:
        create(staff_blora, kk_number=household_a.kk_number)
    assert (exc.value.field, exc.value.code) == ("kk_number", "duplicate")


def test_it_stores_the_cleaned_kk_number(staff_blora):
    household = create(staff_blora, kk_number="'3316 0100\u200b0000 4242")
    assert household.kk_number == "3316010000004242"


def test_a_head_whose_nik_belongs_to_a_living_person_leaves_no_household_and_no_history(household_a, staff_blora):
    taken = household_a.members.get().nik
    head = factories.person_data(village=VILLAGE_B, relationship=Relationship.HEAD, nik=taken)
    before = factories.audit_counts()
    with pytest.raises(ApplicationError) as exc:
        create(staff_blora, VILLAGE_B, head=head)
    assert (exc.value.field, exc.value.code) == ("nik", "duplicate")
    assert factories.audit_counts() == before


def test_a_head_without_a_nik_is_registered_and_flagged_for_follow_up(staff_blora):
    household = create(staff_blora, head=factories.person_data(village=VILLAGE_A, nik=""))
    flag = household.flags.get()
    assert (flag.code, flag.person.nik) == (ReviewFlag.Code.NIK_MISSING, "")
    assert household.open_flag_count == 1
    assert factories.audit_trail(ReviewFlag, id=flag.pk) == [("registry.flag.opened", "staf_blora")]
