"""Reading a list to verify (e.g. the ministry's extreme-poverty list) from an uploaded xlsx/xls/ods/csv file.

The file is opened with the import readers (berdaya.imports.readers: kind sniffed from the bytes, header row found,
CSV encoding and delimiter guessed), and its headers are matched the same way as the import template's ("NIK",
"NAMA", "ALAMAT", "NO_KK" with their aliases). NIK and NAMA are required; ALAMAT is kept as written.

Each data row becomes a ListRow, or a RowResult with status "error" naming the row and the column.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from berdaya.core.errors import ApplicationError
from berdaya.core.identity import IdentityError, parse_nik
from berdaya.imports.readers import UnusableFile, column_letter, open_table
from berdaya.imports.template import HEADERS, norm
from berdaya.imports.values import CellError, as_text, identity_number, is_blank

MAX_ROWS = 100_000
WANTED = ("nik", "name", "address")

MATCHED, UNMATCHED, SKIPPED, ERROR = "matched", "unmatched", "skipped", "error"


@dataclass
class ListRow:
    row: int
    nik: str
    name: str
    address: str


@dataclass
class RowResult:
    row: int
    nik: str
    name: str
    status: str
    message: str = ""


@dataclass
class ListImportReport:
    results: list[RowResult] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def matched(self) -> int:
        return self.count(MATCHED)

    @property
    def unmatched(self) -> int:
        return self.count(UNMATCHED)

    @property
    def skipped(self) -> int:
        return self.count(SKIPPED)

    @property
    def errors(self) -> int:
        return self.count(ERROR)

    @property
    def imported(self) -> int:
        return self.matched + self.unmatched


def _spool(upload) -> str:
    limit = settings.BERDAYA_IMPORT_MAX_MB * 1024 * 1024
    if getattr(upload, "size", 0) and upload.size > limit:
        raise ApplicationError(_("File terlalu besar: paling besar %(mb)s MB.")
                               % {"mb": settings.BERDAYA_IMPORT_MAX_MB}, field="upload", code="too_large")
    fd, path = tempfile.mkstemp(prefix="verval-list-")
    with os.fdopen(fd, "wb") as out:
        for chunk in upload.chunks() if hasattr(upload, "chunks") else [upload.read()]:
            out.write(chunk)
    return path


def _columns(headers: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, header in enumerate(headers):
        column = HEADERS.get(norm(header))
        if column is not None and column.key in WANTED and column.key not in found:
            found[column.key] = index
    missing = [label for key, label in (("nik", "NIK"), ("name", "NAMA")) if key not in found]
    if missing:
        raise ApplicationError(
            _("Kolom %(missing)s tidak ditemukan. Daftar harus memuat kolom NIK, NAMA dan (bila ada) ALAMAT; "
              "judul kolom yang terbaca: %(found)s.")
            % {"missing": ", ".join(missing), "found": ", ".join(h for h in headers if h)[:300] or "–"},
            field="upload")
    return found


def _cell(values: list, index: int | None):
    if index is None or index >= len(values):
        return None
    return values[index]


def read_list(upload) -> tuple[list[ListRow], list[RowResult]]:
    """The file's good rows and its bad rows (with a message naming the row and the column)."""
    path = _spool(upload)
    try:
        try:
            table = open_table(path)
            columns = _columns(table.headers)
            return _rows(table, columns)
        except UnusableFile as exc:
            raise ApplicationError(exc.message, field="upload") from None
    finally:
        os.unlink(path)


def _rows(table, columns: dict[str, int]) -> tuple[list[ListRow], list[RowResult]]:
    good: list[ListRow] = []
    bad: list[RowResult] = []
    seen: dict[str, int] = {}
    for number, values in table.data:
        if all(is_blank(v) for v in values):
            continue
        if len(good) + len(bad) >= MAX_ROWS:
            raise ApplicationError(_("Daftar terlalu panjang: paling banyak %(n)s baris per unggahan; bagi per "
                                     "kecamatan.") % {"n": f"{MAX_ROWS:,}".replace(",", ".")}, field="upload")
        row, error = _row(table, columns, number, values)
        if error is None and row.nik in seen:
            error = _("Baris %(row)s, kolom NIK: NIK %(nik)s sudah ada di baris %(first)s.") % {
                "row": number, "nik": row.nik, "first": seen[row.nik]}
        if error is not None:
            bad.append(RowResult(row=number, nik=row.nik if row else "", name=row.name if row else "",
                                 status=ERROR, message=error))
            continue
        seen[row.nik] = number
        good.append(row)
    return good, bad


def _row(table, columns, number: int, values: list) -> tuple[ListRow | None, str | None]:
    def where(key: str, label: str) -> str:
        letter = column_letter(columns[key])
        return _("Baris %(row)s, kolom %(label)s (%(cell)s)") % {"row": number, "label": label,
                                                                 "cell": f"{letter}{number}"}

    for key, label in (("nik", "NIK"), ("name", "NAMA")):
        if (number, columns[key]) in table.cell_errors:
            return None, f"{where(key, label)}: {table.cell_errors[(number, columns[key])]}"
    raw_name = _cell(values, columns["name"])
    name = "" if is_blank(raw_name) else " ".join(as_text(raw_name).split())[:120]
    raw_address = _cell(values, columns.get("address"))
    address = "" if is_blank(raw_address) else " ".join(as_text(raw_address).split())[:255]
    raw_nik = _cell(values, columns["nik"])
    partial = ListRow(row=number, nik=as_text(raw_nik)[:16] if not is_blank(raw_nik) else "", name=name,
                      address=address)
    if is_blank(raw_nik):
        return partial, f"{where('nik', 'NIK')}: " + _("NIK kosong.")
    try:
        text, _warning = identity_number(raw_nik, label="NIK")
        nik = parse_nik(text).nik
    except (CellError, IdentityError) as exc:
        return partial, f"{where('nik', 'NIK')}: {exc.message}"
    if not name:
        return ListRow(row=number, nik=nik, name="", address=address), f"{where('name', 'NAMA')}: " + _("Nama kosong.")
    return ListRow(row=number, nik=nik, name=name, address=address), None
