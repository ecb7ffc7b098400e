"""The error report: an xlsx (openpyxl write-only, constant memory) listing each problem with the row number, the
column, the kind, the reason in Indonesian, and the row's original values as read from the file.

The file is read again (only the rows with a problem are kept), so nothing of the original rows stays in memory
between the dry run and the report.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils.translation import gettext as _

from berdaya.imports.planner import CONFLICT, ERROR, FAMILY, WARNING
from berdaya.imports.readers import open_table

CELL_LIMIT = 32_000


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


def write_error_report(result, source_path, target, *, table=None) -> None:
    """`table`: the file's table read again (readers.Table.reread), else the file is opened again."""
    from openpyxl import Workbook

    labels = kind_labels()
    by_row: dict[int, list] = {}
    for problem in result.problems:
        by_row.setdefault(problem.row, []).append(problem)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Masalah"))
    table = table or open_table(source_path)
    sheet.append([_("Baris"), _("Kolom"), _("Jenis"), _("Masalah"), *[_cell(h) for h in table.headers]])
    for number, cells in table.data:
        for problem in by_row.get(number, ()):
            sheet.append([number, problem.column, labels.get(problem.kind, problem.kind), problem.message,
                          *[_cell(v) for v in cells]])
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
    workbook.save(target)
