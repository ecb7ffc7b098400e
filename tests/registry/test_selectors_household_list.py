"""registry.selectors.household_list: search (name index of migration 0002, NIK, KK), region filter, scope."""

from datetime import date

import pytest
from django.db import connection

from berdaya.core.permissions import Role
from berdaya.registry import codes, selectors, services
from berdaya.registry.models import Person
from tests import factories
from tests.conftest import BLORA, DISTRICT_A, VILLAGE_A, VILLAGE_A2, VILLAGE_B


def _kks(user, **filters) -> set[str]:
    return set(selectors.household_list(user=user, filters=selectors.HouseholdFilters(**filters))
               .values_list("kk_number", flat=True))


@pytest.fixture
def household_a2(staff_blora):
    return factories.household(actor=staff_blora, village=VILLAGE_A2, head_name="Painem")


@pytest.fixture
def wahyuni(staff_blora, household_a):
    data = factories.person_data(village=VILLAGE_A, name="Sri Wahyuni", sex="P", birth_date=date(1990, 4, 5),
                                 relationship=3)
    return services.person_add(actor=staff_blora, household=household_a, data=data)


def test_the_name_index_and_its_triggers_exist_after_migrations(db):
    # A later migration that rebuilds registry_person on SQLite drops the triggers (see migration 0002).
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'registry_person'")
            triggers = {row[0] for row in cursor.fetchall()}
            assert triggers >= set(selectors._SQLITE_NAMES_OBJECTS[1:])
            assert selectors._sqlite_names_ready()
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = 'registry_person'::regclass")
            assert {row[0] for row in cursor.fetchall()} >= {"registry_household_names_sync",
                                                             "registry_household_names_truncate"}


def test_it_finds_a_household_by_any_members_name_fragment(staff_blora, wahyuni, household_a, household_b):
    assert _kks(staff_blora, q="wahyu") == {household_a.kk_number}
    assert _kks(staff_blora, q="sutrisno") == {household_a.kk_number, household_b.kk_number}  # the heads
    assert _kks(staff_blora, q="SRI  wahy") == {household_a.kk_number}


def test_a_fragment_never_spans_two_members(staff_blora, wahyuni, household_a):
    # The index holds "sutrisno sriwahyuni": "nosri" is in neither name.
    assert _kks(staff_blora, q="nosri") == set()


@pytest.mark.parametrize("fragment", ["ah", "w"])
def test_it_finds_fragments_shorter_than_a_trigram(staff_blora, wahyuni, household_a, household_b, fragment):
    assert household_a.kk_number in _kks(staff_blora, q=fragment)


def test_a_renamed_member_is_found_by_the_new_name_only(staff_blora, wahyuni, household_a):
    services.person_update(actor=staff_blora, person=wahyuni, data={"name": "Sri Lestari"})
    assert _kks(staff_blora, q="lestari") == {household_a.kk_number}
    assert _kks(staff_blora, q="wahyuni") == set()


def test_a_moved_member_is_found_in_the_new_household_only(staff_blora, wahyuni, household_a, household_a2):
    services.person_move(actor=staff_blora, person=wahyuni, to_household=household_a2,
                         relationship=codes.Relationship.OTHER_RELATIVE)
    assert _kks(staff_blora, q="wahyuni") == {household_a2.kk_number}
    assert _kks(staff_blora, q="sutrisno") == {household_a.kk_number}


def test_a_deleted_member_is_no_longer_found(staff_blora, wahyuni, household_a):
    Person.objects.filter(pk=wahyuni.pk).delete()
    assert _kks(staff_blora, q="wahyuni") == set()
    assert _kks(staff_blora, q="sutrisno") == {household_a.kk_number}


def test_many_matches_give_the_same_households_as_few(staff_blora, wahyuni, household_a, household_a2,
                                                      household_b, monkeypatch):
    as_list = _kks(staff_blora, q="i")
    monkeypatch.setattr(selectors, "NAME_MATCHES_AS_LIST", 1)  # past it, the search is a subquery
    assert _kks(staff_blora, q="i") == as_list
    assert _kks(staff_blora, q="painem") == {household_a2.kk_number}


def test_it_finds_a_household_by_nik_or_kk_prefix(staff_blora, wahyuni, household_a, household_b):
    assert _kks(staff_blora, q=wahyuni.nik[:12]) == {household_a.kk_number}
    assert household_b.kk_number in _kks(staff_blora, q=household_b.kk_number[:10])


def test_a_region_holds_its_villages_and_no_sibling(staff_blora, household_a, household_a2, household_b):
    assert _kks(staff_blora, region=DISTRICT_A) == {household_a.kk_number, household_a2.kk_number}
    assert _kks(staff_blora, region=VILLAGE_A) == {household_a.kk_number}
    assert _kks(staff_blora, region=BLORA) == {household_a.kk_number, household_a2.kk_number,
                                                household_b.kk_number}


def test_a_district_scoped_user_sees_only_their_district(verifier_kecamatan_b, household_a, household_b):
    assert _kks(verifier_kecamatan_b) == {household_b.kk_number}
    assert _kks(verifier_kecamatan_b, region=DISTRICT_A) == set()


def test_a_user_with_two_regions_sees_both(household_a, household_a2, household_b):
    user = factories.user_without_password(username="dua_desa", role=Role.VILLAGE_OPERATOR, region=VILLAGE_A)
    user.role_assignments.create(role=Role.VILLAGE_OPERATOR, region_id=VILLAGE_B)
    assert _kks(user) == {household_a.kk_number, household_b.kk_number}


def test_the_list_is_ordered_by_village_then_kk(staff_blora, household_a, household_a2, household_b):
    rows = list(selectors.household_list(user=staff_blora, filters=selectors.HouseholdFilters())
                .values_list("village_id", "kk_number"))
    assert rows == sorted(rows)
