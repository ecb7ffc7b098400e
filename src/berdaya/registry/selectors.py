"""Registry reads shared by views and the API; every one takes the user and filters by region scope."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from berdaya.core.identity import clean_number
from berdaya.core.permissions import Perm, scope_queryset
from berdaya.core.text import search_key
from berdaya.registry import codes
from berdaya.registry.models import VULNERABILITY_FIELDS, Household, Person, ReviewFlag


@dataclass
class HouseholdFilters:
    q: str = ""
    region: str = ""  # a region code: everything inside it
    vulnerability: str = ""  # one of VULNERABILITY_FIELDS
    flagged: bool = False
    status: str = codes.HouseholdStatus.ACTIVE


def households_in_scope(*, user, perm: str = Perm.REGISTRY_VIEW) -> QuerySet[Household]:
    return scope_queryset(Household.objects.all(), user, perm, "village_id")


def persons_in_scope(*, user, perm: str = Perm.REGISTRY_VIEW) -> QuerySet[Person]:
    return scope_queryset(Person.objects.all(), user, perm, "household__village_id")


def _search_q(q: str) -> Q | None:
    """A 16-digit query is a NIK or a KK; a shorter digit run a NIK/KK prefix; otherwise a name fragment."""
    digits = clean_number(q)
    if digits.isdigit():
        if len(digits) == 16:
            return Q(kk_number=digits) | Q(Exists(Person.objects.filter(household=OuterRef("pk"), nik=digits)))
        if len(digits) >= 6:
            return Q(kk_number__startswith=digits) | Q(
                Exists(Person.objects.filter(household=OuterRef("pk"), nik__startswith=digits)))
    key = search_key(q)
    if not key:
        return None
    return Q(Exists(Person.objects.filter(household=OuterRef("pk"), name_key__contains=key)))


def household_list(*, user, filters: HouseholdFilters) -> QuerySet[Household]:
    qs = households_in_scope(user=user).select_related("village")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.region:
        qs = qs.filter(village_id__startswith=filters.region)
    if filters.vulnerability in VULNERABILITY_FIELDS:
        qs = qs.filter(**{filters.vulnerability: True})
    if filters.flagged:
        qs = qs.filter(open_flag_count__gt=0)
    if filters.q.strip():
        search = _search_q(filters.q.strip())
        if search is not None:
            qs = qs.filter(search)
    return qs.order_by("village_id", "kk_number")


def household_get(*, user, pk: int, perm: str = Perm.REGISTRY_VIEW) -> Household:
    """The household if it lies in the user's scope for `perm`, else Http404."""
    from berdaya.core.permissions import get_in_scope_or_404

    return get_in_scope_or_404(Household.objects.select_related("village"), user, perm, "village_id", pk=pk)


def person_get(*, user, pk: int, perm: str = Perm.REGISTRY_VIEW) -> Person:
    from berdaya.core.permissions import get_in_scope_or_404

    return get_in_scope_or_404(Person.objects.select_related("household", "household__village"), user, perm,
                               "household__village_id", pk=pk)


def household_members(*, household: Household) -> list[Person]:
    return list(household.members.order_by("status", "relationship", "birth_date"))


def household_open_flags(*, household: Household) -> list[ReviewFlag]:
    return list(household.flags.filter(resolved_at__isnull=True).select_related("person"))
