"""A commit after its dry run starts from what the dry run read (plan_cache) and checks the registry afresh."""

import pickle
from datetime import date, timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from berdaya.imports import plan_cache, planner, report
from berdaya.imports.engine import ImportOptions, commit, dry_run
from berdaya.regions.models import Level, Region
from berdaya.registry import services
from berdaya.registry.models import Person
from tests import factories
from tests.conftest import DISTRICT_A, VILLAGE_A
from tests.imports.conftest import family, person_row, snapshot, write_csv, write_xlsx


@pytest.fixture
def reads(monkeypatch):
    """How many times a planner read a file (rather than taking a dry run's snapshot)."""
    calls = []
    read = planner.Planner.read

    def counting(self):
        calls.append(self)
        return read(self)

    monkeypatch.setattr(planner.Planner, "read", counting)
    return calls


def _checksum(path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_commit_after_its_dry_run_takes_the_rows_from_the_snapshot_and_decides_the_same(staff_blora, tmp_path,
                                                                                         reads):
    rows = family() + family(members=2)
    rows[1]["TANGGAL_LAHIR"] = "31/02/1983"  # refused: its family is left out
    rows[3]["NIK"] = ""  # a warning: no NIK yet
    path = write_xlsx(tmp_path / "a.xlsx", rows)
    checked = dry_run(path, actor=staff_blora)
    assert len(reads) == 1 and (plan_cache.folder() / f"{_checksum(path)}.pickle").exists()
    result = commit(path, actor=staff_blora)
    assert len(reads) == 1  # the commit did not read the file
    assert result.problems == checked.problems
    assert (result.summary.new_persons, result.summary.rejected, result.summary.warnings) == (2, 3, 1)
    assert set(Person.objects.values_list("name", flat=True)) == {rows[3]["NAMA"], rows[4]["NAMA"]}
    assert not (plan_cache.folder() / f"{_checksum(path)}.pickle").exists()  # used once


def test_a_nik_taken_in_the_app_after_the_dry_run_is_refused_by_the_commit(staff_blora, tmp_path, reads):
    rows = family(surname="Baru")
    path = write_csv(tmp_path / "a.csv", rows)
    assert dry_run(path, actor=staff_blora).summary.rejected == 0
    other = factories.household(actor=staff_blora, village=VILLAGE_A)
    services.person_add(actor=staff_blora, household=other, data=factories.person_data(
        village=VILLAGE_A, nik=rows[1]["NIK"], name="Siti Lain", sex="P", birth_date=date(1983, 2, 9),
        relationship=3))
    result = commit(path, actor=staff_blora)
    assert len(reads) == 1
    assert result.summary.rejected == 3 and result.summary.new_persons == 0
    assert any(p.row == 3 and p.column == "NIK" and p.kind == "error" for p in result.problems)
    assert not Person.objects.filter(name="Budi Baru").exists()


def test_a_village_added_after_the_dry_run_makes_the_commit_read_the_file_again(staff_blora, tmp_path, reads):
    rows = family(village="33.16.01.2999")
    path = write_csv(tmp_path / "a.csv", rows)
    assert dry_run(path, actor=staff_blora).summary.rejected == 3
    Region.objects.create(code="33.16.01.2999", name="Desa Baru", level=Level.VILLAGE,
                          parent=Region.objects.get(code=DISTRICT_A))
    result = commit(path, actor=staff_blora)
    assert len(reads) == 2
    assert (result.summary.rejected, result.summary.new_persons) == (0, 3)


def test_a_snapshot_of_another_day_is_not_used(staff_blora, tmp_path, reads):
    path = write_csv(tmp_path / "a.csv", family())
    today = timezone.localdate()
    dry_run(path, actor=staff_blora, options=ImportOptions(today=today - timedelta(days=1)))
    result = commit(path, actor=staff_blora, options=ImportOptions(today=today))
    assert len(reads) == 2 and result.summary.new_persons == 3


def test_a_damaged_snapshot_is_ignored_and_the_file_read(staff_blora, tmp_path, reads):
    path = write_csv(tmp_path / "a.csv", family())
    dry_run(path, actor=staff_blora)
    target = plan_cache.folder() / f"{_checksum(path)}.pickle"
    target.write_bytes(target.read_bytes()[: target.stat().st_size // 2])
    result = commit(path, actor=staff_blora)
    assert len(reads) == 2 and result.summary.new_persons == 3


def test_a_snapshot_naming_anything_but_plain_data_is_refused_unrun(staff_blora, tmp_path, reads):
    path = write_csv(tmp_path / "a.csv", family())
    dry_run(path, actor=staff_blora)
    target = plan_cache.folder() / f"{_checksum(path)}.pickle"
    marker = tmp_path / "ran"

    class Evil:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    target.write_bytes(pickle.dumps({"key": plan_cache.key(_checksum(path), timezone.localdate()), "state": Evil()}))
    result = commit(path, actor=staff_blora)
    assert not marker.exists()
    assert len(reads) == 2 and result.summary.new_persons == 3


def test_a_commit_listing_the_dry_runs_problems_reuses_its_problem_sheet(staff_blora, tmp_path, monkeypatch):
    rows = family() + family(members=2)
    rows[0]["STATUS_KAWIN"] = "x"
    rows[4]["NIK"] = "0"
    path = write_csv(tmp_path / "a.csv", rows)
    checked = dry_run(path, actor=staff_blora)
    first = load_workbook(checked.batch.report_path)
    monkeypatch.setattr(report, "_write_problem_sheet", lambda *a: pytest.fail("the problem sheet was written"))
    result = commit(path, actor=staff_blora)
    second = load_workbook(result.batch.report_path)
    problems = list(first["Masalah"].iter_rows(values_only=True))
    assert len(problems) == 5  # header, the refused row, its family's two rows, the warning
    assert list(second["Masalah"].iter_rows(values_only=True)) == problems
    assert dict(second["Ringkasan"].iter_rows(values_only=True))["Disimpan"] == "Ya"
    assert dict(first["Ringkasan"].iter_rows(values_only=True))["Disimpan"] == "Tidak"


def test_a_commit_whose_problems_changed_since_the_dry_run_writes_its_own_report(staff_blora, tmp_path):
    rows = family(surname="Baru") + [person_row("3316011111110001", name="Tanpa NIK", NIK="")]
    path = write_csv(tmp_path / "a.csv", rows)
    checked = dry_run(path, actor=staff_blora)
    other = factories.household(actor=staff_blora, village=VILLAGE_A)
    services.person_add(actor=staff_blora, household=other, data=factories.person_data(
        village=VILLAGE_A, nik=rows[0]["NIK"], name="Budi Lain", sex="L", birth_date=date(1980, 5, 17),
        relationship=4))
    before = snapshot()
    result = commit(path, actor=staff_blora)
    assert len(result.problems) > len(checked.problems)
    sheet = list(load_workbook(result.batch.report_path)["Masalah"].iter_rows(values_only=True))
    assert len(sheet) == 1 + len(result.problems)
    assert {r[0] for r in sheet[1:]} == {p.row for p in result.problems}
    assert snapshot() != before  # the family without a problem was written


def test_the_daily_cleanup_deletes_snapshots_of_dry_runs_older_than_two_days(staff_blora, tmp_path):
    import os
    import time

    from berdaya.imports.services import exports_cleanup

    old, recent = write_csv(tmp_path / "a.csv", family()), write_csv(tmp_path / "b.csv", family())
    dry_run(old, actor=staff_blora)
    dry_run(recent, actor=staff_blora)
    stale = time.time() - plan_cache.KEEP_HOURS * 3600 - 60
    for path in plan_cache.folder().glob(f"{_checksum(old)}.*"):
        os.utime(path, (stale, stale))
    exports_cleanup()
    assert sorted(p.name for p in plan_cache.folder().iterdir()) == [f"{_checksum(recent)}.pickle"]
