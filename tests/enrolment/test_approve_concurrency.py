"""Two approvals racing on one budget line: exactly one list is approved and committed, the other is refused with
"insufficient" (never a database error), and the line never holds more than its allocation.

PostgreSQL serialises them with SELECT … FOR UPDATE on the line; SQLite with BEGIN IMMEDIATE, which the in-memory
test database cannot show, so on SQLite the scenario runs in a subprocess on a file database (as in
tests/programmes/test_budget_concurrency.py)."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from tests.enrolment.concurrency import FAMILIES, PER_YEAR, approve_both_at_once, prepare, state

ON_POSTGRESQL = connection.vendor == "postgresql"


def _assert_one_wins(results, line):
    assert [r for r in results if r[0] == "error"] == []
    assert sorted(code for code, _detail in results) == ["insufficient", "ok"]
    assert line == {"allocated": (FAMILIES + 1) * PER_YEAR, "committed": FAMILIES * PER_YEAR,
                    "commitments": [FAMILIES * PER_YEAR], "approved_lists": 1}


@pytest.mark.skipif(not ON_POSTGRESQL, reason="row locks: PostgreSQL (SQLite: the test below, on a file database)")
@pytest.mark.django_db(transaction=ON_POSTGRESQL)
def test_two_approvals_on_one_line_at_once_never_over_commit_on_postgresql(staff_blora, settings):
    from berdaya.core.permissions import Role
    from tests import factories

    settings.BERDAYA_DECREE_INLINE_MAX = 0
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    heads = [factories.user_without_password(username=f"kadis{i}", role=Role.HEAD_OF_OFFICE, region="33.16")
             for i in range(2)]
    line, lists = prepare(staff_blora, *heads)
    _assert_one_wins(approve_both_at_once(heads, lists), state(line))


@pytest.mark.skipif(ON_POSTGRESQL, reason="its own SQLite file: run once, in the SQLite pass of the suite")
def test_two_approvals_on_one_line_at_once_never_over_commit_on_a_sqlite_file(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'concurrency.sqlite3'}",
           "BERDAYA_DATA_DIR": str(tmp_path), "BERDAYA_ALLOW_DEV_SECRET": "1"}
    completed = subprocess.run([sys.executable, "-m", "tests.enrolment.concurrency"], env=env,
                               cwd=settings.PROJECT_DIR, capture_output=True, text=True, timeout=300, check=False)
    assert completed.returncode == 0, completed.stderr[-3000:]
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    assert report["vendor"] == "sqlite"
    _assert_one_wins([tuple(r) for r in report["results"]], report["state"])
