"""The dry run: read every row, check it with the registry's own rules, and decide what a commit would write.

Rules are those of the registry forms and services, from the same code: registry.validation.check_person and
check_kk (NIK/KK structure, NIK against sex and birth date, plausible dates), model field lengths and choices,
and the uniqueness rules of registry.services (a NIK belongs to one living person, one living head per KK, a head
stays head until replaced) with their messages. Rules across rows: the same NIK twice in the file, two heads in
one KK, a new KK without a head row.

Upsert: a person is found by NIK (a person without NIK by KK + name + birth date), a household by KK. A blank cell
changes nothing. A row whose values equal the registry's is "unchanged", so importing the same file again writes
nothing.

The unit is the family (KK): when one row of a KK is refused (or in conflict), the whole KK is left out, so a
family is never half-imported (for instance members without their head, or a head without the household data).

Memory: one compact record per row (values in tuples, not dicts); existing records are looked up in batches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from berdaya.core.permissions import Perm, has_perm
from berdaya.core.text import search_key
from berdaya.imports import opensid, values
from berdaya.imports.readers import EXCEL_ERRORS, Table, UnusableFile, column_letter
from berdaya.imports.template import HEADERS, HOUSEHOLD_KEYS, PERSON_KEYS, REQUIRED_HEADERS, Column, norm
from berdaya.imports.values import BLANK, CellError
from berdaya.regions.models import Level, Region
from berdaya.registry import codes, services
from berdaya.registry.models import Household, Person
from berdaya.registry.validation import check_kk, check_person

BATCH = 500
# Person values a new person gets from the planner when the file leaves them blank (see _decide_new_person): the
# writer takes them from each record even when the file has no such column.
FILLED_FOR_NEW = ("marital_status",)
P = {key: i for i, key in enumerate(PERSON_KEYS)}
H = {key: i for i, key in enumerate(HOUSEHOLD_KEYS)}
ALIVE = codes.PersonStatus.ALIVE
HEAD = codes.Relationship.HEAD
Progress = Callable[[str, int, int | None], None]

MEMO_LIMIT = 100_000  # parsed values remembered per column
KEPT_ROWS_LIMIT = 50_000  # rows with a problem whose cells are kept for the error report
_MISSING = object()
_SKIP = object()  # a blank cell, or '-': "not given"


class _CellError:
    """A cell the reader could not give a value for (a formula without its result): refused with this message."""

    __slots__ = ("message",)

    def __init__(self, message: str):
        self.message = message


_SEX, _BIRTH_DATE, _PREGNANT = (PERSON_KEYS.index(k) for k in ("sex", "birth_date", "pregnant"))


class _Refused:
    __slots__ = ("message",)

    def __init__(self, message: str):
        self.message = message


# Problem kinds.
ERROR, CONFLICT, WARNING, FAMILY = "error", "conflict", "warning", "family"


@dataclass(slots=True)
class Problem:
    row: int
    column: str
    message: str
    kind: str = ERROR


@dataclass(slots=True)
class Record:
    number: int
    kk: str
    nik: str
    person: tuple  # aligned with PERSON_KEYS; BLANK where the file gives nothing
    flags: tuple  # review flags a commit opens: (code, message)
    bad: bool = False
    skip: bool = False  # OpenSID status other than "alive": not imported
    action: str = ""  # create, update, unchanged, skip
    person_id: int | None = None
    changes: tuple = ()
    failed: tuple = ()  # keys of cells already refused (no "required" message for them)


@dataclass(slots=True)
class Family:
    kk: str
    rows: list = field(default_factory=list)  # indexes into Plan.records
    heads: list = field(default_factory=list)
    values: list = field(default_factory=lambda: [BLANK] * len(HOUSEHOLD_KEYS))
    from_head: bool = False
    village: str | None = None
    existing: tuple | None = None  # (id, village_id, *HOUSEHOLD_KEYS values, head ids...)
    action: str = ""  # create, update, unchanged
    changes: tuple = ()
    rejected: bool = False
    new_id: int | None = None


@dataclass
class Plan:
    table: Table
    layout: str
    columns: list[tuple[int, Column]]
    ignored: list[str]
    records: list[Record] = field(default_factory=list)
    families: dict[str, Family] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    today: date | None = None
    existing_persons: dict = field(default_factory=dict)  # person id -> tuple(Person values) for updates
    # The cells of the rows that got a problem or a review flag while the file was read, for the error report
    # (which then need not read the whole file again); None once there are more than KEPT_ROWS_LIMIT.
    kept_rows: dict[int, list] | None = field(default_factory=dict)

    @property
    def bad(self) -> bool:
        return any(r.bad for r in self.records)


HOUSEHOLD_DB_FIELDS = ["id", "village_id", *HOUSEHOLD_KEYS]
PERSON_DB_FIELDS = ["id", "household_id", "status", "nik", *[k for k in PERSON_KEYS if k != "nik"]]
PERSON_CMP = [k for k in PERSON_KEYS if k != "nik"]


class Planner:
    def __init__(self, table: Table, *, actor, village: str | None, extracted_at: date | None, today: date,
                 progress: Progress | None = None, snapshot=None, after_read: Callable | None = None):
        self.table, self.actor, self.extracted_at, self.today = table, actor, extracted_at, today
        self.snapshot_in, self.after_read = snapshot, after_read
        self.progress = progress or (lambda stage, done, total: None)
        self.columns, ignored = self._map_headers(table.headers)
        keys = {c.key for _i, c in self.columns}
        self.layout = "opensid" if opensid.is_opensid({norm(h) for h in table.headers}) else "template"
        missing = [name for name in ("nik", *REQUIRED_HEADERS) if name not in keys]
        if missing:
            wanted = {"nik": "NIK", "kk_number": "NO_KK", "name": "NAMA"}
            raise UnusableFile(_("Kolom wajib tidak ada: %(cols)s. Judul kolom yang ditemukan (baris %(row)d): "
                                 "%(found)s.") % {"cols": ", ".join(wanted[m] for m in missing),
                                                  "row": table.header_row,
                                                  "found": ", ".join(h for h in table.headers if h)[:300]})
        self.default_village = self._check_default_village(village)
        if self.layout == "opensid" and self.default_village is None and "village" not in keys:
            raise UnusableFile(_("File OpenSID tidak memuat kode desa: pilih desa/kelurahan asal file (--village)."))
        self.plan = Plan(table=table, layout=self.layout, columns=self.columns, ignored=ignored, today=today)
        self.slots = self._slots()
        self.width = max((index + 1 for index, *_rest in self.slots), default=0)  # cells a row is read up to
        self.header_of = {(c.target, c.key): table.headers[i] or column_letter(i) for i, c in self.columns}
        self._villages: dict[str, str | None] = {}
        self._districts: dict[str, bool] = {}
        self._nik_rows: dict[str, int] = {}
        self._duplicates: dict[str, list[int]] = {}
        self._last_kk: tuple = (None, None)

    # --- headers and options -------------------------------------------------------------------------------------
    @staticmethod
    def _map_headers(headers: list[str]) -> tuple[list[tuple[int, Column]], list[str]]:
        columns, seen, ignored = [], set(), []
        for index, header in enumerate(headers):
            column = HEADERS.get(norm(header)) if header else None
            if column is None or (column.target, column.key) in seen:
                if header:
                    ignored.append(header)
                continue
            seen.add((column.target, column.key))
            columns.append((index, column))
        return columns, ignored

    def _check_default_village(self, code: str | None) -> str | None:
        if not code:
            return None
        code = values.village_code(code)
        if not Region.objects.filter(code=code, level=Level.VILLAGE).exists():
            raise UnusableFile(_("Desa/kelurahan %(code)s tidak terdaftar.") % {"code": code})
        if not has_perm(self.actor, Perm.REGISTRY_EDIT, code):
            raise UnusableFile(_("Anda tidak berwenang mengubah data desa/kelurahan %(code)s.") % {"code": code})
        return code

    def header(self, target: str, key: str) -> str:
        return self.header_of.get((target, key), key.upper())

    def problem(self, record: Record | None, number: int, column: str, message: str, kind: str = ERROR) -> None:
        self.plan.problems.append(Problem(number, column, str(message), kind))
        if record is not None and kind in (ERROR, CONFLICT):
            record.bad = True

    # --- phase 1: read and check each row ------------------------------------------------------------------------
    def run(self) -> Plan:
        """Every phase. With `snapshot` (plan_cache; see regions_unchanged) phase 1's outcome is taken from it
        instead of reading the file; `after_read(planner)` is called between phase 1 and the rest (a dry run saves
        the snapshot there)."""
        if self.snapshot_in is not None:
            self.restore(self.snapshot_in)
            self.snapshot_in = None
        else:
            self.read()
            if self.after_read is not None:
                self.after_read(self)
        return self.check()

    def read(self) -> None:
        """Phase 1: read every row and check it on its own. Its outcome depends on the file, `today` and the
        regions table only: plan_cache keeps it (snapshot / restore) for the commit that follows a dry run."""
        total = self.table.total_rows
        for count, (number, cells) in enumerate(self.table.data, start=1):
            if not _has_content(cells):
                continue
            if self.layout == "opensid" and self._is_end_marker(cells):
                break
            self._read_row(number, cells)
            if count % 5000 == 0:
                self.progress("read", number, total)
        # The reader is done: let it go (python-calamine holds a whole sheet in memory until then, and the error
        # report opens the file again).
        self.table.data = iter(())
        if not self.plan.records:
            raise UnusableFile(_("File hanya berisi judul kolom (baris %(row)d), tanpa baris data.")
                               % {"row": self.table.header_row})

    def check(self) -> Plan:
        """Phases 2-4: the rules across rows, then every check against the registry as it is now."""
        total = self.table.total_rows
        self.progress("read", total or len(self.plan.records), total)
        self._cross_row_checks()
        self._decide()
        self._family_rule()
        self._flag_warnings()
        return self.plan

    def snapshot(self) -> tuple[dict, Iterator[tuple], Iterator[tuple]]:
        """Phase 1's outcome as plain data for plan_cache.save: (state, records, families). Taken between read()
        and check(), which changes records and families."""
        t = self.table
        state = {"table": {"kind": t.kind, "headers": t.headers, "header_row": t.header_row,
                           "total_rows": t.total_rows, "cell_errors": t.cell_errors, "sheet": t.sheet,
                           "encoding": t.encoding, "delimiter": t.delimiter},
                 "regions": {"districts": self._districts, "villages": self._villages},
                 "duplicates": self._duplicates,
                 "problems": [(p.row, p.column, p.message, p.kind) for p in self.plan.problems]}
        records = ((r.number, r.kk, r.nik, r.person, r.flags, r.bad, r.skip, r.failed) for r in self.plan.records)
        # A family's household values are mostly BLANK (a registry extract has few household columns): only the
        # given ones, as (position, value).
        families = ((f.kk, f.rows, f.heads, [(i, v) for i, v in enumerate(f.values) if v is not BLANK], f.from_head,
                     f.village) for f in self.plan.families.values())
        return state, records, families

    @staticmethod
    def cached_table(state: dict) -> Table:
        """The table of a snapshot: its description, no rows (they are in the snapshot)."""
        return Table(data=iter(()), **state["table"])

    @staticmethod
    def regions_unchanged(snapshot) -> bool:
        """Does every region phase 1 consulted (a KK's district, a KODE_DESA) still answer as it did then?"""
        regions = snapshot.state["regions"]
        return (_districts_existing(regions["districts"]) == {c for c, ok in regions["districts"].items() if ok}
                and _villages_existing(regions["villages"]) == {c for c, v in regions["villages"].items() if v})

    def restore(self, snapshot) -> None:
        """Phase 1's outcome from a plan_cache snapshot, instead of read() (see regions_unchanged)."""
        self._districts, self._villages = snapshot.state["regions"]["districts"], snapshot.state["regions"]["villages"]
        self._duplicates = snapshot.state["duplicates"]
        self.plan.problems = [Problem(*p) for p in snapshot.state["problems"]]
        records, families = self.plan.records, self.plan.families
        for chunk in snapshot.records:
            records.extend(Record(number=n, kk=kk, nik=nik, person=person, flags=flags, bad=bad, skip=skip,
                                  failed=failed) for n, kk, nik, person, flags, bad, skip, failed in chunk)
            chunk.clear()  # its tuples go now, not after the last chunk
        for chunk in snapshot.families:
            for kk, rows, heads, given, from_head, village in chunk:
                families[kk] = Family(kk=kk, rows=rows, heads=heads, values=_spread(given), from_head=from_head,
                                      village=village)
            chunk.clear()

    def _flag_warnings(self) -> None:
        """The review flags a commit would open, as warnings (a NIK whose birth date disagrees, no NIK yet)."""
        for record in self.plan.records:
            if not record.bad and record.action in ("create", "update", "unchanged"):
                for _code, message in record.flags:
                    self.problem(record, record.number, self.header("person", "nik"), message, WARNING)

    def _is_end_marker(self, cells) -> bool:
        index = next((i for i, c in self.columns if c.key == "dusun"), None)
        return index is not None and index < len(cells) and str(cells[index]).strip() == opensid.END_MARKER

    def _slots(self) -> list[tuple]:
        """Per mapped column: (index, column, header, slot, position, memo). Slots: 0 person, 1 household,
        2 village, 3 status, 4 NIK, 5 KK. memo: what each distinct content of the column gave (its value, _SKIP or
        _Refused), for columns with few distinct contents (codes, dates, places); None for names and identity
        numbers, nearly all different."""
        out = []
        for index, column in self.columns:
            header = self.table.headers[index] or column_letter(index)
            if column.kind in ("nik", "kk"):
                slot, pos = (4 if column.kind == "nik" else 5), 0
            elif column.target == "person":
                slot, pos = 0, P[column.key]
            elif column.target == "household":
                slot, pos = 1, H[column.key]
            else:
                slot, pos = (2 if column.key == "village" else 3), 0
            memo = None if column.kind in ("name", "nik", "kk") else {"": _SKIP, None: _SKIP}
            out.append((index, column, header, slot, pos, memo))
        return out

    def _read_row(self, number: int, cells: list) -> None:
        original, problems_before = cells, len(self.plan.problems)
        person = [BLANK] * len(PERSON_KEYS)
        household: list[tuple[int, object]] = []  # (position in HOUSEHOLD_KEYS, value) of the cells given
        nik_text, kk_text, village, status = "", None, None, BLANK
        record = Record(number=number, kk="", nik="", person=(), flags=())
        failed: set[str] = set()  # kinds of cells already refused: no second message for them
        failed_keys: list[str] = []
        if len(cells) < self.width:  # a short row: the cells it lacks are empty
            cells = [*cells, *([None] * (self.width - len(cells)))]
        if self.table.cell_errors:
            cells = self._with_cell_errors(number, cells)

        def refuse(column, header, message):
            self.problem(record, number, header, message)
            failed.add(column.kind)
            failed_keys.append(column.key)

        for index, column, header, slot, pos, memo in self.slots:
            raw = cells[index]
            # What a cell gives (skipped, refused, or its value) depends on its content alone, and a column of codes,
            # dates or places holds few distinct contents: each is read once, then looked up (a plain text cell is
            # its own key; _cell_value handles everything else).
            value = _MISSING if memo is None else memo.get(raw, _MISSING)
            if value is _MISSING:
                value = _cell_value(column, slot, memo, raw)
            if value is _SKIP:
                continue
            if type(value) is _Refused:
                refuse(column, header, value.message)
                continue
            if slot == 0:
                person[pos] = value
            elif slot == 1:
                household.append((pos, value))
            elif slot == 2:
                village = value
            elif slot == 3:
                status = value
            else:  # NIK or KK: the cell itself, read by core.identity's rules
                try:
                    text, warning = values.identity_number(value, label=column.header)
                except CellError as exc:
                    refuse(column, header, exc.message)
                    continue
                if warning:
                    self.problem(record, number, header, warning, WARNING)
                if slot == 4:
                    nik_text = text
                else:
                    kk_text = text
        record.person = tuple(person)
        if failed_keys:
            record.failed = tuple(failed_keys)
        self._check_identity(record, None if "nik" in failed else nik_text, False if "kk" in failed else kk_text)
        if village is not None:
            self._check_village(record, village)
        if status is not BLANK and status != "hidup":
            record.skip = True
            self.problem(record, number, self.header("meta", "basic_status"),
                         _("Penduduk berstatus '%(s)s' di file: baris tidak diimpor. Catat kematian/pindah lewat "
                           "halaman anggota.") % {"s": status}, WARNING)
        self.plan.records.append(record)
        self._add_to_family(len(self.plan.records) - 1, record, household, village)
        if (record.flags or len(self.plan.problems) > problems_before) and self.plan.kept_rows is not None:
            if len(self.plan.kept_rows) < KEPT_ROWS_LIMIT:
                self.plan.kept_rows[number] = original
            else:
                self.plan.kept_rows = None  # a file with that many problems: the report reads it again

    def _with_cell_errors(self, number: int, cells: list) -> list:
        """The row with its formula cells without a value (readers.formula_cells_without_value) marked."""
        marked = None
        for index, _column, _header, _slot, _pos, _memo in self.slots:
            message = self.table.cell_errors.get((number, index))
            if message is not None:
                marked = marked or list(cells)
                marked[index] = _CellError(message)
        return marked or cells

    def _check_identity(self, record: Record, nik_text: str | None, kk_text: str | None | bool) -> None:
        """NIK and KK (None/False: their cell was already refused), with the NIK checked against sex and birth date."""
        p = record.person
        sex, birth_date, pregnant = p[_SEX], p[_BIRTH_DATE], p[_PREGNANT]
        check = check_person(nik=nik_text or "", sex=None if sex is BLANK else sex,
                             birth_date=None if birth_date is BLANK else birth_date,
                             pregnant=pregnant is not BLANK and bool(pregnant), today=self.today)
        for name, message in check.errors.items():
            if name == "sex" and sex is BLANK:
                continue  # required only for a new person: decided once the registry has been looked up
            self.problem(record, record.number, self.header("person", name), message)
        record.nik = check.cleaned.get("nik", "")
        if nik_text is not None and check.flags:
            record.flags = tuple(check.flags)
        if record.nik:
            index = len(self.plan.records)  # this record's, once appended
            first = self._nik_rows.setdefault(record.nik, index)
            if first != index:
                self._duplicates.setdefault(record.nik, [first]).append(index)
        if kk_text is False:
            return
        if not kk_text:
            self.problem(record, record.number, self.header("household", "kk_number"), _("Nomor KK wajib diisi."))
            return
        if kk_text != self._last_kk[0]:  # a family's rows usually follow each other: check its KK once
            self._last_kk = (kk_text, check_kk(kk_text, district_exists=self._district_exists))
        kk = self._last_kk[1]
        if kk.errors:
            self.problem(record, record.number, self.header("household", "kk_number"), kk.errors["kk_number"])
            return
        record.kk = kk.cleaned["kk_number"]

    def _district_exists(self, code: str) -> bool:
        if code not in self._districts:
            self._districts[code] = services.district_exists(code)
        return self._districts[code]

    def _check_village(self, record: Record, code: str) -> None:
        if code not in self._villages:
            self._villages[code] = Region.objects.filter(code=code, level=Level.VILLAGE).values_list(
                "code", flat=True).first()
        if self._villages[code] is None:
            self.problem(record, record.number, self.header("meta", "village"),
                         _("Kode desa/kelurahan %(code)s tidak terdaftar (tulis kode Kemendagri, mis. 33.16.01.2001)"
                           ".") % {"code": code})

    def _add_to_family(self, index: int, record: Record, household: list[tuple[int, object]],
                       village: str | None) -> None:
        if not record.kk:
            return
        family = self.plan.families.get(record.kk)
        if family is None:
            family = self.plan.families[record.kk] = Family(kk=record.kk)
        family.rows.append(index)
        is_head = record.person[P["relationship"]] == HEAD and not record.skip
        if is_head:
            family.heads.append(index)
        differing = []
        for i, value in household:
            current = family.values[i]
            if current is BLANK or (is_head and not family.from_head):
                family.values[i] = value
            elif current != value:
                differing.append(i)
        if village is not None and (family.village is None or (is_head and not family.from_head)):
            family.village = village
        family.from_head = family.from_head or is_head
        if differing:
            self.problem(record, record.number,
                         ", ".join(self.header("household", HOUSEHOLD_KEYS[i]) for i in sorted(differing)),
                         _("Data keluarga berbeda dengan baris lain ber-KK sama; yang dipakai nilai baris kepala "
                           "keluarga (atau baris pertama)."), WARNING)

    # --- phase 2: rules across rows -----------------------------------------------------------------------------
    def _cross_row_checks(self) -> None:
        records = self.plan.records
        for nik, indexes in self._duplicates.items():
            numbers = ", ".join(str(records[i].number) for i in indexes)
            for i in indexes:
                self.problem(records[i], records[i].number, self.header("person", "nik"),
                             _("NIK %(nik)s muncul lebih dari sekali di file (baris %(rows)s).")
                             % {"nik": nik, "rows": numbers})
        for family in self.plan.families.values():
            if len(family.heads) > 1:
                numbers = ", ".join(str(records[i].number) for i in family.heads)
                for i in family.heads:
                    self.problem(records[i], records[i].number, self.header("person", "relationship"),
                                 _("KK %(kk)s punya lebih dari satu kepala keluarga di file (baris %(rows)s).")
                                 % {"kk": family.kk, "rows": numbers})

    # --- phase 3: against the registry ---------------------------------------------------------------------------
    def _decide(self) -> None:
        families = list(self.plan.families.values())
        existing = self._load_households([f.kk for f in families])
        heads = self._load_heads([row[0] for row in existing.values()])
        by_nik = self._load_persons([r.nik for r in self.plan.records if r.nik and r.kk])
        no_nik = self._load_members_without_nik([existing[f.kk][0] for f in families if f.kk in existing])
        for done, family in enumerate(families, start=1):
            family.existing = existing.get(family.kk)
            self._decide_family(family, heads, by_nik, no_nik)
            if done % 5000 == 0:
                self.progress("check", done, len(families))
        self._check_conflicts()
        self.progress("check", len(families), len(families))

    def _decide_family(self, family: Family, heads: dict, by_nik: dict, no_nik: dict) -> None:
        records = self.plan.records
        first = records[family.rows[0]]
        household_id = family.existing[0] if family.existing else None
        if family.existing is None:
            family.action = "create"
            village = family.village or self.default_village
            if village is None:
                self.problem(first, first.number, self.header("meta", "village"),
                             _("KODE_DESA kosong untuk KK baru %(kk)s dan tidak ada desa yang dipilih saat impor.")
                             % {"kk": family.kk})
            elif not has_perm(self.actor, Perm.REGISTRY_EDIT, village):
                self.problem(first, first.number, self.header("meta", "village"),
                             _("Anda tidak berwenang menambah keluarga di desa/kelurahan %(code)s.")
                             % {"code": village})
            family.village = village
            if family.values[H["address"]] is BLANK:
                self.problem(first, first.number, self.header("household", "address"),
                             _("ALAMAT wajib diisi untuk KK baru %(kk)s.") % {"kk": family.kk})
            if not family.heads:  # a head row that is refused already rejects the family
                for i in family.rows:
                    self.problem(records[i], records[i].number, self.header("person", "relationship"),
                                 _("KK %(kk)s belum terdaftar dan tidak ada baris kepala keluarganya (HUB_KELUARGA "
                                   "= 1) di file.") % {"kk": family.kk})
        else:
            self._decide_existing_household(family, first)
        for index in family.rows:
            record = records[index]
            if record.skip:
                record.action = "skip"
                continue
            existing = self._find_person(record, household_id, by_nik, no_nik)
            if existing is None:
                self._decide_new_person(record, heads.get(household_id))
            else:
                self._decide_update(record, existing, heads.get(household_id))

    def _decide_existing_household(self, family: Family, first: Record) -> None:
        existing = family.existing
        current_village = existing[1]
        if not has_perm(self.actor, Perm.REGISTRY_EDIT, current_village):
            self.problem(first, first.number, self.header("household", "kk_number"),
                         _("KK %(kk)s terdaftar di desa/kelurahan %(code)s, di luar wilayah kerja Anda.")
                         % {"kk": family.kk, "code": current_village})
        changes = []
        if family.village and family.village != current_village:
            if not has_perm(self.actor, Perm.REGISTRY_EDIT, family.village):
                self.problem(first, first.number, self.header("meta", "village"),
                             _("Anda tidak berwenang memindahkan keluarga ke desa/kelurahan %(code)s.")
                             % {"code": family.village})
            changes.append("village_id")
        for i, value in enumerate(family.values):
            if value is not BLANK and existing[2 + i] != value:
                changes.append(HOUSEHOLD_KEYS[i])
        family.changes = tuple(changes)
        family.action = "update" if changes else "unchanged"

    def _find_person(self, record: Record, household_id, by_nik: dict, no_nik: dict):
        if record.nik:
            found = by_nik.get(record.nik)
            if not found:
                # A member registered without NIK who has one now: same KK, name and birth date.
                return self._without_nik(record, household_id, no_nik)
            alive = [p for p in found if p[2] == ALIVE]
            if not alive:
                self.problem(record, record.number, self.header("person", "nik"),
                             _("NIK %(nik)s milik orang yang tercatat meninggal atau pindah keluar; ubah statusnya "
                               "lewat halaman anggota bila keliru.") % {"nik": record.nik})
                return None
            person = alive[0]
            if person[1] != household_id:
                error = services.nik_taken_error(record.nik, kk=self._kk_of(person[1]))
                self.problem(record, record.number, self.header("person", "nik"),
                             str(error.message) + " " + _("Pindahkan anggota lewat halaman anggota."))
                return None
            return person
        return self._without_nik(record, household_id, no_nik)

    @staticmethod
    def _without_nik(record: Record, household_id, no_nik: dict):
        name, birth = record.person[P["name"]], record.person[P["birth_date"]]
        if household_id is None or name is BLANK or birth is BLANK:
            return None
        return no_nik.get((household_id, search_key(name), birth))

    def _kk_of(self, household_id: int) -> str:
        return Household.objects.filter(pk=household_id).values_list("kk_number", flat=True).first() or "?"

    def _decide_new_person(self, record: Record, head) -> None:
        p = record.person
        missing = [k for k in ("name", "sex", "birth_date", "relationship") if p[P[k]] is BLANK
                   and k not in record.failed]
        for key in missing:
            self.problem(record, record.number, self.header("person", key),
                         _("%(col)s wajib diisi untuk anggota baru.") % {"col": self.header("person", key)})
        if p[P["relationship"]] == HEAD and head is not None:
            self.problem(record, record.number, self.header("person", "relationship"),
                         str(services.two_heads_error().message))
        record.action = "create"
        if p[P["marital_status"]] is BLANK:  # FILLED_FOR_NEW
            record.person = _with(p, "marital_status", codes.MaritalStatus.SINGLE)

    def _decide_update(self, record: Record, existing: tuple, head) -> None:
        current = dict(zip(PERSON_DB_FIELDS, existing, strict=True))
        p = record.person
        merged = {k: (p[P[k]] if p[P[k]] is not BLANK else current[k]) for k in PERSON_CMP}
        if p[P["sex"]] is BLANK or p[P["birth_date"]] is BLANK or (p[P["pregnant"]] is BLANK and merged["pregnant"]):
            check = check_person(nik=record.nik or "", sex=merged["sex"], birth_date=merged["birth_date"],
                                 pregnant=bool(merged["pregnant"]), today=self.today)
            for name, message in check.errors.items():
                if name != "nik":
                    self.problem(record, record.number, self.header("person", name), message)
            record.flags = tuple(check.flags)
        if current["relationship"] == HEAD and merged["relationship"] != HEAD:
            self.problem(record, record.number, self.header("person", "relationship"),
                         str(services.head_relationship_error().message))
        elif merged["relationship"] == HEAD and head is not None and head != current["id"]:
            self.problem(record, record.number, self.header("person", "relationship"),
                         str(services.two_heads_error().message))
        record.person_id = current["id"]
        record.changes = tuple(k for k in PERSON_CMP if p[P[k]] is not BLANK and current[k] != merged[k])
        if record.nik and not current["nik"]:
            record.changes += ("nik",)
        record.action = "update" if record.changes else "unchanged"
        if record.changes:
            self.plan.existing_persons[current["id"]] = existing

    def _check_conflicts(self) -> None:
        """A change the file would make to a record someone changed in the app after the file's extraction date."""
        if self.extracted_at is None:
            return
        cutoff = timezone.make_aware(datetime.combine(self.extracted_at + timedelta(days=1), time.min))
        records = self.plan.records
        person_rows = {r.person_id: r for r in records if r.action == "update" and not r.bad}
        for pid in _changed_after(Person, list(person_rows), cutoff):
            record = person_rows[pid]
            self.problem(record, record.number, ", ".join(self.header("person", k) for k in record.changes),
                         _("Konflik: data orang ini diubah di aplikasi setelah tanggal ekstrak file (%(d)s); "
                           "perubahan dari file tidak diterapkan. Periksa lalu ubah lewat formulir bila perlu.")
                         % {"d": self.extracted_at.strftime("%d/%m/%Y")}, CONFLICT)
        families = {f.existing[0]: f for f in self.plan.families.values() if f.action == "update"}
        for hid in _changed_after(Household, list(families), cutoff):
            family = families[hid]
            first = records[(family.heads or family.rows)[0]]
            columns = ", ".join(self.header("household", k) if k != "village_id" else self.header("meta", "village")
                                for k in family.changes)
            self.problem(first, first.number, columns,
                         _("Konflik: data keluarga KK %(kk)s diubah di aplikasi setelah tanggal ekstrak file "
                           "(%(d)s); perubahan dari file tidak diterapkan.")
                         % {"kk": family.kk, "d": self.extracted_at.strftime("%d/%m/%Y")}, CONFLICT)

    def _family_rule(self) -> None:
        records = self.plan.records
        for family in self.plan.families.values():
            bad = [records[i] for i in family.rows if records[i].bad]
            if not bad:
                continue
            family.rejected = True
            numbers = ", ".join(str(r.number) for r in bad[:10])
            for i in family.rows:
                record = records[i]
                if not record.bad:
                    self.problem(None, record.number, self.header("household", "kk_number"),
                                 _("Tidak diimpor bersama keluarganya (KK %(kk)s): baris %(rows)s bermasalah.")
                                 % {"kk": family.kk, "rows": numbers}, FAMILY)

    # --- registry look-ups ---------------------------------------------------------------------------------------
    def _load_households(self, kks: list[str]) -> dict[str, tuple]:
        out = {}
        for chunk in _chunks(_present(Household, "kk_number", kks)):
            for row in Household.objects.filter(kk_number__in=chunk).values_list("kk_number", *HOUSEHOLD_DB_FIELDS):
                out[row[0]] = row[1:]
        return out

    def _load_heads(self, household_ids: list[int]) -> dict[int, int]:
        out = {}
        for chunk in _chunks(household_ids):
            rows = Person.objects.filter(household_id__in=chunk, relationship=HEAD, status=ALIVE).values_list(
                "household_id", "id")
            out.update(rows)
        return out

    def _load_persons(self, niks: list[str]) -> dict[str, list[tuple]]:
        out: dict[str, list[tuple]] = {}
        for chunk in _chunks(_present(Person, "nik", niks)):
            for row in Person.objects.filter(nik__in=chunk).values_list(*PERSON_DB_FIELDS):
                out.setdefault(row[3], []).append(row)
        return out

    def _load_members_without_nik(self, household_ids: list[int]) -> dict[tuple, tuple]:
        out = {}
        for chunk in _chunks(household_ids):
            rows = Person.objects.filter(household_id__in=chunk, nik="", status=ALIVE).values_list(
                "name_key", *PERSON_DB_FIELDS)
            for row in rows:
                data = row[1:]
                out[(data[1], row[0], data[PERSON_DB_FIELDS.index("birth_date")])] = data
        return out


def _has_content(cells) -> bool:
    """Is any cell of the row not blank (values.is_blank), looked at until the first that is not?"""
    for value in cells:
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            return True
        stripped = value.strip()
        if stripped and stripped != "-":
            return True
    return False


def _spread(given: list[tuple[int, object]]) -> list:
    """A family's household values from (position, value) pairs, BLANK elsewhere (see Planner.snapshot)."""
    values = [BLANK] * len(HOUSEHOLD_KEYS)
    for i, value in given:
        values[i] = value
    return values


def _cell_value(column: Column, slot: int, memo: dict | None, raw):
    """What a cell gives when its content is not (yet) in the column's memo: _SKIP, _Refused(message) or its
    value (for NIK and KK, slots 4 and 5: the cell itself, read by the caller)."""
    if raw is None or raw == "":
        return _SKIP
    if type(raw) is _CellError:
        return _Refused(raw.message)
    if memo is None:
        return _read_cell(column, raw, parse=slot < 4)
    key = raw if type(raw) is str else (type(raw), raw)  # 1, 1.0 and True are equal keys: not for a cell
    value = memo.get(key, _MISSING)
    if value is _MISSING:
        value = _read_cell(column, raw, parse=True)
        if len(memo) < MEMO_LIMIT and not (type(raw) is str and len(raw) > values.MAX_CELL_CHARS):
            memo[key] = value
    return value


def _read_cell(column: Column, raw, *, parse: bool):
    """A cell that is not empty: _SKIP (blank or '-'), _Refused(message), or its value — parsed for the column,
    or with parse=False (NIK, KK, read by the caller) the cell itself."""
    if type(raw) is str:
        if len(raw) > values.MAX_CELL_CHARS:
            try:
                values.check_size(raw)
            except CellError as exc:
                return _Refused(exc.message)
        stripped = raw.strip()
        if not stripped or stripped == "-":
            return _SKIP
        if stripped[0] == "#" and stripped in EXCEL_ERRORS:
            return _Refused(_("Sel berisi galat Excel %(e)s: perbaiki rumusnya.") % {"e": stripped})
    if not parse:
        return raw
    try:
        return values.parse_value(column, raw)
    except CellError as exc:
        return _Refused(exc.message)


def _districts_existing(codes_: dict) -> set[str]:
    """Which of these district codes exist (services.district_exists for many at once)."""
    out: set[str] = set()
    for chunk in _chunks(list(codes_)):
        out.update(Region.objects.filter(code__in=chunk, level=Level.DISTRICT).values_list("code", flat=True))
    return out


def _villages_existing(codes_: dict) -> set[str]:
    """Which of these codes are villages (Planner._check_village for many at once)."""
    out: set[str] = set()
    for chunk in _chunks(list(codes_)):
        out.update(Region.objects.filter(code__in=chunk, level=Level.VILLAGE).values_list("code", flat=True))
    return out


def _present(model, column: str, wanted: list[str]) -> list[str]:
    """Which of `wanted` the model's table holds in `column`: a bare query per chunk, before the registry rows
    themselves are loaded for those only. Most rows of a large file are usually new, and the ORM's preparation of
    an `__in` list (each value through the field, several microseconds) cost more than the look-up itself."""
    table, name = connection.ops.quote_name(model._meta.db_table), connection.ops.quote_name(column)
    found: list[str] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for chunk in _chunks(wanted, 10_000):
                cursor.execute(f"SELECT DISTINCT {name} FROM {table} WHERE {name} = ANY(%s)", [chunk])  # noqa: S608
                found += [row[0] for row in cursor.fetchall()]
            return found
        size = min(900, connection.features.max_query_params or 900)
        for chunk in _chunks(wanted, size):
            marks = ", ".join(["%s"] * len(chunk))
            # Table and column names from the model's metadata; the values are parameters.
            cursor.execute(f"SELECT DISTINCT {name} FROM {table} WHERE {name} IN ({marks})", chunk)  # noqa: S608
            found += [row[0] for row in cursor.fetchall()]
    return found


def _with(values_tuple: tuple, key: str, value) -> tuple:
    out = list(values_tuple)
    out[P[key]] = value
    return tuple(out)


def _chunks(items: list, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _changed_after(model, ids: list[int], cutoff) -> set[int]:
    """Ids whose audit trail has a change after `cutoff` that did not come from an import."""
    out: set[int] = set()
    for chunk in _chunks(ids):
        out.update(model.history.filter(id__in=chunk, history_date__gte=cutoff)
                   .exclude(history_change_reason__startswith="imports.").values_list("id", flat=True))
    return out
