"""What a rule may name: household indicators, derived values and member fields, with their types.

Each field says how the compiler reads it in SQL (a function of the compiler, so aliases and vendor differences
stay in one place) and how the evaluator reads it from a household's facts (the same name in facts.py).
Code fields (occupation, sex, floor material …) accept the stored code, the label ("PNS", "Pegawai Negeri Sipil
(PNS)", "Tanah") or the choice's English name ("civil_servant"), case-insensitive, resolved when the rule is checked.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from berdaya.registry import codes
from berdaya.registry.models import BPS_CRITERIA, VULNERABILITIES, Household
from berdaya.targeting.rules.ast import BOOL, CODE, INT, NUM, TEXT

# Groups, in the order the reference (docs/targeting.md and the editor's help) lists them.
G_BPS, G_HOUSE, G_ASSET, G_INCOME, G_DERIVED, G_VUL, G_SCORE, G_REGION, G_MEMBER = (
    _("Kriteria BPS (14)"), _("Rumah"), _("Aset"), _("Penghasilan"), _("Nilai turunan"), _("Kelompok rentan"),
    _("Skor dan desil"), _("Wilayah"), _("Anggota keluarga (di dalam any/all/count)"))


@dataclass(frozen=True, eq=False)  # hashed by identity: one spec object per field
class FieldSpec:
    name: str
    type: str
    label: object
    group: object
    sql: Callable  # (compiler) -> (sql, params)
    member: bool = False
    choices: type[models.Choices] | None = None
    ordered: bool = False  # code fields whose codes have an order (education)
    uses_score: bool = False  # read from targeting_householdscore
    example: str = ""
    extra_aliases: dict = field(default_factory=dict)

    @property
    def value_kind(self) -> str:
        """'int' or 'str': what a code of this field is stored as."""
        if self.choices is None:
            return ""
        return "int" if issubclass(self.choices, models.IntegerChoices) else "str"


def _h(column: str) -> Callable:
    return lambda c: (f"{c.household}.{column}", [])


def _s(column: str) -> Callable:
    return lambda c: (f"{c.score}.{column}", [])


def _m(column: str) -> Callable:
    return lambda c: (f"{c.member}.{column}", [])


def _label(model_field: str):
    return Household._meta.get_field(model_field).verbose_name


def _household_fields() -> list[FieldSpec]:
    specs = [FieldSpec(name, BOOL, label, G_BPS, _h(name), example=f"{name} == true") for name, label in BPS_CRITERIA]
    specs += [
        FieldSpec("floor_area_m2", INT, _label("floor_area_m2"), G_HOUSE, _h("floor_area_m2")),
        FieldSpec("floor_material", CODE, _label("floor_material"), G_HOUSE, _h("floor_material"),
                  choices=codes.FloorMaterial, example='floor_material in ["tanah", "bambu"]'),
        FieldSpec("wall_material", CODE, _label("wall_material"), G_HOUSE, _h("wall_material"),
                  choices=codes.WallMaterial),
        FieldSpec("roof_material", CODE, _label("roof_material"), G_HOUSE, _h("roof_material"),
                  choices=codes.RoofMaterial),
        FieldSpec("toilet", CODE, _label("toilet"), G_HOUSE, _h("toilet"), choices=codes.Toilet),
        FieldSpec("lighting", CODE, _label("lighting"), G_HOUSE, _h("lighting"), choices=codes.Lighting),
        FieldSpec("water_source", CODE, _label("water_source"), G_HOUSE, _h("water_source"),
                  choices=codes.WaterSource),
        FieldSpec("cooking_fuel", CODE, _label("cooking_fuel"), G_HOUSE, _h("cooking_fuel"),
                  choices=codes.CookingFuel),
        FieldSpec("house_ownership", CODE, _label("house_ownership"), G_HOUSE, _h("house_ownership"),
                  choices=codes.HouseOwnership),
    ]
    specs += [FieldSpec(name, BOOL, _label(name), G_ASSET, _h(name))
              for name in ("has_motorcycle", "has_car", "has_refrigerator", "has_land", "has_livestock")]
    specs += [
        FieldSpec("monthly_income", INT, _label("monthly_income"), G_INCOME, _h("monthly_income"),
                  example="monthly_income < 1_500_000"),
        FieldSpec("income_per_capita", NUM, _("penghasilan per kapita per bulan (Rp)"), G_INCOME,
                  lambda c: c.income_per_capita_sql(), example="income_per_capita < 600_000"),
        FieldSpec("extreme_poor", BOOL, _("miskin ekstrem (penghasilan per kapita < garis USD PPP per hari)"),
                  G_INCOME, lambda c: c.extreme_poor_sql()),
        FieldSpec("member_count", INT, _("jumlah anggota hidup"), G_DERIVED, _h("member_count")),
        FieldSpec("bps_criteria_met", INT, _("jumlah kriteria BPS terpenuhi (0–14)"), G_DERIVED,
                  _h("bps_criteria_met"), example="bps_criteria_met >= 9"),
    ]
    specs += [FieldSpec(name, BOOL, label, G_VUL, _h(name)) for name, label in VULNERABILITIES]
    specs += [
        FieldSpec("desil", INT, _("desil (resmi DTSEN bila ada, selain itu hasil hitung)"), G_SCORE,
                  lambda c: (f"COALESCE({c.household}.official_desil, {c.score}.computed_desil)", []),
                  uses_score=True, example="desil <= 4"),
        FieldSpec("official_desil", INT, _label("official_desil"), G_SCORE, _h("official_desil")),
        FieldSpec("computed_desil", INT, _("desil hasil hitung"), G_SCORE, _s("computed_desil"), uses_score=True),
        FieldSpec("welfare_score", NUM, _("skor kesejahteraan (PMT)"), G_SCORE, _s("welfare_score"),
                  uses_score=True),
        FieldSpec("priority_score", NUM, _("skor prioritas"), G_SCORE, _s("priority_score"), uses_score=True),
        FieldSpec("village_code", TEXT, _("kode desa/kelurahan"), G_REGION, _h("village_id"),
                  example='village_code == "33.16.01.2001"'),
        FieldSpec("district_code", TEXT, _("kode kecamatan"), G_REGION,
                  lambda c: (f"SUBSTR({c.household}.village_id, 1, 8)", []), example='district_code == "33.16.01"'),
        FieldSpec("regency_code", TEXT, _("kode kabupaten/kota"), G_REGION,
                  lambda c: (f"SUBSTR({c.household}.village_id, 1, 5)", [])),
    ]
    return specs


def _member_fields() -> list[FieldSpec]:
    def person(name):
        from berdaya.registry.models import Person

        return Person._meta.get_field(name).verbose_name

    return [
        FieldSpec("age", INT, _("umur (tahun, dihitung dari tanggal lahir)"), G_MEMBER, lambda c: c.age_sql(),
                  member=True, example="any(member.age >= 60)"),
        FieldSpec("sex", CODE, person("sex"), G_MEMBER, _m("sex"), member=True, choices=codes.Sex,
                  example='any(member.sex == "P" and member.relationship == "Kepala Keluarga")'),
        FieldSpec("relationship", CODE, person("relationship"), G_MEMBER, _m("relationship"), member=True,
                  choices=codes.Relationship),
        FieldSpec("marital_status", CODE, person("marital_status"), G_MEMBER, _m("marital_status"), member=True,
                  choices=codes.MaritalStatus),
        FieldSpec("education", CODE, person("education"), G_MEMBER, _m("education"), member=True,
                  choices=codes.Education, ordered=True, example='any(member.education <= "SD")',
                  extra_aliases={"sd": codes.Education.SD, "smp": codes.Education.SMP, "sma": codes.Education.SMA,
                                 "slta": codes.Education.SMA, "sltp": codes.Education.SMP,
                                 "s1": codes.Education.S1, "s2": codes.Education.S2, "s3": codes.Education.S3}),
        FieldSpec("occupation", CODE, person("occupation"), G_MEMBER, _m("occupation"), member=True,
                  choices=codes.Occupation, example='not any(member.occupation in ["PNS", "TNI", "POLRI"])'),
        FieldSpec("disability", CODE, person("disability"), G_MEMBER, _m("disability"), member=True,
                  choices=codes.Disability),
        FieldSpec("disabled", BOOL, _("penyandang disabilitas (jenis apa pun)"), G_MEMBER,
                  lambda c: (f"({c.member}.disability <> '')", []), member=True, example="count(member.disabled) >= 1"),
        FieldSpec("pregnant", BOOL, person("pregnant"), G_MEMBER, _m("pregnant"), member=True),
        FieldSpec("monthly_income", INT, person("monthly_income"), G_MEMBER, _m("monthly_income"), member=True),
    ]


@cache
def household_fields() -> dict[str, FieldSpec]:
    return {spec.name: spec for spec in _household_fields()}


@cache
def member_fields() -> dict[str, FieldSpec]:
    return {spec.name: spec for spec in _member_fields()}


_PAREN = re.compile(r"\(([^)]+)\)")


def _label_variants(label: str) -> set[str]:
    label = label.strip().lower()
    variants = {label}
    variants.update(part.strip() for part in _PAREN.findall(label))
    bare = _PAREN.sub("", label).strip()
    variants.add(bare)
    variants.update(part.strip() for part in bare.split("/") if part.strip())
    return {v for v in variants if v}


@cache
def code_aliases(spec: FieldSpec) -> dict[str, object]:
    """Lower-case alias -> stored code, for every unambiguous way of naming a choice."""
    seen: dict[str, set] = {}

    def add(alias: str, value) -> None:
        seen.setdefault(alias.strip().lower(), set()).add(value)

    for member in spec.choices:
        value = member.value
        add(str(value), value)
        if not member.name.startswith("CODE_"):
            add(member.name, value)
        for language in ("id", "en"):
            with translation.override(language):
                for variant in _label_variants(str(member.label)):
                    add(variant, value)
    aliases = {alias: next(iter(values)) for alias, values in seen.items() if len(values) == 1}
    # Exact codes always win (a label part equal to another choice's code must not hide it).
    aliases.update({str(member.value).lower(): member.value for member in spec.choices})
    aliases.update({k.lower(): v for k, v in spec.extra_aliases.items()})
    return aliases


def code_label(spec: FieldSpec, value) -> str:
    try:
        return str(spec.choices(value).label)
    except ValueError:
        return str(value)
