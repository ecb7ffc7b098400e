"""Registry reads shared by views and the API; every one takes the user and filters by region scope."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Collate

from berdaya.core.identity import clean_number
from berdaya.core.permissions import Perm, region_prefixes, scope_queryset
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
    # village__code (the FK's target, no join) rather than village_id: a ForeignKey has no startswith lookup.
    return scope_queryset(Household.objects.all(), user, perm, "village__code")


def persons_in_scope(*, user, perm: str = Perm.REGISTRY_VIEW) -> QuerySet[Person]:
    return scope_queryset(Person.objects.all(), user, perm, "household__village__code")


@dataclass
class _Search:
    q: Q
    few: bool  # a short list of known ids: the database should fetch them, not walk the list in order


def _search_q(q: str) -> Q | None:
    """A 16-digit query is a NIK or a KK; a shorter digit run a NIK/KK prefix; otherwise a name fragment."""
    search = _search(q)
    return search.q if search else None


def _search(q: str) -> _Search | None:
    digits = clean_number(q)
    if digits.isdigit():
        if len(digits) == 16:
            # Resolved now (a handful of ids) so the database ORs two index lookups instead of testing a
            # subquery against every household in scope.
            owners = list(Person.objects.filter(nik=digits).order_by().values_list("household_id", flat=True)[:50])
            return _Search(Q(kk_number=digits) | Q(pk__in=owners), few=True)
        if len(digits) >= 6:
            kks = Household.objects.filter(_digits_prefix("kk_number", digits)).order_by().values("pk")
            niks = Person.objects.filter(_digits_prefix("nik", digits)).order_by().values("household_id")
            return _Search(Q(pk__in=kks.union(niks)), few=True)
    key = search_key(q)
    return _name_search(key) if key else None


def _digits_prefix(field: str, digits: str) -> Q:
    if connection.vendor == "sqlite":
        # SQLite's LIKE ignores case, so it cannot use the (binary) index; a range can (":" follows "9").
        return Q(**{f"{field}__gte": digits, f"{field}__lt": digits + ":"})
    return Q(**{f"{field}__startswith": digits})  # PostgreSQL: Django's varchar_pattern_ops index serves it


NAMES = "registry_household_names"  # per household, its members' name keys: see migration 0002
_SQLITE_NAMES_OBJECTS = (NAMES, f"{NAMES}_person_insert", f"{NAMES}_person_delete", f"{NAMES}_person_update")
# Up to this many matching households, a name search hands the database their ids, so it plans for exactly that
# many (fetch them, sort). Beyond, it walks the households in list order, testing each against the matches,
# until a page is full. The planners cannot make this choice themselves: PostgreSQL's row estimate for
# LIKE '%fragment%' is off a hundredfold either way, and SQLite always fetches and sorts every match.
NAME_MATCHES_AS_LIST = 5000


def _name_search(key: str) -> _Search:
    """Households with a member whose name_key contains `key`, through the names index of migration 0002."""
    # `key` holds only [0-9a-z]: no LIKE wildcard to escape, no quote to double in the FTS phrase.
    if connection.vendor == "postgresql":
        matches = RawSQL(f"SELECT household_id FROM {NAMES} WHERE names LIKE %s", [f"%{key}%"])  # noqa: S608, S611
    elif connection.vendor == "sqlite" and _sqlite_names_ready():
        # FTS5 trigram: a phrase MATCH finds a substring of 3+ characters from the index; shorter, LIKE scans it.
        matches = (RawSQL(f"SELECT rowid FROM {NAMES} WHERE {NAMES} MATCH %s", [f'"{key}"'])  # noqa: S608, S611
                   if len(key) >= 3 else
                   RawSQL(f"SELECT rowid FROM {NAMES} WHERE names LIKE %s", [f"%{key}%"]))  # noqa: S608, S611
    else:
        return _Search(Q(pk__in=Person.objects.filter(name_key__contains=key).values("household_id")), few=False)
    with connection.cursor() as cursor:
        cursor.execute(f"{matches.sql} LIMIT {NAME_MATCHES_AS_LIST + 1}", matches.params)
        ids = [row[0] for row in cursor.fetchall()]
    if len(ids) <= NAME_MATCHES_AS_LIST:
        return _Search(Q(pk__in=ids), few=True)
    if connection.vendor == "sqlite":
        # The unary + keeps SQLite from looking households up by these ids (and sorting them all): it walks the
        # list's index instead and stops when the page is full.
        return _Search(Q(RawSQL(f'+"registry_household"."id" IN ({matches.sql})', matches.params,  # noqa: S611
                                output_field=BooleanField())), few=False)
    return _Search(Q(pk__in=matches), few=False)


def _sqlite_names_ready() -> bool:
    """Is the FTS table there with all its sync triggers? Checked once per database connection.

    A later migration that rebuilds registry_person drops the triggers (see migration 0002); the plain LIKE
    scan over registry_person is then used, slower but never stale.
    """
    connection.ensure_connection()
    raw = connection.connection
    cached = getattr(connection, "_berdaya_names_ready", None)
    if cached is not None and cached[0] is raw:
        return cached[1]
    with connection.cursor() as cursor:
        marks = ", ".join(["%s"] * len(_SQLITE_NAMES_OBJECTS))
        cursor.execute(f"SELECT COUNT(*) FROM sqlite_master WHERE name IN ({marks})",  # noqa: S608
                       list(_SQLITE_NAMES_OBJECTS))
        ready = cursor.fetchone()[0] == len(_SQLITE_NAMES_OBJECTS)
    connection._berdaya_names_ready = (raw, ready)
    return ready


def _village_code():
    """The village code compared byte by byte: PostgreSQL's "C" collation, SQLite's default (BINARY).

    Under it a region is one contiguous range of the index on (village code, KK number) that the list is sorted
    by, whatever the database's own collation (migration 0002 builds that index on PostgreSQL). A prefix LIKE
    cannot use that index (SQLite's LIKE ignores case; PostgreSQL needs a pattern_ops index, which cannot sort),
    and the planner then walks the list from its start to the region.
    """
    return Collate(F("village_id"), "C") if connection.vendor == "postgresql" else F("village_id")


def _in_region(code: str, *, indexed: bool = True) -> Q:
    """Village `code` and every code under it: "/" follows "." in byte order, so [code, code + "/") holds
    "code" and "code.…" and no sibling (33.16 vs 33.160 cannot occur: each level has a fixed width).

    indexed=False gives the same rows as a prefix LIKE, which SQLite cannot serve from an index: when a short
    list of ids drives the query, this keeps SQLite from walking the region instead.
    """
    if not indexed:
        return Q(village__code__startswith=code)
    return Q(village_code__gte=code, village_code__lt=code + "/")


def household_list(*, user, filters: HouseholdFilters) -> QuerySet[Household]:
    qs = households_in_scope(user=user).select_related("village").alias(village_code=_village_code())
    search = _search(filters.q.strip()) if filters.q.strip() else None
    few = search is not None and search.few
    if filters.region:
        qs = qs.filter(_in_region(filters.region, indexed=not few))
    elif not few:
        prefixes = region_prefixes(user, Perm.REGISTRY_VIEW)
        if len(prefixes) == 1 and prefixes[0]:
            # A one-region scope (applied above) repeated as a range the index can use.
            qs = qs.filter(_in_region(prefixes[0]))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.vulnerability in VULNERABILITY_FIELDS:
        qs = qs.filter(**{filters.vulnerability: True})
    if filters.flagged:
        qs = qs.filter(open_flag_count__gt=0)
    if search is not None:
        qs = qs.filter(search.q)
    return qs.order_by("village_code", "kk_number")


def household_get(*, user, pk: int, perm: str = Perm.REGISTRY_VIEW) -> Household:
    """The household if it lies in the user's scope for `perm`, else Http404."""
    from berdaya.core.permissions import get_in_scope_or_404

    return get_in_scope_or_404(Household.objects.select_related("village"), user, perm, "village__code", pk=pk)


def person_get(*, user, pk: int, perm: str = Perm.REGISTRY_VIEW) -> Person:
    from berdaya.core.permissions import get_in_scope_or_404

    return get_in_scope_or_404(Person.objects.select_related("household", "household__village"), user, perm,
                               "household__village__code", pk=pk)


def household_members(*, household: Household) -> list[Person]:
    return list(household.members.order_by("status", "relationship", "birth_date"))


def household_open_flags(*, household: Household) -> list[ReviewFlag]:
    return list(household.flags.filter(resolved_at__isnull=True).select_related("person"))


def household_by_kk(*, user, kk_number: str, perm: str = Perm.REGISTRY_VIEW) -> Household | None:
    """The household with this KK number inside the user's scope for `perm` (None elsewhere or unknown)."""
    kk = clean_number(kk_number)
    if not kk:
        return None
    return households_in_scope(user=user, perm=perm).select_related("village").filter(kk_number=kk).first()


def flag_get(*, user, pk: int, perm: str = Perm.REGISTRY_VIEW) -> ReviewFlag:
    """A review flag whose household lies in the user's scope for `perm`, else Http404."""
    from berdaya.core.permissions import get_in_scope_or_404

    return get_in_scope_or_404(ReviewFlag.objects.select_related("household"), user, perm,
                               "household__village__code", pk=pk)
