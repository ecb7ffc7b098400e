"""A commit that fails halfway leaves the database exactly as it was (run on SQLite and on PostgreSQL by make test).

The error is injected through the progress callback, which the writer calls after each bulk write: call 1 comes
after the new households, 2 after the new people, 3 after their flags, 4 after the household updates, 5 after the
person updates, so each case fails with part of the import already written inside the transaction.
"""

import pytest

from berdaya.imports.engine import commit
from berdaya.imports.models import ImportBatch
from tests.imports.conftest import family, person_row, snapshot, write_csv


class Boom(Exception):
    pass


def _fail_on_write_call(n: int):
    calls = {"write": 0}

    def progress(stage, done, total):
        if stage == "write":
            calls["write"] += 1
            if calls["write"] == n:
                raise Boom(f"injected failure at write call {n}")

    return progress, calls


@pytest.mark.parametrize("fail_at", [1, 2, 3, 4, 5])
def test_a_commit_failing_halfway_leaves_the_database_as_before(staff_blora, household_a, tmp_path, fail_at):
    head = household_a.members.get()
    update = {"NIK": head.nik, "NO_KK": household_a.kk_number, "NAMA": head.name, "PEKERJAAN": "84", "RT": "9"}
    rows = [update] + family() + family(members=2) + [
        person_row(household_a.kk_number, name="Anak", rel="4", STATUS_KAWIN="1", NIK="0")]
    path = write_csv(tmp_path / "a.csv", rows, headers=list(rows[1]))
    before = snapshot()
    progress, calls = _fail_on_write_call(fail_at)
    with pytest.raises(Boom):
        commit(path, actor=staff_blora, progress=progress)
    assert calls["write"] == fail_at
    assert snapshot() == before
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.FAILED and "injected failure" in batch.error_message
    assert batch.committed_at is None
    # The same file commits cleanly afterwards.
    result = commit(path, actor=staff_blora)
    assert (result.summary.new_persons, result.summary.updated_persons, result.summary.updated_households) == (6, 1, 1)
