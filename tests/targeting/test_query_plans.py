"""The indexes the dry run and candidate lists rely on at regency scale (a million families): checked against the
database itself, since a dropped index only shows as a slow page, never as a wrong answer."""

import pytest
from django.db import connection

from berdaya.registry.models import Household
from berdaya.targeting.rules import parse_rule
from berdaya.targeting.selectors import apply_rule


def _indexes(table: str) -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {name: c["columns"] for name, c in constraints.items() if c["index"] and not c["primary_key"]}


@pytest.mark.django_db
def test_living_members_are_indexed_by_family_status_and_occupation_and_nothing_indexes_the_status_alone():
    indexes = _indexes("registry_person")
    assert indexes["person_household_living"] == ["household_id", "status", "occupation"]
    # No second index whose leading column the family index already serves, nor one on the status alone.
    leading = [cols[0] for cols in indexes.values()]
    assert leading.count("household_id") == 1
    assert "status" not in leading


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's rowid and its query planner")
def test_on_sqlite_a_rule_joins_scores_by_rowid_and_tests_occupations_from_the_index_alone():
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'targeting_householdscore'")
        assert '"household_id" integer NOT NULL PRIMARY KEY' in cursor.fetchone()[0]
        cursor.execute("PRAGMA index_list('targeting_householdscore')")
        assert [row for row in cursor.fetchall() if row[3] == "pk"] == []  # no separate unique index for the key

    rule = parse_rule('desil <= 4 and not any(member.occupation in ["PNS", "TNI", "POLRI"])')
    sql, params = apply_rule(Household.objects.all(), rule).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " | ".join(row[-1] for row in cursor.fetchall())
    assert "USING COVERING INDEX person_household_living" in plan, plan
    assert "SEARCH targeting_householdscore USING INTEGER PRIMARY KEY" in plan, plan


@pytest.mark.django_db(transaction=True)  # as a page's request runs: SQLite's temporary storage is set outside one
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's page cache and temporary storage")
def test_on_sqlite_the_dry_run_scans_with_sqlites_own_cache_and_temp_storage_then_restores_the_connections(
        staff_blora, blt):
    from berdaya.targeting.selectors import dry_run

    seen = []

    def spy(execute, sql, params, many, context):
        if "GROUP BY" in sql:
            seen.append(_pragmas(context["connection"]))
        return execute(sql, params, many, context)

    connection.ensure_connection()
    before = _pragmas(connection)
    with connection.execute_wrapper(spy):
        dry_run(user=staff_blora, programme=blt, rule=parse_rule("desil <= 5"), year=2026)
    assert seen == [(-2000, 0)]  # SQLite's defaults: 2 MB, temporary file
    assert before == (-64000, 2)  # settings.py: 64 MB, in memory
    assert _pragmas(connection) == before


def _pragmas(conn) -> tuple[int, int]:
    raw = conn.connection  # the sqlite3 connection, beside Django's cursor
    return raw.execute("PRAGMA cache_size").fetchone()[0], raw.execute("PRAGMA temp_store").fetchone()[0]
