"""Fast bulk insert of plain rows, with their initial django-simple-history records.

Django's bulk_create prepares every value through the SQL compiler (about 1.5 µs each) and needs model
instances; at the demo's size (≈ 6 million values with the history rows) that alone took half a minute. Here
rows are dicts keyed by column (attname), adapted with the backend's own adapters (connection.ops) only where
a type needs it (dates, datetimes, decimals), and written with executemany (COPY on PostgreSQL) by
imports.bulk, which the registry import shares. Primary keys are assigned here, from
the table's current maximum, so the caller can link rows without reading them back; PostgreSQL sequences are
moved past them afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import nullcontext
from operator import itemgetter

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max

from berdaya.core.db import sqlite_pragmas
from berdaya.imports.bulk import adapter, insert_values

LARGE_CACHE_ROWS = 50_000
LARGE_CACHE_MIB = 192


def next_id(model: type[models.Model]) -> int:
    return (model._default_manager.aggregate(top=Max("pk"))["top"] or 0) + 1


class _Columns:
    """A table's columns in order, and one row dict (attname -> Python value) as the list of adapted values."""

    def __init__(self, model: type[models.Model], *, skip: tuple[str, ...] = ()):
        fields = [f for f in model._meta.concrete_fields if f.attname not in skip]
        self.table = model._meta.db_table
        self.names = [f.attname for f in fields]
        self.defaults = {f.attname: f.get_default() for f in fields}  # missing columns take the field default
        self._get = itemgetter(*self.names)
        self._adapters = [(index, adapt) for index, f in enumerate(fields) if (adapt := adapter(f)) is not None]

    def values(self, row: dict) -> list:
        values = list(self._get({**self.defaults, **row}))
        for index, adapt in self._adapters:
            if values[index] is not None:
                values[index] = adapt(values[index])
        return values


def insert_rows(model: type[models.Model], rows: Iterable[dict], *, skip: tuple[str, ...] = ()) -> int:
    """INSERT `rows` (dicts of attname -> Python value; missing columns take the field default)."""
    columns = _Columns(model, skip=skip)
    return insert_values(columns.table, columns.names, map(columns.values, rows))


def insert_with_history(model: type[models.Model], rows: list[dict], *, when, reason: str, user_id=None) -> int:
    """Insert rows and one '+' historical record each, as simple-history's bulk_create_with_history would.

    The historical rows reuse the rows' adapted values (the historical table holds the same columns, less the
    ones the history excludes), followed by the history's own columns.
    """
    columns = _Columns(model)
    values = [columns.values(row) for row in rows]
    count = insert_values(columns.table, columns.names, values)
    history = _Columns(model.history.model, skip=("history_id",))
    extra = {"history_date": when, "history_change_reason": reason, "history_type": "+", "history_user_id": user_id}
    copied = [name for name in history.names if name in columns.names and name not in extra]
    own = [name for name in history.names if name not in copied]
    own_values = history.values(extra)
    own_values = [own_values[history.names.index(name)] for name in own]
    if copied:
        pick = itemgetter(*(columns.names.index(name) for name in copied))
        single = len(copied) == 1
        history_values = (([pick(v)] if single else list(pick(v))) + own_values for v in values)
        insert_values(history.table, copied + own, history_values)
    return count


def large_cache(*, rows: int, mebibytes: int = LARGE_CACHE_MIB):
    """SQLite: a larger page cache while a bulk write of `rows` rows runs (restored afterwards).

    Inserts into indexes on random keys (NIK, name, KK, village) touch pages all over each index; with the
    connection's default cache (settings: 64 MB) a million-row import keeps evicting and re-reading them.
    """
    if rows < LARGE_CACHE_ROWS:
        return nullcontext()
    return sqlite_pragmas(cache_size=-int(mebibytes) * 1024)


def reset_sequences(*model_classes: type[models.Model]) -> None:
    """After explicit primary keys: PostgreSQL's sequences must continue after them (SQLite's AUTOINCREMENT does)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_classes))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
