"""Registry exports: one class per export with a generator of rows; one shared writer for xlsx and csv.

HouseholdExport: the households of a filtered registry list (selectors.household_list, so the user's region scope
and the list's filters apply), one row per member with the household's columns repeated, in the import template's
headers and value forms (imports.template.COLUMNS): an export can be edited and imported again, and re-importing
it unchanged changes nothing. Coded columns hold the template's labels ("Kepala Keluarga"), yes/no columns Ya/Tidak,
STATUS_DASAR Hidup/Mati/Pindah (the importer skips rows of people no longer alive).

Privacy: NIK and NO_KK are masked (3316********0001), and disability and incomes left blank, on the households of
villages where the user lacks Perm.REGISTRY_VIEW_IDENTITY. Such an export cannot be re-imported (a masked NIK is
refused).

Memory: households are read a chunk at a time (QuerySet.iterator with their members prefetched per chunk) and rows
go straight to the file or the response: constant memory whatever the list's size.

Formats (one writer, `write_export`):
- xlsx: openpyxl write-only; NIK and NO_KK are text cells (Excel keeps all 16 digits), dates are date cells shown
  dd/mm/yyyy.
- csv: for Excel as Indonesian offices run it: UTF-8 with a BOM (Excel then reads the names' accents right),
  semicolon-separated and decimal comma (-6,969800), as Windows' Indonesian regional settings expect (list
  separator ";", decimal symbol ","), so a double-click opens it in columns; dates dd/mm/yyyy. NIK and NO_KK are
  plain digits: Excel turns a 16-digit number into 3,31601E+15 when it opens a csv by double-click, so for editing
  in Excel use the xlsx (or Data › From Text/CSV with those two columns as Text). The importer reads this csv back
  as it is (delimiter and decimal comma detected).

Long exports run as a background task: `export_households_to_file(user_id=…, filters={…}, fmt="xlsx", path=…,
progress=callback)` takes only JSON-able arguments and writes the file.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import asdict, fields
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from berdaya.core.identity import mask_number
from berdaya.core.permissions import Perm, has_perm
from berdaya.imports.template import COLUMNS, Column
from berdaya.registry import codes, selectors
from berdaya.registry.models import Household, Person

FORMATS = ("xlsx", "csv")
CONTENT_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 "csv": "text/csv; charset=utf-8"}
CSV_DELIMITER = ";"
CHUNK = 2000  # households per query (and their members in one more)
BASIC_STATUS = {codes.PersonStatus.ALIVE: "Hidup", codes.PersonStatus.DECEASED: "Mati",
                codes.PersonStatus.MOVED_OUT: "Pindah"}
PRIVATE_KEYS = {"disability", "monthly_income"}  # with NIK and KK: hidden without REGISTRY_VIEW_IDENTITY
Progress = Callable[[str, int, int | None], None]


class HouseholdExport:
    """One row per member of each household of the filtered list, with the household's columns."""

    name = "registri-keluarga"
    columns: list[Column] = list(COLUMNS)
    headers = [c.header for c in COLUMNS]
    text_headers = ("NIK", "NO_KK")  # digits that must stay text in a spreadsheet

    def __init__(self, *, user, filters: selectors.HouseholdFilters, chunk_size: int = CHUNK):
        self.user, self.filters, self.chunk_size = user, filters, chunk_size
        self.row_count = 0
        self._identity: dict[str, bool] = {}
        # Per column: (source, attribute, how) worked out once, not per cell.
        self._plan = [_column_plan(c) for c in self.columns]

    def households(self) -> QuerySet[Household]:
        members = Person.objects.order_by("status", "relationship", "birth_date", "pk")
        return (selectors.household_list(user=self.user, filters=self.filters)
                .prefetch_related(Prefetch("members", queryset=members)))

    def count(self) -> int:
        return selectors.household_list(user=self.user, filters=self.filters).order_by().count()

    def filename(self, fmt: str) -> str:
        return f"{self.name}-{timezone.localdate():%Y%m%d}.{fmt}"

    def rows(self, progress: Progress | None = None) -> Iterator[list]:
        """Typed values (str, int, Decimal, date or None) in the order of `headers`."""
        total = self.count() if progress else None
        done = 0
        for done, household in enumerate(self.households().iterator(chunk_size=self.chunk_size), start=1):  # noqa: B007
            identity = self._may_see_identity(household.village_id)
            for person in household.members.all():
                yield [_cell(plan, household, person, identity) for plan in self._plan]
                self.row_count += 1
            if progress and done % 1000 == 0:
                progress("export", done, total)
        if progress:
            progress("export", done, total)

    def _may_see_identity(self, village: str) -> bool:
        if village not in self._identity:
            self._identity[village] = has_perm(self.user, Perm.REGISTRY_VIEW_IDENTITY, village)
        return self._identity[village]


_VILLAGE, _STATUS, _IDENTITY, _PRIVATE, _YES_NO, _LABEL, _PLAIN = range(7)


def _column_plan(column: Column) -> tuple[bool, str, int, dict | None]:
    """(from the person?, attribute, how to write it, labels) for one template column."""
    person = column.target == "person"
    key = column.key
    if key == "village":
        return False, "village_id", _VILLAGE, None
    if key == "basic_status":
        return True, "status", _STATUS, None
    if key in ("nik", "kk_number"):
        return person, key, _IDENTITY, None
    if column.kind == "bool" or key == "pregnant":
        how = _YES_NO
    elif column.kind == "code":
        how = _LABEL  # the template's own labels: exactly what its importer reads back
    else:
        how = _PLAIN
    if key in PRIVATE_KEYS:
        return person, key, _PRIVATE, (how, dict(column.choices))
    return person, key, how, dict(column.choices) if how == _LABEL else None


def _cell(plan, household: Household, person: Person, identity: bool):
    from_person, attribute, how, labels = plan
    if how == _VILLAGE:
        return household.village_id
    if how == _STATUS:
        return BASIC_STATUS.get(person.status, person.status)
    value = getattr(person if from_person else household, attribute)
    if how == _IDENTITY:
        return value if identity else mask_number(value)
    if how == _PRIVATE:
        if not identity:
            return None
        how, labels = labels
        if how == _LABEL:
            return labels.get(value, value)  # disability: "" is "Tidak ada"
    if value is None or value == "":
        return None
    if how == _YES_NO:
        return "Ya" if value else "Tidak"
    if how == _LABEL:
        return labels.get(value, value)
    return value


# --- the shared writer ---------------------------------------------------------------------------------------------
def write_export(export: HouseholdExport, fmt: str, target, *, progress: Progress | None = None) -> int:
    """Write the export as xlsx or csv to a path or a binary file object; returns the number of rows."""
    if fmt == "csv":
        return _write_csv(export, target, progress)
    if fmt == "xlsx":
        return _write_xlsx(export, target, progress)
    raise ValueError(f"unknown export format {fmt!r}")


def csv_stream(export: HouseholdExport, progress: Progress | None = None) -> Iterator[bytes]:
    """The csv export as chunks of bytes (for a StreamingHttpResponse, or a file)."""
    writer = csv.writer(_Lines(), delimiter=CSV_DELIMITER)
    yield ("\ufeff" + writer.writerow(export.headers)).encode("utf-8")
    batch = []
    for row in export.rows(progress=progress):
        batch.append(writer.writerow([_csv_text(v) for v in row]))
        if len(batch) >= 500:
            yield "".join(batch).encode("utf-8")
            batch = []
    if batch:
        yield "".join(batch).encode("utf-8")


class _Lines:
    """A file-like object whose write returns the line (Django's documented pattern for streaming csv)."""

    def write(self, value: str) -> str:
        return value


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")
    return str(value)


def _write_csv(export: HouseholdExport, target, progress) -> int:
    with _binary(target) as handle:
        for chunk in csv_stream(export, progress):
            handle.write(chunk)
    return export.row_count


def _write_xlsx(export: HouseholdExport, target, progress) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Data")
    text_columns = [export.headers.index(h) for h in export.text_headers]
    bold = Font(bold=True)
    header = []
    for title in export.headers:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in export.rows(progress=progress):
        for index, value in enumerate(row):
            if isinstance(value, date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "DD/MM/YYYY"
                row[index] = cell
        for index in text_columns:
            if row[index] is not None:
                cell = WriteOnlyCell(sheet, value=row[index])
                cell.number_format = "@"
                row[index] = cell
        sheet.append(row)
    workbook.save(target)
    return export.row_count


class _binary:
    """A path opened for writing, or a file object passed through (left open)."""

    def __init__(self, target):
        self.target, self.handle = target, None

    def __enter__(self):
        if hasattr(self.target, "write"):
            return self.target
        self.handle = open(self.target, "wb")  # noqa: SIM115 - closed in __exit__
        return self.handle

    def __exit__(self, *exc):
        if self.handle is not None:
            self.handle.close()


# --- for background tasks ------------------------------------------------------------------------------------------
def export_households_to_file(*, user_id: int, filters: dict | selectors.HouseholdFilters, fmt: str, path,
                              progress: Progress | None = None) -> int:
    """Write the household export of the user's filtered list to `path`; returns the number of rows.

    Arguments are JSON-able for a task queue: filters as a dict of selectors.HouseholdFilters' fields (unknown keys
    are ignored). `progress("export", households_done, households_total)` is called every 1,000 households.
    """
    from django.contrib.auth import get_user_model

    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    user = get_user_model().objects.get(pk=user_id)
    if isinstance(filters, dict):
        known = {f.name for f in fields(selectors.HouseholdFilters)}
        filters = selectors.HouseholdFilters(**{k: v for k, v in filters.items() if k in known})
    export = HouseholdExport(user=user, filters=filters)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return write_export(export, fmt, path, progress=progress)


def filters_to_dict(filters: selectors.HouseholdFilters) -> dict:
    """The inverse, for queuing a task from a view."""
    return asdict(filters)
