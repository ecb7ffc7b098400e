"""Bulk-write helpers of the import commit, all inside the caller's transaction.

- TableRows: new rows written as value tuples in a fixed column order (executemany on SQLite, COPY on PostgreSQL).
  The writer builds each row's tuple itself from the planner's records; demo.bulk.insert_rows, which takes one dict
  per row and merges it with every column's default, cost twice as much per row at a million rows.
- copy_to_history(): the django-simple-history records of rows just inserted or updated, written by the database
  itself (INSERT … SELECT from the rows as they now are). Building a million historical rows in Python and sending
  every value back through the driver cost as much as writing the rows themselves; the copy holds exactly what
  the Python-built rows held (the historical table's columns are the tracked model's, same names) plus the
  history's own columns.
- indexes_deferred(): SQLite only. Adding a million rows to a table keeps every index up to date one
  row at a time: each NIK, name or KK lands on a random page of its index (B-tree inserts all over the file, page
  splits). Building an index once over the loaded table is a single sort, several times cheaper (measured at a
  million people: 11.2 s of CPU to insert them with their six indexes, 3.6 s without + 4.0 s to build them). So
  when a commit adds at least as many rows to a table as it holds (a first load of a regency, the benchmark), the
  table's indexes made by CREATE INDEX are dropped before the inserts and created again after them, from their own
  stored SQL (sqlite_master), as bulk loaders do. A UNIQUE one (a living person's NIK) is checked again by its
  CREATE UNIQUE INDEX: a duplicate, which the planner already refuses, would fail the commit there and roll
  everything back; nothing else writes meanwhile (the commit holds SQLite's write lock). Constraints of the table
  itself (primary key, the KK number's UNIQUE) cannot be dropped and stay. SQLite's DDL is transactional, so all
  of it is inside a savepoint of the commit's transaction: a failure rolls the dropped indexes back with the rows,
  other connections never see them missing (WAL readers see the last commit; writers wait for the IMMEDIATE write
  lock), and the indexes are back before anything in the commit reads by them (updates, refresh, the name index
  rebuild). PostgreSQL is left alone: DROP INDEX would lock the table against readers until the commit ends.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from django.db import connection, models, transaction

HISTORY_OWN = ("history_date", "history_change_reason", "history_type", "history_user_id")
IN_CHUNK = 500  # ids per statement when they are not one contiguous run
INSERT_CHUNK = 5000  # rows per executemany
DEFER_MIN_ROWS = 50_000  # below this, index upkeep costs less than rebuilding (and tests set it to 1)


class TableRows:
    """How a model's new rows are written: the columns each row gives (`given`, its tuple in that order), then the
    columns with one value for every row of this write (`fixed`: the import's timestamp, the columns the file does
    not have), then every other column with its field's default (computed and adapted once).

    SQLite: the fixed values are written into the statement as SQL literals instead of being bound for every row
    (a household has 52 columns, of which a registry extract gives a dozen: binding the other forty for 300,000
    households was half the cost of inserting them). PostgreSQL's COPY takes them with each row."""

    def __init__(self, model: type[models.Model], given: Sequence[str], fixed: dict | None = None):
        self.model = model
        self.fields = {f.attname: f for f in model._meta.concrete_fields}
        fixed = dict(fixed or {})
        for name, field in self.fields.items():
            if name not in given and name not in fixed:
                fixed[name] = adapt(field, field.get_default())
        self.columns = [*given, *fixed]
        literals = [_sql_literal(value) for value in fixed.values()] if connection.vendor == "sqlite" else [None]
        if None in literals:  # PostgreSQL, or a value that is no plain literal: sent with every row
            self.marks = ["%s"] * len(self.columns)
            self.tail = tuple(fixed.values())
        else:
            self.marks = ["%s"] * len(given) + literals
            self.tail = ()

    def defaults(self, names: Sequence[str]) -> list:
        """The (adapted) defaults of these columns: what a row holds where the file gives nothing."""
        return [adapt(self.fields[name], self.fields[name].get_default()) for name in names]

    def insert(self, rows: Iterable[tuple]) -> int:
        """INSERT rows: each a tuple of the given columns' values, already adapted (see adapt / adapter)."""
        tail = self.tail
        return insert_values(self.model._meta.db_table, self.columns, (row + tail for row in rows) if tail else rows,
                             marks=self.marks)


def _sql_literal(value) -> str | None:
    """A constant as an SQLite literal; None when it is not one of the plain types written this way. The values
    come from the models (defaults) and the commit itself (timestamps), never from a file; % is doubled because
    Django's SQLite cursor turns %s into ? and %% into %."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and "\x00" not in value:
        return "'" + value.replace("'", "''").replace("%", "%%") + "'"
    return None


def adapt(field: models.Field, value):
    """A Python value as the database driver takes it for this field (dates, datetimes, decimals)."""
    if value is None:
        return None
    ops = connection.ops
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return ops.adapt_datetimefield_value(value)
    if kind == "DateField":
        return ops.adapt_datefield_value(value)
    if kind == "DecimalField":
        return ops.adapt_decimalfield_value(value, field.max_digits, field.decimal_places)
    return value


def adapter(field: models.Field):
    """adapt() for one field, remembering each value's result (birth dates and codes repeat); None: as it is."""
    if field.get_internal_type() not in ("DateTimeField", "DateField", "DecimalField"):
        return None
    cache: dict = {}

    def adapt_cached(value):
        try:
            return cache[value]
        except KeyError:
            cache[value] = result = adapt(field, value)
            return result

    return adapt_cached


def insert_values(table: str, columns: Sequence[str], rows: Iterable[Sequence], *,
                  marks: Sequence[str] | None = None) -> int:
    """INSERT value sequences in `columns` order: executemany a chunk at a time on SQLite, COPY on PostgreSQL.
    `marks` (SQLite): the VALUES items, "%s" for each value a row gives and literals for the others (TableRows)."""
    quote = connection.ops.quote_name
    # Table and column names come from the models' metadata, never from input; values are parameters.
    target = f"{quote(table)} ({', '.join(quote(c) for c in columns)})"
    count = 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {target} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count
    sql = f"INSERT INTO {target} VALUES ({', '.join(marks or ['%s'] * len(columns))})"  # noqa: S608
    with connection.cursor() as cursor:
        batch: list = []
        for row in rows:
            batch.append(row)
            if len(batch) >= INSERT_CHUNK:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def copy_to_history(model: type[models.Model], ids: Sequence[int], *, when, reason: str, history_type: str,
                    user_id) -> None:
    """One historical record per row `ids` of `model`, as the rows are now ('+' created, '~' updated)."""
    if not ids:
        return
    history = model.history.model
    quote = connection.ops.quote_name
    source = {f.column for f in model._meta.concrete_fields}
    columns = [f.column for f in history._meta.concrete_fields if f.attname not in ("history_id", *HISTORY_OWN)]
    if not set(columns) <= source:  # the historical model mirrors the tracked columns; anything else is a bug
        raise AssertionError(f"{history._meta.db_table}: columns {set(columns) - source} not in the model's table")
    names = ", ".join(quote(c) for c in columns)
    marks = ["%s"] * len(HISTORY_OWN)
    if connection.vendor == "postgresql":
        # A parameter in a SELECT list has no type of its own: give it the target column's.
        marks = [f"%s::{history._meta.get_field(name).db_type(connection)}" for name in HISTORY_OWN]
    # Table and column names come from the models' metadata, never from input; values are parameters.
    sql = (f"INSERT INTO {quote(history._meta.db_table)} ({names}, {', '.join(HISTORY_OWN)}) "  # noqa: S608
           f"SELECT {names}, {', '.join(marks)} FROM {quote(model._meta.db_table)} ")
    own = [connection.ops.adapt_datetimefield_value(when), reason, history_type, user_id]
    with connection.cursor() as cursor:
        for first, last, chunk in _runs(sorted(ids)):
            if chunk is None:  # one contiguous run of ids, every one of them ours (reserved or just updated)
                cursor.execute(sql + "WHERE id BETWEEN %s AND %s ORDER BY id", [*own, first, last])
            elif connection.vendor == "postgresql":
                cursor.execute(sql + "WHERE id = ANY(%s) ORDER BY id", [*own, chunk])
            else:
                marks_in = ", ".join(["%s"] * len(chunk))
                cursor.execute(sql + f"WHERE id IN ({marks_in}) ORDER BY id", [*own, *chunk])


def _runs(ids: list[int]) -> Iterator[tuple[int, int, list | None]]:
    """(first, last, None) for a contiguous run, else (first, last, ids) a chunk at a time."""
    if ids[-1] - ids[0] + 1 == len(ids):
        yield ids[0], ids[-1], None
        return
    for start in range(0, len(ids), IN_CHUNK):
        chunk = ids[start:start + IN_CHUNK]
        yield chunk[0], chunk[-1], chunk


@contextmanager
def indexes_deferred(inserts: dict[type[models.Model], int], *, min_rows: int | None = None):
    """SQLite: for each model (its table and its historical table) about to get at least max(min_rows, rows it
    holds) new rows, drop its CREATE INDEX indexes now and create them again when the block ends (see above)."""
    min_rows = DEFER_MIN_ROWS if min_rows is None else min_rows
    if connection.vendor != "sqlite":
        yield
        return
    with transaction.atomic():
        dropped: list[str] = []
        with connection.cursor() as cursor:
            for model, rows in inserts.items():
                for table in (model._meta.db_table, model.history.model._meta.db_table):
                    if rows >= min_rows and rows >= _size(cursor, table):
                        dropped += _drop_indexes(cursor, table)
        yield
        with connection.cursor() as cursor:
            for sql in dropped:
                cursor.execute(sql)


def _size(cursor, table: str) -> int:
    """The table's largest rowid: its row count or more (cheap, unlike COUNT(*), and errs on keeping indexes)."""
    cursor.execute(f"SELECT max(rowid) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - model metadata
    return cursor.fetchone()[0] or 0


def _drop_indexes(cursor, table: str) -> list[str]:
    """Drop the table's indexes made by CREATE [UNIQUE] INDEX; their CREATE statements, to run again."""
    quote = connection.ops.quote_name
    cursor.execute(f"PRAGMA index_list({quote(table)})")
    names = [row[1] for row in cursor.fetchall() if row[3] == "c"]  # (seq, name, unique, origin, partial)
    statements = []
    for name in names:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = %s", [name])
        statements.append(cursor.fetchone()[0])
        cursor.execute(f"DROP INDEX {quote(name)}")
    return statements
