"""Verval reads shared by views (and later the API). Every one takes the user and applies the scope of access.py;
one object outside it does not exist (Http404)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import Http404

from berdaya.core.permissions import ROLE_PERMISSIONS, Perm, scope_q
from berdaya.proposals.models import ItemStatus, ProposalItem
from berdaya.verification.access import assignment_q, task_q, within
from berdaya.verification.funnel import Funnel, build_funnel
from berdaya.verification.models import Assignment, Outcome, VervalTask, Visit, VisitPhoto


def _place_within(user, perm: str) -> Q:
    """A task's place (its household's village, else the assignment's area) inside the user's regions for `perm`."""
    matched = Q(household__isnull=False) & within(user, perm, "household__village__code")
    unmatched = Q(household__isnull=True) & within(user, perm, "assignment__region__code")
    return matched | unmatched


# --- assignments --------------------------------------------------------------------------------------------------

def assignments_visible(*, user) -> QuerySet[Assignment]:
    return Assignment.objects.filter(assignment_q(user))


def assignment_list(*, user, status: str = Assignment.Status.OPEN) -> QuerySet[Assignment]:
    qs = assignments_visible(user=user).select_related("region", "verifier", "programme")
    if status:
        qs = qs.filter(status=status)
    return qs.annotate(
        total=Count("tasks"),
        pending=Count("tasks", filter=Q(tasks__state=VervalTask.State.PENDING)),
        awaiting=Count("tasks", filter=Q(tasks__state=VervalTask.State.AWAITING_CONFIRMATION)),
        done=Count("tasks", filter=Q(tasks__state=VervalTask.State.DONE)),
        eligible=Count("tasks", filter=Q(tasks__outcome=Outcome.ELIGIBLE)),
    ).order_by("-created_at", "-id")


def assignment_get(*, user, pk: int) -> Assignment:
    try:
        return assignments_visible(user=user).select_related("region", "verifier", "programme").get(pk=pk)
    except Assignment.DoesNotExist:
        raise Http404 from None


def assignment_progress(*, assignment: Assignment) -> dict:
    counts = assignment.tasks.aggregate(
        total=Count("pk"),
        pending=Count("pk", filter=Q(state=VervalTask.State.PENDING)),
        awaiting=Count("pk", filter=Q(state=VervalTask.State.AWAITING_CONFIRMATION)),
        done=Count("pk", filter=Q(state=VervalTask.State.DONE)),
        unmatched=Count("pk", filter=Q(household__isnull=True)),
    )
    outcomes = dict(assignment.tasks.exclude(outcome="").values_list("outcome").annotate(n=Count("pk")))
    counts["outcomes"] = [(label, outcomes[value]) for value, label in Outcome.choices if outcomes.get(value)]
    counts["percent_done"] = round(100 * counts["done"] / counts["total"]) if counts["total"] else 0
    return counts


def _with_place(qs: QuerySet[VervalTask]) -> QuerySet[VervalTask]:
    return qs.select_related("household", "household__village", "assignment", "assignment__region").alias(
        place=Coalesce("household__village_id", "assignment__region_id"),
        who=Coalesce(NullIf("household__head_name", Value("")), "listed_name"),
    )


def assignment_tasks(*, assignment: Assignment, state: str = "") -> QuerySet[VervalTask]:
    qs = _with_place(assignment.tasks.all())
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("place", "who", "pk")


def assignable_items(*, assignment: Assignment) -> QuerySet[ProposalItem]:
    """Complete proposal items the assignment may take: inside its area, its programme and year, from a proposing
    region inside the verifier's area, of households not yet on it."""
    area = assignment.region_id
    qs = ProposalItem.objects.filter(status=ItemStatus.COMPLETE).filter(
        Q(household__village__code=area) | Q(household__village__code__startswith=area + "."))
    if assignment.programme_id:
        qs = qs.filter(proposal__programme_id=assignment.programme_id)
    if assignment.fiscal_year:
        qs = qs.filter(proposal__fiscal_year=assignment.fiscal_year)
    qs = qs.filter(within(assignment.verifier, Perm.VERVAL_VISIT, "proposal__region__code"))
    present = assignment.tasks.filter(household__isnull=False).values("household_id")
    return (qs.exclude(household_id__in=present).select_related("proposal", "household", "household__village")
            .order_by("household__village_id", "household__head_name", "pk"))


def verifier_choices(*, user):
    """People who can be given an assignment by `user`: a role with VERVAL_VISIT over a region inside (or above)
    the user's own area for VERVAL_ASSIGN. The service checks the chosen area against the verifier's."""
    roles = [role for role, perms in ROLE_PERMISSIONS.items() if Perm.VERVAL_VISIT in perms]
    assignments = Q(role_assignments__role__in=roles) & scope_q(user, Perm.VERVAL_ASSIGN,
                                                                "role_assignments__region__code")
    return (get_user_model().objects.filter(is_active=True).filter(assignments)
            .prefetch_related("role_assignments__region").distinct().order_by("first_name", "username"))


# --- tasks and visits -------------------------------------------------------------------------------------------

def tasks_visible(*, user) -> QuerySet[VervalTask]:
    return VervalTask.objects.filter(task_q(user))


def task_get(*, user, pk: int) -> VervalTask:
    qs = tasks_visible(user=user).select_related("assignment", "assignment__region", "assignment__verifier",
                                                 "household", "household__village", "proposal_item",
                                                 "proposal_item__proposal", "proposal_item__person")
    try:
        return qs.get(pk=pk)
    except VervalTask.DoesNotExist:
        raise Http404 from None


def my_tasks(*, user) -> QuerySet[VervalTask]:
    """The verifier's pending work: tasks of open assignments given to them, inside their area, by village."""
    qs = (VervalTask.objects.filter(assignment__verifier_id=user.pk, assignment__status=Assignment.Status.OPEN,
                                    state=VervalTask.State.PENDING)
          .filter(_place_within(user, Perm.VERVAL_VISIT)))
    revisit = Visit.objects.filter(task=OuterRef("pk"), confirmation=Visit.Confirmation.REJECTED)
    return _with_place(qs).annotate(revisit=Exists(revisit)).order_by("place", "who", "pk")


def my_awaiting_count(*, user) -> int:
    return VervalTask.objects.filter(assignment__verifier_id=user.pk,
                                     state=VervalTask.State.AWAITING_CONFIRMATION).count()


def task_visits(*, task: VervalTask) -> list[Visit]:
    photos = Prefetch("photos", queryset=VisitPhoto.objects.select_related("document").order_by("pk"))
    return list(task.visits.select_related("task", "task__assignment", "task__household", "verifier",
                                           "confirmed_by", "person", "duplicate_of", "new_household")
                .prefetch_related(photos).order_by("-created_at", "-pk"))


def confirmation_queue(*, user) -> QuerySet[Visit]:
    """Removal outcomes waiting for a second person, inside the user's area for VERVAL_CONFIRM, oldest first."""
    tasks = VervalTask.objects.filter(task_q(user)).filter(_place_within(user, Perm.VERVAL_CONFIRM))
    return (Visit.objects.filter(confirmation=Visit.Confirmation.PENDING, task__in=tasks)
            .select_related("task", "task__assignment", "task__assignment__region", "task__household",
                            "task__household__village", "verifier", "person", "duplicate_of", "new_household")
            .prefetch_related(Prefetch("photos", queryset=VisitPhoto.objects.order_by("pk")))
            .order_by("created_at", "pk"))


def visit_get(*, user, pk: int) -> Visit:
    try:
        return (Visit.objects.filter(task__in=tasks_visible(user=user))
                .select_related("task", "task__assignment", "task__household").get(pk=pk))
    except Visit.DoesNotExist:
        raise Http404 from None


def photo_get(*, user, pk: int) -> VisitPhoto:
    """A visit photo whose task the user may see and whose stored region lies in their VERVAL_VIEW scope."""
    try:
        photo = (VisitPhoto.objects.filter(visit__task__in=tasks_visible(user=user))
                 .select_related("document").get(pk=pk))
    except VisitPhoto.DoesNotExist:
        raise Http404 from None
    if not VisitPhoto.objects.filter(pk=pk).filter(within(user, Perm.VERVAL_VIEW, "document__region__code")).exists():
        raise Http404
    return photo


# --- funnel -------------------------------------------------------------------------------------------------------

def funnel(*, user, programme=None, fiscal_year: int | None = None, region=None) -> Funnel:
    """Listed -> visited -> eligible -> approved -> paid for a programme's year, with the reasons for each drop.

    The tasks counted: assignments of the programme and year, and (as enrolment reads verval) assignments of the
    same year without a programme (a general list such as the ministry's extreme-poverty list). Without a
    programme, every assignment of the year and only the first three stages.
    """
    qs = tasks_visible(user=user)
    if fiscal_year:
        qs = qs.filter(assignment__fiscal_year=fiscal_year)
    if programme is not None:
        qs = qs.filter(Q(assignment__programme=programme) | Q(assignment__programme__isnull=True))
    if region is not None:
        code = region.code
        qs = qs.filter(Q(household__village__code=code) | Q(household__village__code__startswith=code + ".")
                       | Q(household__isnull=True, assignment__region__code=code)
                       | Q(household__isnull=True, assignment__region__code__startswith=code + "."))
    return build_funnel(tasks=qs, programme=programme, fiscal_year=fiscal_year, region=region)
