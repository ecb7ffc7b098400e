"""Hypothesis strategies: random households (with members and scores) written straight to the tables, and random
rules written as text in the rule language."""

from __future__ import annotations

import itertools
from datetime import date

from hypothesis import strategies as st

from berdaya.registry.models import BPS_FIELDS, VULNERABILITY_FIELDS, Household, Person
from berdaya.targeting.models import DesilSource, HouseholdScore
from tests.conftest import VILLAGE_A, VILLAGE_A2, VILLAGE_B, VILLAGE_P

VILLAGES = [VILLAGE_A, VILLAGE_A2, VILLAGE_B, VILLAGE_P]
OCCUPATIONS = [1, 2, 3, 5, 6, 7, 9, 19, 88, None]
_kk = itertools.count(1)

maybe_bool = st.sampled_from([True, False, None])
small_income = st.one_of(st.none(), st.integers(0, 5_000_000))


@st.composite
def birth_date(draw):
    """Any date, or one on the day of a birthday edge (the days the tests count ages on, Feb 28/29, Mar 1)."""
    year = draw(st.integers(1930, 2026))
    edge = draw(st.sampled_from([(6, 15), (6, 14), (6, 16), (2, 28), (2, 29), (3, 1), (1, 1), (12, 31)]))
    if edge == (2, 29) and not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
        edge = (2, 28)
    return draw(st.one_of(st.dates(date(1925, 1, 1), date(2026, 12, 31)), st.just(date(year, *edge))))


@st.composite
def member(draw):
    return {
        "birth_date": draw(birth_date()),
        "sex": draw(st.sampled_from(["L", "P"])),
        "relationship": draw(st.sampled_from([1, 2, 3, 4, 6, 7, 9])),
        "marital_status": draw(st.sampled_from([1, 2, 3, 4])),
        "education": draw(st.sampled_from([None, 1, 2, 3, 4, 5, 8])),
        "occupation": draw(st.sampled_from(OCCUPATIONS)),
        "disability": draw(st.sampled_from(["", "", "fisik", "netra", "mental_jiwa"])),
        "pregnant": draw(st.booleans()),
        "monthly_income": draw(small_income),
        "status": draw(st.sampled_from(["alive", "alive", "alive", "deceased", "moved_out"])),
    }


@st.composite
def household(draw):
    data = {name: draw(maybe_bool) for name in BPS_FIELDS}
    data.update({name: draw(st.booleans()) for name in VULNERABILITY_FIELDS})
    data.update(
        village_id=draw(st.sampled_from(VILLAGES)),
        floor_area_m2=draw(st.one_of(st.none(), st.integers(0, 200))),
        floor_material=draw(st.sampled_from(["", "tanah", "bambu", "keramik", "semen"])),
        lighting=draw(st.sampled_from(["", "pln_meteran", "bukan_listrik"])),
        toilet=draw(st.sampled_from(["", "sendiri", "tidak_ada"])),
        has_motorcycle=draw(maybe_bool), has_car=draw(maybe_bool), has_land=draw(maybe_bool),
        monthly_income=draw(small_income),
        official_desil=draw(st.one_of(st.none(), st.integers(1, 10))),
        bps_criteria_met=draw(st.integers(0, 14)),
        member_count=draw(st.integers(0, 6)),
    )
    members = draw(st.lists(member(), max_size=4))
    score = draw(st.one_of(st.none(), st.fixed_dictionaries({
        "welfare_score": st.floats(-50, 150, allow_nan=False, width=32),
        "computed_desil": st.one_of(st.none(), st.integers(1, 10)),
        "priority_score": st.sampled_from([0.0, 2.0, 3.5, 7.0, 12.0]),
    })))
    return data, members, score


def insert(population, score_model) -> list[int]:
    """Write generated households, members and scores to the database (no services: raw test data)."""
    ids = []
    for data, members, score in population:
        hh = Household.objects.create(kk_number=f"99{next(_kk):014d}", address="Jl. Uji", **data)
        ids.append(hh.pk)
        Person.objects.bulk_create([Person(household=hh, name=f"Anggota {i}", name_key=f"anggota{i}", nik="", **m)
                                    for i, m in enumerate(members)])
        if score is not None:
            HouseholdScore.objects.create(household=hh, score_model=score_model, computed_at="2026-01-01T00:00Z",
                                          desil_source=DesilSource.COMPUTED, **score)
    return ids


# --- rules as text -------------------------------------------------------------------------------------------

NUMERIC_FIELDS = {"desil": (0, 11), "official_desil": (0, 11), "computed_desil": (0, 11),
                  "bps_criteria_met": (0, 14), "member_count": (0, 6), "monthly_income": (0, 5_000_000),
                  "floor_area_m2": (0, 200), "welfare_score": (-50, 150), "priority_score": (0, 12),
                  "income_per_capita": (0, 2_000_000)}
BOOL_FIELDS = [*BPS_FIELDS, *VULNERABILITY_FIELDS, "has_motorcycle", "has_car", "has_land", "extreme_poor"]
CODE_VALUES = {"floor_material": ["tanah", "Bambu", "keramik"], "lighting": ["bukan_listrik", "PLN_METERED"],
               "toilet": ["tidak ada", "sendiri"]}
TEXT_FIELDS = {"village_code": VILLAGES, "district_code": [v[:8] for v in VILLAGES], "regency_code": ["33.16"]}
MEMBER_NUMERIC = {"age": (0, 100), "monthly_income": (0, 5_000_000)}
MEMBER_BOOL = ["pregnant", "disabled"]
MEMBER_CODES = {"occupation": ['"PNS"', '"TNI"', '"petani"', "19", '"Wiraswasta"'], "sex": ['"P"', '"L"'],
                "relationship": ['"Kepala Keluarga"', '"anak"', '"istri"'],
                "education": ['"SD"', '"SMP"', '"Tidak/Belum Sekolah"'],
                "disability": ['"fisik"', '""', '"netra"']}
OPS = ["==", "!=", "<", "<=", ">", ">="]


def number(lo, hi):
    return st.one_of(st.integers(lo, hi).map(str), st.floats(lo, hi, allow_nan=False).map(lambda f: f"{f:.2f}"))


@st.composite
def numeric_expr(draw, fields, depth=0, prefix=""):
    name = draw(st.sampled_from(sorted(fields)))
    lo, hi = fields[name]
    term = prefix + name
    if depth < 1 and draw(st.integers(0, 3)) == 0:
        op = draw(st.sampled_from(["+", "-", "*", "/"]))
        other = draw(st.one_of(number(0, 10), st.sampled_from(sorted(fields)).map(lambda n: prefix + n)))
        term = f"({term} {op} {other})"
    if draw(st.integers(0, 9)) == 0:
        term = f"-{term}"
    return term, lo, hi


@st.composite
def household_atom(draw):
    kind = draw(st.sampled_from(["num", "num", "bool", "code", "text", "agg"]))
    if kind == "num":
        term, lo, hi = draw(numeric_expr(NUMERIC_FIELDS))
        return f"{term} {draw(st.sampled_from(OPS))} {draw(number(lo, hi))}"
    if kind == "bool":
        name = draw(st.sampled_from(BOOL_FIELDS))
        return draw(st.sampled_from([name, f"{name} == true", f"{name} != false", f"not {name}"]))
    if kind == "code":
        name = draw(st.sampled_from(sorted(CODE_VALUES)))
        values = draw(st.lists(st.sampled_from(CODE_VALUES[name]), min_size=1, max_size=2))
        if len(values) == 1 and draw(st.booleans()):
            return f'{name} {draw(st.sampled_from(["==", "!="]))} "{values[0]}"'
        listed = ", ".join(f'"{v}"' for v in values)
        return f"{name} {draw(st.sampled_from(['in', 'not in']))} [{listed}]"
    if kind == "text":
        name = draw(st.sampled_from(sorted(TEXT_FIELDS)))
        return f'{name} == "{draw(st.sampled_from(TEXT_FIELDS[name]))}"'
    func = draw(st.sampled_from(["any", "all", "count"]))
    predicate = draw(member_condition())
    if func == "count":
        return f"count({predicate}) {draw(st.sampled_from(OPS))} {draw(st.integers(0, 3))}"
    return f"{func}({predicate})"


@st.composite
def member_atom(draw):
    kind = draw(st.sampled_from(["num", "bool", "code", "household"]))
    if kind == "num":
        term, lo, hi = draw(numeric_expr(MEMBER_NUMERIC, prefix="member."))
        return f"{term} {draw(st.sampled_from(OPS))} {draw(number(lo, hi))}"
    if kind == "bool":
        name = draw(st.sampled_from(MEMBER_BOOL))
        return draw(st.sampled_from([f"member.{name}", f"not member.{name}"]))
    if kind == "code":
        name = draw(st.sampled_from(sorted(MEMBER_CODES)))
        op = draw(st.sampled_from(["==", "!="] + (["<=", ">"] if name == "education" else [])))
        return f"member.{name} {op} {draw(st.sampled_from(MEMBER_CODES[name]))}"
    name = draw(st.sampled_from(["desil", "member_count"]))
    return f"member.age > {name}"


@st.composite
def member_condition(draw):
    parts = draw(st.lists(member_atom(), min_size=1, max_size=2))
    return f" {draw(st.sampled_from(['and', 'or']))} ".join(parts) if len(parts) > 1 else parts[0]


def rule_text(max_depth=2):
    return st.recursive(
        household_atom(),
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(["and", "or"]), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
            inner.map(lambda t: f"not ({t})"),
        ),
        max_leaves=5,
    )
