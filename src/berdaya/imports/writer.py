"""The commit's writes: bulk inserts and updates with their audit records, inside the caller's transaction.

Per-row service calls would take hours for a million people, so rows are written in bulk (imports.bulk: value
tuples through executemany on SQLite, COPY on PostgreSQL), with the derived columns computed by the same functions
the services use (household_vulnerabilities, search_key, flags from check_person) and the same rules as
registry.services.household_refresh for the "no head" flag. Every change gets a django-simple-history record
attributed to the importing user, with reason imports.registry.created / imports.registry.updated (flags:
imports.registry.flag_opened / flag_resolved) and, as history_date, the batch's committed_at; the records of new
and updated rows are copied from the rows by the database (imports.bulk.copy_to_history). On SQLite a load as
large as the registry builds the tables' indexes once after its inserts (imports.bulk.indexes_deferred).

`progress("write", done, total)` is called between chunks; an exception it raises aborts the commit (the caller's
transaction rolls everything back).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from operator import itemgetter

from django.db import connection
from django.db.models import Count
from django.utils.translation import gettext as _

from berdaya.core.text import search_key
from berdaya.demo.bulk import insert_rows, large_cache, next_id
from berdaya.imports.bulk import TableRows, adapt, adapter, copy_to_history, indexes_deferred
from berdaya.imports.planner import FILLED_FOR_NEW, HOUSEHOLD_KEYS, PERSON_KEYS, Family, P, Plan, Record
from berdaya.imports.values import BLANK
from berdaya.registry import codes, search_index
from berdaya.registry.models import BPS_FIELDS, Household, Person, ReviewFlag
from berdaya.registry.vulnerability import MemberFacts, household_vulnerabilities

CREATED = "imports.registry.created"
UPDATED = "imports.registry.updated"
FLAG_OPENED = "imports.registry.flag_opened"
FLAG_RESOLVED = "imports.registry.flag_resolved"
CHUNK = 5000
HEAD = codes.Relationship.HEAD
ALIVE = codes.PersonStatus.ALIVE
P_NAME, P_RELATIONSHIP, P_SEX, P_BIRTH_DATE = P["name"], P["relationship"], P["sex"], P["birth_date"]
P_DISABILITY, P_PREGNANT = P["disability"], P["pregnant"]
BPS_POSITIONS = [HOUSEHOLD_KEYS.index(name) for name in BPS_FIELDS]  # the 14 criteria are household columns
VULNERABILITIES = [f.attname for f in Household._meta.concrete_fields if f.attname.startswith("vul_")]
assert PERSON_KEYS[0] == "nik"  # noqa: S101 - the row layout below skips the NIK cell by position


class Writer:
    def __init__(self, plan: Plan, *, actor, when, today: date, progress: Callable | None = None):
        self.plan, self.when, self.today = plan, when, today
        self.user_id = getattr(actor, "pk", None)
        self.progress = progress or (lambda stage, done, total: None)
        self.families = [f for f in plan.families.values() if not f.rejected]
        records = plan.records
        self.creates = [records[i] for f in self.families for i in f.rows if records[i].action == "create"]
        self.updates = [records[i] for f in self.families for i in f.rows if records[i].action == "update"]
        self.total = len(self.creates) + len(self.updates) + sum(1 for f in self.families if f.action != "unchanged")
        self.done = 0
        self.mapped = {(c.target, c.key) for _index, c in plan.columns}  # the values the file has a column for
        self.stamp = adapt(Person._meta.get_field("created_at"), when)  # created_at/updated_at of new rows

    def write(self) -> None:
        renamed = [r for r in self.updates if "name" in r.changes]
        # The name index's triggers would rewrite a household's document once per person written: suspended, and
        # the documents of the households that got new or renamed members are rebuilt once at the end.
        rows = len(self.creates) + len(renamed)
        new_households = sum(1 for f in self.families if f.action == "create")
        new_flags = sum(len(r.flags) for r in self.creates)
        with search_index.suspended(rows=rows) as names, large_cache(rows=rows + len(self.updates)):
            self._reserve()
            # SQLite, a load as large as the tables: their indexes are built once after the inserts instead of row
            # by row (imports.bulk); they are back before the updates and look-ups below.
            with indexes_deferred({Household: new_households, Person: len(self.creates), ReviewFlag: new_flags}):
                self._insert_households()
                self._insert_persons()
            self._update_households()
            self._update_persons()
            names.touch(self._households_with_new_names())
            touched = {f.existing[0] for f in self.families if f.existing is not None and (
                f.action == "update" or any(self.plan.records[i].action in ("create", "update") for i in f.rows))}
            refresh_households(sorted(touched), when=self.when, user_id=self.user_id, today=self.today)
        self.progress("write", self.total, self.total)

    def _households_with_new_names(self) -> Iterable[int]:
        records = self.plan.records
        for family in self.families:
            if any(records[i].action == "create" or (records[i].action == "update" and "name" in records[i].changes)
                   for i in family.rows):
                yield family.new_id or family.existing[0]

    def _step(self, count: int) -> None:
        self.done += count
        self.progress("write", self.done, self.total)

    def _audit(self, model, rows: list[dict], *, reason: str) -> None:
        for chunk in _chunks(rows, CHUNK):
            _insert_with_history(model, chunk, when=self.when, reason=reason, user_id=self.user_id)
            self._step(len(chunk) if model is not ReviewFlag else 0)

    # --- new households and people -------------------------------------------------------------------------------
    def _reserve(self) -> None:
        new = [f for f in self.families if f.action == "create"]
        for family, pk in zip(new, reserve_ids(Household, len(new)), strict=True):
            family.new_id = pk
        for record, pk in zip(self.creates, reserve_ids(Person, len(self.creates)), strict=True):
            record.person_id = pk

    def _insert_households(self) -> None:
        """New households, built and written a chunk at a time (a million-row import never holds all the rows).
        Columns the file does not have hold their default in every new household: written once (TableRows)."""
        given = [i for i, key in enumerate(HOUSEHOLD_KEYS) if ("household", key) in self.mapped]
        table = TableRows(Household, ["id", "kk_number", "village_id", *(HOUSEHOLD_KEYS[i] for i in given),
                                      "bps_criteria_met", "member_count", "head_name", "open_flag_count",
                                      *VULNERABILITIES],
                          fixed={"created_at": self.stamp, "updated_at": self.stamp})
        values_of = _picker(given)
        unmapped = _Blanks([i for i in range(len(HOUSEHOLD_KEYS)) if i not in given])
        defaults = table.defaults([HOUSEHOLD_KEYS[i] for i in given])
        adapters = [(n, fn) for n, i in enumerate(given) if (fn := adapter(table.fields[HOUSEHOLD_KEYS[i]]))]
        bps = [i for i in BPS_POSITIONS if i in given]
        vulnerabilities = itemgetter(*VULNERABILITIES)
        records = self.plan.records
        rows, ids = [], []
        for family in self.families:
            if family.action != "create":
                continue
            unmapped.check(family.values)
            members = [records[i] for i in family.rows if records[i].action == "create"]
            values = [default if value is BLANK else value
                      for value, default in zip(values_of(family.values), defaults, strict=True)]
            met = sum(1 for i in bps if family.values[i] is True)
            for n, fn in adapters:
                if values[n] is not None:
                    values[n] = fn(values[n])
            heads = [m for m in members if m.person[P_RELATIONSHIP] == HEAD]
            derived = household_vulnerabilities([_facts(m) for m in members], bps_criteria_met=met, today=self.today)
            rows.append((family.new_id, family.kk, family.village, *values, met, len(members),
                         heads[0].person[P_NAME] if heads else "", sum(len(m.flags) for m in members),
                         *vulnerabilities(derived)))
            ids.append(family.new_id)
            if len(rows) >= CHUNK:
                self._insert(table, rows, ids)
                rows, ids = [], []
        self._insert(table, rows, ids)

    def _insert_persons(self) -> None:
        # person[0] is the NIK cell: the NIK written is the record's cleaned one. Person values the file has no
        # column for are the default for every new person (written once: TableRows), except those the planner fills.
        given = [i for i, key in enumerate(PERSON_KEYS) if i and (("person", key) in self.mapped
                                                                   or key in FILLED_FOR_NEW)]
        table = TableRows(Person, ["id", "household_id", "nik", "name_key", *(PERSON_KEYS[i] for i in given)],
                          fixed={"created_at": self.stamp, "updated_at": self.stamp})
        values_of = _picker(given)
        unmapped = _Blanks([i for i in range(1, len(PERSON_KEYS)) if i not in given])
        defaults = table.defaults([PERSON_KEYS[i] for i in given])
        adapters = [(n, fn) for n, i in enumerate(given) if (fn := adapter(table.fields[PERSON_KEYS[i]]))]
        name = given.index(P_NAME)
        rows, ids, flags = [], [], []
        records = self.plan.records
        for family in self.families:
            household_id = family.new_id or family.existing[0]
            for record in (records[i] for i in family.rows if records[i].action == "create"):
                unmapped.check(record.person)
                values = [default if value is BLANK else value
                          for value, default in zip(values_of(record.person), defaults, strict=True)]
                name_key = search_key(values[name])
                for n, fn in adapters:
                    if values[n] is not None:
                        values[n] = fn(values[n])
                rows.append((record.person_id, household_id, record.nik, name_key, *values))
                ids.append(record.person_id)
                for code, message in record.flags:
                    flags.append({"household_id": household_id, "person_id": record.person_id, "code": code,
                                  "message": message[:400], "created_at": self.when})
            if len(rows) >= CHUNK:
                self._flush_persons(table, rows, ids, flags)
                rows, ids, flags = [], [], []
        self._flush_persons(table, rows, ids, flags)

    def _insert(self, table: TableRows, rows: list[tuple], ids: list[int]) -> None:
        """Write new rows and their '+' audit records (copied by the database: imports.bulk)."""
        if not rows:
            return
        table.insert(rows)
        copy_to_history(table.model, ids, when=self.when, reason=CREATED, history_type="+", user_id=self.user_id)
        self._step(len(rows))

    def _flush_persons(self, table: TableRows, rows: list[tuple], ids: list[int], flags: list[dict]) -> None:
        self._insert(table, rows, ids)
        for flag, pk in zip(flags, reserve_ids(ReviewFlag, len(flags)), strict=True):
            flag["id"] = pk
        self._audit(ReviewFlag, flags, reason=FLAG_OPENED)

    # --- updates ---------------------------------------------------------------------------------------------------
    def _update_households(self) -> None:
        changed = {f.existing[0]: f for f in self.families if f.action == "update"}
        columns = ["village_id", *HOUSEHOLD_KEYS, "updated_at"]
        for chunk in _chunks(list(changed), CHUNK):
            rows = []
            for row in Household.objects.filter(pk__in=chunk).values():
                family = changed[row["id"]]
                for key in family.changes:
                    row[key] = family.village if key == "village_id" else family.values[HOUSEHOLD_KEYS.index(key)]
                row["updated_at"] = self.when
                rows.append(row)
            update_rows(Household, rows, columns)
            _history(Household, rows, when=self.when, reason=UPDATED, user_id=self.user_id)
            self._step(len(rows))

    def _update_persons(self) -> None:
        by_id = {r.person_id: r for r in self.updates}
        plain = [k for k in PERSON_KEYS if k != "name"] + ["updated_at"]
        for chunk in _chunks(list(by_id), CHUNK):
            renamed, others = [], []
            for row in Person.objects.filter(pk__in=chunk).values():
                record = by_id[row["id"]]
                for key in record.changes:
                    if key != "nik":  # the NIK is the record's cleaned one, below
                        row[key] = record.person[PERSON_KEYS.index(key)]
                row["nik"] = record.nik or row["nik"]
                row["updated_at"] = self.when
                if "name" in record.changes:
                    row["name_key"] = search_key(row["name"])
                    renamed.append(row)
                else:
                    others.append(row)
            # SQLite's name-search triggers fire on UPDATE OF name_key: name it only where the name changed.
            update_rows(Person, renamed, [*plain, "name", "name_key"])
            update_rows(Person, others, plain)
            _history(Person, renamed + others, when=self.when, reason=UPDATED, user_id=self.user_id)
            self._sync_flags([by_id[pk] for pk in chunk])
            self._step(len(chunk))

    def _sync_flags(self, records: list[Record]) -> None:
        """As registry.services._sync_person_flags, for many people at once."""
        ids = [r.person_id for r in records]
        open_flags = defaultdict(dict)
        accepted = defaultdict(set)
        for flag in ReviewFlag.objects.filter(person_id__in=ids).values():
            if flag["resolved_at"] is None:
                open_flags[flag["person_id"]][flag["code"]] = flag
            elif flag["resolution_note"]:
                accepted[flag["person_id"]].add((flag["code"], flag["message"]))
        household_of = dict(Person.objects.filter(pk__in=ids).values_list("id", "household_id"))
        resolve, opened = [], []
        for record in records:
            wanted = dict(record.flags)
            for code, flag in open_flags[record.person_id].items():
                if code not in wanted:
                    flag.update(resolved_at=self.when, resolved_by_id=self.user_id, resolution_note="")
                    resolve.append(flag)
            for code, message in wanted.items():
                if code not in open_flags[record.person_id] and (code, message[:400]) not in accepted[record.person_id]:
                    opened.append({"household_id": household_of[record.person_id], "person_id": record.person_id,
                                   "code": code, "message": message[:400], "created_at": self.when})
        update_rows(ReviewFlag, resolve, ["resolved_at", "resolved_by_id", "resolution_note"])
        _history(ReviewFlag, resolve, when=self.when, reason=FLAG_RESOLVED, user_id=self.user_id)
        for flag, pk in zip(opened, reserve_ids(ReviewFlag, len(opened)), strict=True):
            flag["id"] = pk
        _insert_with_history(ReviewFlag, opened, when=self.when, reason=FLAG_OPENED, user_id=self.user_id)


def _picker(positions: list[int]):
    """positions -> a function giving those items of a sequence as a tuple (itemgetter, also for 0 or 1)."""
    if len(positions) > 1:
        return itemgetter(*positions)
    return lambda values: tuple(values[i] for i in positions)


class _Blanks:
    """Checks that the cells of columns the file does not have are blank, as the planner leaves them: the writer
    writes those columns' defaults without looking at each record."""

    def __init__(self, positions: list[int]):
        self.get, self.blank = _picker(positions), (BLANK,) * len(positions)

    def check(self, values) -> None:
        if self.get(values) != self.blank:
            raise AssertionError("a value for a column the file does not have")


def _facts(record: Record) -> MemberFacts:
    person = record.person
    disability = person[P_DISABILITY]
    return MemberFacts(birth_date=person[P_BIRTH_DATE], sex=person[P_SEX], relationship=person[P_RELATIONSHIP],
                       disability="" if disability is BLANK else disability, pregnant=person[P_PREGNANT] is True)


# --- derived columns of existing households ------------------------------------------------------------------------
def refresh_households(ids: list[int], *, when, user_id, today: date) -> None:
    """registry.services.household_refresh for many households: counts, head name, vulnerability, head flag."""
    for chunk in _chunks(ids, 500):
        members = defaultdict(list)
        for row in Person.objects.filter(household_id__in=chunk).values(
                "household_id", "birth_date", "sex", "relationship", "disability", "pregnant", "status", "name"):
            members[row["household_id"]].append(row)
        head_flags = {f["household_id"]: f for f in ReviewFlag.objects.filter(
            household_id__in=chunk, code=ReviewFlag.Code.HEAD_MISSING, resolved_at__isnull=True).values()}
        opened, resolved, derived = [], [], []
        for household in Household.objects.filter(pk__in=chunk).values("id", *BPS_FIELDS):
            people = members[household["id"]]
            living = [m for m in people if m["status"] == ALIVE]
            heads = [m for m in living if m["relationship"] == HEAD]
            open_flag = head_flags.get(household["id"])
            if not heads and living and open_flag is None:
                opened.append({"household_id": household["id"], "code": ReviewFlag.Code.HEAD_MISSING,
                               "message": _("Keluarga ini tidak punya kepala keluarga yang hidup: tetapkan yang baru."),
                               "created_at": when})
            elif heads and open_flag is not None:
                open_flag["resolved_at"] = when
                resolved.append(open_flag)
            met = sum(1 for f in BPS_FIELDS if household[f] is True)
            facts = [MemberFacts(birth_date=m["birth_date"], sex=m["sex"], relationship=m["relationship"],
                                 disability=m["disability"], pregnant=m["pregnant"], alive=m["status"] == ALIVE)
                     for m in people]
            row = household_vulnerabilities(facts, bps_criteria_met=met, today=today)
            row.update(id=household["id"], bps_criteria_met=met, member_count=len(living),
                       head_name=heads[0]["name"] if heads else "")
            derived.append(row)
        for flag, pk in zip(opened, reserve_ids(ReviewFlag, len(opened)), strict=True):
            flag["id"] = pk
        _insert_with_history(ReviewFlag, opened, when=when, reason=FLAG_OPENED, user_id=user_id)
        update_rows(ReviewFlag, resolved, ["resolved_at"])
        _history(ReviewFlag, resolved, when=when, reason=FLAG_RESOLVED, user_id=user_id)
        counts = dict(ReviewFlag.objects.filter(household_id__in=chunk, resolved_at__isnull=True)
                      .values("household_id").annotate(n=Count("id")).values_list("household_id", "n"))
        for row in derived:
            row["open_flag_count"] = counts.get(row["id"], 0)
        if derived:
            update_rows(Household, derived, [k for k in derived[0] if k != "id"])


# --- low-level helpers ---------------------------------------------------------------------------------------------
def reserve_ids(model, count: int) -> list[int]:
    """Primary keys for `count` new rows. PostgreSQL: from the table's sequence (safe beside concurrent inserts);
    SQLite: after the current maximum (the import's IMMEDIATE transaction holds the write lock)."""
    if count == 0:
        return []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                           [model._meta.db_table, count])
            return [row[0] for row in cursor.fetchall()]
    start = next_id(model)
    return list(range(start, start + count))


def update_rows(model, rows: list[dict], columns: list[str]) -> None:
    """UPDATE … SET columns WHERE id, one parameter set per row (executemany)."""
    if not rows:
        return
    fields = [model._meta.get_field(c.removesuffix("_id") if c.endswith("_id") else c) for c in columns]
    ops = connection.ops
    adapters = []
    for f in fields:
        kind = f.get_internal_type()
        if kind == "DateTimeField":
            adapters.append(ops.adapt_datetimefield_value)
        elif kind == "DateField":
            adapters.append(ops.adapt_datefield_value)
        elif kind == "DecimalField":
            adapters.append(lambda v, f=f: ops.adapt_decimalfield_value(v, f.max_digits, f.decimal_places))
        else:
            adapters.append(None)
    quote = ops.quote_name
    names = [f.column for f in fields]
    # Table and column names come from the model's metadata, never from input; values are parameters.
    sql = (f"UPDATE {quote(model._meta.db_table)} SET {', '.join(f'{quote(n)} = %s' for n in names)} "  # noqa: S608
           f"WHERE {quote('id')} = %s")
    params = []
    for row in rows:
        values = []
        for column, adapt_value in zip(columns, adapters, strict=True):
            value = row[column]
            values.append(adapt_value(value) if adapt_value is not None and value is not None else value)
        params.append([*values, row["id"]])
    with connection.cursor() as cursor:
        for chunk in _chunks(params, CHUNK):
            cursor.executemany(sql, chunk)


def _insert_with_history(model, rows: list[dict], *, when, reason: str, user_id) -> None:
    """INSERT the rows (ids already set), then their '+' audit records, copied by the database (imports.bulk)."""
    if not rows:
        return
    insert_rows(model, rows)
    copy_to_history(model, [row["id"] for row in rows], when=when, reason=reason, history_type="+", user_id=user_id)


def _history(model, rows: list[dict], *, when, reason: str, user_id) -> None:
    """The '~' audit records of rows just updated, copied from the table as it now is."""
    copy_to_history(model, [row["id"] for row in rows], when=when, reason=reason, history_type="~", user_id=user_id)


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


__all__ = ["Writer", "Family", "refresh_households", "reserve_ids", "update_rows"]
