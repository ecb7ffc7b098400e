"""The error report's problem sheet is written as XML by report.py: it must be the sheet openpyxl itself writes."""

import io
import zipfile
from datetime import date
from types import SimpleNamespace

from openpyxl import Workbook, load_workbook

from berdaya.imports import report
from berdaya.imports.engine import Summary
from berdaya.imports.planner import Problem
from berdaya.imports.readers import Table

HEADERS = ["NIK", "NAMA", " SPASI ", "TANGGAL_LAHIR", "KOSONG"]
ROWS = [
    (2, ["3316051902880001", "Budi <Santoso> & Co", "", date(1980, 5, 17), None]),
    (3, ["3316051902880002", " Siti\u0001 ", "x" * 40, 3316051902880003.0, ""]),
    (4, ["3316051902880004", "Tidak bermasalah", "", "", ""]),
]
PROBLEMS = [Problem(2, "NIK", "NIK salah & 'aneh' <b>", "error"), Problem(2, "NAMA", " spasi di tepi ", "warning"),
            Problem(3, "KOSONG, NIK", "Konflik\u0002", "conflict"), Problem(99, "NIK", "baris yang tidak ada", "error")]


def _result():
    batch = SimpleNamespace(original_filename="uji.csv")
    return SimpleNamespace(problems=PROBLEMS, batch=batch, summary=Summary(rows=3, warnings=1))


def _table():
    return Table(kind="csv", headers=HEADERS, header_row=1, data=iter(ROWS))


def _openpyxl_sheet() -> bytes:
    """The same sheet through openpyxl's write-only append, as report.py wrote it before."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Masalah")
    labels = report.kind_labels()

    def clean(value):
        return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value

    sheet.append(["Baris", "Kolom", "Jenis", "Masalah", *[report._cell(h) for h in HEADERS]])
    for number, cells in ROWS:
        for p in (p for p in PROBLEMS if p.row == number):
            sheet.append([number, p.column, labels[p.kind], clean(p.message), *[report._cell(v) for v in cells]])
    out = io.BytesIO()
    workbook.save(out)
    with zipfile.ZipFile(out) as archive:
        return archive.read(report.PROBLEM_SHEET)


def test_the_problem_sheet_is_byte_for_byte_the_one_openpyxl_writes(tmp_path):
    target = tmp_path / "laporan.xlsx"
    report.write_error_report(_result(), None, target, table=_table())
    with zipfile.ZipFile(target) as archive:
        assert archive.read(report.PROBLEM_SHEET) == _openpyxl_sheet()
    workbook = load_workbook(target)
    assert workbook.sheetnames == ["Masalah", "Ringkasan"]
    rows = list(workbook["Masalah"].iter_rows(values_only=True))
    assert rows[1][:6] == (2, "NIK", "Ditolak", "NIK salah & 'aneh' <b>", "3316051902880001", "Budi <Santoso> & Co")
    assert rows[2][3] == " spasi di tepi "
    assert rows[3][4:7] == ("3316051902880002", " Siti ", "x" * 40)
    assert len(rows) == 4  # the problem of a row the file does not have is not listed
    assert list(workbook["Ringkasan"].iter_rows(values_only=True))[0] == ("File", "uji.csv")


def test_a_reused_problem_sheet_is_copied_with_a_new_summary(tmp_path):
    first = tmp_path / "uji-coba.xlsx"
    report.write_error_report(_result(), None, first, table=_table())
    committed = _result()
    committed.summary = Summary(rows=3, warnings=1, committed=True)
    second = tmp_path / "simpan.xlsx"
    report.write_error_report(committed, None, second, reuse=first.read_bytes())
    with zipfile.ZipFile(first) as a, zipfile.ZipFile(second) as b:
        assert a.read(report.PROBLEM_SHEET) == b.read(report.PROBLEM_SHEET)
    summary = dict(load_workbook(second)["Ringkasan"].iter_rows(values_only=True))
    assert summary["Disimpan"] == "Ya"
    assert dict(load_workbook(first)["Ringkasan"].iter_rows(values_only=True))["Disimpan"] == "Tidak"


def test_the_report_from_the_rows_kept_while_reading_is_the_one_from_reading_the_file_again(
        staff_blora, tmp_path, monkeypatch):
    from berdaya.imports import engine, plan_cache, planner
    from berdaya.imports.engine import dry_run
    from tests.imports.conftest import family, write_xlsx

    monkeypatch.setattr(plan_cache, "reusable_report", lambda *a, **k: None)  # each report written afresh
    used = []
    kept_rows_table = engine._kept_rows_table
    monkeypatch.setattr(engine, "_kept_rows_table", lambda plan: used.append(kept_rows_table(plan)) or used[-1])

    # Problems found while reading (the rows of a refused row's family are only known later: not kept, the
    # report then reads the file again, as the second run here).
    rows = family(members=1) + family(members=2) + family(members=1) + family()
    rows[0]["TANGGAL_LAHIR"] = "31/02/1983"
    rows[2]["NIK"] = ""
    rows[3]["RT"] = "1234"
    rows[5]["TANGGAL_LAHIR"] = "18/05/1980"  # a flag: the NIK says the 17th
    path = write_xlsx(tmp_path / "a.xlsx", rows)
    kept = dry_run(path, actor=staff_blora)
    monkeypatch.setattr(planner, "KEPT_ROWS_LIMIT", 0)  # nothing kept: the report reads the file again
    reread = dry_run(path, actor=staff_blora)
    assert kept.problems == reread.problems and len(kept.problems) == 4
    assert used[0] is not None and used[1] is None
    sheets = []
    for result in (kept, reread):
        with zipfile.ZipFile(result.batch.report_path) as archive:
            sheets.append(archive.read(report.PROBLEM_SHEET))
    assert sheets[0] == sheets[1]
