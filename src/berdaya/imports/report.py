"""The error report: an xlsx listing each problem with the row number, the column, the kind, the reason in
Indonesian, and the row's original values as read from the file.

The rows listed come from those the planner kept while reading (the rows that got a problem, up to
planner.KEPT_ROWS_LIMIT); when it did not keep them all, the file is read again (only the rows with a problem are
kept), so the original rows do not all stay in memory between the dry run and the report.

The workbook is openpyxl's (write-only); its problem sheet, which holds tens of thousands of rows for a large file,
is written here as the very XML openpyxl writes for it (inline strings, no styles), streamed into the workbook's
zip: openpyxl builds an element tree for every cell (~10 µs each, five seconds for the half million cells of a
million-row file's report). A commit whose problems are exactly its dry run's (same file, nothing changed:
imports.plan_cache) does not write that sheet again: it copies the dry run's, with its own summary sheet.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

from berdaya.imports.planner import CONFLICT, ERROR, FAMILY, WARNING
from berdaya.imports.readers import column_letter, open_table

CELL_LIMIT = 32_000
PROBLEM_SHEET = "xl/worksheets/sheet1.xml"  # the first sheet openpyxl writes: "Masalah"


def kind_labels() -> dict[str, str]:
    return {ERROR: _("Ditolak"), CONFLICT: _("Konflik"), FAMILY: _("Ditolak (keluarga)"), WARNING: _("Peringatan")}


def _cell(value) -> str | int | None:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a NIK stored as a number stays readable, not 3.31601E+15
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    if len(text) > CELL_LIMIT:
        text = text[:200] + " … " + _("(dipotong: %(n)s karakter)") % {"n": f"{len(text):,}".replace(",", ".")}
    return text


def write_error_report(result, source_path, target, *, table=None, reuse: bytes | None = None) -> None:
    """`table`: the file's table read again (readers.Table.reread), else the file is opened again. `reuse`: an
    earlier report (its bytes) of the same file listing the same problems: its problem sheet is taken as it is."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    workbook.create_sheet(_("Masalah"))  # its part is replaced by the sheet written below
    summary = workbook.create_sheet(_("Ringkasan"))
    s = result.summary
    for label, value in [
        (_("File"), result.batch.original_filename), (_("Baris data"), s.rows),
        (_("Keluarga baru"), s.new_households), (_("Keluarga diubah"), s.updated_households),
        (_("Anggota baru"), s.new_persons), (_("Anggota diubah"), s.updated_persons),
        (_("Tidak berubah"), s.unchanged), (_("Dilewati (status bukan hidup)"), s.skipped),
        (_("Ditolak"), s.rejected), (_("Konflik"), s.conflicts), (_("Baris dengan peringatan"), s.warnings),
        (_("Disimpan"), _("Ya") if s.committed else _("Tidak")),
    ]:
        summary.append([str(label), value])
    fresh = io.BytesIO()
    workbook.save(fresh)
    if reuse is not None:
        with zipfile.ZipFile(io.BytesIO(reuse)) as earlier:
            sheet = earlier.read(PROBLEM_SHEET)
        _save_with_sheet(fresh, target, lambda out: out.write(sheet))
    else:
        table = table or open_table(source_path)
        _save_with_sheet(fresh, target, lambda out: _write_problem_sheet(out, result, table))


def _save_with_sheet(fresh: io.BytesIO, target, write_sheet) -> None:
    """Write the workbook `fresh` to `target` (through a temporary file), its problem sheet's part written by
    `write_sheet(stream)`. A write-only workbook's sheet part holds its cells with inline strings and no styles,
    so it depends on nothing else in the workbook."""
    tmp = Path(f"{target}.part")
    try:
        with zipfile.ZipFile(fresh) as new, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
            if PROBLEM_SHEET not in new.namelist():
                raise AssertionError(f"openpyxl wrote no {PROBLEM_SHEET}")
            for info in new.infolist():
                if info.filename == PROBLEM_SHEET:
                    with out.open(info.filename, "w") as stream:
                        write_sheet(stream)
                else:
                    out.writestr(info, new.read(info.filename))
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)


_SHEET_HEAD = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetPr><outlinePr '
               'summaryBelow="1" summaryRight="1" /><pageSetUpPr /></sheetPr><sheetViews><sheetView '
               'workbookViewId="0"><selection activeCell="A1" sqref="A1" /></sheetView></sheetViews><sheetFormatPr '
               'baseColWidth="8" defaultRowHeight="15" /><sheetData>')
_SHEET_TAIL = ('</sheetData><pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5" />'
               '</worksheet>')


def _write_problem_sheet(stream, result, table) -> None:
    """The problem sheet's XML, as openpyxl's write-only sheet writes it for these rows (see the module's doc)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    labels = kind_labels()
    by_row: dict[int, list] = {}
    for problem in result.problems:
        by_row.setdefault(problem.row, []).append(problem)
    letters: list[str] = []
    out = io.BufferedWriter(stream, buffer_size=1 << 16)
    out.write(_SHEET_HEAD.encode())
    line = 0

    def append(values: list) -> None:
        nonlocal line
        line += 1
        while len(letters) < len(values):
            letters.append(column_letter(len(letters)))
        cells = []
        for letter, value in zip(letters, values, strict=False):
            if value is None or value == "":
                continue
            if type(value) is int:
                cells.append(f'<c r="{letter}{line}" t="n"><v>{value}</v></c>')
            else:
                text = escape(ILLEGAL_CHARACTERS_RE.sub("", str(value)))
                space = ' xml:space="preserve"' if text != text.strip() else ""
                cells.append(f'<c r="{letter}{line}" t="inlineStr"><is><t{space}>{text}</t></is></c>')
        out.write(f'<row r="{line}">{"".join(cells)}</row>'.encode())

    append([_("Baris"), _("Kolom"), _("Jenis"), _("Masalah"), *[_cell(h) for h in table.headers]])
    for number, cells in table.data:
        for problem in by_row.get(number, ()):
            append([number, problem.column, labels.get(problem.kind, problem.kind), problem.message,
                    *[_cell(v) for v in cells]])
    out.write(_SHEET_TAIL.encode())
    out.flush()
    out.detach()
