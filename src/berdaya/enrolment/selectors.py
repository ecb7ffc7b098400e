"""Enrolment reads shared by the pages (and later the API); each takes the user and applies the region scope.

A list belongs to a region (the office's regency, or a district): a user sees it when that region lies inside one of
their regions or one of theirs lies inside it (core.permissions.scope_q_visible) — a village operator sees the
regency's list — but sees only the rows of the villages inside their own scope (scope_q on the row's village code).
Totals and budget figures are of the whole list (no personal data).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from berdaya.core.permissions import Perm, get_in_scope_or_404, has_perm, scope_q, scope_q_visible
from berdaya.enrolment.amounts import Pricing
from berdaya.enrolment.models import Enrolment, EnrolmentList, EnrolmentStatus, EnrolmentTransition
from berdaya.enrolment.snapshot import HOUSEHOLD_FIELDS, normalised, registry_parts
from berdaya.programmes.models import Programme
from berdaya.regions.models import Region

S = EnrolmentStatus
# Rows within the budget (in a draft: to be approved; after: approved by this list) and rows waiting.
FITTING = Q(number__isnull=False) | Q(fits=True, status__in=[S.DRAFT, S.WAITLISTED])
WAITING = Q(fits=False, status__in=[S.DRAFT, S.WAITLISTED])


def _related(q: Q, prefix: str) -> Q:
    """The same condition through a relation (enrolments__…), for annotations on lists."""
    out = Q()
    out.connector, out.negated = q.connector, q.negated
    for child in q.children:
        out.children.append(_related(child, prefix) if isinstance(child, Q) else (f"{prefix}{child[0]}", child[1]))
    return out


# --- lists ------------------------------------------------------------------------------------------------------

def lists_visible(*, user) -> QuerySet[EnrolmentList]:
    return EnrolmentList.objects.filter(scope_q_visible(user, Perm.ENROLMENT_VIEW, "region__code"))


def list_get(*, user, pk: int) -> EnrolmentList:
    qs = lists_visible(user=user).select_related("programme__office", "fiscal_year", "region", "budget_line__source",
                                                 "eligibility_rule", "score_model", "approved_by", "created_by",
                                                 "decree", "commitment")
    try:
        return qs.get(pk=pk)
    except EnrolmentList.DoesNotExist:
        raise Http404 from None


def programmes_for(*, user) -> QuerySet[Programme]:
    """The programmes whose lists the user may see (those of the offices in or around their regions)."""
    return Programme.objects.filter(scope_q_visible(user, Perm.ENROLMENT_VIEW, "office__code"))


@dataclass
class ProgrammeLists:
    programme: Programme
    lists: list[EnrolmentList] = field(default_factory=list)
    waitlisted: int = 0


def index(*, user, year: int) -> list[ProgrammeLists]:
    """Per visible programme, its lists of `year` with their counts (two queries)."""
    programmes = list(programmes_for(user=user).filter(is_active=True).select_related("office")
                      .order_by("office_id", "code"))
    groups = {p.pk: ProgrammeLists(p) for p in programmes}
    lists = (lists_visible(user=user).filter(programme__in=programmes, fiscal_year__year=year)
             .select_related("region").order_by("created_at", "pk")
             .annotate(fitting=Count("enrolments", filter=_related(FITTING, "enrolments__")),
                       waiting=Count("enrolments", filter=_related(WAITING, "enrolments__"))))
    for lst in lists:
        groups[lst.programme_id].lists.append(lst)
        groups[lst.programme_id].waitlisted += lst.waiting if lst.status == EnrolmentList.Status.APPROVED else 0
    return list(groups.values())


def can_manage(user, lst: EnrolmentList) -> bool:
    return has_perm(user, Perm.ENROLMENT_MANAGE, lst.region_id)


def can_approve(user, lst: EnrolmentList) -> bool:
    return has_perm(user, Perm.ENROLMENT_APPROVE, lst.region_id)


# --- a list's rows and totals -----------------------------------------------------------------------------------

@dataclass
class RowFilters:
    show: str = ""  # "" all, "fits", "waiting", "dropped", or a status
    village: str = ""  # a region code: rows inside it
    q: str = ""  # a name fragment or a KK number


ROW_RELATED = ("household", "household__village", "carried_over_from__fiscal_year", "proposal_item")


def list_rows(*, user, enrolment_list: EnrolmentList, filters: RowFilters | None = None) -> QuerySet[Enrolment]:
    """The list's rows the user may see, in rank order (no related rows: see rows_page / with_related)."""
    filters = filters or RowFilters()
    qs = Enrolment.objects.filter(enrolment_list=enrolment_list)
    if not has_perm(user, Perm.ENROLMENT_VIEW, enrolment_list.region_id):  # only part of the list is theirs
        qs = qs.filter(scope_q(user, Perm.ENROLMENT_VIEW, "village_code"))
    if filters.show == "fits":
        qs = qs.filter(FITTING)
    elif filters.show == "waiting":
        qs = qs.filter(WAITING)
    elif filters.show in S.values:
        qs = qs.filter(status=filters.show)
    if filters.village:
        qs = qs.filter(Q(village_code=filters.village) | Q(village_code__startswith=filters.village + "."))
    text = filters.q.strip()
    if text.isdigit():
        qs = qs.filter(household__kk_number__startswith=text)
    elif text:
        qs = qs.filter(household__head_name__icontains=text)
    return qs.order_by("rank", "pk")


def rows_page(*, user, enrolment_list: EnrolmentList, filters: RowFilters | None, page_number, per_page: int):
    """One page of rows with their household: the page's ids first (the (list, rank) index, whatever the planner
    believes about a list just written in bulk), then those rows with their related rows."""
    ids = list_rows(user=user, enrolment_list=enrolment_list, filters=filters).values_list("pk", flat=True)
    page = Paginator(ids, per_page).get_page(page_number)
    by_id = {e.pk: e for e in Enrolment.objects.filter(pk__in=list(page.object_list)).select_related(*ROW_RELATED)}
    page.object_list = [by_id[pk] for pk in page.object_list]
    return page


def with_related(qs: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    return qs.select_related(*ROW_RELATED)


@dataclass
class Budget:
    lines: list
    allocated: int
    committed: int
    disbursed: int

    @property
    def remaining(self) -> int:
        return self.allocated - self.committed - self.disbursed

    @property
    def used_percent(self) -> int:
        return min(100, round(100 * (self.committed + self.disbursed) / self.allocated)) if self.allocated else 0


@dataclass
class Summary:
    draft: bool
    rows: int
    fitting: int
    fitting_amount: int
    waiting: int
    waiting_amount: int
    waiting_by_budget: int
    waiting_by_quota: int
    dropped: int
    unranked: int
    budget: Budget
    per_unit: int | None  # Rupiah per household from the first month to December, when the same for all
    start_month: int
    payments: int  # payments from the first month to December

    @property
    def months(self) -> int:
        return 13 - self.start_month

    @property
    def all_amount(self) -> int:
        """What every ranked household would cost to December."""
        return self.fitting_amount + self.waiting_amount

    @property
    def shortfall(self) -> int:
        """What the budget lacks to take every waiting household too (to December)."""
        left = self.budget.remaining - (self.fitting_amount if self.draft else 0)
        return max(0, self.waiting_amount - max(0, left))


def budget_of(lst: EnrolmentList) -> Budget:
    from berdaya.enrolment.services import budget_lines_of

    lines = budget_lines_of(lst)
    return Budget(lines=lines, allocated=sum(x.allocated for x in lines), committed=sum(x.committed for x in lines),
                  disbursed=sum(x.disbursed for x in lines))


def list_summary(*, enrolment_list: EnrolmentList) -> Summary:
    lst = enrolment_list
    sums = Enrolment.objects.filter(enrolment_list=lst).aggregate(
        rows=Count("pk"), fitting=Count("pk", filter=FITTING), fitting_amount=Sum("amount", filter=FITTING),
        waiting=Count("pk", filter=WAITING), waiting_amount=Sum("amount", filter=WAITING),
        by_budget=Count("pk", filter=WAITING & Q(wait_reason="budget")),
        by_quota=Count("pk", filter=WAITING & Q(wait_reason="quota")),
        dropped=Count("pk", filter=Q(status=S.DROPPED)),
        unranked=Count("pk", filter=Q(status__in=[S.DRAFT, S.WAITLISTED], rank__isnull=True)))
    pricing = Pricing(lst.programme, start_month=lst.start_month, year=lst.fiscal_year.year,
                      given=lst.amount_per_unit)
    return Summary(draft=lst.status == EnrolmentList.Status.DRAFT, rows=sums["rows"], fitting=sums["fitting"],
                   fitting_amount=sums["fitting_amount"] or 0, waiting=sums["waiting"],
                   waiting_amount=sums["waiting_amount"] or 0, waiting_by_budget=sums["by_budget"],
                   waiting_by_quota=sums["by_quota"], dropped=sums["dropped"], unranked=sums["unranked"],
                   budget=budget_of(lst), per_unit=pricing.per_unit, start_month=lst.start_month,
                   payments=pricing.payments)


@dataclass
class QuotaUse:
    code: str
    name: str
    cap: int
    used: int

    @property
    def full(self) -> bool:
        return self.used >= self.cap


def quota_use(*, enrolment_list: EnrolmentList) -> list[QuotaUse]:
    """Places taken (within the budget, or approved) per quota code of the list."""
    quotas = enrolment_list.quotas or {}
    if not quotas:
        return []
    fitting = Enrolment.objects.filter(enrolment_list=enrolment_list).filter(FITTING)
    per_village = dict(fitting.order_by().values("village_code").annotate(n=Count("pk"))
                       .values_list("village_code", "n"))
    names = dict(Region.objects.filter(code__in=list(quotas)).values_list("code", "name"))
    return [QuotaUse(code, names.get(code, code), cap,
                     sum(n for village, n in per_village.items() if village == code or village.startswith(code + ".")))
            for code, cap in sorted(quotas.items())]


# --- one enrolment ------------------------------------------------------------------------------------------------

def enrolment_get(*, user, pk: int) -> Enrolment:
    qs = Enrolment.objects.select_related("enrolment_list__programme", "enrolment_list__region", "fiscal_year",
                                          "household__village", "person", "proposal_item__proposal",
                                          "carried_over_from__enrolment_list", "programme")
    return get_in_scope_or_404(qs, user, Perm.ENROLMENT_VIEW, "village_code", pk=pk)


def enrolment_history(*, enrolment: Enrolment) -> QuerySet[EnrolmentTransition]:
    return enrolment.transitions.select_related("actor").order_by("at", "pk")


def can_see_identity(user, village_code: str) -> bool:
    return has_perm(user, Perm.REGISTRY_VIEW_IDENTITY, village_code)


@dataclass
class FieldChange:
    name: str
    label: str
    frozen: object
    now: object

    @property
    def changed(self) -> bool:
        return self.frozen != self.now

    @staticmethod
    def _show(value) -> str:
        if value is None or value == "":
            return "–"
        if isinstance(value, bool):
            return str(_("Ya") if value else _("Tidak"))
        return str(value)

    @property
    def frozen_display(self) -> str:
        return self._show(self.frozen)

    @property
    def now_display(self) -> str:
        return self._show(self.now)


def frozen_vs_now(*, enrolment: Enrolment) -> tuple[list[FieldChange], list[dict], list[dict]]:
    """The snapshot's household fields next to the registry's values now, and the members then and now."""
    from berdaya.registry.models import Household

    if not enrolment.snapshot:
        return [], [], []
    stored = enrolment.snapshot
    current = registry_parts([enrolment.household_id]).get(enrolment.household_id)
    current = normalised(current) if current else {"household": {}, "members": []}
    fields = [FieldChange(name, str(Household._meta.get_field(name).verbose_name),
                          stored.get("household", {}).get(name), current["household"].get(name))
              for name in HOUSEHOLD_FIELDS]
    return fields, stored.get("members", []), current["members"]
