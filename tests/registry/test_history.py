"""registry/history.py: the household's history — who, when, which fields from what to what — with NIK masked for
users who may not see identities."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from berdaya.core.identity import make_nik, mask_number
from berdaya.core.permissions import Role
from berdaya.registry import services
from berdaya.registry.codes import Relationship
from berdaya.registry.history import household_history
from berdaya.registry.models import Household
from tests import factories
from tests.conftest import VILLAGE_A


@pytest.fixture
def mentor_a(db):
    return factories.user_without_password(username="pendamping_jati", role=Role.MENTOR, region=VILLAGE_A)


@pytest.fixture
def son(household_a, staff_blora):
    data = factories.person_data(village=VILLAGE_A, name="Agus", birth_date=date(2005, 8, 1),
                                 relationship=Relationship.CHILD, nik=make_nik(
                                     district_code="33.16.01", birth_date=date(2005, 8, 1), sex="L", serial=7001))
    return services.person_add(actor=staff_blora, household=household_a, data=data)


def entries(user, household, action):
    return [e for e in household_history(user=user, household=household) if e.action == action]


def test_an_edit_shows_who_when_and_each_field_from_what_to_what(household_a, operator_desa_a):
    before = timezone.now()
    services.household_update(actor=operator_desa_a, household=household_a,
                              data={"address": "Jl. Baru 5", "rt": "004"})
    [entry] = entries(operator_desa_a, household_a, "registry.household.updated")
    assert entry.who == "operator desa a"
    assert isinstance(entry.when, datetime) and before <= entry.when <= timezone.now()
    assert entry.action_label == "Data keluarga diubah"
    assert {(c.field, c.label, c.old, c.new) for c in entry.changes} == {
        ("address", "alamat", "Jl. Raya Jati No. 3", "Jl. Baru 5"), ("rt", "RT", "001", "004")}


def test_coded_values_are_shown_by_their_labels(son, operator_desa_a):
    services.person_update(actor=operator_desa_a, person=son, data={"marital_status": 1, "education": 5})
    [entry] = entries(operator_desa_a, son.household, "registry.person.updated")
    assert entry.subject == "Agus"
    assert {(c.field, c.old, c.new) for c in entry.changes} == {
        ("marital_status", "Kawin", "Belum Kawin"), ("education", "Tamat SD/Sederajat", "SLTA/Sederajat")}


def test_the_history_holds_the_household_its_members_and_its_flags_newest_first(son, household_a, staff_blora):
    services.person_update(actor=staff_blora, person=son, data={"nik": ""})
    history = household_history(user=staff_blora, household=household_a)
    assert [e.action for e in history] == [
        "registry.flag.opened", "registry.person.updated", "registry.person.created", "registry.person.created",
        "registry.household.created"]
    assert [e.when for e in history] == sorted((e.when for e in history), reverse=True)
    assert {e.kind for e in history} == {"household", "person", "flag"}


def test_a_user_who_may_see_identities_sees_the_full_nik_change(son, operator_desa_a):
    old = son.nik
    new = make_nik(district_code="33.16.01", birth_date=date(2005, 8, 1), sex="L", serial=7002)
    services.person_update(actor=operator_desa_a, person=son, data={"nik": new})
    [entry] = entries(operator_desa_a, son.household, "registry.person.updated")
    [change] = entry.changes
    assert (change.field, change.old, change.new) == ("nik", old, new)


def test_a_user_without_the_identity_permission_sees_the_nik_masked(son, operator_desa_a, mentor_a):
    old = son.nik
    new = make_nik(district_code="33.16.01", birth_date=date(2005, 8, 1), sex="L", serial=7002)
    services.person_update(actor=operator_desa_a, person=son, data={"nik": new, "monthly_income": 1_200_000,
                                                                    "phone": "081234567890"})
    [entry] = entries(mentor_a, son.household, "registry.person.updated")
    shown = {c.field: (c.old, c.new) for c in entry.changes}
    assert shown["nik"] == (old[:4] + "*" * 8 + old[-4:], new[:4] + "*" * 8 + new[-4:])
    assert shown["monthly_income"] == ("•••", "•••")
    assert shown["phone"][1] == "0812****7890"
    rendered = repr(household_history(user=mentor_a, household=son.household))
    assert old not in rendered and new not in rendered and "1200000" not in rendered


def test_a_kk_number_change_is_masked_too(household_a, operator_desa_a, mentor_a):
    old = household_a.kk_number
    services.household_update(actor=operator_desa_a, household=household_a, data={"kk_number": "3316010000009999"})
    [entry] = entries(mentor_a, household_a, "registry.household.updated")
    [change] = entry.changes
    assert (change.old, change.new) == (old[:4] + "********" + old[-4:], "3316********9999")


def test_a_member_who_moved_in_shows_their_earlier_changes_and_the_move(son, household_a, staff_blora):
    other = factories.household(actor=staff_blora, village=VILLAGE_A, head_name="Bambang")
    services.person_move(actor=staff_blora, person=son, to_household=other, relationship=Relationship.OTHER_RELATIVE)
    for household in (household_a, other):
        actions = [(e.subject, e.action) for e in household_history(user=staff_blora, household=household)]
        assert ("Agus", "registry.person.moved") in actions
        assert ("Agus", "registry.person.created") in actions
    [move] = entries(staff_blora, other, "registry.person.moved")
    assert {(c.field, c.old, c.new) for c in move.changes} == {
        ("household", f"KK {household_a.kk_number}", f"KK {other.kk_number}"),
        ("relationship", "Anak", "Famili Lain")}


def test_a_move_shows_the_kk_numbers_masked_for_a_user_without_the_identity_permission(son, household_a, staff_blora,
                                                                                        mentor_a):
    other = factories.household(actor=staff_blora, village=VILLAGE_A, head_name="Bambang")
    services.person_move(actor=staff_blora, person=son, to_household=other, relationship=Relationship.OTHER_RELATIVE)
    [move] = entries(mentor_a, other, "registry.person.moved")
    [(old, new)] = [(c.old, c.new) for c in move.changes if c.field == "household"]
    assert (old, new) == (f"KK {mask_number(household_a.kk_number)}", f"KK {mask_number(other.kk_number)}")


def test_dates_and_money_are_shown_as_everywhere_else(son, staff_blora):
    services.person_update(actor=staff_blora, person=son, data={"birth_date": date(2005, 8, 2),
                                                                "monthly_income": 1_250_000})
    [entry] = entries(staff_blora, son.household, "registry.person.updated")
    shown = {c.field: (c.old, c.new) for c in entry.changes}
    assert shown["birth_date"] == ("01/08/2005", "02/08/2005")
    assert shown["monthly_income"] == ("Rp 900.000", "Rp 1.250.000")


def test_a_flag_resolution_shows_who_resolved_it_and_the_note(son, staff_blora, operator_desa_a):
    services.person_update(actor=staff_blora, person=son, data={"birth_date": date(2005, 8, 2)})
    flag = son.flags.get()
    services.flag_resolve(actor=operator_desa_a, flag=flag, note="Akta lahir: 2 Agustus")
    [entry] = entries(staff_blora, son.household, "registry.flag.resolved")
    assert entry.who == "operator desa a"
    assert entry.subject == "Tanggal lahir tidak sesuai NIK"
    shown = {c.field: (c.old, c.new) for c in entry.changes}
    assert shown["resolution_note"] == ("–", "Akta lahir: 2 Agustus")
    assert shown["resolved_by"] == ("–", "operator desa a")


def test_a_change_without_an_actor_is_shown_as_made_by_the_system(household_a, staff_blora):
    household = Household.objects.get(pk=household_a.pk)  # e.g. a background job saving with an audit reason
    household.address = "Diubah oleh tugas latar"
    household._change_reason = "registry.household.updated"
    household.save()
    [entry] = entries(staff_blora, household_a, "registry.household.updated")
    assert entry.who == "Sistem"
    assert entry.when > timezone.now() - timedelta(minutes=1)
