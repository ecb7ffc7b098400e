"""Twenty officers commit from the same budget line at the same moment: never more than the allocation.

Exactly half fit: exactly half must succeed, the others be refused with "insufficient" (never a database error), and
the line's committed total must equal the sum of the commitments written (no lost update, no over-commitment).

PostgreSQL serialises them with SELECT … FOR UPDATE on the line. SQLite serialises writers with BEGIN IMMEDIATE
(settings' transaction_mode) and the busy timeout; the in-memory database pytest-django uses for SQLite is a
shared-cache database whose table locks fail at once instead of waiting, so on SQLite the scenario runs in a
subprocess on a file database of its own, as the application runs.
"""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from tests.programmes.concurrency import AMOUNT, HALF, THREADS, commit_all_at_once, line_state, open_line


def _assert_never_over_committed(results, state):
    assert len(results) == THREADS
    assert [r for r in results if r[0] == "error"] == []
    assert sorted(code for code, _detail in results) == ["insufficient"] * HALF + ["ok"] * HALF
    assert state == {"allocated": HALF * AMOUNT, "committed": HALF * AMOUNT, "commitments": HALF,
                     "sum_of_commitments": HALF * AMOUNT}


ON_POSTGRESQL = connection.vendor == "postgresql"


# The marks, not the body, skip it elsewhere (the suite's teardown hook reloads regions after any transactional test).
@pytest.mark.skipif(not ON_POSTGRESQL, reason="row locks: PostgreSQL (SQLite: the test below, on a file database)")
@pytest.mark.django_db(transaction=ON_POSTGRESQL)
def test_twenty_threads_committing_at_once_never_over_commit_on_postgresql(staff_blora, kadis):
    line = open_line(staff_blora)
    results = commit_all_at_once(kadis, line)
    _assert_never_over_committed(results, line_state(line))


@pytest.mark.skipif(ON_POSTGRESQL, reason="its own SQLite file: run once, in the SQLite pass of the suite")
def test_twenty_threads_committing_at_once_never_over_commit_on_a_sqlite_file(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'concurrency.sqlite3'}",
           "BERDAYA_DATA_DIR": str(tmp_path), "BERDAYA_ALLOW_DEV_SECRET": "1"}
    completed = subprocess.run([sys.executable, "-m", "tests.programmes.concurrency"], env=env,
                               cwd=settings.PROJECT_DIR, capture_output=True, text=True, timeout=300, check=False)
    assert completed.returncode == 0, completed.stderr[-3000:]
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    assert (report["vendor"], report["transaction_mode"]) == ("sqlite", "IMMEDIATE")
    _assert_never_over_committed([tuple(r) for r in report["results"]], report["line"])
