"""Who may see and do what in verval: the region scope (core.permissions) plus the assignment's verifier.

- Seeing: an assignment inside the user's Perm.VERVAL_VIEW scope. A field verifier (who holds VERVAL_VISIT over the
  area but neither VERVAL_ASSIGN nor VERVAL_CONFIRM) sees only the assignments given to them; Dinsos staff, the
  head of office and auditors see every assignment of their area.
- Recording a visit: the assignment's verifier, holding VERVAL_VISIT over the task's place; or a Dinsos officer
  holding both VERVAL_VISIT and VERVAL_ASSIGN there.
- Confirming or rejecting a removal: a second person (never the visit's verifier) with VERVAL_CONFIRM there.

A task's place is its household's village, or the assignment's area for a listed person not (yet) in the registry.
"""

from __future__ import annotations

from django.db.models import Q

from berdaya.core.permissions import NATIONAL, Perm, has_perm, region_prefixes, scope_q

_ALL = Q(pk__isnull=False)
_NONE = Q(pk__in=[])


def within(user, perm: str, field: str) -> Q:
    """`field` (a region code) lies inside the user's regions for `perm` — as a Q that also combines with | safely
    (an empty Q() would vanish from an OR)."""
    prefixes = region_prefixes(user, perm)
    if not prefixes:
        return _NONE
    if NATIONAL in prefixes:
        return _ALL
    return scope_q(user, perm, field)


def outside(user, perm: str, field: str) -> Q:
    prefixes = region_prefixes(user, perm)
    if not prefixes:
        return _ALL
    if NATIONAL in prefixes:
        return _NONE
    return ~scope_q(user, perm, field)


def assignment_q(user, prefix: str = "") -> Q:
    """Assignments (or rows reached through `prefix`, e.g. "assignment__") the user may see."""
    area = f"{prefix}region__code"
    oversight = within(user, Perm.VERVAL_ASSIGN, area) | within(user, Perm.VERVAL_CONFIRM, area)
    own = Q(**{f"{prefix}verifier_id": user.pk}) if getattr(user, "pk", None) else _NONE
    return within(user, Perm.VERVAL_VIEW, area) & (oversight | own | outside(user, Perm.VERVAL_VISIT, area))


def task_q(user, prefix: str = "") -> Q:
    """Tasks the user may see: of a visible assignment, and (when matched) a household inside their scope."""
    household_inside = (Q(**{f"{prefix}household__isnull": True})
                        | within(user, Perm.VERVAL_VIEW, f"{prefix}household__village__code"))
    return assignment_q(user, f"{prefix}assignment__") & household_inside


def task_place(task) -> str:
    return task.household.village_id if task.household_id else task.assignment.region_id


def may_assign(user, assignment) -> bool:
    return has_perm(user, Perm.VERVAL_ASSIGN, assignment.region_id)


def may_record_visit(user, task) -> bool:
    place = task_place(task)
    if not has_perm(user, Perm.VERVAL_VISIT, place):
        return False
    return task.assignment.verifier_id == user.pk or has_perm(user, Perm.VERVAL_ASSIGN, place)


def may_confirm(user, visit) -> bool:
    return visit.verifier_id != user.pk and has_perm(user, Perm.VERVAL_CONFIRM, task_place(visit.task))


def is_overseer(user) -> bool:
    """Assigns or confirms somewhere (Dinsos staff, head of office): the index shows assignments and the queue."""
    return has_perm(user, Perm.VERVAL_ASSIGN) or has_perm(user, Perm.VERVAL_CONFIRM)
