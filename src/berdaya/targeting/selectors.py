"""Targeting reads shared by the pages (and later the API): each takes the user and applies the region scope.

The dry run is a handful of queries whatever the number of households: the rule compiles to one SQL condition, and
one GROUP BY over it counts households and persons per village, in all and per vulnerable group; the districts, the
totals and the groups are summed from the villages.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field
from time import perf_counter

from django.db import DatabaseError, connection, transaction
from django.db.models import BooleanField, Count, F, FloatField, Max, Min, Q, QuerySet, Sum, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Floor, Substr
from django.http import Http404
from django.utils.translation import gettext as _

from berdaya.core.db import sqlite_pragmas
from berdaya.core.errors import ApplicationError
from berdaya.core.permissions import Perm, has_perm
from berdaya.programmes.models import BenefitType, BudgetLine, Frequency, Programme, TargetUnit
from berdaya.regions.models import Region
from berdaya.registry import codes
from berdaya.registry.models import VULNERABILITIES, Household
from berdaya.registry.selectors import households_in_scope
from berdaya.targeting.models import EligibilityRule, HouseholdScore, ScoreModel, ScoringRun
from berdaya.targeting.rules import Rule, RuleContext, compile_rule, explain, household_facts, parse_rule
from berdaya.targeting.rules.explain import Explanation

SCAN_CACHE_SIZE = -2000  # SQLite's default page cache (KiB when negative), for scans (_scan_settings)
PAYMENTS_PER_YEAR = {Frequency.MONTHLY: 12, Frequency.QUARTERLY: 4, Frequency.YEARLY: 1, Frequency.ONE_OFF: 1}


# --- rules ------------------------------------------------------------------------------------------------------

def rule_active(programme: Programme) -> EligibilityRule | None:
    return EligibilityRule.objects.filter(programme=programme, active=True).first()


def rule_versions(programme: Programme) -> QuerySet[EligibilityRule]:
    return EligibilityRule.objects.filter(programme=programme).select_related("created_by").order_by("-version")


def can_manage(user, programme: Programme) -> bool:
    return has_perm(user, Perm.TARGETING_MANAGE, programme.office_id)


# --- eligible households ----------------------------------------------------------------------------------------

def households_for(*, user, region: Region | None = None) -> QuerySet[Household]:
    """Active households the user may target, inside `region` when given."""
    qs = households_in_scope(user=user, perm=Perm.TARGETING_VIEW).filter(status=codes.HouseholdStatus.ACTIVE)
    if region is not None:
        qs = qs.filter(village__code=region.code) if region.code.count(".") == 3 else qs.filter(
            village__code__startswith=region.code + ".")
    return qs


def apply_rule(qs: QuerySet[Household], rule: Rule, *, context: RuleContext | None = None) -> QuerySet[Household]:
    """`qs` narrowed to the households that satisfy `rule`, by one SQL condition (values bound as parameters)."""
    context = context or RuleContext.default()
    if rule.uses_score:
        qs = qs.alias(_score_join=F("score__welfare_score"))  # LEFT JOIN targeting_householdscore, by its name
    sql, params = compile_rule(rule, vendor=connection.vendor, context=context)
    return qs.filter(RawSQL(sql, params, output_field=BooleanField()))  # noqa: S611 (compiled, values bound)


def eligible_households(*, user, rule: Rule, region: Region | None = None, context=None) -> QuerySet[Household]:
    return apply_rule(households_for(user=user, region=region), rule, context=context)


# --- dry run ----------------------------------------------------------------------------------------------------

@dataclass
class AreaCount:
    code: str
    name: str
    households: int
    persons: int


@dataclass
class GroupCount:
    field: str
    label: str
    households: int
    persons: int


@dataclass
class Budget:
    year: int
    amount_per_unit: int | None  # Rupiah per household (or person) per year
    amount_source: str  # "programme" | "given" | ""
    unit: str  # TargetUnit
    units: int
    lines: int = 0
    allocated: int = 0
    remaining: int = 0

    @property
    def needed(self) -> int | None:
        return None if self.amount_per_unit is None else self.amount_per_unit * self.units

    @property
    def fits(self) -> bool | None:
        return None if self.needed is None else self.needed <= self.remaining

    @property
    def shortfall(self) -> int:
        return max(0, (self.needed or 0) - self.remaining)

    @property
    def fundable_units(self) -> int | None:
        if not self.amount_per_unit:
            return None
        return max(0, self.remaining) // self.amount_per_unit


@dataclass
class DryRun:
    rule: Rule
    region: Region | None
    households: int
    persons: int
    by_district: list[AreaCount]
    by_village: list[AreaCount]
    by_group: list[GroupCount]
    budget: Budget | None
    seconds: float
    scored: int = 0  # eligible households with a score (the rule may name scores)
    notes: list[str] = field(default_factory=list)


def dry_run(*, user, programme: Programme | None, rule: Rule, region: Region | None = None, year: int | None = None,
            amount_per_unit: int | None = None, context: RuleContext | None = None) -> DryRun:
    started = perf_counter()
    qs = eligible_households(user=user, rule=rule, region=region, context=context).order_by()
    try:
        with _statement_guard(), _scan_settings():
            villages = sorted(qs.values(village_code=_village_key()).annotate(
                households=Count("id"), persons=Sum("member_count"), **_group_aggregates()).order_by(),
                key=lambda v: v["village_code"])
    except DatabaseError as exc:
        raise ApplicationError(_("Aturan tidak dapat dihitung oleh basis data (%(err)s). Periksa angka yang sangat "
                                 "besar atau pembagian.") % {"err": exc}, field="expression") from None
    names = _region_names({v["village_code"] for v in villages} | {v["village_code"][:8] for v in villages})
    by_village = [AreaCount(v["village_code"], names.get(v["village_code"], v["village_code"]), v["households"],
                            v["persons"] or 0) for v in villages]
    by_district = _districts(by_village, names)
    by_group = [GroupCount(name, str(label), sum(v[f"n_{name}"] or 0 for v in villages),
                           sum(v[f"p_{name}"] or 0 for v in villages)) for name, label in VULNERABILITIES]
    result = DryRun(rule=rule, region=region, households=sum(v.households for v in by_village),
                    persons=sum(v.persons for v in by_village), by_district=by_district, by_village=by_village,
                    by_group=by_group, budget=None, seconds=0.0)
    if programme is not None and year is not None:
        result.budget = budget_for(programme=programme, year=year, households=result.households,
                                   persons=result.persons, amount_per_unit=amount_per_unit)
    result.seconds = perf_counter() - started
    return result


def _statement_guard():
    """Inside a transaction, a savepoint: a failing statement (an overflow on PostgreSQL) must not break it. Outside
    one nothing: the dry run is a single SELECT, and on SQLite a transaction would take the write lock meanwhile."""
    return transaction.atomic() if connection.in_atomic_block else nullcontext()


def _scan_settings():
    """SQLite: while the dry run scans the region's households and groups them, the connection runs with SQLite's
    own defaults for the page cache (2 MB) and temporary storage (a temporary file, which the operating system's
    cache holds), then gets its settings (64 MB in memory, settings.py) back. Those pay off for look-ups, but at a
    million households the scan copies every page it reads into the cache, and the grouping builds its temporary
    B-tree in that memory: measured on the benchmark's database, the dry run's query took 0.48 s with the defaults,
    0.62 s with the temporary storage in memory and 0.65-0.74 s with the 64 MB cache as well.

    SQLite changes the temporary storage only outside a transaction (a page's request runs outside one); inside one
    (a caller's atomic block, a test) only the cache is changed."""
    values = {"cache_size": SCAN_CACHE_SIZE}
    if not connection.in_atomic_block:
        values["temp_store"] = "DEFAULT"
    return sqlite_pragmas(**values)


def _village_key():
    """The village code to group by, as an expression: grouped by the bare column, SQLite walks the village index
    to skip a sort and fetches every household out of order, three to four times slower than scanning the table
    (the codes of villages are 13 characters: the expression is the code itself)."""
    return Substr("village_id", 1, 13)


def _group_aggregates() -> dict:
    out = {}
    for name, _label in VULNERABILITIES:
        out[f"n_{name}"] = Count("id", filter=Q(**{name: True}))
        out[f"p_{name}"] = Sum("member_count", filter=Q(**{name: True}))
    return out


def _region_names(code_set) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=sorted(code_set)).values_list("code", "name"))


def _districts(villages: list[AreaCount], names: dict[str, str]) -> list[AreaCount]:
    totals: dict[str, AreaCount] = {}
    for v in villages:
        code = v.code[:8]
        row = totals.setdefault(code, AreaCount(code, names.get(code, code), 0, 0))
        row.households += v.households
        row.persons += v.persons
    return sorted(totals.values(), key=lambda a: a.code)


def amount_per_unit_per_year(programme: Programme) -> int | None:
    """Rupiah one family (or person) receives in a year from the programme's own fields, when they say it."""
    benefit_type = getattr(programme, "benefit_type", BenefitType.AMOUNT)
    if benefit_type == BenefitType.AMOUNT and programme.benefit_amount:
        per_year = PAYMENTS_PER_YEAR.get(programme.frequency, 1)
        if programme.frequency == Frequency.ONE_OFF:
            return programme.benefit_amount
        months_between = 12 // per_year
        payments = min(per_year, -(-programme.duration_months // months_between))
        return programme.benefit_amount * payments
    if benefit_type == BenefitType.KIT:
        totals = [sum(i.quantity * i.unit_price for i in kit.items.all()) for kit in programme.kits.all()]
        return max(totals) if totals else None
    return None  # per component (PKH): depends on each family's members; the officer gives an amount


def budget_for(*, programme: Programme, year: int, households: int, persons: int,
               amount_per_unit: int | None = None) -> Budget:
    own = amount_per_unit_per_year(programme)
    amount, source = (amount_per_unit, "given") if amount_per_unit is not None else (own, "programme" if own else "")
    unit = getattr(programme, "target_unit", TargetUnit.HOUSEHOLD)
    sums = BudgetLine.objects.filter(programme=programme, fiscal_year__year=year).aggregate(
        lines=Count("id"), allocated=Sum("allocated"), committed=Sum("committed"), disbursed=Sum("disbursed"))
    allocated = sums["allocated"] or 0
    return Budget(year=year, amount_per_unit=amount, amount_source=source, unit=unit,
                  units=persons if unit == TargetUnit.PERSON else households, lines=sums["lines"] or 0,
                  allocated=allocated,
                  remaining=allocated - (sums["committed"] or 0) - (sums["disbursed"] or 0))


# --- why ----------------------------------------------------------------------------------------------------------

def household_for_why(*, user, query: str) -> Household:
    """A household in the user's targeting scope by KK number (or id); Http404 outside it."""
    query = (query or "").strip()
    qs = households_in_scope(user=user, perm=Perm.TARGETING_VIEW)
    lookup = Q(kk_number=query) | (Q(pk=int(query)) if query.isdigit() and len(query) < 12 else Q(pk__in=[]))
    household = qs.filter(lookup).first()
    if household is None:
        raise Http404
    return household


def household_why(*, household: Household, rule: Rule, context: RuleContext | None = None) -> Explanation:
    context = context or RuleContext.default()
    score = HouseholdScore.objects.filter(household=household).first()
    facts = household_facts(household, score=score, members=list(household.members.all()), context=context)
    return explain(rule, facts)


# --- ranking ------------------------------------------------------------------------------------------------------

def priority_rule(programme: Programme) -> Rule | None:
    """The programme's priority rule parsed (programmes.services checked it when it was saved), or None."""
    text = (getattr(programme, "priority_rule", "") or "").strip()
    return parse_rule(text) if text else None


def with_priority_first(qs: QuerySet[Household], rule: Rule | None, *, context=None) -> QuerySet[Household]:
    """Annotate `priority_first` (1 when the household meets the programme's priority rule, else 0)."""
    if rule is None:
        return qs.annotate(priority_first=Value(0))
    context = context or RuleContext.default()
    if rule.uses_score:
        qs = qs.alias(_score_join=F("score__welfare_score"))
    sql, params = compile_rule(rule, vendor=connection.vendor, context=context)
    return qs.annotate(priority_first=RawSQL(f"CASE WHEN {sql} THEN 1 ELSE 0 END", params))  # noqa: S611


def candidates(*, user, rule: Rule, region: Region | None = None, context=None,
               priority: Rule | None = None) -> QuerySet[Household]:
    """Eligible households, most vulnerable first: those meeting the programme's priority rule (when given), then
    priority score (desc), then welfare score (asc: poorest), then id."""
    qs = eligible_households(user=user, rule=rule, region=region, context=context)
    qs = with_priority_first(qs, priority, context=context)
    return (qs.select_related("village", "score")
            .annotate(desil_value=Coalesce("official_desil", "score__computed_desil"))
            .order_by(F("priority_first").desc(), F("score__priority_score").desc(nulls_last=True),
                      F("score__welfare_score").asc(nulls_last=True), "pk"))


# --- scores -------------------------------------------------------------------------------------------------------

def score_status() -> dict:
    model = ScoreModel.objects.filter(active=True).first()
    last = ScoringRun.objects.select_related("region", "created_by").first()
    return {"model": model, "last_run": last}


def scoring_runs(*, limit: int = 10) -> QuerySet[ScoringRun]:
    return ScoringRun.objects.select_related("region", "score_model", "created_by")[:limit]


@dataclass
class VillageDistribution:
    code: str
    name: str
    counts: list[int]  # households per desil 1..10
    unscored: int

    @property
    def total(self) -> int:
        return sum(self.counts) + self.unscored


def desil_distribution(*, user, region: Region | None) -> list[VillageDistribution]:
    """Households per desil (official when present, else computed) per village, in one GROUP BY."""
    qs = households_for(user=user, region=region).order_by()
    rows = qs.values("village_id").annotate(d=Coalesce("official_desil", "score__computed_desil"),
                                            n=Count("id")).values_list("village_id", "d", "n")
    by_village: dict[str, VillageDistribution] = {}
    for village, desil, count in rows:
        dist = by_village.setdefault(village, VillageDistribution(village, village, [0] * 10, 0))
        if desil and 1 <= desil <= 10:
            dist.counts[desil - 1] += count
        else:
            dist.unscored += count
    names = _region_names(by_village)
    for dist in by_village.values():
        dist.name = names.get(dist.code, dist.code)
    return sorted(by_village.values(), key=lambda d: d.code)


def welfare_histogram(*, user, region: Region | None, bins: int = 20) -> list[tuple[float, float, int]]:
    """(from, to, households) for `bins` equal ranges of the welfare score over the scored households: two queries
    (the range, then one GROUP BY over the bin number)."""
    scored = HouseholdScore.objects.filter(household__in=households_for(user=user, region=region).order_by()
                                           .values("pk")).order_by()
    bounds = scored.aggregate(lo=Min("welfare_score"), hi=Max("welfare_score"))
    lo, hi = bounds["lo"], bounds["hi"]
    if lo is None:
        return []
    width = (hi - lo) / bins or 1.0
    counts = [0] * bins
    lo_value, width_value = Value(lo, output_field=FloatField()), Value(width, output_field=FloatField())
    rows = (scored.annotate(bin=Floor((F("welfare_score") - lo_value) / width_value))
            .values("bin").annotate(n=Count("pk")).values_list("bin", "n"))
    for number, n in rows:
        counts[max(0, min(bins - 1, int(number)))] += n
    return [(lo + i * width, lo + (i + 1) * width, n) for i, n in enumerate(counts)]
