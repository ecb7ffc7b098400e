"""Proposal reads shared by the pages (and later the API); each takes the user and applies the region scope.

A proposal belongs to its proposing region (a village, or a district for a camat's letter): a user sees it when
that region lies inside one of their regions for Perm.PROPOSALS_VIEW (core.permissions.scope_q). The village that
proposed sees its own letters; the Dinsos of the regency sees all of the regency's; another regency sees none.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from berdaya.core.identity import clean_number, mask_number
from berdaya.core.models import Document
from berdaya.core.permissions import Perm, get_in_scope_or_404, has_perm, scope_q
from berdaya.core.text import search_key
from berdaya.programmes.models import Programme
from berdaya.programmes.selectors import programmes_visible
from berdaya.proposals.models import ItemStatus, Proposal, ProposalBatch, ProposalItem, ProposalStatusChange
from berdaya.registry import codes
from berdaya.registry.models import Household, Person
from berdaya.registry.selectors import HouseholdFilters, household_list

SEARCH_LIMIT = 10


@dataclass
class ProposalFilters:
    status: str = ""  # an ItemStatus: letters with at least one item in it
    programme: int | None = None
    fiscal_year: int | None = None
    q: str = ""  # proposal or letter number, KK or NIK (16 digits or a prefix of 6+), a member's name


def proposals_in_scope(*, user, perm: str = Perm.PROPOSALS_VIEW) -> QuerySet[Proposal]:
    # region__code (the FK's target, no join) rather than region_id: a ForeignKey has no startswith lookup.
    return Proposal.objects.filter(scope_q(user, perm, "region__code"))


def batches_in_scope(*, user, perm: str = Perm.PROPOSALS_VIEW) -> QuerySet[ProposalBatch]:
    return ProposalBatch.objects.filter(scope_q(user, perm, "region__code"))


def _text_q(q: str) -> Q:
    q = q.strip()
    found = Q(number__icontains=q) | Q(letter_number__icontains=q)
    digits = clean_number(q)
    if digits.isdigit():
        if len(digits) >= 6:
            items = ProposalItem.objects.filter(Q(household__kk_number__startswith=digits)
                                                | Q(person__nik__startswith=digits)
                                                | Q(household__members__nik__startswith=digits))
            found |= Q(pk__in=items.values("proposal_id"))
        return found
    key = search_key(q)
    if key:
        found |= Q(pk__in=ProposalItem.objects.filter(household__members__name_key__contains=key)
                   .values("proposal_id"))
    return found


def _filtered(*, user, filters: ProposalFilters, with_status: bool = True) -> QuerySet[Proposal]:
    qs = proposals_in_scope(user=user)
    if filters.programme:
        qs = qs.filter(programme_id=filters.programme)
    if filters.fiscal_year:
        qs = qs.filter(fiscal_year=filters.fiscal_year)
    if filters.q.strip():
        qs = qs.filter(_text_q(filters.q))
    if with_status and filters.status in ItemStatus.values:
        qs = qs.filter(pk__in=ProposalItem.objects.filter(status=filters.status).values("proposal_id"))
    return qs


def proposal_list(*, user, filters: ProposalFilters | None = None) -> QuerySet[Proposal]:
    filters = filters or ProposalFilters()
    return (_filtered(user=user, filters=filters).select_related("programme", "region")
            .order_by("-created_at", "-pk"))


def status_counts(*, user, filters: ProposalFilters | None = None) -> list[tuple[str, str, int]]:
    """(status, label, items) for every status, over the letters the other filters select (not the status)."""
    filters = filters or ProposalFilters()
    letters = _filtered(user=user, filters=filters, with_status=False).values("pk")
    counts = dict(ProposalItem.objects.filter(proposal__in=letters).order_by().values_list("status")
                  .annotate(n=Count("pk")).values_list("status", "n"))
    return [(value, label, counts.get(value, 0)) for value, label in ItemStatus.choices]


def item_summaries(proposals) -> dict[int, list[tuple[str, str, int]]]:
    """Per proposal id: (status, label, count) of its items, in the order of the statuses."""
    ids = [p.pk for p in proposals]
    rows = (ProposalItem.objects.filter(proposal_id__in=ids).order_by().values_list("proposal_id", "status")
            .annotate(n=Count("pk")))
    found: dict[int, dict[str, int]] = {}
    for pk, status, n in rows:
        found.setdefault(pk, {})[status] = n
    return {pk: [(value, label, found.get(pk, {})[value]) for value, label in ItemStatus.choices
                 if value in found.get(pk, {})] for pk in ids}


def proposal_get(*, user, pk: int, perm: str = Perm.PROPOSALS_VIEW) -> Proposal:
    """The proposal if its region lies in the user's scope for `perm`, else Http404."""
    qs = Proposal.objects.select_related("programme", "programme__office", "region", "letter", "batch",
                                         "created_by")
    return get_in_scope_or_404(qs, user, perm, "region__code", pk=pk)


def item_get(*, user, pk: int, perm: str = Perm.PROPOSALS_VIEW) -> ProposalItem:
    qs = ProposalItem.objects.select_related("proposal", "proposal__programme", "proposal__region", "household",
                                             "person")
    return get_in_scope_or_404(qs, user, perm, "proposal__region__code", pk=pk)


def proposal_items(*, proposal: Proposal) -> list[ProposalItem]:
    """The items with their household, person and timeline (who, when, from, to, why, document), oldest first."""
    changes = Prefetch("changes", queryset=ProposalStatusChange.objects.select_related("actor").order_by("at", "pk"))
    return list(proposal.items.select_related("household", "household__village", "person")
                .prefetch_related(changes).order_by("pk"))


@dataclass
class ItemRow:
    item: ProposalItem
    kk: str
    nik: str
    kit: str  # the kit's name, or its code when the programme no longer has it


def item_rows(*, user, proposal: Proposal, items: list[ProposalItem]) -> list[ItemRow]:
    """Items with KK and NIK shown in full only to users who hold REGISTRY_VIEW_IDENTITY over the village."""
    kits = dict(proposal.programme.kits.values_list("business_type", "name"))
    rows = []
    for item in items:
        identity = has_perm(user, Perm.REGISTRY_VIEW_IDENTITY, item.household.village_id)
        kk, nik = item.household.kk_number, item.person.nik if item.person else ""
        rows.append(ItemRow(item, kk if identity else mask_number(kk), nik if identity else mask_number(nik),
                            kits.get(item.business_type, item.business_type)))
    return rows


def batch_get(*, user, pk: int, perm: str = Perm.PROPOSALS_VIEW) -> ProposalBatch:
    qs = ProposalBatch.objects.select_related("region", "minutes", "bnba", "created_by")
    return get_in_scope_or_404(qs, user, perm, "region__code", pk=pk)


def batch_list(*, user) -> QuerySet[ProposalBatch]:
    return (batches_in_scope(user=user).select_related("region").annotate(proposal_count=Count("proposals"))
            .order_by("-meeting_date", "-pk"))


def batch_proposals(*, user, batch: ProposalBatch) -> QuerySet[Proposal]:
    return proposals_in_scope(user=user).filter(batch=batch).select_related("programme", "region").order_by("pk")


def batches_for_filing(*, user) -> QuerySet[ProposalBatch]:
    """The meetings a filer may attach a letter to (the service checks the letter's region contains it)."""
    return batches_in_scope(user=user, perm=Perm.PROPOSALS_FILE).select_related("region").order_by(
        "-meeting_date", "-pk")


def document_get(*, user, pk: int) -> Document:
    """A letter, minutes or BNBA list the user may see through a proposal or batch in scope, else Http404.

    A letter replaced at resubmission stays reachable through the proposal's history. Documents of other apps
    (visit photos, decrees) are never served here.
    """
    document = Document.objects.filter(pk=pk).first()
    if document is None:
        raise Http404
    view = scope_q(user, Perm.PROPOSALS_VIEW, "region__code")
    linked = (Proposal.objects.filter(view, letter=document).exists()
              or ProposalBatch.objects.filter(view, Q(minutes=document) | Q(bnba=document)).exists()
              or Proposal.history.filter(letter_id=document.pk, id__in=proposals_in_scope(user=user).values("pk"))
              .exists())
    if not linked:
        raise Http404
    return document


def programmes_for_filing(*, user) -> QuerySet[Programme]:
    return programmes_visible(user=user).filter(is_active=True).select_related("office").order_by("code")


def households_for_filing(*, user) -> QuerySet[Household]:
    """Active households inside the user's PROPOSALS_FILE scope."""
    return Household.objects.filter(scope_q(user, Perm.PROPOSALS_FILE, "village__code"),
                                    status=codes.HouseholdStatus.ACTIVE)


def household_search(*, user, q: str, limit: int = SEARCH_LIMIT) -> list[Household]:
    """Active households in the user's filing scope whose KK, a member's NIK or name matches `q` (registry search)."""
    q = (q or "").strip()
    if len(q) < 3:
        return []
    found = household_list(user=user, filters=HouseholdFilters(q=q, status=codes.HouseholdStatus.ACTIVE))
    return list(found.filter(scope_q(user, Perm.PROPOSALS_FILE, "village__code"))[:limit])


def household_by_identity(*, user, number: str) -> tuple[Household | None, Person | None]:
    """A 16-digit KK (the household) or NIK (the person and their household) inside the user's filing scope."""
    digits = clean_number(number)
    if len(digits) != 16 or not digits.isdigit():
        return None, None
    households = households_for_filing(user=user)
    household = households.filter(kk_number=digits).first()
    if household is not None:
        return household, None
    person = (Person.objects.filter(nik=digits, status=codes.PersonStatus.ALIVE,
                                    household__in=households.values("pk")).select_related("household").first())
    return (person.household, person) if person else (None, None)


def alive_members(*, household: Household) -> list[Person]:
    return list(household.members.filter(status=codes.PersonStatus.ALIVE).order_by("relationship", "birth_date"))
