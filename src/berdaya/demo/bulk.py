"""Fast bulk insert of plain rows, with their initial django-simple-history records.

Django's bulk_create prepares every value through the SQL compiler (about 1.5 µs each) and needs model
instances; at the demo's size (≈ 6 million values with the history rows) that alone took half a minute. Here
rows are dicts keyed by column (attname), adapted with the backend's own adapters (connection.ops) only where
a type needs it (dates, datetimes, decimals), and written with executemany. Primary keys are assigned here, from
the table's current maximum, so the caller can link rows without reading them back; PostgreSQL sequences are
moved past them afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max

BATCH = 5000


def next_id(model: type[models.Model]) -> int:
    return (model._default_manager.aggregate(top=Max("pk"))["top"] or 0) + 1


def _adapter(field: models.Field):
    ops = connection.ops
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        # A bulk load stamps every row with the same few moments: adapt each once.
        cache: dict = {}

        def adapt_datetime(value):
            if value not in cache:
                cache[value] = ops.adapt_datetimefield_value(value)
            return cache[value]

        return adapt_datetime
    if kind == "DateField":
        return ops.adapt_datefield_value
    if kind == "DecimalField":
        return lambda value: ops.adapt_decimalfield_value(value, field.max_digits, field.decimal_places)
    return None


def insert_rows(model: type[models.Model], rows: Iterable[dict], *, skip: tuple[str, ...] = ()) -> int:
    """INSERT `rows` (dicts of attname -> Python value; missing columns take the field default)."""
    fields = [f for f in model._meta.concrete_fields if f.attname not in skip]
    names = [f.attname for f in fields]
    defaults = [f.get_default() for f in fields]
    adapters = [(index, adapt) for index, f in enumerate(fields) if (adapt := _adapter(f)) is not None]

    def values_of(row: dict) -> list:
        values = [row.get(name, default) for name, default in zip(names, defaults, strict=True)]
        for index, adapt in adapters:
            if values[index] is not None:
                values[index] = adapt(values[index])
        return values

    quote = connection.ops.quote_name
    # Table and column names come from the model's metadata, never from input; values are parameters.
    table = f"{quote(model._meta.db_table)} ({', '.join(quote(n) for n in names)})"
    if connection.vendor == "postgresql":
        return _copy(table, map(values_of, rows))
    sql = f"INSERT INTO {table} VALUES ({', '.join(['%s'] * len(names))})"  # noqa: S608
    count = 0
    batch: list[list] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(values_of(row))
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def _copy(table: str, rows: Iterable[list]) -> int:
    """PostgreSQL: COPY is several times faster than INSERT for bulk loads (psycopg 3 adapts the values)."""
    count = 0
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} FROM STDIN") as copy:
        for values in rows:
            copy.write_row(values)
            count += 1
    return count


def insert_with_history(model: type[models.Model], rows: list[dict], *, when, reason: str, user_id=None) -> int:
    """Insert rows and one '+' historical record each, as simple-history's bulk_create_with_history would."""
    count = insert_rows(model, rows)
    extra = {"history_date": when, "history_change_reason": reason, "history_type": "+", "history_user_id": user_id}
    insert_rows(model.history.model, ({**row, **extra} for row in rows), skip=("history_id",))
    return count


def reset_sequences(*model_classes: type[models.Model]) -> None:
    """After explicit primary keys: PostgreSQL's sequences must continue after them (SQLite's AUTOINCREMENT does)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_classes))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
