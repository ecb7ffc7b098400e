"""registry.search_index: the name-index triggers suspended during bulk writes, documents rebuilt once, and a
failure leaving triggers and index exactly as before (SQLite and PostgreSQL)."""

from datetime import date

import pytest
from django.db import connection

from berdaya.imports.engine import commit
from berdaya.registry import search_index, selectors, services
from berdaya.registry.models import Person
from tests import factories
from tests.conftest import VILLAGE_A
from tests.imports.conftest import family, person_row, write_csv


class Boom(Exception):
    pass


@pytest.fixture
def always_suspend(monkeypatch):
    """Suspend for writes of any size (PostgreSQL keeps its triggers below POSTGRES_MIN_ROWS people)."""
    monkeypatch.setattr(search_index, "POSTGRES_MIN_ROWS", 0)


def _documents() -> dict[int, str]:
    with connection.cursor() as cursor:
        key = "rowid" if connection.vendor == "sqlite" else "household_id"
        cursor.execute(f"SELECT {key}, names FROM {search_index.NAMES}")  # noqa: S608
        return {row[0]: " ".join(sorted(row[1].split())) for row in cursor.fetchall()}


def _kks(user, q: str) -> set[str]:
    return set(selectors.household_list(user=user, filters=selectors.HouseholdFilters(q=q))
               .values_list("kk_number", flat=True))


def _insert_person(household, name: str) -> None:
    """A raw insert, as bulk writers do (no service, no history)."""
    from django.utils import timezone

    from berdaya.core.text import search_key
    from berdaya.demo.bulk import insert_rows, next_id

    now = timezone.now()
    insert_rows(Person, [{"id": next_id(Person), "household_id": household.pk, "nik": "", "name": name,
                          "name_key": search_key(name), "sex": "P", "birth_date": date(2001, 1, 1),
                          "relationship": 4, "marital_status": 1, "created_at": now, "updated_at": now}])


def test_inside_the_block_the_triggers_are_off_and_the_touched_documents_are_rebuilt_at_the_end(
        always_suspend, household_a):
    with search_index.suspended(rows=1) as names:
        assert names.active and not search_index.triggers_present()
        _insert_person(household_a, "Lestari Handayani")
        assert "lestarihandayani" not in _documents()[household_a.pk]  # no trigger fired
        names.touch([household_a.pk])
    assert search_index.triggers_present()
    assert "lestarihandayani" in _documents()[household_a.pk]


def test_a_block_that_raises_puts_the_triggers_back_and_leaves_the_index_unchanged(always_suspend, staff_blora,
                                                                                   household_a):
    before = _documents()
    with pytest.raises(Boom), search_index.suspended(rows=1) as names:
        _insert_person(household_a, "Lestari Handayani")
        names.touch([household_a.pk])
        raise Boom
    assert search_index.triggers_present()
    assert _documents() == before
    assert not Person.objects.filter(name="Lestari Handayani").exists()
    # The triggers work again: a person added by the service is in the index at once.
    services.person_add(actor=staff_blora, household=household_a, data=factories.person_data(
        village=VILLAGE_A, name="Ratna Kumalasari", sex="P", birth_date=date(1995, 3, 3), relationship=4))
    assert "ratnakumalasari" in _documents()[household_a.pk]


def test_a_small_write_on_a_database_that_asks_for_more_keeps_the_triggers(household_a):
    with search_index.suspended(rows=5, min_rows=10) as names:
        assert not names.active and search_index.triggers_present()
        _insert_person(household_a, "Lestari Handayani")
    assert "lestarihandayani" in _documents()[household_a.pk]


@pytest.mark.parametrize("suspend", [True, False], ids=["suspended", "triggers-on"])
def test_after_an_import_name_search_finds_the_imported_and_renamed_people(
        request, staff_blora, household_a, tmp_path, suspend):
    if suspend:
        request.getfixturevalue("always_suspend")
    head = household_a.members.get()
    rows = family(surname="Wiryawan") + [
        {"NIK": head.nik, "NO_KK": household_a.kk_number, "NAMA": "Sutrisno Hadiwijoyo"},
        person_row(household_a.kk_number, name="Anak Prameswari", rel="4", STATUS_KAWIN="1", NIK="0")]
    path = write_csv(tmp_path / "a.csv", rows, headers=list(rows[0]))
    result = commit(path, actor=staff_blora)
    assert (result.summary.new_persons, result.summary.updated_persons) == (4, 1)
    new_kk = rows[0]["NO_KK"]
    assert _kks(staff_blora, "wiryawan") == {new_kk}
    assert _kks(staff_blora, "hadiwijoyo") == {household_a.kk_number}
    assert _kks(staff_blora, "prameswari") == {household_a.kk_number}
    assert search_index.triggers_present()
    # The documents are what the triggers would have written.
    with connection.cursor() as cursor:
        cursor.execute("SELECT household_id, name_key FROM registry_person")
        expected: dict[int, list[str]] = {}
        for household_id, name_key in cursor.fetchall():
            expected.setdefault(household_id, []).append(name_key)
    assert _documents() == {hid: " ".join(sorted(keys)) for hid, keys in expected.items()}


def test_after_a_failed_import_the_triggers_exist_and_the_index_is_unchanged(
        always_suspend, staff_blora, household_a, tmp_path):
    head = household_a.members.get()
    rows = family(surname="Wiryawan") + [{"NIK": head.nik, "NO_KK": household_a.kk_number,
                                          "NAMA": "Sutrisno Hadiwijoyo"}]
    path = write_csv(tmp_path / "a.csv", rows, headers=list(rows[0]))
    before = _documents()

    def fail_after_the_people(stage, done, total):
        if stage == "write" and Person.objects.filter(name_key__contains="wiryawan").exists():
            raise Boom

    with pytest.raises(Boom):
        commit(path, actor=staff_blora, progress=fail_after_the_people)
    assert search_index.triggers_present()
    assert _documents() == before
    assert _kks(staff_blora, "wiryawan") == set()
