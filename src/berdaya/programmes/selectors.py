"""Programme and budget reads shared by views (and later the API); each takes the user and applies the region scope.

A programme belongs to an office's region (a regency). A user sees it when the office lies inside one of their
regions or one of their regions lies inside the office's (core.permissions.scope_q_visible): the Dinsos staff of
Blora and a village operator in Blora both see Blora's programmes; Kota Pasuruan's staff do not.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet, Sum
from django.http import Http404

from berdaya.core.permissions import Perm, has_perm, scope_q, scope_q_visible
from berdaya.programmes.models import (
    BenefitKit,
    BudgetLine,
    BudgetRevision,
    FiscalYear,
    FundingSource,
    KitItem,
    Programme,
)


@dataclass
class ProgrammeFilters:
    kind: str = ""
    active: str = "1"  # "1" active only, "0" inactive only, "" all


def programmes_visible(*, user) -> QuerySet[Programme]:
    return Programme.objects.filter(scope_q_visible(user, Perm.PROGRAMMES_VIEW, "office__code"))


def programmes_manageable(*, user, perm: str = Perm.PROGRAMMES_MANAGE) -> QuerySet[Programme]:
    """Programmes whose office lies inside the user's regions for `perm` (what they may change)."""
    return Programme.objects.filter(scope_q(user, perm, "office__code"))


def programme_list(*, user, filters: ProgrammeFilters | None = None) -> QuerySet[Programme]:
    filters = filters or ProgrammeFilters()
    qs = programmes_visible(user=user).select_related("office").prefetch_related("funding_sources")
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.active in ("0", "1"):
        qs = qs.filter(is_active=filters.active == "1")
    return qs.order_by("office_id", "code")


def programme_get(*, user, pk: int) -> Programme:
    """One programme the user may see, with its benefit (components, kits with items), sources and partners."""
    kits = Prefetch("kits", queryset=BenefitKit.objects.prefetch_related(
        Prefetch("items", queryset=KitItem.objects.order_by("pk"))))
    qs = (programmes_visible(user=user).select_related("office")
          .prefetch_related("components", kits, "funding_sources", "partners"))
    try:
        return qs.get(pk=pk)
    except Programme.DoesNotExist:
        raise Http404 from None


def can_manage(user, programme: Programme) -> bool:
    return has_perm(user, Perm.PROGRAMMES_MANAGE, programme.office_id)


def can_manage_budget(user, programme: Programme) -> bool:
    return has_perm(user, Perm.BUDGET_MANAGE, programme.office_id)


def budget_lines(*, user, year: int, programme: Programme | None = None) -> QuerySet[BudgetLine]:
    qs = BudgetLine.objects.filter(fiscal_year__year=year).filter(
        scope_q_visible(user, Perm.PROGRAMMES_VIEW, "programme__office__code"))
    if programme is not None:
        qs = qs.filter(programme=programme)
    return qs.select_related("programme", "source", "fiscal_year").order_by("programme__code", "source__name")


def totals(lines: QuerySet[BudgetLine]) -> dict[str, int | float]:
    """Sums of some budget lines (one query), with what remains and the realisation percentage."""
    sums = {k: v or 0 for k, v in lines.aggregate(allocated=Sum("allocated"), committed=Sum("committed"),
                                                  disbursed=Sum("disbursed")).items()}
    sums["remaining"] = sums["allocated"] - sums["committed"] - sums["disbursed"]
    sums["realisation"] = 100.0 * sums["disbursed"] / sums["allocated"] if sums["allocated"] else 0.0
    return sums


@dataclass
class ProgrammeBudget:
    programme: Programme
    lines: list[BudgetLine] = field(default_factory=list)

    def _sum(self, name: str) -> int:
        return sum(getattr(line, name) for line in self.lines)

    @property
    def allocated(self) -> int:
        return self._sum("allocated")

    @property
    def committed(self) -> int:
        return self._sum("committed")

    @property
    def disbursed(self) -> int:
        return self._sum("disbursed")

    @property
    def remaining(self) -> int:
        return self._sum("remaining")

    @property
    def realisation(self) -> float:
        return 100.0 * self.disbursed / self.allocated if self.allocated else 0.0


def budget_by_programme(lines) -> list[ProgrammeBudget]:
    groups: dict[int, ProgrammeBudget] = {}
    for line in lines:
        groups.setdefault(line.programme_id, ProgrammeBudget(line.programme)).lines.append(line)
    return list(groups.values())


def budget_revisions(*, user, year: int, limit: int = 50) -> QuerySet[BudgetRevision]:
    return (BudgetRevision.objects.filter(line__fiscal_year__year=year)
            .filter(scope_q_visible(user, Perm.PROGRAMMES_VIEW, "line__programme__office__code"))
            .select_related("line__programme", "line__source", "actor").order_by("-created_at", "-pk")[:limit])


def fiscal_year(year: int) -> FiscalYear | None:
    return FiscalYear.objects.filter(year=year).first()


def funding_sources() -> QuerySet[FundingSource]:
    return FundingSource.objects.order_by("kind", "name")


def programme_history(*, programme: Programme, limit: int = 10):
    """The programme's latest audit records (who, when, which action)."""
    return programme.history.select_related("history_user").order_by("-history_date", "-history_id")[:limit]
