"""The Blora demo population, in memory: households spread over real villages, their members, identity numbers,
indicators, life events (deaths, people who moved away) and the dirty records later features must find.

Pure Python over one seeded random.Random: the same seed, villages and `today` give the same population.
"""

from __future__ import annotations

import contextlib
import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from berdaya.core.identity import make_nik, nik_mismatches, parse_nik
from berdaya.demo import places
from berdaya.demo.drafts import HouseholdDraft, PersonDraft
from berdaya.demo.families import KIND_NAMES, KIND_WEIGHTS, KINDS, MAX_MEMBERS, FamilyMaker
from berdaya.demo.names import spelling_variant
from berdaya.demo.welfare import Welfare, age_on
from berdaya.registry.codes import MaritalStatus as M
from berdaya.registry.codes import PersonStatus
from berdaya.registry.codes import Relationship as R

# Dirty records per household (≈ 330 at the default 20,000 households), with a floor so small demos have some.
RATES = {"nik_birthdate_mismatch": 0.003, "nik_sex_mismatch": 0.00125, "duplicate": 0.004, "head_died": 0.00125,
         "nik_missing": 0.007}
MINIMUM_EACH = 3
UNSURVEYED_SHARE = 0.04
COORDINATES_SHARE = 0.45


@dataclass(frozen=True)
class Village:
    code: str
    name: str
    district: str
    district_name: str

    @property
    def urban(self) -> bool:
        return self.code.rsplit(".", 1)[1].startswith("1")  # kelurahan


@dataclass
class Layout:
    """How a village is divided: hamlets (dusun), each one RW with a few RTs, and a centre for map points."""

    dusun: list[tuple[str, str, list[str]]]  # (name, rw, rts)
    remote: tuple[str, str, list[str]] | None
    centre: tuple[float, float]
    streets: list[str]


class Identities:
    """NIK and KK numbers: structurally valid, consistent with the person, never issued twice."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()
        self.next_serial: dict[str, int] = {}

    def _issue(self, prefix: str) -> str:
        serial = self.next_serial.get(prefix) or self.rng.randint(1, 30)
        while f"{prefix}{serial:04d}" in self.used:
            serial += 1
        number = f"{prefix}{serial:04d}"
        self.next_serial[prefix] = serial + 1
        self.used.add(number)
        return number

    def nik(self, *, district: str, birth_date: date, sex: str) -> str:
        return self._issue(make_nik(district_code=district, birth_date=birth_date, sex=sex, serial=0)[:12])

    def kk(self, *, district: str, issued: date) -> str:
        # KK: issuing district (6 digits) + issue date DDMMYY + serial.
        return self._issue(f"{district.replace('.', '')}{issued:%d%m%y}")

    def one_digit_off(self, nik: str) -> str:
        """The same NIK with one digit mistyped, still a valid NIK and not anybody else's."""
        for _attempt in range(50):
            at = self.rng.choices([self.rng.randint(12, 15), self.rng.randint(4, 5), self.rng.randint(6, 11)],
                                  weights=[70, 20, 10])[0]
            digit = self.rng.choice([d for d in "0123456789" if d != nik[at]])
            candidate = nik[:at] + digit + nik[at + 1:]
            if candidate in self.used:
                continue
            try:
                parse_nik(candidate)
            except ValueError:
                continue
            self.used.add(candidate)
            return candidate
        return ""


def district_of_nik(nik: str) -> str:
    return f"{nik[0:2]}.{nik[2:4]}.{nik[4:6]}"


class Generator:
    def __init__(self, *, seed: int, villages: list[Village], today: date):
        if not villages:
            raise ValueError("No villages of Kabupaten Blora (33.16) in the Region table: load the regions first.")
        self.rng = random.Random(seed)
        self.today = today
        self.villages = sorted(villages, key=lambda v: v.code)
        self.district_names = {v.district: v.district_name for v in self.villages}
        self.districts = sorted(self.district_names)
        self.families = FamilyMaker(self.rng, today)
        self.welfare = Welfare(self.rng, today)
        self.ids = Identities(self.rng)

    # --- the whole population -------------------------------------------------------------------------------
    def run(self, households: int) -> list[HouseholdDraft]:
        counts = self._spread(households)
        used = [v for v in self.villages if counts[v.code]]
        forest = [v for v in used if v.district in places.FOREST_DISTRICTS and not v.urban]
        remote = set(v.code for v in self.rng.sample(forest, min(len(forest), max(1, round(households / 2500)))))
        out: list[HouseholdDraft] = []
        for village in used:
            layout = self._layout(village, remote=village.code in remote)
            out.extend(self._household(village, layout) for _ in range(counts[village.code]))
        self._desil(out)
        self._life_events(out)
        self._plant_dirt(out, households)
        return out

    def _spread(self, households: int) -> Counter:
        weights = [self.rng.lognormvariate(0, 0.45) * (1.8 if v.urban else 1.0)
                   * places.TOWN_DISTRICTS.get(v.district, 1.0) for v in self.villages]
        return Counter(v.code for v in self.rng.choices(self.villages, weights=weights, k=households))

    def _layout(self, village: Village, *, remote: bool) -> Layout:
        rng = self.rng
        names = rng.sample(places.DUSUN_NAMES[1:], rng.randint(1, 4))
        names = ["Krajan", *names] if not village.urban else names
        dusun, rt = [], 1
        for index, name in enumerate(names, start=1):
            size = rng.randint(2, 6)
            dusun.append((name, f"{index:03d}", [f"{n:03d}" for n in range(rt, rt + size)]))
            rt += size
        remote_dusun = None
        if remote:
            remote_dusun = (rng.choice(places.REMOTE_DUSUN_NAMES), f"{len(dusun) + 1:03d}", [f"{rt:03d}"])
        lat, lon = places.DISTRICT_CENTRES.get(village.district, places.DEFAULT_CENTRE)
        centre = (lat + rng.uniform(-0.035, 0.035), lon + rng.uniform(-0.035, 0.035))
        return Layout(dusun, remote_dusun, centre, rng.sample(places.STREETS, 3))

    # --- one household --------------------------------------------------------------------------------------
    def _household(self, village: Village, layout: Layout) -> HouseholdDraft:
        rng = self.rng
        kind = rng.choices(KIND_NAMES, weights=KIND_WEIGHTS)[0]
        wealth = rng.gauss(0, 1) + KINDS[kind][1] + (0.4 if village.urban else 0.0) + (
            0.15 if village.district in places.TOWN_DISTRICTS else 0.0)
        issued = self.today - timedelta(days=rng.randint(14, 18 * 365))
        hh = HouseholdDraft(kk_number=self.ids.kk(district=village.district, issued=issued), village=village.code,
                            district=village.district, kind=kind, wealth=wealth, urban=village.urban)
        self._place(hh, layout)
        hh.members = self.families.make(kind)
        for person in hh.members:
            self.welfare.fill_person(person, hh)
            self._identify(person, hh)
        self.welfare.fill_household(hh, surveyed=rng.random() >= UNSURVEYED_SHARE)
        return hh

    def _place(self, hh: HouseholdDraft, layout: Layout) -> None:
        rng = self.rng
        if layout.remote and rng.random() < 0.25:
            name, rw, rts = layout.remote
            hh.remote = True
        else:
            name, rw, rts = rng.choice(layout.dusun)
        hh.dusun, hh.rw, hh.rt = name, rw, rng.choice(rts)
        if hh.urban:
            hh.address = f"{rng.choice(layout.streets)} No. {rng.randint(1, 140)}"
        else:
            hh.address = f"Dk. {name}" if rng.random() < 0.7 else f"Dusun {name}"
        if rng.random() < COORDINATES_SHARE:
            lat, lon = layout.centre
            hh.latitude = Decimal(f"{lat + rng.gauss(0, 0.006):.6f}")
            hh.longitude = Decimal(f"{lon + rng.gauss(0, 0.006):.6f}")

    def _identify(self, person: PersonDraft, hh: HouseholdDraft) -> None:
        """District of first registration (mostly the household's own), birth place and NIK."""
        rng = self.rng
        married_in = person.relationship in (R.WIFE, R.HUSBAND, R.CHILD_IN_LAW)
        elsewhere = 0.12 if married_in else 0.05 if person.relationship in (R.PARENT, R.PARENT_IN_LAW) else 0.025
        other_blora = 0.18 if married_in else 0.09
        roll = rng.random()
        if roll < elsewhere:
            district, person.birth_place = rng.choice(places.OTHER_REGENCY_DISTRICTS)
        else:
            district = rng.choice(self.districts) if roll < elsewhere + other_blora else hh.district
            person.birth_place = self.district_names[district] if rng.random() < 0.35 else "Blora"
        age = age_on(person.birth_date, self.today)
        if (hh.remote and rng.random() < 0.3) or (age < 1 and rng.random() < 0.1):
            person.dirt = "nik_missing_remote" if hh.remote else "nik_missing_infant"
            return
        person.nik = self.ids.nik(district=district, birth_date=person.birth_date, sex=person.sex)

    # --- across households ----------------------------------------------------------------------------------
    def _desil(self, households: list[HouseholdDraft]) -> None:
        """Official DTSEN desil for about 60%: ranked by wealth with noise; Blora sits low in the national ranking."""
        noisy = [(hh.wealth + self.rng.gauss(0, 0.45), index) for index, hh in enumerate(households)]
        total = len(households)
        for rank, (_score, index) in enumerate(sorted(noisy)):
            desil = min(10, 1 + int(10 * ((rank + 0.5) / total) ** 1.25))
            if self.rng.random() < (0.78 if desil <= 4 else 0.45):
                households[index].official_desil = desil

    def _when(self, person: PersonDraft, *, within_days: int, not_before_age: int = 0) -> date:
        earliest = person.birth_date + timedelta(days=int(not_before_age * 365.25) + 1)
        on = self.today - timedelta(days=self.rng.randint(1, within_days))
        return max(on, min(earliest, self.today))

    def _life_events(self, households: list[HouseholdDraft]) -> None:
        """Members who died or moved away stay on the card with their status (a registry keeps them)."""
        rng = self.rng
        for hh in households:
            head = hh.members[0]
            for person in hh.members[1:]:
                age = age_on(person.birth_date, self.today)
                if age >= 60 and rng.random() < 0.07:
                    self._set_status(person, PersonStatus.DECEASED, self._when(person, within_days=3 * 365),
                                     "Meninggal dunia")
                    if person.relationship in (R.WIFE, R.HUSBAND):
                        head.marital_status = M.WIDOWED
                elif (person.relationship == R.CHILD and person.marital_status == M.SINGLE and 19 <= age <= 35
                      and rng.random() < 0.07):
                    self._set_status(person, PersonStatus.MOVED_OUT,
                                     self._when(person, within_days=4 * 365, not_before_age=18),
                                     f"Pindah ke {rng.choice(places.MIGRATION_DESTINATIONS)}")

    @staticmethod
    def _set_status(person: PersonDraft, status: str, on: date, note: str) -> None:
        person.status, person.status_date, person.status_note, person.pregnant = status, on, note, False

    # --- dirty records --------------------------------------------------------------------------------------
    def _plant_dirt(self, households: list[HouseholdDraft], size: int) -> None:
        wanted = {kind: max(MINIMUM_EACH, round(size * rate)) for kind, rate in RATES.items()}
        self._heads_died(households, wanted["head_died"])
        self._duplicates(households, wanted["duplicate"])
        clean = [p for hh in households for p in hh.members if p.alive and p.nik and not p.dirt]
        picked = self.rng.sample(clean, min(len(clean), wanted["nik_birthdate_mismatch"] + wanted["nik_sex_mismatch"]))
        for person in picked[:wanted["nik_birthdate_mismatch"]]:
            self._birthdate_mismatch(person)
        for person in picked[wanted["nik_birthdate_mismatch"]:]:
            person.nik = self.ids.nik(district=district_of_nik(person.nik), birth_date=person.birth_date,
                                      sex="P" if person.sex == "L" else "L")
            person.dirt = "nik_sex_mismatch"
        self._top_up_missing_niks(households, wanted["nik_missing"])

    def _heads_died(self, households: list[HouseholdDraft], count: int) -> None:
        """The head died or left and nobody has been named head yet: the card has no living head."""
        candidates = [hh for hh in households if len(hh.living) >= 2 and hh.members[0].alive
                      and hh.members[0].relationship == R.HEAD and hh.members[0].sex == "L"
                      and any(m.relationship == R.WIFE and m.alive for m in hh.members)]
        for hh in self.rng.sample(candidates, min(count, len(candidates))):
            head = hh.members[0]
            if self.rng.random() < 0.8:
                self._set_status(head, PersonStatus.DECEASED, self._when(head, within_days=240), "Meninggal dunia")
            else:
                self._set_status(head, PersonStatus.MOVED_OUT, self._when(head, within_days=240),
                                 f"Pergi ke {self.rng.choice(places.MIGRATION_DESTINATIONS)}, tidak kembali")
            head.dirt = "head_died"

    def _duplicates(self, households: list[HouseholdDraft], count: int) -> None:
        """The same person registered again in another household: spelling variant, same birth date, NIK one
        digit off or missing (a married daughter still on her parents' card, a worker registered where he stays)."""
        rng = self.rng
        adults = [(hh, p) for hh in households for p in hh.living
                  if p.nik and not p.dirt and 17 <= age_on(p.birth_date, self.today) <= 75]
        children_first = [pair for pair in adults if pair[1].relationship == R.CHILD]
        by_district: dict[str, list[HouseholdDraft]] = {}
        for hh in households:
            by_district.setdefault(hh.district, []).append(hh)
        done, attempts = 0, 0
        while done < count and adults and attempts < count * 50:
            attempts += 1
            pool = children_first if children_first and rng.random() < 0.6 else adults
            source_hh, source = rng.choice(pool)
            if source.dirt:
                adults = [pair for pair in adults if not pair[1].dirt]
                children_first = [pair for pair in children_first if not pair[1].dirt]
                continue
            targets = by_district[source_hh.district] if rng.random() < 0.7 else households
            target = rng.choice(targets)
            if target is source_hh or len(target.members) >= MAX_MEMBERS or not target.members[0].alive:
                continue
            target.members.append(self._duplicate_of(source))
            source.dirt = "duplicate_source"
            done += 1

    def _duplicate_of(self, source: PersonDraft) -> PersonDraft:
        rng = self.rng
        nik = "" if rng.random() < 0.35 else self.ids.one_digit_off(source.nik)
        return PersonDraft(
            name=spelling_variant(rng, source.name) if rng.random() < 0.85 else source.name,
            sex=source.sex, birth_date=source.birth_date,
            relationship=rng.choices([R.OTHER_RELATIVE, R.CHILD_IN_LAW, R.OTHER], weights=[55, 25, 20])[0],
            marital_status=source.marital_status, education=source.education, occupation=source.occupation,
            birth_place=source.birth_place if rng.random() < 0.7 else "Blora", nik=nik,
            phone=source.phone if rng.random() < 0.3 else "", duplicate_of=source, dirt="duplicate",
        )

    def _birthdate_mismatch(self, person: PersonDraft) -> None:
        """A typo in the date on the record or in the NIK (day and month swapped, year or day off by one)."""
        rng = self.rng
        born = person.birth_date
        options = []
        if born.day <= 12 and born.day != born.month:
            options.append(date(born.year, born.day, born.month))
        for delta_years in (-1, 1):
            with contextlib.suppress(ValueError):  # 29 February
                options.append(born.replace(year=born.year + delta_years))
        options += [born + timedelta(days=1), born - timedelta(days=1)]
        options = [d for d in options if d < self.today and d != born]
        wrong = rng.choice(options)
        if rng.random() < 0.5:
            person.birth_date = wrong  # the clerk mistyped the record; the NIK is right
        else:
            person.nik = self.ids.nik(district=district_of_nik(person.nik), birth_date=wrong, sex=person.sex)
        info = parse_nik(person.nik)
        if any(code == "nik_birthdate_mismatch" for code, _m in nik_mismatches(info, birth_date=person.birth_date,
                                                                               sex=person.sex)):
            person.dirt = "nik_birthdate_mismatch"

    def _top_up_missing_niks(self, households: list[HouseholdDraft], count: int) -> None:
        """Young children whose birth was not registered yet, when the remote hamlets did not give enough."""
        missing = sum(1 for hh in households for p in hh.living if not p.nik)
        young = [p for hh in households for p in hh.living
                 if p.nik and not p.dirt and age_on(p.birth_date, self.today) < 5]
        for person in self.rng.sample(young, min(len(young), max(0, count - missing))):
            person.nik, person.dirt = "", "nik_missing_child"


def generate_households(*, households: int, seed: int, villages: list[Village], today: date) -> list[HouseholdDraft]:
    return Generator(seed=seed, villages=villages, today=today).run(households)
