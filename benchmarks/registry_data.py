"""A synthetic registry for benchmarks: N people (default 1,000,000, ~300,000 families) in Blora's villages.

Rows are generated in Python with a seeded RNG and written straight into the real tables (executemany on SQLite,
COPY on PostgreSQL): going through the services would take hours at this size. What the services would have
derived is derived here by the same project functions: the name search key (core.text.search_key), the NIK
(core.identity.make_nik) and its review flags (registry.validation.check_person), the vulnerability flags
(registry.vulnerability.household_vulnerabilities), member count, head name and BPS criteria met. Each row also
gets its "created" history row, as a registration through the services would.

Call with Django set up and migrated; regions must be loaded.
"""

from __future__ import annotations

import bisect
import importlib
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, models, transaction
from django.utils import timezone

from berdaya.core.identity import make_nik
from berdaya.core.text import search_key
from berdaya.demo import names, places
from berdaya.regions.models import Level, Region
from berdaya.registry import codes
from berdaya.registry.models import BPS_FIELDS, Household, Person, ReviewFlag
from berdaya.registry.validation import check_person
from berdaya.registry.vulnerability import MemberFacts, household_vulnerabilities

REGENCY = "33.16"  # Kabupaten Blora
CHUNK_HOUSEHOLDS = 10_000
HOUSEHOLD_SIZES = [1, 2, 3, 4, 5, 6, 7]
SIZE_WEIGHTS = [10, 20, 25, 25, 13, 5, 2]  # mean 3.34 people per family card
R = codes.Relationship

EARTH_FLOORS = ["tanah", "bambu", "kayu_murah"]
GOOD_FLOORS = ["keramik", "ubin", "semen", "kayu_baik"]
POOR_WALLS = ["bambu", "rumbia", "kayu_murah", "tembok_tanpa_plester"]
GOOD_WALLS = ["tembok_plester", "kayu_baik"]
UNSAFE_WATER = ["sumur_tak_terlindung", "mata_air_tak_terlindung", "sungai", "hujan"]
SAFE_WATER = ["ledeng", "kemasan", "sumur_terlindung"]


class Table:
    """A model's table as rows of attname -> value, written in column order with the model's defaults."""

    def __init__(self, model: type[models.Model], now):
        self.model = model
        self.name = model._meta.db_table
        self.fields = list(model._meta.concrete_fields)
        self.defaults = {}
        for f in self.fields:
            auto_now = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            self.defaults[f.attname] = now if auto_now else f.get_default()
        self.columns = [f.column for f in self.fields]
        converters = [_sqlite_converter(f) if connection.vendor == "sqlite" else None for f in self.fields]
        self.converters = [(i, convert) for i, convert in enumerate(converters) if convert]

    def tuples(self, rows: list[dict]) -> list[tuple]:
        attnames, defaults = [f.attname for f in self.fields], self.defaults
        out = []
        for row in rows:
            values = [row.get(a, defaults[a]) for a in attnames]
            for i, convert in self.converters:
                if values[i] is not None:
                    values[i] = convert(values[i])
            out.append(tuple(values))
        return out


def _sqlite_converter(field) -> Callable | None:
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return date.isoformat
    return None


def write_rows(table: Table, rows: list[dict]) -> None:
    if not rows:
        return
    values = table.tuples(rows)
    cols = ", ".join(connection.ops.quote_name(c) for c in table.columns)
    connection.ensure_connection()
    raw = connection.connection
    if connection.vendor == "postgresql":
        with raw.cursor() as cur, cur.copy(f"COPY {table.name} ({cols}) FROM STDIN") as copy:
            for row in values:
                copy.write_row(row)
    else:
        marks = ", ".join("?" * len(table.columns))
        raw.executemany(f"INSERT INTO {table.name} ({cols}) VALUES ({marks})", values)  # noqa: S608


def history_row(row: dict, *, history_id: int, when, reason: str) -> dict:
    return {"created_at": when, **row, "history_id": history_id, "history_date": when, "history_change_reason": reason,
            "history_type": "+", "history_user_id": None}


class Generator:
    """Families and their members, deterministic for a seed; ids are assigned here (1..n) so rows link up."""

    def __init__(self, *, seed: int, today: date):
        self.rng = random.Random(seed)
        self.today = today
        self.villages = list(Region.objects.filter(code__startswith=REGENCY + ".", level=Level.VILLAGE)
                             .order_by("code").values_list("code", flat=True))
        if not self.villages:
            raise RuntimeError("No villages of Blora (33.16): load the regions first.")
        self.district_names = dict(Region.objects.filter(code__startswith=REGENCY + ".", level=Level.DISTRICT)
                                   .values_list("code", "name"))
        weights = [places.TOWN_DISTRICTS.get(v[:8], 1.0) * self.rng.uniform(0.5, 1.5) for v in self.villages]
        self.village_cum = list(_cumulative(weights))
        self.household_id = 0
        self.person_id = 0
        self.flag_id = 0
        self.nik_serials: dict[str, int] = defaultdict(int)
        self.kk_numbers: set[str] = set()

    # --- people -----------------------------------------------------------------------------------------------
    def _birth(self, age_low: int, age_high: int) -> date:
        age_days = self.rng.randint(age_low * 365, age_high * 365 + 364)
        return self.today - timedelta(days=age_days)

    def _nik(self, district: str, birth_date: date, sex: str) -> str:
        roll = self.rng.random()
        if roll < 0.10:
            district = self.rng.choice(list(self.district_names))
        elif roll < 0.15:
            district = self.rng.choice(places.OTHER_REGENCY_DISTRICTS)[0]
        key = make_nik(district_code=district, birth_date=birth_date, sex=sex, serial=1)[:12]
        self.nik_serials[key] += 1
        return f"{key}{self.nik_serials[key]:04d}"

    def _person(self, *, household_id: int, district: str, relationship: int, sex: str, birth: date,
                name: str | None = None, father: str | None = None, alive_only: bool = False) -> dict:
        rng = self.rng
        age = (self.today - birth).days // 365
        if name is None:
            name = names.child_name(rng, sex=sex, birth_year=birth.year, father_name=father)
        nik = self._nik(district, birth, sex)
        nik_birth = birth
        anomaly = rng.random()
        if age < 1 and anomaly < 0.3 or anomaly < 0.003:
            nik = ""  # not registered yet: flagged for follow-up
        elif anomaly < 0.015:  # the card and the record disagree: a review flag, as the services would open
            nik_birth = birth + timedelta(days=rng.choice([-31, -1, 1, 365]))
            nik = self._nik(district, nik_birth, sex)
        status = codes.PersonStatus.ALIVE
        if not alive_only and relationship != R.HEAD:
            roll = rng.random()
            if roll < 0.012 or (age > 75 and roll < 0.08):
                status = codes.PersonStatus.DECEASED
            elif roll < 0.022 and age >= 17:
                status = codes.PersonStatus.MOVED_OUT
        working = 18 <= age <= 70
        self.person_id += 1
        return {
            "id": self.person_id, "household_id": household_id, "nik": nik, "name": name,
            "name_key": search_key(name), "sex": sex,
            "birth_place": rng.choice(["Blora", "Blora", "Blora", self.district_names.get(district, "Blora"),
                                       "Grobogan", "Rembang", "Bojonegoro"]),
            "birth_date": birth, "relationship": relationship,
            "marital_status": 2 if relationship in (R.HEAD, R.WIFE, R.HUSBAND) and age >= 18 else
            (rng.choice([1, 2, 4]) if age >= 18 else 1),
            "education": _education(rng, age), "occupation": _occupation(rng, age, sex),
            "disability": rng.choice(["fisik", "netra", "rungu_wicara", "mental_jiwa", "fisik_mental", "lainnya"])
            if rng.random() < 0.025 else "",
            "pregnant": sex == "P" and 18 <= age <= 40 and rng.random() < 0.04,
            "monthly_income": rng.randrange(300_000, 4_000_000, 50_000) if working and rng.random() < 0.7 else None,
            "phone": f"08{rng.randint(1_000_000_000, 9_999_999_999)}" if working and rng.random() < 0.5 else "",
            "status": status, "status_date": self.today - timedelta(days=rng.randint(1, 900))
            if status != codes.PersonStatus.ALIVE else None,
            "_nik_birth": nik_birth,
        }

    def _members(self, household_id: int, village: str) -> list[dict]:
        rng, district = self.rng, village[:8]
        size = rng.choices(HOUSEHOLD_SIZES, SIZE_WEIGHTS)[0]
        head_sex = "P" if rng.random() < 0.15 else "L"
        head_birth = self._birth(60, 88) if size == 1 and rng.random() < 0.45 else self._birth(22, 80)
        head_name = names.person_name(rng, sex=head_sex, birth_year=head_birth.year)
        members = [self._person(household_id=household_id, district=district, relationship=R.HEAD, sex=head_sex,
                                birth=head_birth, name=head_name, alive_only=True)]
        head_age = (self.today - head_birth).days // 365
        if size >= 2 and (head_sex == "L" and rng.random() < 0.88 or head_sex == "P" and rng.random() < 0.05):
            spouse_sex = "P" if head_sex == "L" else "L"
            spouse_age = max(18, head_age + rng.randint(-8, 3))
            members.append(self._person(household_id=household_id, district=district,
                                        relationship=R.WIFE if spouse_sex == "P" else R.HUSBAND, sex=spouse_sex,
                                        birth=self._birth(spouse_age, spouse_age)))
        father = head_name if head_sex == "L" else None
        while len(members) < size:
            roll, sex = rng.random(), rng.choice("LP")
            if roll < 0.08 and head_age < 60:
                rel, birth = R.PARENT, self._birth(min(head_age + 20, 95), min(head_age + 35, 98))
            elif roll < 0.14 and head_age >= 45:
                rel, birth = R.GRANDCHILD, self._birth(0, 14)
            elif roll < 0.17:
                rel, birth = R.OTHER_RELATIVE, self._birth(5, 60)
            else:
                oldest = max(0, min(head_age - 18, 35))
                rel, birth = R.CHILD, self._birth(0, oldest)
            members.append(self._person(household_id=household_id, district=district, relationship=rel, sex=sex,
                                        birth=birth, father=father))
        return members

    # --- families ---------------------------------------------------------------------------------------------
    def _kk_number(self, village: str) -> str:
        district = village[:8].replace(".", "")
        while True:
            issued = self.today - timedelta(days=self.rng.randint(30, 20 * 365))
            kk = f"{district}{issued:%d%m%y}{self.rng.randint(1, 9999):04d}"
            if kk not in self.kk_numbers:
                self.kk_numbers.add(kk)
                return kk

    def _indicators(self) -> dict:
        rng = self.rng
        out: dict = {}
        if rng.random() < 0.1:
            out.update({f: None for f in BPS_FIELDS})  # not surveyed yet
            return out
        poverty = rng.betavariate(2.0, 3.2)
        out.update({f: rng.random() < poverty for f in BPS_FIELDS})
        out["floor_material"] = rng.choice(EARTH_FLOORS if out["c02_floor_poor"] else GOOD_FLOORS)
        out["wall_material"] = rng.choice(POOR_WALLS if out["c03_wall_poor"] else GOOD_WALLS)
        out["roof_material"] = rng.choice(["genteng", "genteng", "seng", "ijuk_rumbia" if poverty > 0.6 else "beton"])
        out["toilet"] = rng.choice(["bersama", "tidak_ada"]) if out["c04_no_private_toilet"] else "sendiri"
        out["lighting"] = "bukan_listrik" if out["c05_no_electricity"] else rng.choice(
            ["pln_meteran", "pln_meteran", "pln_tanpa_meteran", "non_pln"])
        out["water_source"] = rng.choice(UNSAFE_WATER if out["c06_unsafe_water"] else SAFE_WATER)
        out["cooking_fuel"] = rng.choice(["kayu_bakar", "arang", "minyak_tanah"]) if out["c07_cooking_wood"] \
            else rng.choice(["gas", "gas", "listrik"])
        out["house_ownership"] = rng.choice(["milik_sendiri"] * 6 + ["sewa", "bebas_sewa", "lainnya"])
        out["floor_area_m2"] = rng.randint(18, 45) if out["c01_floor_area_small"] else rng.randint(36, 180)
        for asset, p in (("has_motorcycle", 0.8), ("has_car", 0.15), ("has_refrigerator", 0.6), ("has_land", 0.5),
                         ("has_livestock", 0.4)):
            out[asset] = rng.random() < p * (1.2 - poverty)
        out["official_desil"] = max(1, min(10, int(11 - poverty * 10 + rng.uniform(-1.5, 1.5)))) \
            if rng.random() < 0.7 else None
        return out

    def _household(self) -> tuple[dict, list[dict], list[dict]]:
        rng = self.rng
        village = self.villages[_pick(self.village_cum, rng.random())]
        self.household_id += 1
        hid = self.household_id
        members = self._members(hid, village)
        flags = []
        for m in members:
            if m["status"] != codes.PersonStatus.ALIVE:
                continue
            if m["nik"] == "" or m["_nik_birth"] != m["birth_date"]:
                check = check_person(nik=m["nik"], sex=m["sex"], birth_date=m["birth_date"], today=self.today)
                for code, message in check.flags:
                    self.flag_id += 1
                    flags.append({"id": self.flag_id, "household_id": hid, "person_id": m["id"], "code": code,
                                  "message": message[:400], "resolution_note": ""})
        facts = [MemberFacts(birth_date=m["birth_date"], sex=m["sex"], relationship=m["relationship"],
                             disability=m["disability"], pregnant=m["pregnant"],
                             alive=m["status"] == codes.PersonStatus.ALIVE) for m in members]
        indicators = self._indicators()
        met = sum(1 for f in BPS_FIELDS if indicators.get(f) is True)
        living = [m for m in members if m["status"] == codes.PersonStatus.ALIVE]
        head = next(m for m in living if m["relationship"] == R.HEAD)
        income = sum(m["monthly_income"] or 0 for m in living)
        dusun = rng.choice(places.DUSUN_NAMES)
        household = {
            "id": hid, "kk_number": self._kk_number(village), "village_id": village, "dusun": dusun,
            "address": f"{rng.choice(places.STREETS)} No. {rng.randint(1, 150)}" if rng.random() < 0.3
            else f"Dusun {dusun}",
            "rt": f"{rng.randint(1, 12):03d}", "rw": f"{rng.randint(1, 6):03d}",
            "status": codes.HouseholdStatus.ACTIVE if rng.random() < 0.985 else codes.HouseholdStatus.INACTIVE,
            "monthly_income": income or None, **indicators,
            "bps_criteria_met": met, "member_count": len(living), "head_name": head["name"],
            "open_flag_count": len(flags),
            **household_vulnerabilities(facts, bps_criteria_met=met, today=self.today),
        }
        if rng.random() < 0.3:
            lat, lon = places.DISTRICT_CENTRES.get(village[:8], places.DEFAULT_CENTRE)
            household["latitude"] = Decimal(f"{lat + rng.uniform(-0.04, 0.04):.6f}")
            household["longitude"] = Decimal(f"{lon + rng.uniform(-0.04, 0.04):.6f}")
        for m in members:
            del m["_nik_birth"]
        return household, members, flags

    def chunks(self, persons: int | None = None, *,
               households_wanted: int | None = None) -> Iterator[tuple[list[dict], list[dict], list[dict]]]:
        """Families until `persons` people exist (the last family is cut short if needed), or, with
        `households_wanted` instead, until that many families exist (whole families: ~3.34 people each)."""
        if (persons is None) == (households_wanted is None):
            raise ValueError("give either persons or households_wanted")
        households, people, flags = [], [], []
        while (self.person_id < persons) if persons is not None else (self.household_id < households_wanted):
            household, members, household_flags = self._household()
            excess = self.person_id - persons if persons is not None else 0
            if excess > 0:  # keep the head; drop the last members (and their flags)
                dropped = {m["id"] for m in members[-excess:]}
                members = members[:-excess]
                household_flags = [f for f in household_flags if f["person_id"] not in dropped]
                self.person_id = persons
                _recount(household, members, household_flags, self.today)
            households.append(household)
            people.extend(members)
            flags.extend(household_flags)
            if len(households) >= CHUNK_HOUSEHOLDS:
                yield households, people, flags
                households, people, flags = [], [], []
        if households:
            yield households, people, flags


def _recount(household: dict, members: list[dict], flags: list[dict], today: date) -> None:
    living = [m for m in members if m["status"] == codes.PersonStatus.ALIVE]
    facts = [MemberFacts(birth_date=m["birth_date"], sex=m["sex"], relationship=m["relationship"],
                         disability=m["disability"], pregnant=m["pregnant"]) for m in living]
    household.update(household_vulnerabilities(facts, bps_criteria_met=household["bps_criteria_met"], today=today))
    household.update(member_count=len(living), open_flag_count=len(flags))


def _cumulative(weights: list[float]) -> Iterator[float]:
    total, running = sum(weights), 0.0
    for w in weights:
        running += w
        yield running / total


def _pick(cumulative: list[float], x: float) -> int:
    return min(bisect.bisect_left(cumulative, x), len(cumulative) - 1)


def _education(rng: random.Random, age: int) -> int:
    if age < 7:
        return codes.Education.NONE
    if age < 13:
        return codes.Education.SD_NOT_FINISHED
    levels = [1, 2, 3, 4, 5, 6, 7, 8, 9]
    weights = [6, 12, 35, 20, 18, 2, 2, 4, 1] if age >= 40 else [1, 3, 15, 25, 38, 4, 4, 9, 1]
    return rng.choices(levels, weights)[0]


def _occupation(rng: random.Random, age: int, sex: str) -> int:
    O = codes.Occupation  # noqa: N806, E741
    if age < 18:
        return O.STUDENT if age >= 6 else O.NOT_WORKING
    if age >= 65:
        return rng.choice([O.NOT_WORKING, O.FARMER, O.RETIRED, O.FARM_LABOURER])
    common = [O.FARMER, O.FARM_LABOURER, O.DAY_LABOURER, O.ENTREPRENEUR, O.PRIVATE_EMPLOYEE, O.TRADER,
              O.HOUSEWORK if sex == "P" else O.DRIVER, O.CIVIL_SERVANT, O.TEACHER, O.NOT_WORKING]
    return rng.choices(common, [22, 18, 14, 12, 10, 6, 10, 2, 2, 4])[0]


def load(*, persons: int | None = None, households: int | None = None, seed: int = 20261125,
         echo: Callable[[str], None] = print) -> dict[str, int]:
    """Generate and write the registry (`persons` people, or `households` whole families); returns the counts
    written."""
    today, now = timezone.localdate(), timezone.now()
    tables = {m: Table(m, now) for m in (Household, Person, ReviewFlag, Household.history.model,
                                         Person.history.model, ReviewFlag.history.model)}
    gen = Generator(seed=seed, today=today)
    counts = defaultdict(int)
    started = time.perf_counter()
    # The name index's triggers would rewrite a household's entry once per member: drop it, load, then build it
    # once from the loaded rows (what the migration does on existing data).
    name_index = importlib.import_module("berdaya.registry.migrations.0002_person_name_search_index")
    with connection.schema_editor() as editor:
        name_index.drop_name_index(editor)
    for families, people, flags in gen.chunks(persons, households_wanted=households):
        with transaction.atomic():
            write_rows(tables[Household], families)
            write_rows(tables[Person], people)
            write_rows(tables[ReviewFlag], flags)
            write_rows(tables[Household.history.model],
                       [history_row(h, history_id=h["id"], when=now, reason="registry.household.created")
                        for h in families])
            write_rows(tables[Person.history.model],
                       [history_row(p, history_id=p["id"], when=now, reason="registry.person.created")
                        for p in people])
            write_rows(tables[ReviewFlag.history.model],
                       [history_row(f, history_id=f["id"], when=now, reason="registry.flag.opened") for f in flags])
        counts["households"] += len(families)
        counts["persons"] += len(people)
        counts["flags"] += len(flags)
        echo(f"  {counts['persons']:>9,} people, {counts['households']:>8,} families "
             f"({time.perf_counter() - started:.0f} s)")
    _reset_sequences()
    with connection.schema_editor() as editor:
        name_index.create_name_index(editor)
    echo(f"  name index built ({time.perf_counter() - started:.0f} s)")
    return dict(counts)


def _reset_sequences() -> None:
    from django.core.management.color import no_style

    models_ = [Household, Person, ReviewFlag, Household.history.model, Person.history.model,
               ReviewFlag.history.model]
    statements = connection.ops.sequence_reset_sql(no_style(), models_)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
