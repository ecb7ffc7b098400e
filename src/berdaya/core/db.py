"""Database connection helpers shared by the apps."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


@contextmanager
def sqlite_pragmas(**values) -> Iterator[None]:
    """SQLite: the connection runs the block with these PRAGMA values (names and values from code, never from
    input), then gets back what it had. Other databases: nothing."""
    if connection.vendor != "sqlite" or not values:
        yield
        return
    before = {}
    with connection.cursor() as cursor:
        for name, value in values.items():
            cursor.execute(f"PRAGMA {name}")
            before[name] = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA {name} = {value}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for name, value in before.items():
                cursor.execute(f"PRAGMA {name} = {value}")
