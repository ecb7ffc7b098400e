"""Household list and name search over a million people without reading a million rows.

`registry_household_names` holds, per household, the name_key of every member separated by spaces, kept in sync
with registry_person by triggers. A search fragment is a search key (only [0-9a-z], never a space), so it cannot
match across two members; the search goes from fragment to household ids through a compact trigram index
instead of the person table. (An index over registry_person.name_key alone was measured first: on PostgreSQL the
household lists it feeds cost 2-8x more for common fragments, on SQLite 3-10x more.)

- SQLite: an FTS5 table with the trigram tokenizer (rowid = household id); detail=full lets a phrase MATCH find
  substrings from the index alone.
- PostgreSQL: a plain table with a pg_trgm GIN index (`names LIKE '%fragment%'` uses it), plus an index on
  households in list order with region codes compared byte by byte (see registry.selectors._village_code).

Django's SQLite schema editor alters a table by rebuilding it (create, copy, drop, rename), which drops the
table's triggers. A later migration that alters registry_person on SQLite must call `create_name_index` again
(`importlib.import_module("berdaya.registry.migrations.0002_person_name_search_index")`). Until then the search
stays correct: registry.selectors uses the names table only while its triggers exist, and a test checks they do.
Bulk loaders may drop the index (`drop_name_index`), write, and create it again, which refills it.
"""

from django.db import migrations

NAMES = "registry_household_names"
SQLITE_TRIGGERS = [f"{NAMES}_person_insert", f"{NAMES}_person_delete", f"{NAMES}_person_update"]


def _sqlite_refresh(*household_ids: str) -> str:
    """SQL (inside a trigger) that rewrites the document of these households from registry_person."""
    ids = ", ".join(household_ids)
    return (
        f"DELETE FROM {NAMES} WHERE rowid IN ({ids}); "
        f"INSERT INTO {NAMES}(rowid, names) SELECT household_id, group_concat(name_key, ' ') FROM registry_person "
        f"WHERE household_id IN ({ids}) GROUP BY household_id;"
    )


SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE {NAMES} USING fts5(names, tokenize='trigram', detail='full')",
    f"CREATE TRIGGER {NAMES}_person_insert AFTER INSERT ON registry_person BEGIN "
    f"{_sqlite_refresh('new.household_id')} END",
    f"CREATE TRIGGER {NAMES}_person_delete AFTER DELETE ON registry_person BEGIN "
    f"{_sqlite_refresh('old.household_id')} END",
    f"CREATE TRIGGER {NAMES}_person_update AFTER UPDATE OF name_key, household_id ON registry_person BEGIN "
    f"{_sqlite_refresh('old.household_id', 'new.household_id')} END",
    f"INSERT INTO {NAMES}(rowid, names) SELECT household_id, group_concat(name_key, ' ') FROM registry_person "
    "GROUP BY household_id",
]
SQLITE_DROP = [*(f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS), f"DROP TABLE IF EXISTS {NAMES}"]

POSTGRES_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE TABLE {NAMES} (household_id bigint PRIMARY KEY, names text NOT NULL)",
    # A finer histogram: the planner's row estimate for LIKE '%fragment%' comes from matching it against these.
    f"ALTER TABLE {NAMES} ALTER COLUMN names SET STATISTICS 1000",
    f"""CREATE FUNCTION {NAMES}_refresh(hid bigint) RETURNS void LANGUAGE sql AS $$
        INSERT INTO {NAMES} (household_id, names)
            SELECT household_id, string_agg(name_key, ' ') FROM registry_person WHERE household_id = hid
            GROUP BY household_id
            ON CONFLICT (household_id) DO UPDATE SET names = EXCLUDED.names;
        DELETE FROM {NAMES} WHERE household_id = hid
            AND NOT EXISTS (SELECT 1 FROM registry_person WHERE household_id = hid);
    $$""",
    f"""CREATE FUNCTION {NAMES}_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            PERFORM {NAMES}_refresh(OLD.household_id);
        END IF;
        IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.household_id <> OLD.household_id) THEN
            PERFORM {NAMES}_refresh(NEW.household_id);
        END IF;
        RETURN NULL;
    END $$""",
    f"CREATE TRIGGER {NAMES}_sync AFTER INSERT OR DELETE OR UPDATE OF name_key, household_id ON registry_person "
    f"FOR EACH ROW EXECUTE FUNCTION {NAMES}_sync()",
    # Django's flush (TransactionTestCase) empties tables with TRUNCATE, which fires no row trigger.
    f"""CREATE FUNCTION {NAMES}_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE {NAMES};
        RETURN NULL;
    END $$""",
    f"CREATE TRIGGER {NAMES}_truncate AFTER TRUNCATE ON registry_person "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {NAMES}_truncate()",
    f"INSERT INTO {NAMES} (household_id, names) SELECT household_id, string_agg(name_key, ' ') "
    "FROM registry_person GROUP BY household_id",
    f"CREATE INDEX {NAMES}_trgm ON {NAMES} USING gin (names gin_trgm_ops)",
    'CREATE INDEX registry_household_village_c_kk ON registry_household ((village_id COLLATE "C"), kk_number)',
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS {NAMES}_sync ON registry_person",
    f"DROP TRIGGER IF EXISTS {NAMES}_truncate ON registry_person",
    f"DROP FUNCTION IF EXISTS {NAMES}_sync()",
    f"DROP FUNCTION IF EXISTS {NAMES}_truncate()",
    f"DROP FUNCTION IF EXISTS {NAMES}_refresh(bigint)",
    f"DROP TABLE IF EXISTS {NAMES}",
    "DROP INDEX IF EXISTS registry_household_village_c_kk",
]


def _statements(vendor: str, *, create: bool) -> list[str]:
    if vendor == "postgresql":
        return POSTGRES_DROP + POSTGRES_CREATE if create else POSTGRES_DROP
    if vendor == "sqlite":
        return SQLITE_DROP + SQLITE_CREATE if create else SQLITE_DROP
    return []


def create_name_index(schema_editor) -> None:
    """(Re)create the names table, its triggers and indexes, filled from registry_person."""
    for sql in _statements(schema_editor.connection.vendor, create=True):
        schema_editor.execute(sql, params=None)


def drop_name_index(schema_editor) -> None:
    for sql in _statements(schema_editor.connection.vendor, create=False):
        schema_editor.execute(sql, params=None)


def forwards(apps, schema_editor):
    create_name_index(schema_editor)


def backwards(apps, schema_editor):
    drop_name_index(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
