"""Account reads shared by the admin pages: every one takes the acting user and keeps to their scope.

An admin's scope is the set of region prefixes where they hold Perm.ACCOUNTS_MANAGE (core.permissions). They
manage a user when every one of that user's role assignments lies inside their scope; a national admin manages
everyone except superusers, whom only superusers manage.
"""

from __future__ import annotations

from dataclasses import dataclass

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from berdaya.accounts.models import RoleAssignment, User
from berdaya.core.permissions import NATIONAL, Perm, region_prefixes, scope_q


@dataclass
class UserFilters:
    q: str = ""
    role: str = ""
    region: str = ""  # a region code: users holding an assignment inside it
    active: str = ""  # "", "1" active only, "0" inactive only


def manage_prefixes(*, user) -> list[str]:
    return region_prefixes(user, Perm.ACCOUNTS_MANAGE)


def is_national_admin(*, user) -> bool:
    return NATIONAL in manage_prefixes(user=user)


def users_manageable(*, user) -> QuerySet[User]:
    """Users `user` may see and change; none for someone without Perm.ACCOUNTS_MANAGE."""
    prefixes = manage_prefixes(user=user)
    if not prefixes:
        return User.objects.none()
    qs = User.objects.all()
    if not user.is_superuser:
        qs = qs.filter(is_superuser=False)
    if NATIONAL in prefixes:
        return qs
    inside = scope_q(user, Perm.ACCOUNTS_MANAGE, "region__pk")
    assignments = RoleAssignment.objects.filter(user=OuterRef("pk"))
    # A user with no assignment at all belongs to nobody's region: only national admins see them.
    return qs.filter(Exists(assignments)).exclude(Exists(assignments.filter(Q(region__isnull=True) | ~inside)))


def user_list(*, user, filters: UserFilters) -> QuerySet[User]:
    qs = users_manageable(user=user)
    q = filters.q.strip()
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q)
                       | Q(email__icontains=q) | Q(organisation__icontains=q))
    if filters.role or filters.region:
        assignment = RoleAssignment.objects.filter(user=OuterRef("pk"))
        if filters.role:
            assignment = assignment.filter(role=filters.role)
        if filters.region:
            assignment = assignment.filter(region__pk__startswith=filters.region)
        qs = qs.filter(Exists(assignment))
    if filters.active in ("0", "1"):
        qs = qs.filter(is_active=filters.active == "1")
    return qs.prefetch_related(_assignments_prefetch()).order_by("username")


def _assignments_prefetch() -> Prefetch:
    return Prefetch("role_assignments",
                    queryset=RoleAssignment.objects.select_related("region").order_by("region_id", "role"))


def user_detail(*, user, pk: int) -> User:
    """One manageable user with their assignments; User.DoesNotExist outside the scope."""
    return users_manageable(user=user).prefetch_related(_assignments_prefetch()).get(pk=pk)


def assignment_manageable(*, user, pk: int) -> RoleAssignment:
    """One assignment of a manageable user; RoleAssignment.DoesNotExist otherwise."""
    return RoleAssignment.objects.select_related("user", "region").get(
        pk=pk, user__in=users_manageable(user=user))


def assignment_history(*, user, target: User, limit: int = 50):
    """Role assignments granted to and removed from `target`, newest first, with who did it."""
    if not users_manageable(user=user).filter(pk=target.pk).exists():
        return []
    return list(RoleAssignment.history.filter(user_id=target.pk).select_related("history_user", "region")
                .order_by("-history_date", "-history_id")[:limit])


def locked_usernames(usernames) -> set[str]:
    """Which of these usernames django-axes holds locked out now (failures within the cool-off)."""
    usernames = list(usernames)
    if not usernames or not settings.AXES_ENABLED:
        return set()
    qs = AccessAttempt.objects.filter(username__in=usernames)
    cool_off = get_cool_off()
    if cool_off is not None:
        qs = qs.filter(attempt_time__gte=timezone.now() - cool_off)
    totals = qs.values("username").annotate(total=Sum("failures_since_start"))
    return {row["username"] for row in totals if row["total"] >= settings.AXES_FAILURE_LIMIT}
