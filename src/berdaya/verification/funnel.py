"""The verval funnel: listed -> visited -> eligible -> approved -> paid, with the reasons for each drop.

Counts are of listed households: a household listed by several assignments of the year (a general list and the
programme's own, or a second round) counts once, at the furthest stage any of its tasks reached (as enrolment
reads verval: one eligible visit is enough), with the latest task's reason when two reach the same stage; a
listed entry without a household counts on its own. Each reaches one stage and, unless it reached the last,
drops for one reason before the next:

- listed -> visited: not yet visited; visited but the visit was rejected at confirmation (to visit again).
- visited -> eligible: awaiting confirmation of a removal; not eligible (per reason); not found; moved; deceased;
  duplicate; new family (registered as a draft household, not the listed one).
- eligible -> approved: the household's enrolment for the programme and year — none yet, still in a draft list,
  waitlisted (or carried over to next year), dropped from a draft.
- approved -> paid: approved but not yet paid.

"Approved" = an enrolment of the programme/year in approved, active, suspended, exited or graduated; "paid" = one
that reached active (the distribution app sets active at the first payment): active, suspended (only reachable
from active), exited or graduated. An exit straight from approved is counted as paid too (the enrolment model
does not say whether a payment was made): see docs/verification.md.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from berdaya.enrolment.models import Enrolment, EnrolmentStatus
from berdaya.regions.models import Level, Region
from berdaya.verification.models import NotEligibleReason, Outcome, VervalTask, Visit

LISTED, VISITED, ELIGIBLE, APPROVED, PAID = range(5)
CHART_WIDTH, BAR_STEP = 320, 30
STAGE_LABELS = [pgettext_lazy("funnel stage: on the list", "Terdaftar"), _("Dikunjungi"), _("Layak"),
                _("Ditetapkan"), _("Dibayar")]

PAID_STATUSES = frozenset({EnrolmentStatus.ACTIVE, EnrolmentStatus.SUSPENDED, EnrolmentStatus.EXITED,
                           EnrolmentStatus.GRADUATED})
APPROVED_STATUSES = frozenset({EnrolmentStatus.APPROVED}) | PAID_STATUSES
# When a household has several enrolments for the programme and year, the furthest one counts.
_ENROLMENT_RANK = {EnrolmentStatus.DROPPED: 1, EnrolmentStatus.DRAFT: 2, EnrolmentStatus.WAITLISTED: 3,
                   EnrolmentStatus.CARRIED_OVER: 3, EnrolmentStatus.APPROVED: 4,
                   **{s: 5 for s in PAID_STATUSES}}

# Drop reasons in the order a table shows them.
DROP_KEYS = ["not_visited", "revisit", "awaiting", *[f"not_eligible:{v}" for v in NotEligibleReason.values],
             "not_eligible:", Outcome.NOT_FOUND, Outcome.MOVED, Outcome.DECEASED, Outcome.DUPLICATE,
             Outcome.NEW_FAMILY, "no_enrolment", "draft", "waitlisted", "dropped", "not_paid"]
_DROP_ORDER = {key: i for i, key in enumerate(DROP_KEYS)}
_FIXED_LABELS = {
    "not_visited": _("Belum dikunjungi"),
    "revisit": _("Kunjungan ditolak saat konfirmasi, perlu dikunjungi ulang"),
    "awaiting": _("Menunggu konfirmasi orang kedua"),
    "not_eligible:": _("Tidak layak"),
    Outcome.NEW_FAMILY: _("Keluarga baru (dicatat sebagai draf registri)"),
    "no_enrolment": _("Layak, belum masuk daftar penetapan"),
    "draft": _("Layak, masih dalam draf penetapan"),
    "waitlisted": _("Layak, masuk daftar tunggu"),
    "dropped": _("Layak, dikeluarkan dari draf penetapan"),
    "not_paid": _("Ditetapkan, belum dibayar"),
}


def drop_label(key: str) -> str:
    if key in _FIXED_LABELS:
        return str(_FIXED_LABELS[key])
    if key.startswith("not_eligible:"):
        return str(_("Tidak layak: %(reason)s") % {"reason": NotEligibleReason(key.split(":", 1)[1]).label})
    return str(Outcome(key).label) if key in Outcome.values else key


@dataclass
class Drop:
    key: str
    label: str
    count: int


@dataclass
class Stage:
    index: int
    label: str
    count: int
    share: int  # percent of listed
    drops: list[Drop] = field(default_factory=list)  # why entries of the stage before did not reach this one
    bar: float = 0.0  # chart: the bar's width (0..CHART_WIDTH) and its top
    y: int = 0


@dataclass
class RegionRow:
    region: Region
    cells: list[tuple[str, int]]  # (stage label, count)


@dataclass
class Funnel:
    stages: list[Stage]
    by_region: list[RegionRow]
    with_enrolment: bool

    @property
    def listed(self) -> int:
        return self.stages[0].count

    @property
    def chart_height(self) -> int:
        return len(self.stages) * BAR_STEP


def classify(*, state: str, outcome: str, reason: str, revisit: bool, enrolment: str | None,
             with_enrolment: bool) -> tuple[int, str | None]:
    """(the stage a task reached, why it went no further) — None when it reached the last stage shown."""
    if state == VervalTask.State.PENDING:
        return LISTED, "revisit" if revisit else "not_visited"
    if state == VervalTask.State.AWAITING_CONFIRMATION:
        return VISITED, "awaiting"
    if outcome == Outcome.NOT_ELIGIBLE:
        return VISITED, f"not_eligible:{reason or ''}"
    if outcome != Outcome.ELIGIBLE:
        return VISITED, outcome
    if not with_enrolment:
        return ELIGIBLE, None
    if enrolment in PAID_STATUSES:
        return PAID, None
    if enrolment == EnrolmentStatus.APPROVED:
        return APPROVED, "not_paid"
    return ELIGIBLE, {None: "no_enrolment", EnrolmentStatus.DRAFT: "draft", EnrolmentStatus.WAITLISTED: "waitlisted",
                      EnrolmentStatus.CARRIED_OVER: "waitlisted", EnrolmentStatus.DROPPED: "dropped"}[enrolment]


def _enrolments(*, tasks, programme, fiscal_year) -> dict[int, str]:
    eligible = tasks.filter(outcome=Outcome.ELIGIBLE, household__isnull=False).values("household_id")
    qs = Enrolment.objects.filter(programme=programme, household_id__in=eligible)
    if fiscal_year:
        qs = qs.filter(fiscal_year__year=fiscal_year)
    best: dict[int, str] = {}
    for household_id, status in qs.values_list("household_id", "status"):
        if _ENROLMENT_RANK.get(status, 0) > _ENROLMENT_RANK.get(best.get(household_id), 0):
            best[household_id] = status
    return best


def _child_prefixes(region: Region | None) -> list[Region]:
    if region is None or region.level >= Level.VILLAGE:
        return []
    return list(Region.objects.filter(parent=region).order_by("code"))


def build_funnel(*, tasks, programme, fiscal_year, region) -> Funnel:
    with_enrolment = programme is not None
    last = PAID if with_enrolment else ELIGIBLE
    enrolments = _enrolments(tasks=tasks, programme=programme, fiscal_year=fiscal_year) if with_enrolment else {}
    rejected = Visit.objects.filter(task=OuterRef("pk"), confirmation=Visit.Confirmation.REJECTED)
    rows = (tasks.order_by().annotate(place=Coalesce("household__village_id", "assignment__region_id"),
                                      revisit=Exists(rejected))
            .order_by("pk").values_list("place", "state", "outcome", "outcome_reason", "household_id", "revisit"))
    by_household: dict[int, tuple[int, str | None, str]] = {}
    without_household: list[tuple[int, str | None, str]] = []
    for place, state, outcome, reason, household_id, revisit in rows.iterator(chunk_size=5000):
        stage, why = classify(state=state, outcome=outcome, reason=reason, revisit=revisit,
                              enrolment=enrolments.get(household_id), with_enrolment=with_enrolment)
        if household_id is None:
            without_household.append((stage, why, place))
        elif household_id not in by_household or stage >= by_household[household_id][0]:
            by_household[household_id] = (stage, why, place)
    reached = [0] * (last + 1)
    drops: list[dict[str, int]] = [{} for _stage in range(last + 1)]
    children = _child_prefixes(region)
    per_child = {child.code: [0] * (last + 1) for child in children}
    for stage, why, place in itertools.chain(by_household.values(), without_household):
        for i in range(stage + 1):
            reached[i] += 1
        if why is not None and stage < last:
            drops[stage + 1][why] = drops[stage + 1].get(why, 0) + 1
        child = next((code for code in per_child if place == code or place.startswith(code + ".")), None)
        if child is not None:
            for i in range(stage + 1):
                per_child[child][i] += 1
    listed = reached[0]
    stages = []
    for i in range(last + 1):
        stage_drops = sorted((Drop(key, drop_label(key), n) for key, n in drops[i].items()),
                             key=lambda d: _DROP_ORDER.get(d.key, 99))
        share = round(100 * reached[i] / listed) if listed else 0
        stages.append(Stage(index=i, label=str(STAGE_LABELS[i]), count=reached[i], share=share, drops=stage_drops,
                            bar=CHART_WIDTH * reached[i] / listed if listed else 0.0, y=i * BAR_STEP))
    labels = [stage.label for stage in stages]
    by_region = [RegionRow(child, list(zip(labels, per_child[child.code], strict=True)))
                 for child in children if per_child[child.code][0]]
    return Funnel(stages=stages, by_region=by_region, with_enrolment=with_enrolment)
