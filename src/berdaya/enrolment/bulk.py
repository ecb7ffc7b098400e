"""Writing many rows at once inside the caller's transaction: COPY on PostgreSQL, executemany on SQLite.

A list of 300,000 households is written in seconds this way; Django's bulk_create/bulk_update build a model object
(and, for updates, one CASE per row) each, which is many times slower at this size. Values are plain Python values
of the columns (JSON as text); datetimes are adapted the way Django stores them.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import connection

CHUNK = 20_000
JSON_OID, JSONB_OID = 114, 3802


def _sqlite_rows(rows: list[tuple]) -> list[tuple]:
    """Dates and datetimes as SQLite stores them through Django. The columns that need it are found from the first
    row (every caller passes the same types down a column); each distinct value is adapted once."""
    columns = [i for i, v in enumerate(rows[0]) if isinstance(v, date)]  # datetime is a date too
    if not columns:
        return rows
    adapt, cache = connection.ops.adapt_datetimefield_value, {}

    def convert(value):
        if value is None:
            return None
        out = cache.get(value)
        if out is None:
            out = cache[value] = adapt(value) if isinstance(value, datetime) else value.isoformat()
        return out

    converted = []
    for row in rows:
        row = list(row)
        for i in columns:
            row[i] = convert(row[i])
        converted.append(row)
    return converted


def _copy(cursor, table: str, columns: list[str], rows) -> None:
    """COPY in PostgreSQL's binary format (no text escaping; JSON goes in as it is), typed from the table."""
    from psycopg.types.json import Jsonb

    quote = connection.ops.quote_name
    cursor.execute("SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0",
                   [quote(table)])
    oids = dict(cursor.fetchall())
    cols = ", ".join(quote(c) for c in columns)
    json_columns = [i for i, c in enumerate(columns) if oids[c] in (JSON_OID, JSONB_OID)]
    with cursor.copy(f"COPY {quote(table)} ({cols}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types([oids[c] for c in columns])
        for row in rows:
            if json_columns:  # our values are JSON text already: pass them through, never re-encoded as a string
                row = list(row)
                for i in json_columns:
                    if row[i] is not None:
                        row[i] = Jsonb(row[i], dumps=_as_is)
            copy.write_row(row)


def _as_is(text: str) -> str:
    return text


def _raw():
    connection.ensure_connection()
    return connection.connection


def insert_rows(table: str, columns: list[str], rows: list[tuple]) -> None:
    if not rows:
        return
    quote = connection.ops.quote_name
    cols = ", ".join(quote(c) for c in columns)
    raw = _raw()
    if connection.vendor == "postgresql":
        with raw.cursor() as cursor:
            _copy(cursor, table, columns, rows)
        return
    marks = ", ".join("?" * len(columns))
    sql = f"INSERT INTO {quote(table)} ({cols}) VALUES ({marks})"  # noqa: S608 - names from the models
    for start in range(0, len(rows), CHUNK):
        raw.executemany(sql, _sqlite_rows(rows[start:start + CHUNK]))


def update_rows(table: str, columns: list[str], rows: list[tuple], *, key: str = "id") -> None:
    """rows = (key value, *column values): set those columns of each row."""
    if not rows:
        return
    quote = connection.ops.quote_name
    raw = _raw()
    if connection.vendor == "postgresql":
        temp = quote(f"tmp_{table}_update")
        names = [key, *columns]
        select = ", ".join(quote(n) for n in names)
        with raw.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {temp}")
            cursor.execute(f"CREATE TEMP TABLE {temp} ON COMMIT DROP AS "  # noqa: S608
                           f"SELECT {select} FROM {quote(table)} LIMIT 0")
            _copy(cursor, f"tmp_{table}_update", names, rows)
            sets = ", ".join(f"{quote(c)} = t.{quote(c)}" for c in columns)
            cursor.execute(f"UPDATE {quote(table)} SET {sets} FROM {temp} t "  # noqa: S608
                           f"WHERE {quote(table)}.{quote(key)} = t.{quote(key)}")
            cursor.execute(f"DROP TABLE {temp}")
        return
    sets = ", ".join(f"{quote(c)} = ?" for c in columns)
    sql = f"UPDATE {quote(table)} SET {sets} WHERE {quote(key)} = ?"  # noqa: S608 - names from the models
    for start in range(0, len(rows), CHUNK):
        raw.executemany(sql, _sqlite_rows([(*row[1:], row[0]) for row in rows[start:start + CHUNK]]))


class Updates:
    """update_rows in batches for one statement's worth of work: on PostgreSQL each batch is copied into one
    temporary table and a single UPDATE joins it at the end (one pass over the table instead of one per batch);
    on SQLite each batch is written at once."""

    def __init__(self, table: str, columns: list[str], *, key: str = "id"):
        self.table, self.columns, self.key = table, columns, key
        self.temp = None

    def add(self, rows: list[tuple]) -> None:
        if not rows:
            return
        if connection.vendor != "postgresql":
            update_rows(self.table, self.columns, rows, key=self.key)
            return
        quote = connection.ops.quote_name
        with _raw().cursor() as cursor:
            if self.temp is None:
                self.temp = f"tmp_{self.table}_updates"
                select = ", ".join(quote(n) for n in [self.key, *self.columns])
                cursor.execute(f"DROP TABLE IF EXISTS {quote(self.temp)}")
                cursor.execute(f"CREATE TEMP TABLE {quote(self.temp)} ON COMMIT DROP AS "  # noqa: S608
                               f"SELECT {select} FROM {quote(self.table)} LIMIT 0")
            _copy(cursor, self.temp, [self.key, *self.columns], rows)

    def finish(self) -> None:
        if self.temp is None:
            return
        quote = connection.ops.quote_name
        table, temp, key = quote(self.table), quote(self.temp), quote(self.key)
        sets = ", ".join(f"{quote(c)} = t.{quote(c)}" for c in self.columns)
        with _raw().cursor() as cursor:
            cursor.execute(f"ANALYZE {temp}")  # the planner then knows the batch is most of the table's rows
            cursor.execute(f"UPDATE {table} SET {sets} FROM {temp} t WHERE {table}.{key} = t.{key}")  # noqa: S608
            cursor.execute(f"DROP TABLE {temp}")
        self.temp = None
