"""Roles, permissions and the region scope: the one place every selector filters through.

Kemendagri codes nest (33.16.01.2001 lies inside 33.16), so a user's scope is a set of code prefixes; a role
assignment with no region is national. See ../shared/CONVENTIONS.md "Region scope in one place".
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from berdaya.core.errors import ApplicationError


class Role:
    ADMIN = "admin"
    DINSOS_STAFF = "dinsos_staff"
    HEAD_OF_OFFICE = "head_of_office"
    VILLAGE_OPERATOR = "village_operator"
    VERIFIER = "verifier"
    MENTOR = "mentor"
    PARTNER = "partner"
    AUDITOR = "auditor"

    CHOICES = [
        (ADMIN, _("Administrator")),
        (DINSOS_STAFF, _("Staf Dinas Sosial")),
        (HEAD_OF_OFFICE, _("Kepala Dinas")),
        (VILLAGE_OPERATOR, _("Operator Desa/Kelurahan")),
        (VERIFIER, _("Verifikator Lapangan")),
        (MENTOR, _("Pendamping")),
        (PARTNER, _("Mitra")),
        (AUDITOR, _("Auditor")),
    ]


class Perm:
    REGISTRY_VIEW = "registry.view"
    REGISTRY_EDIT = "registry.edit"
    REGISTRY_VIEW_IDENTITY = "registry.view_identity"  # full NIK/KK, disability, income
    REGISTRY_HISTORY = "registry.history"
    ACCOUNTS_MANAGE = "accounts.manage"
    # Programmes (issue 5): the catalogue and budgets are read by everyone who works on cases; partners (outside
    # organisations) are left out until a page shows them only the programmes they fund. Budget approval is kept
    # apart from budget management (the head of office approves what the staff prepare).
    PROGRAMMES_VIEW = "programmes.view"
    PROGRAMMES_MANAGE = "programmes.manage"
    BUDGET_MANAGE = "programmes.budget_manage"
    BUDGET_APPROVE = "programmes.budget_approve"
    # Targeting (issue 5): rules, dry runs, scores and ranked candidate lists; managing = editing rules and score
    # models and running the scoring.
    TARGETING_VIEW = "targeting.view"
    TARGETING_MANAGE = "targeting.manage"
    # Proposals (issue 6): villages (and camat, as an operator over a district) file; Dinsos reviews (completeness,
    # scheduling); everyone working on cases sees the proposals of their area.
    PROPOSALS_VIEW = "proposals.view"
    PROPOSALS_FILE = "proposals.file"
    PROPOSALS_REVIEW = "proposals.review"
    # Verval (issue 6): Dinsos assigns, verifiers visit inside their area, a second person confirms removals.
    VERVAL_VIEW = "verval.view"
    VERVAL_ASSIGN = "verval.assign"
    VERVAL_VISIT = "verval.visit"
    VERVAL_CONFIRM = "verval.confirm"
    # Enrolment (issue 6): Dinsos prepares the ranked list within budget; the head of office approves it (SK).
    ENROLMENT_VIEW = "enrolment.view"
    ENROLMENT_MANAGE = "enrolment.manage"
    ENROLMENT_APPROVE = "enrolment.approve"


_CASEWORK = frozenset({Perm.PROPOSALS_VIEW, Perm.PROPOSALS_FILE, Perm.PROPOSALS_REVIEW, Perm.VERVAL_VIEW,
                       Perm.VERVAL_ASSIGN, Perm.VERVAL_VISIT, Perm.VERVAL_CONFIRM, Perm.ENROLMENT_VIEW,
                       Perm.ENROLMENT_MANAGE})

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset({Perm.REGISTRY_VIEW, Perm.REGISTRY_EDIT, Perm.REGISTRY_VIEW_IDENTITY,
                          Perm.REGISTRY_HISTORY, Perm.ACCOUNTS_MANAGE,
                          Perm.PROGRAMMES_VIEW, Perm.PROGRAMMES_MANAGE, Perm.BUDGET_MANAGE,
                          Perm.TARGETING_VIEW, Perm.TARGETING_MANAGE}) | _CASEWORK,
    Role.DINSOS_STAFF: frozenset({Perm.REGISTRY_VIEW, Perm.REGISTRY_EDIT, Perm.REGISTRY_VIEW_IDENTITY,
                                  Perm.REGISTRY_HISTORY,
                                  Perm.PROGRAMMES_VIEW, Perm.PROGRAMMES_MANAGE, Perm.BUDGET_MANAGE,
                                  Perm.TARGETING_VIEW, Perm.TARGETING_MANAGE}) | _CASEWORK,
    Role.HEAD_OF_OFFICE: frozenset({Perm.REGISTRY_VIEW, Perm.REGISTRY_VIEW_IDENTITY, Perm.REGISTRY_HISTORY,
                                    Perm.PROGRAMMES_VIEW, Perm.BUDGET_APPROVE, Perm.TARGETING_VIEW,
                                    Perm.PROPOSALS_VIEW, Perm.VERVAL_VIEW, Perm.VERVAL_CONFIRM,
                                    Perm.ENROLMENT_VIEW, Perm.ENROLMENT_APPROVE}),
    Role.VILLAGE_OPERATOR: frozenset({Perm.REGISTRY_VIEW, Perm.REGISTRY_EDIT, Perm.REGISTRY_VIEW_IDENTITY,
                                      Perm.REGISTRY_HISTORY, Perm.PROGRAMMES_VIEW, Perm.TARGETING_VIEW,
                                      Perm.PROPOSALS_VIEW, Perm.PROPOSALS_FILE, Perm.ENROLMENT_VIEW}),
    Role.VERIFIER: frozenset({Perm.REGISTRY_VIEW, Perm.REGISTRY_VIEW_IDENTITY, Perm.PROGRAMMES_VIEW,
                              Perm.PROPOSALS_VIEW, Perm.VERVAL_VIEW, Perm.VERVAL_VISIT}),
    Role.MENTOR: frozenset({Perm.REGISTRY_VIEW, Perm.PROGRAMMES_VIEW}),
    Role.PARTNER: frozenset({Perm.REGISTRY_VIEW}),
    Role.AUDITOR: frozenset({Perm.REGISTRY_VIEW, Perm.REGISTRY_VIEW_IDENTITY, Perm.REGISTRY_HISTORY,
                             Perm.PROGRAMMES_VIEW, Perm.TARGETING_VIEW, Perm.PROPOSALS_VIEW, Perm.VERVAL_VIEW,
                             Perm.ENROLMENT_VIEW}),
}

NATIONAL = ""  # the prefix of every code


def region_prefixes(user, perm: str) -> list[str] | None:
    """Code prefixes inside which `user` holds `perm`; [] means nowhere, [""] means everywhere.

    Cached on the user object for the request.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    cache = user.__dict__.setdefault("_berdaya_scope_cache", {})
    if perm in cache:
        return cache[perm]
    if user.is_superuser:
        prefixes = [NATIONAL]
    else:
        prefixes = sorted({
            a.region_id or NATIONAL
            for a in user.role_assignments.all()
            if perm in ROLE_PERMISSIONS.get(a.role, ())
        })
        if NATIONAL in prefixes:
            prefixes = [NATIONAL]
        else:
            # Drop prefixes already covered by a shorter one.
            prefixes = [p for p in prefixes if not any(p != q and p.startswith(q + ".") for q in prefixes)]
    cache[perm] = prefixes
    return prefixes


def has_perm(user, perm: str, region_code: str | None = None) -> bool:
    """Does `user` hold `perm` anywhere (region_code None) or over this region code?"""
    prefixes = region_prefixes(user, perm)
    if region_code is None:
        return bool(prefixes)
    return any(p == NATIONAL or region_code == p or region_code.startswith(p + ".") for p in prefixes)


def scope_q(user, perm: str, field: str) -> Q:
    """A Q object limiting `field` (a region code, e.g. 'village_id') to the user's regions for `perm`."""
    prefixes = region_prefixes(user, perm)
    if not prefixes:
        return Q(pk__in=[])
    if NATIONAL in prefixes:
        return Q()
    q = Q()
    for prefix in prefixes:
        # Codes have fixed widths per level, so a dotted prefix cannot match a sibling ("33.1" never occurs).
        q |= Q(**{f"{field}__startswith": prefix})
    return q


def region_chain(code: str) -> list[str]:
    """'33.16.01' -> ['33', '33.16', '33.16.01']: the code and every region it lies inside."""
    parts = code.split(".") if code else []
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)]


def scope_q_visible(user, perm: str, field: str) -> Q:
    """For objects attached to an office's region (a programme run by a regency's Dinsos): `field` lies inside one
    of the user's regions, or one of the user's regions lies inside it (a village operator sees the programmes of
    the regency its village belongs to). Changing such an object still needs has_perm over the object's region."""
    prefixes = region_prefixes(user, perm)
    if not prefixes:
        return Q(pk__in=[])
    if NATIONAL in prefixes:
        return Q()
    q = Q(**{f"{field}__in": sorted({code for p in prefixes for code in region_chain(p)})})
    for prefix in prefixes:
        q |= Q(**{f"{field}__startswith": prefix + "."})
    return q


def scope_queryset(qs: QuerySet, user, perm: str, field: str) -> QuerySet:
    return qs.filter(scope_q(user, perm, field))


def require_perm(user, perm: str, region_code: str | None = None) -> None:
    """Services call this: refuse with ApplicationError when the user may not act here."""
    if not has_perm(user, perm, region_code):
        raise ApplicationError(_("Anda tidak berwenang melakukan tindakan ini di wilayah ini."), code="forbidden")


def get_in_scope_or_404(qs: QuerySet, user, perm: str, field: str, **lookup):
    """Views fetch one object through this: outside the user's scope it does not exist (404)."""
    try:
        return scope_queryset(qs, user, perm, field).get(**lookup)
    except qs.model.DoesNotExist:
        raise Http404 from None
