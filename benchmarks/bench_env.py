"""The environment every bench_*.py script runs Django in: its own database (a SQLite file under benchmarks/.data,
or a PostgreSQL database of its own on BENCH_PG_SERVER), its own data folder, production-like settings.

    bench = BenchDatabase(sqlite_file="targeting.sqlite3", pg_database="berdaya_bench_targeting")
    bench.configure("postgresql")      # environment variables, then django.setup() in the script
    bench.drop("sqlite"); bench.create("postgresql")

Imported by the scripts, which run as `python benchmarks/bench_<name>.py` (so this folder is on sys.path)."""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "benchmarks" / ".data"
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgresql://postgres@127.0.0.1:5432")


class BenchDatabase:
    def __init__(self, *, sqlite_file: str, pg_database: str):
        self.sqlite_path = DATA_DIR / sqlite_file
        self.pg_database = pg_database

    def url(self, db: str) -> str:
        return f"sqlite:///{self.sqlite_path}" if db == "sqlite" else f"{PG_SERVER}/{self.pg_database}"

    def environment(self, db: str, **extra: str) -> dict[str, str]:
        """The variables a benchmark process needs (with `extra` on top)."""
        return {
            "DATABASE_URL": self.url(db),
            "BERDAYA_DATA_DIR": str(DATA_DIR),
            "BERDAYA_ALLOW_DEV_SECRET": "1",
            "BERDAYA_MANIFEST_STATIC": "0",  # no collectstatic needed; a manifest lookup is a dict lookup
            "ALLOWED_HOSTS": "testserver",
            "DEBUG": "0",
            "AXES_ENABLED": "0",
            "DJANGO_SETTINGS_MODULE": "berdaya.settings",
            **extra,
        }

    def configure(self, db: str, **extra: str) -> None:
        """This process: its environment and import path, before django.setup()."""
        (DATA_DIR / "static").mkdir(parents=True, exist_ok=True)  # STATIC_ROOT, so whitenoise does not warn
        os.environ.update(self.environment(db, **extra))
        for path in (str(ROOT), str(ROOT / "src")):
            if path not in sys.path:
                sys.path.insert(0, path)

    def drop(self, db: str) -> None:
        if db == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.sqlite_path}{suffix}").unlink(missing_ok=True)
            return
        pg_admin(f"DROP DATABASE IF EXISTS {self.pg_database} WITH (FORCE)")

    def create(self, db: str) -> None:
        if db == "sqlite":
            DATA_DIR.mkdir(parents=True, exist_ok=True)
            return
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [self.pg_database]).fetchone():
                conn.execute(f"CREATE DATABASE {self.pg_database}")


def pg_admin(sql: str) -> None:
    """One statement on the server's maintenance database (CREATE/DROP DATABASE)."""
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile of the timings (pct in 0..100)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]
