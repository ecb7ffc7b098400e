"""Open an uploaded file as a table: find what it is, its header row, and stream its data rows.

The kind is read from the bytes, not the file name: xlsx/ods (a zip), xls (an OLE compound file), or text (csv).
A password-protected xlsx is an OLE compound file holding an "EncryptionInfo" stream, not a zip: it is refused
with a message saying so. xlsx, xls and ods are read by python-calamine (the cached value of a formula cell);
a formula cell without a cached value (a file written by a program that does not calculate) is reported per cell.
CSV: encoding UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode text"), else Windows-1252; delimiter
comma, semicolon or tab, whichever the header line uses most.

Row numbers are those the user sees in a spreadsheet program: the header row of a plain file is row 1.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from xml.etree import ElementTree

from django.utils.translation import gettext as _

from berdaya.imports.template import HEADERS, norm

HEADER_SCAN_ROWS = 10
SKIPPED_SHEETS = {"petunjuk", "kode", "kodedata", "instructions", "codes"}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
BINARY_MAGIC = {
    b"%PDF": "PDF", b"\x89PNG": "PNG", b"\xff\xd8\xff": "JPEG", b"GIF8": "GIF", b"Rar!": "RAR",
    b"7z\xbc\xaf": "7z", b"\x1f\x8b": "gzip",
}
EXCEL_ERRORS = {"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"}


class UnusableFile(Exception):
    """The file as a whole cannot be imported; the message (Indonesian) says why and what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    kind: str  # xlsx, xls, ods, csv
    headers: list[str]  # header text per column, as written in the file
    header_row: int
    data: Iterator[tuple[int, list]]  # (row number, cell values) after the header
    total_rows: int | None = None  # for progress: the last row number (estimated for csv)
    cell_errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, column index) -> message
    # The same table read again from what is already loaded (a spreadsheet's sheet), for the error report; None:
    # open the file again (a csv is streamed, so that is cheap).
    reread: Callable[[], Table] | None = None
    sheet: str = ""
    encoding: str = ""
    delimiter: str = ""


def open_table(path: str | Path) -> Table:
    path = Path(path)
    with path.open("rb") as handle:
        head = handle.read(65536)
    if not head.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise UnusableFile(_("File kosong: tidak ada judul kolom maupun data."))
    if head.startswith(b"PK\x03\x04"):
        return _open_zip(path)
    if head.startswith(OLE_MAGIC):
        return _open_ole(path)
    for magic, name in BINARY_MAGIC.items():
        if head.startswith(magic):
            raise UnusableFile(_("File ini %(kind)s, bukan spreadsheet. Unggah file .xlsx atau .csv.") % {"kind": name})
    return _open_csv(path, head)


# --- spreadsheets ------------------------------------------------------------------------------------------------
def _open_zip(path: Path) -> Table:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise UnusableFile(_("File .xlsx rusak atau tidak lengkap (zip tidak terbaca). Simpan ulang dari Excel."))\
            from None
    if "xl/workbook.xml" in names:
        return _open_workbook(path, "xlsx")
    if "content.xml" in names and "mimetype" in names:
        return _open_workbook(path, "ods")
    if "word/document.xml" in names:
        raise UnusableFile(_("File ini dokumen Word, bukan spreadsheet. Unggah file .xlsx atau .csv."))
    raise UnusableFile(_("File zip ini bukan spreadsheet Excel. Unggah file .xlsx atau .csv."))


def _open_ole(path: Path) -> Table:
    if _contains(path, ENCRYPTION_STREAM):
        raise UnusableFile(_("File Excel ini dilindungi kata sandi (terenkripsi) sehingga tidak dapat dibaca. Buka "
                             "di Excel, hapus kata sandinya (File › Info › Proteksi Buku Kerja), simpan, lalu unggah "
                             "lagi."))
    return _open_workbook(path, "xls")


def _contains(path: Path, needle: bytes) -> bool:
    tail = b""
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            if needle in tail + chunk:
                return True
            tail = chunk[-len(needle):]
    return False


def _open_workbook(path: Path, kind: str) -> Table:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        name = _data_sheet(workbook)
        sheet = workbook.get_sheet_by_name(name)
    except CalamineError as exc:
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise UnusableFile(_("File Excel ini dilindungi kata sandi sehingga tidak dapat dibaca. Hapus kata "
                                 "sandinya di Excel lalu unggah lagi.")) from None
        raise UnusableFile(_("File spreadsheet tidak dapat dibaca (%(err)s). Simpan ulang sebagai .xlsx.")
                           % {"err": str(exc)[:200]}) from None
    offset = sheet.start[1] if sheet.start else 0
    merges = [((r1 + 1, c1 - offset), (r2 + 1, c2 - offset)) for (r1, c1), (r2, c2) in (sheet.merged_cell_ranges or [])]

    def read() -> Table:
        table = _with_header(((index + 1, row) for index, row in enumerate(sheet.iter_rows())), kind, merges=merges)
        table.sheet = name
        return table

    table = read()
    table.reread = read  # python-calamine loads the whole sheet: the report reads it again from memory
    table.total_rows = (sheet.end[0] + 1) if sheet.end else None
    if kind == "xlsx":
        table.cell_errors = formula_cells_without_value(path, name, column_offset=offset)
    return table


def _data_sheet(workbook) -> str:
    visible = [m.name for m in workbook.sheets_metadata if str(m.visible).endswith("Visible")
               and str(m.typ).endswith("WorkSheet")] or list(workbook.sheet_names)
    for name in visible:
        if norm(name) not in SKIPPED_SHEETS:
            return name
    raise UnusableFile(_("Tidak ada lembar data di file ini."))


_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL)
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_HAS_VALUE = re.compile(rb"<(?:\w+:)?v>[^<]+</(?:\w+:)?v>|<(?:\w+:)?is>", re.DOTALL)
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL_START = re.compile(rb"<(?:\w+:)?c[\s>/]")


def formula_cells_without_value(path: Path, sheet_name: str, *, column_offset: int = 0) -> dict:
    """Cells of the sheet holding a formula but no calculated value: (row, column index) -> message.

    A quick scan first (most files have no formula at all); only then the cells are looked at one by one.
    """
    member = _sheet_member(path, sheet_name)
    if member is None:
        return {}
    out: dict[tuple[int, int], str] = {}
    with zipfile.ZipFile(path) as archive:
        with archive.open(member) as stream:
            if not any(_FORMULA.search(chunk) for chunk in _chunks(stream, overlap=8)):
                return out
        with archive.open(member) as stream:
            buffer = b""
            while chunk := stream.read(1 << 20):
                buffer += chunk
                # Everything before the last cell's start is whole; that cell may continue in the next chunk.
                starts = [m.start() for m in _CELL_START.finditer(buffer)]
                cut = starts[-1] if starts else 0
                _scan_cells(buffer[:cut], out, column_offset)
                buffer = buffer[cut:]
            _scan_cells(buffer, out, column_offset)
    return out


def _chunks(stream, *, overlap: int):
    tail = b""
    while chunk := stream.read(1 << 20):
        yield tail + chunk
        tail = chunk[-overlap:]


def _scan_cells(data: bytes, out: dict, column_offset: int) -> None:
    for match in _CELL.finditer(data):
        inner = match.group(2) or b""
        if not _FORMULA.search(inner) or _HAS_VALUE.search(inner):
            continue
        ref = _REF.search(match.group(1))
        if ref is None:
            continue
        letters, row = ref.group(1).decode(), int(ref.group(2))
        out[(row, column_index(letters) - column_offset)] = _(
            "Sel %(ref)s berisi rumus tanpa nilai tersimpan. Buka file di Excel dan simpan ulang (atau salin lalu "
            "tempel sebagai nilai).") % {"ref": f"{letters}{row}"}


def column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + (ord(ch) - 64)
    return index - 1


def column_letter(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def _sheet_member(path: Path, sheet_name: str) -> str | None:
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
          "p": "http://schemas.openxmlformats.org/package/2006/relationships"}
    with zipfile.ZipFile(path) as archive:
        try:
            book = ElementTree.fromstring(archive.read("xl/workbook.xml"))  # noqa: S314 - zip member, size-bounded
            rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))  # noqa: S314
        except (KeyError, ElementTree.ParseError):
            return None
    rel_id = None
    for sheet in book.iterfind("m:sheets/m:sheet", ns):
        if sheet.get("name") == sheet_name:
            rel_id = sheet.get(f"{{{ns['r']}}}id")
    for rel in rels.iterfind("p:Relationship", ns):
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None


# --- header ------------------------------------------------------------------------------------------------------
def _with_header(rows: Iterator[tuple[int, list]], kind: str, *, merges=()) -> Table:
    first: list[tuple[int, list]] = []
    for number, values in rows:
        first.append((number, list(values)))
        if len(first) >= HEADER_SCAN_ROWS:
            break
    if not any(_filled(values) for _n, values in first):
        raise UnusableFile(_("File kosong: tidak ada judul kolom maupun data."))
    _fill_merged(first, merges)
    best, best_score = None, 1
    for index, (_number, values) in enumerate(first):
        score = sum(1 for v in values if isinstance(v, str) and norm(v) in HEADERS)
        if score >= best_score:  # ties: the later row (a two-row header's second row holds the names)
            best, best_score = index, score
    if best is None:
        found = ", ".join(str(v) for v in next(vals for _n, vals in first if _filled(vals)) if str(v).strip())[:300]
        raise UnusableFile(_("Judul kolom tidak dikenali. Baris judul harus memuat antara lain NIK, NO_KK dan NAMA "
                             "(unduh template). Ditemukan: %(found)s") % {"found": found})
    header_number, headers = first[best]
    # Rows covered by a vertical merge of the header belong to the header.
    last_header = max([header_number] + [r2 for (r1, _c1), (r2, _c2) in merges if r1 <= header_number <= r2])
    rest = ((n, v) for n, v in first[best + 1:] if n > last_header)
    data = chain(rest, ((n, v) for n, v in rows if n > last_header))
    return Table(kind=kind, headers=[str(h).strip() if h is not None else "" for h in headers],
                 header_row=header_number, data=data)


def _filled(values) -> bool:
    return any(v not in (None, "") and str(v).strip() for v in values)


def _fill_merged(first: list[tuple[int, list]], merges) -> None:
    """Give every cell of a merged range in the header area the value of its top-left cell."""
    by_number = {number: values for number, values in first}
    for (r1, c1), (r2, c2) in merges:
        top = by_number.get(r1)
        if top is None or c1 >= len(top):
            continue
        value = top[c1]
        for r in range(r1, r2 + 1):
            row = by_number.get(r)
            if row is None:
                continue
            for c in range(c1, c2 + 1):
                if c < len(row) and row[c] in (None, ""):
                    row[c] = value


# --- csv ---------------------------------------------------------------------------------------------------------
def _open_csv(path: Path, head: bytes) -> Table:
    encoding = _encoding(head)
    if encoding is None:
        raise UnusableFile(_("File ini bukan spreadsheet atau CSV (berisi data biner). Unggah file .xlsx atau .csv."))
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # long cells are refused per cell, with a message
    sample = head.decode(encoding, errors="replace")
    delimiter = _delimiter(sample)
    handle = path.open("r", encoding=encoding, newline="")
    reader = csv.reader(handle, delimiter=delimiter)
    size = path.stat().st_size
    lines = max(1, sample.count("\n"))
    rows = _csv_rows(reader, handle, encoding)
    table = _with_header(rows, "csv")
    table.encoding, table.delimiter = encoding, delimiter
    table.total_rows = max(1, round(size / max(1, len(head)) * lines)) if size > len(head) else lines
    return table


def _csv_rows(reader, handle, encoding: str):
    number = 0
    try:
        for number, values in enumerate(reader, start=1):  # noqa: B007 - number is reported on a decode error
            yield number, values
    except UnicodeDecodeError:
        raise UnusableFile(_("File CSV bercampur encoding (setelah baris %(n)d bukan %(enc)s lagi). Simpan ulang "
                             "sebagai 'CSV UTF-8'.") % {"n": number, "enc": encoding}) from None
    except csv.Error as exc:
        raise UnusableFile(_("CSV rusak setelah baris %(n)d: %(err)s") % {"n": number, "err": exc}) from None
    finally:
        handle.close()


def _encoding(head: bytes) -> str | None:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        return None
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    try:
        head.decode("cp1252")
    except UnicodeDecodeError:
        return None
    return "cp1252"


def _delimiter(sample: str) -> str:
    best, best_count = ",", 0
    for line in io.StringIO(sample).readlines()[:HEADER_SCAN_ROWS]:
        for candidate in (",", ";", "\t"):
            count = line.count(candidate)
            if count > best_count:
                best, best_count = candidate, count
    return best
