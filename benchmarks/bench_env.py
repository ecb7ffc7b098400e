"""The environment every bench_*.py script runs Django in: its own database (a SQLite file under benchmarks/.data,
or a PostgreSQL database of its own on BENCH_PG_SERVER), its own data folder, production-like settings.

    bench = BenchDatabase(sqlite_file="targeting.sqlite3", pg_database="berdaya_bench_targeting")
    bench.configure("postgresql")      # environment variables, then django.setup() in the script
    bench.drop("sqlite"); bench.create("postgresql")

Imported by the scripts, which run as `python benchmarks/bench_<name>.py` (so this folder is on sys.path)."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "benchmarks" / ".data"
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgresql://postgres@127.0.0.1:5432")


class RebuildNeeded(Exception):
    """Raised by a script's data preparation when the benchmark database holds data of another size."""


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

    def open(self, db: str, *, rebuild: bool, prepare: Callable[[], dict], **extra: str) -> dict:
        """Configure this process for `db`, create the database (dropped first with `rebuild`), set Django up and
        return prepare()'s answer; when prepare() raises RebuildNeeded, once more on an empty database."""
        self.configure(db, **extra)
        if rebuild:
            self.drop(db)
        self.create(db)
        import django

        django.setup()
        from django.db import connection

        try:
            return prepare()
        except RebuildNeeded:
            print(f"[{db}] the benchmark database holds another size: rebuilding", flush=True)
            connection.close()
            self.drop(db)
            self.create(db)
            return prepare()

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


def runs_per_database(args, run_one: Callable, *, script: str, forward: list[str]) -> list[dict] | None:
    """One database (`--db sqlite|postgresql`) in this process; `--db both` runs each in a child process of
    `script` with the options in `forward` (Django's settings are per process) and collects their answers. None
    in such a child, which has written its answer to --json-out: the script then just exits."""
    if args.db != "both":
        run = run_one(args.db, args)
        if args.json_out:
            Path(args.json_out).write_text(json.dumps(run))
            return None
        return [run]
    runs = []
    for db in ("sqlite", "postgresql"):
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            subprocess.run([sys.executable, script, "--db", db, "--json-out", out.name, *forward],  # noqa: S603
                           check=True)
            runs.append(json.loads(Path(out.name).read_text()))
    return runs


def pg_admin(sql: str) -> None:
    """One statement on the server's maintenance database (CREATE/DROP DATABASE)."""
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile of the timings (pct in 0..100)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]
