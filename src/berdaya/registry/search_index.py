"""The household name index of migration 0002 during bulk writes: triggers suspended, documents rebuilt once.

The index's triggers rewrite a household's document (every member's name_key) once per inserted or renamed
person: a million-person import rewrites ~300,000 documents three times each, which was half of its SQLite commit.
A bulk writer suspends them and rebuilds the documents of the households it touched, once, at the end:

    with search_index.suspended(rows=len(people)) as names:
        ... insert / rename people ...
        names.touch(household_ids)   # every household whose members were inserted, renamed, moved or deleted

Everything happens inside the caller's transaction (suspended() opens a savepoint when there is one, a transaction
when there is none): when the block raises, the writes, the rebuilt documents and the trigger change all roll back
together, so the triggers are there again and the index is as before.

- SQLite: DROP TRIGGER / CREATE TRIGGER (the migration's own statements) are transactional. Other connections never
  see the triggers missing: WAL readers see the last commit, and writers wait for the write lock the bulk writer
  holds (transaction_mode IMMEDIATE).
- PostgreSQL: ALTER TABLE … DISABLE TRIGGER, transactional too. It needs the table's owner (the role that ran the
  migrations) and takes a SHARE ROW EXCLUSIVE lock on registry_person until commit: reads go on, other writes of
  people wait. So it is only done for writes of at least `min_rows` people (small imports keep the triggers and
  lock nothing), and not at all when the role does not own the table (the triggers keep the index right, slower).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import connection, transaction

_migration = importlib.import_module("berdaya.registry.migrations.0002_person_name_search_index")
NAMES = _migration.NAMES
SQLITE_TRIGGERS = _migration.SQLITE_TRIGGERS
SQLITE_CREATE_TRIGGERS = [sql for sql in _migration.SQLITE_CREATE if sql.startswith("CREATE TRIGGER")]
POSTGRES_TRIGGER = f"{NAMES}_sync"
POSTGRES_MIN_ROWS = 20_000  # below this the triggers cost less than locking people's table for the write
CHUNK = 500


class Suspension:
    """What a bulk writer reports inside suspended(): the households whose documents must be rebuilt."""

    def __init__(self, active: bool):
        self.active = active  # False: the triggers stayed on (nothing to rebuild)
        self.households: set[int] = set()

    def touch(self, household_ids: Iterable[int]) -> None:
        if self.active:
            self.households.update(household_ids)


@contextmanager
def suspended(*, min_rows: int | None = None, rows: int = 0) -> Iterator[Suspension]:
    """Suspend the name-index triggers for a bulk write of `rows` people (see the module's docstring).

    min_rows: the write size from which it is worth it; default 0 on SQLite, POSTGRES_MIN_ROWS on PostgreSQL.
    """
    try:
        with transaction.atomic():
            suspension = Suspension(_can_suspend(min_rows=min_rows, rows=rows))
            if suspension.active:
                _drop_triggers()
            yield suspension
            if suspension.active:
                rebuild(sorted(suspension.households))
                _create_triggers()
    finally:
        _forget_readiness()


def rebuild(household_ids: list[int]) -> None:
    """Rewrite the documents of these households from registry_person (none left: the document is removed)."""
    if not household_ids:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement for all: right after a bulk load the planner's statistics still describe the tables
            # before it, and a statement per chunk would be planned as a scan of the whole person table each time.
            cursor.execute(
                f"INSERT INTO {NAMES} (household_id, names) SELECT household_id, string_agg(name_key, ' ') "  # noqa: S608
                "FROM registry_person WHERE household_id = ANY(%s) GROUP BY household_id "
                "ON CONFLICT (household_id) DO UPDATE SET names = EXCLUDED.names", [household_ids])
            cursor.execute(f"DELETE FROM {NAMES} n WHERE n.household_id = ANY(%s) AND NOT EXISTS "  # noqa: S608
                           "(SELECT 1 FROM registry_person p WHERE p.household_id = n.household_id)", [household_ids])
            return
        if connection.vendor != "sqlite":
            return
        # Table name from the migration, ids as parameters.
        insert = (f"INSERT INTO {NAMES}(rowid, names) SELECT household_id, group_concat(name_key, ' ') "  # noqa: S608
                  "FROM registry_person WHERE household_id ")
        for run in _runs(sorted(household_ids)):
            if isinstance(run, tuple):
                # A long run of consecutive ids (the households a bulk import created): one statement for all of
                # it, which lets FTS5 index the run in one go (a third faster than 500 at a time).
                cursor.execute(f"DELETE FROM {NAMES} WHERE rowid BETWEEN %s AND %s", run)  # noqa: S608
                cursor.execute(insert + "BETWEEN %s AND %s GROUP BY household_id", run)
                continue
            for start in range(0, len(run), CHUNK):
                ids = run[start:start + CHUNK]
                marks = ", ".join(["%s"] * len(ids))
                cursor.execute(f"DELETE FROM {NAMES} WHERE rowid IN ({marks})", ids)  # noqa: S608
                cursor.execute(insert + f"IN ({marks}) GROUP BY household_id", ids)


def _runs(ids: list[int]) -> Iterator[tuple[int, int] | list[int]]:
    """Sorted ids as (first, last) for each run of at least CHUNK consecutive ids, and lists of the others."""
    scattered: list[int] = []
    start = 0
    for end in range(1, len(ids) + 1):
        if end < len(ids) and ids[end] == ids[end - 1] + 1:
            continue
        if end - start >= CHUNK:
            yield ids[start], ids[end - 1]
        else:
            scattered.extend(ids[start:end])
        start = end
    if scattered:
        yield scattered


def triggers_present() -> bool:
    """Are the index's triggers there and enabled (what selectors need to trust the index)?"""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            marks = ", ".join(["%s"] * len(SQLITE_TRIGGERS))
            cursor.execute(f"SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks})",  # noqa: S608
                           SQLITE_TRIGGERS)
            return cursor.fetchone()[0] == len(SQLITE_TRIGGERS)
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgenabled FROM pg_trigger "
                           "WHERE tgname = %s AND tgrelid = 'registry_person'::regclass", [POSTGRES_TRIGGER])
            row = cursor.fetchone()
            return row is not None and row[0] == "O"
    return False


# --- internals -----------------------------------------------------------------------------------------------------
def _can_suspend(*, min_rows: int | None, rows: int) -> bool:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        return False
    if min_rows is None:
        min_rows = POSTGRES_MIN_ROWS if vendor == "postgresql" else 0
    if rows <= 0 or rows < min_rows or not triggers_present():
        return False
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_has_role(current_user, relowner, 'USAGE') FROM pg_class "
                           "WHERE oid = 'registry_person'::regclass")
            return bool(cursor.fetchone()[0])
    return True


def _drop_triggers() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER {name}")
        else:
            _alter_trigger(cursor, "DISABLE")


def _create_triggers() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for sql in SQLITE_CREATE_TRIGGERS:
                cursor.execute(sql)
        else:
            _alter_trigger(cursor, "ENABLE")


def _alter_trigger(cursor, action: str) -> None:
    # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED, and PostgreSQL refuses ALTER TABLE while the
    # table has deferred checks pending: run them now (a violation raises here as it would at commit), then defer
    # again as Django's default is.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute(f"ALTER TABLE registry_person {action} TRIGGER {POSTGRES_TRIGGER}")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _forget_readiness() -> None:
    """registry.selectors caches, per connection, whether the SQLite index is usable: ask again after a change."""
    connection.__dict__.pop("_berdaya_names_ready", None)
