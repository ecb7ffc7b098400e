"""The commit's bulk writes (imports.bulk): audit records copied by the database, SQLite's indexes rebuilt after a
large load, the garbage collector paused only while an import runs."""

import gc

import pytest
from django.db import IntegrityError, connection, transaction

from berdaya.imports import bulk
from berdaya.imports.engine import commit, dry_run
from berdaya.registry.models import Household, Person, ReviewFlag
from tests import factories
from tests.conftest import VILLAGE_A
from tests.imports.conftest import family, person_row, snapshot, write_csv

TABLES = ("registry_person", "registry_household", "registry_reviewflag", "registry_historicalperson",
          "registry_historicalhousehold", "registry_historicalreviewflag")
sqlite_only = pytest.mark.skipif("connection.vendor != 'sqlite'")


def _indexes() -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        marks = ", ".join(["%s"] * len(TABLES))
        cursor.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ({marks})",  # noqa: S608
                       TABLES)
        return set(cursor.fetchall())


@pytest.fixture
def drops(monkeypatch):
    """Every index the commit dropped, with the statement that creates it again."""
    dropped = []
    drop = bulk._drop_indexes

    def recording(cursor, table):
        statements = drop(cursor, table)
        dropped.extend(statements)
        return statements

    monkeypatch.setattr(bulk, "_drop_indexes", recording)
    monkeypatch.setattr(bulk, "DEFER_MIN_ROWS", 1)  # every load of these tests is "large"
    return dropped


@sqlite_only
def test_a_large_load_builds_the_indexes_it_dropped_again_as_they_were(staff_blora, tmp_path, drops):
    before = _indexes()
    result = commit(write_csv(tmp_path / "a.csv", family() + family(members=2)), actor=staff_blora)
    assert result.summary.new_persons == 5
    assert any("person_nik_unique_alive" in sql for sql in drops) and len(drops) > 15
    assert _indexes() == before


@sqlite_only
def test_a_load_smaller_than_the_tables_keeps_their_indexes(staff_blora, household_a, tmp_path, drops):
    factories.household(actor=staff_blora, village=VILLAGE_A)  # two households and two people there
    result = commit(write_csv(tmp_path / "a.csv", family(members=1)), actor=staff_blora)
    assert result.summary.new_persons == 1
    assert drops == []


@sqlite_only
def test_a_large_load_failing_halfway_leaves_rows_and_indexes_as_they_were(staff_blora, household_a, tmp_path,
                                                                           drops):
    indexes, rows = _indexes(), snapshot()

    def progress(stage, done, total):
        if stage == "write" and done >= 4:  # after the households and some people
            raise RuntimeError("injected")

    with pytest.raises(RuntimeError):
        commit(write_csv(tmp_path / "a.csv", family() + family()), actor=staff_blora, progress=progress)
    assert drops
    assert _indexes() == indexes and snapshot() == rows


@sqlite_only
def test_a_duplicate_only_the_rebuilt_unique_index_sees_rolls_everything_back(staff_blora, household_a, drops):
    head = household_a.members.get()
    indexes, rows = _indexes(), snapshot()
    fields = [f for f in Person._meta.concrete_fields if f.column != "id"]
    values = [bulk.adapt(f, getattr(head, f.attname)) for f in fields]
    # Straight into the table, as no service would: the same living NIK twice.
    names, marks = ", ".join(f.column for f in fields), ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO registry_person ({names}) VALUES ({marks})"  # noqa: S608 - names from the model
    with (pytest.raises(IntegrityError), transaction.atomic(), bulk.indexes_deferred({Person: 1}),
          connection.cursor() as cursor):
        cursor.execute(sql, values)
    assert _indexes() == indexes and snapshot() == rows


def test_on_postgresql_no_index_is_dropped(staff_blora, tmp_path, drops):
    commit(write_csv(tmp_path / "a.csv", family()), actor=staff_blora)
    assert bool(drops) == (connection.vendor == "sqlite")


def test_the_audit_records_of_imported_rows_hold_the_rows_as_written(staff_blora, household_a, tmp_path):
    head = household_a.members.get()
    rows = family() + [person_row(household_a.kk_number, name="Anak Baru", rel="4", STATUS_KAWIN="1", NIK="0"),
                       {"NIK": head.nik, "NO_KK": household_a.kk_number, "NAMA": "Sutrisno Baru", "RT": "9"}]
    result = commit(write_csv(tmp_path / "a.csv", rows, headers=list(rows[0])), actor=staff_blora)
    assert (result.summary.new_persons, result.summary.updated_persons) == (4, 1)
    for model in (Household, Person, ReviewFlag):
        tracked = [f.attname for f in model.history.model._meta.concrete_fields
                   if not f.attname.startswith("history_")]
        # (household_a's member count, head name and flag count are refreshed without an audit record, as ever)
        for row in model.objects.exclude(pk=household_a.pk if model is Household else None).values(*tracked):
            record = model.history.filter(id=row["id"]).order_by("-history_id").values(
                *tracked, "history_user_id", "history_change_reason", "history_date").first()
            assert {k: record[k] for k in tracked} == row
            assert record["history_user_id"] == staff_blora.pk
            if model is Person and row["id"] != head.pk or model is ReviewFlag:
                assert record["history_change_reason"] in ("imports.registry.created", "imports.registry.flag_opened")
                assert record["history_date"] == result.batch.committed_at
    renamed = Person.history.filter(id=head.pk).order_by("-history_id").first()
    assert (renamed.name, renamed.history_type, renamed.history_change_reason) == (
        "Sutrisno Baru", "~", "imports.registry.updated")


def test_the_garbage_collector_runs_again_after_an_import_even_a_failed_one(staff_blora, tmp_path):
    assert gc.isenabled()
    path = write_csv(tmp_path / "a.csv", family())
    dry_run(path, actor=staff_blora)
    assert gc.isenabled()

    def progress(stage, done, total):
        assert not gc.isenabled()  # paused while the import runs
        if stage == "write":
            raise RuntimeError("injected")

    with pytest.raises(RuntimeError):
        commit(path, actor=staff_blora, progress=progress)
    assert gc.isenabled()
