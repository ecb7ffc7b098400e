"""`berdaya demo`: a fresh database with Kabupaten Blora's regions, ~20,000 households and one user per role.

Fast by design: the population is generated in memory (demo.generator) and written with bulk_create in one
transaction, with the initial audit records created in bulk too (django-simple-history, reason
`demo.generated`). The cached columns are computed with the same functions the registry services use
(check_person, household_vulnerabilities, search_key), so the demo looks exactly as if it had been typed in.

Tests call `generate()` on the test database; only `build_demo()` resets the database.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from berdaya.accounts.models import RoleAssignment, User
from berdaya.core.permissions import Role
from berdaya.core.text import search_key
from berdaya.demo import places
from berdaya.demo.bulk import insert_with_history, next_id, reset_sequences
from berdaya.demo.casework import seed_casework
from berdaya.demo.drafts import HouseholdDraft, PersonDraft
from berdaya.demo.generator import Village, generate_households
from berdaya.programmes.seed import seed_demo as seed_programmes
from berdaya.regions.models import Level, Region
from berdaya.regions.services import regions_load
from berdaya.registry import search_index
from berdaya.registry.codes import Relationship
from berdaya.registry.models import BPS_FIELDS, Household, Person, ReviewFlag
from berdaya.registry.validation import check_person
from berdaya.registry.vulnerability import MemberFacts, household_vulnerabilities

DEFAULT_HOUSEHOLDS = 20_000
DEFAULT_SEED = 20261125
CHANGE_REASON = "demo.generated"
DEMO_PASSWORD = "berdaya-demo-2026"  # noqa: S105 (public demo password; README "Demo logins" shows it)

# (username, role, region code or None = national, display name, organisation)
DEMO_USERS = [
    ("admin", Role.ADMIN, None, "Administrator Nasional", ""),
    ("staf", Role.DINSOS_STAFF, places.BLORA, "Dwi Hartono", "Dinas Sosial Kabupaten Blora"),
    ("kadis", Role.HEAD_OF_OFFICE, places.BLORA, "Sri Wahyuni", "Dinas Sosial Kabupaten Blora"),
    ("operator", Role.VILLAGE_OPERATOR, "33.16.09.2001", "Agus Setiawan", "Pemerintah Desa Jepangrejo"),
    ("verifikator", Role.VERIFIER, "33.16.09", "Eko Prasetyo", "Dinas Sosial Kabupaten Blora"),
    ("pendamping", Role.MENTOR, "33.16.08", "Siti Aminah", "Pendamping PKH Kecamatan Jepon"),
    ("mitra", Role.PARTNER, places.BLORA, "Ahmad Fauzi", "Lazizmu"),
    ("auditor", Role.AUDITOR, places.BLORA, "Bambang Sutrisno", "Inspektorat Kabupaten Blora"),
]

Echo = Callable[[str], None]


@dataclass
class DemoResult:
    households: int = 0
    persons: int = 0
    living: int = 0
    flags: Counter = field(default_factory=Counter)
    duplicates: list[tuple[int, int]] = field(default_factory=list)  # (original person id, duplicate id)
    users: list[tuple[str, str, str]] = field(default_factory=list)  # (username, role, region label)
    seconds: float = 0.0
    today: date | None = None  # the date ages and vulnerability were computed for


def _quiet(_line: str) -> None:
    pass


# --- database reset ---------------------------------------------------------------------------------------------
def reset_database(*, echo: Echo = _quiet) -> None:
    """Start from an empty, migrated database: delete the SQLite file, or flush PostgreSQL after migrating."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        connections.close_all()
        name = str(db["NAME"])
        if name and name != ":memory:" and not name.startswith("file:"):
            for suffix in ("", "-wal", "-shm"):
                Path(f"{name}{suffix}").unlink(missing_ok=True)
            echo(_("Basis data SQLite baru: %(path)s") % {"path": name})
        call_command("migrate", "--no-input", verbosity=0)
    else:
        call_command("migrate", "--no-input", verbosity=0)
        echo(_("Mengosongkan basis data PostgreSQL %(name)s …") % {"name": db["NAME"]})
        call_command("flush", "--no-input", verbosity=0)


def build_demo(*, households: int = DEFAULT_HOUSEHOLDS, seed: int = DEFAULT_SEED, echo: Echo = print) -> DemoResult:
    """Fresh database, all regions, the Blora population and the demo users; prints the logins."""
    started = time.perf_counter()
    with translation.override(settings.LANGUAGE_CODE):
        reset_database(echo=echo)
        echo(_("Basis data siap (%(s).1f d).") % {"s": time.perf_counter() - started})
        step = time.perf_counter()
        counts = regions_load()
        echo(_("Wilayah dimuat: %(n)s wilayah (%(s).1f d).") % {"n": f"{sum(counts.values()):,}".replace(",", "."),
                                                               "s": time.perf_counter() - step})
        result = generate(households=households, seed=seed, echo=echo)
        seed_programmes(echo=echo)
        step = time.perf_counter()
        seed_casework(today=result.today, echo=echo)
        echo(_("Kasus demo siap (%(s).1f d).") % {"s": time.perf_counter() - step})
        result.seconds = time.perf_counter() - started
        _print_summary(result, echo)
    return result


# --- generation ---------------------------------------------------------------------------------------------------
def blora_villages() -> list[Village]:
    districts = dict(Region.objects.filter(level=Level.DISTRICT, code__startswith=places.BLORA + ".")
                     .values_list("code", "name"))
    rows = Region.objects.filter(level=Level.VILLAGE, code__startswith=places.BLORA + ".").values_list(
        "code", "name", "parent_id")
    return [Village(code, name, parent, districts.get(parent, "")) for code, name, parent in rows]


def generate(*, households: int = DEFAULT_HOUSEHOLDS, seed: int = DEFAULT_SEED, echo: Echo = _quiet,
             today: date | None = None, users: bool = True) -> DemoResult:
    """Generate the population into the current database (regions of Blora must be loaded) and the demo users."""
    today = today or timezone.localdate()
    step = time.perf_counter()
    drafts = generate_households(households=households, seed=seed, villages=blora_villages(), today=today)
    echo(_("Data %(n)s keluarga dibangkitkan (%(s).1f d).") % {"n": _num(len(drafts)),
                                                            "s": time.perf_counter() - step})
    step = time.perf_counter()
    with transaction.atomic():
        result = _write(drafts, today=today)
        result.today = today
        if users:
            result.users = create_demo_users()
    _analyze()
    echo(_("Data ditulis ke basis data (%(s).1f d).") % {"s": time.perf_counter() - step})
    return result


def _member_flags(person: PersonDraft, today: date) -> list[tuple[str, str]]:
    check = check_person(nik=person.nik, sex=person.sex, birth_date=person.birth_date, pregnant=person.pregnant,
                         today=today)
    if check.errors:  # the generator must only produce records the services would accept
        raise RuntimeError(f"Demo generator produced an invalid person {person.name!r}: {check.errors}")
    return check.flags if person.alive else []


def _household_row(draft: HouseholdDraft, flags: list[list[tuple[str, str]]], *, pk: int, now,
                   today: date) -> dict:
    facts = [MemberFacts(birth_date=m.birth_date, sex=m.sex, relationship=m.relationship, disability=m.disability,
                         pregnant=m.pregnant, alive=m.alive) for m in draft.members]
    met = sum(1 for name in BPS_FIELDS if draft.indicators.get(name) is True)
    heads = [m for m in draft.living if m.relationship == Relationship.HEAD]
    return {
        "id": pk, "kk_number": draft.kk_number, "village_id": draft.village, "address": draft.address,
        "dusun": draft.dusun, "rt": draft.rt, "rw": draft.rw, "latitude": draft.latitude,
        "longitude": draft.longitude, "monthly_income": draft.monthly_income, "official_desil": draft.official_desil,
        **draft.indicators,
        **household_vulnerabilities(facts, bps_criteria_met=met, today=today),
        "bps_criteria_met": met, "member_count": len(draft.living), "head_name": heads[0].name if heads else "",
        "open_flag_count": sum(len(f) for f in flags) + _head_missing(draft),
        "created_at": now, "updated_at": now,
    }


def _head_missing(draft: HouseholdDraft) -> bool:
    """As registry.services.household_refresh: living members but no living head."""
    return bool(draft.living) and not any(m.relationship == Relationship.HEAD for m in draft.living)


def _person_row(draft: PersonDraft, *, pk: int, household_id: int, now) -> dict:
    return {
        "id": pk, "household_id": household_id, "nik": draft.nik, "name": draft.name,
        "name_key": search_key(draft.name), "sex": draft.sex, "birth_place": draft.birth_place,
        "birth_date": draft.birth_date, "relationship": draft.relationship, "marital_status": draft.marital_status,
        "education": draft.education, "occupation": draft.occupation, "disability": draft.disability,
        "pregnant": draft.pregnant, "monthly_income": draft.monthly_income, "phone": draft.phone,
        "status": draft.status, "status_date": draft.status_date, "status_note": draft.status_note,
        "created_at": now, "updated_at": now,
    }


def _write(drafts: list[HouseholdDraft], *, today: date) -> DemoResult:
    now = timezone.now()
    audit = {"when": now, "reason": CHANGE_REASON}
    member_flags = [[_member_flags(m, today) for m in draft.members] for draft in drafts]
    household_pk, person_pk, flag_pk = next_id(Household), next_id(Person), next_id(ReviewFlag)

    households, people, flags = [], [], []
    person_ids: dict[int, int] = {}  # id(PersonDraft) -> primary key
    head_missing_message = _("Keluarga ini tidak punya kepala keluarga yang hidup: tetapkan yang baru.")
    for draft, per_member in zip(drafts, member_flags, strict=True):
        households.append(_household_row(draft, per_member, pk=household_pk, now=now, today=today))
        for member, found in zip(draft.members, per_member, strict=True):
            person_ids[id(member)] = person_pk
            people.append(_person_row(member, pk=person_pk, household_id=household_pk, now=now))
            for code, message in found:
                flags.append({"id": flag_pk, "household_id": household_pk, "person_id": person_pk, "code": code,
                              "message": message[:400], "created_at": now})
                flag_pk += 1
            person_pk += 1
        if _head_missing(draft):
            flags.append({"id": flag_pk, "household_id": household_pk, "code": ReviewFlag.Code.HEAD_MISSING,
                          "message": head_missing_message, "created_at": now})
            flag_pk += 1
        household_pk += 1

    # The name index's triggers would rewrite a household's document once per member: rebuilt once instead.
    with search_index.suspended(rows=len(people)) as names:
        insert_with_history(Household, households, **audit)
        insert_with_history(Person, people, **audit)
        insert_with_history(ReviewFlag, flags, **audit)
        names.touch(h["id"] for h in households)
    reset_sequences(Household, Person, ReviewFlag)

    result = DemoResult(households=len(households), persons=len(people),
                        living=sum(len(d.living) for d in drafts), flags=Counter(f["code"] for f in flags))
    result.duplicates = [(person_ids[id(m.duplicate_of)], person_ids[id(m)])
                         for d in drafts for m in d.members if m.duplicate_of is not None]
    return result


def _analyze() -> None:
    """Fresh statistics so the query planner knows the tables are no longer empty."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --- users ----------------------------------------------------------------------------------------------------------
def create_demo_users() -> list[tuple[str, str, str]]:
    """One user per role with its region (password DEMO_PASSWORD); existing demo usernames are left as they are."""
    out = []
    role_labels = dict(Role.CHOICES)
    # Argon2 takes a third of a second per hash: hash the shared demo password once.
    encoded = make_password(DEMO_PASSWORD)
    for username, role, region_code, full_name, organisation in DEMO_USERS:
        region = Region.objects.get(code=region_code) if region_code else None
        first, _sep, last = full_name.partition(" ")
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "organisation": organisation, "password": encoded,
                      "is_staff": role == Role.ADMIN, "is_superuser": role == Role.ADMIN},
        )
        if created:
            RoleAssignment.objects.create(user=user, role=role, region=region)
        out.append((username, f"{role} · {role_labels[role]}", _region_label(region)))
    return out


def _region_label(region: Region | None) -> str:
    if region is None:
        return str(_("Nasional"))
    # Regency names already say "Kabupaten"/"Kota".
    name = region.name if region.name.lower().startswith(str(region.kind_label).lower()) else region.display_name
    return f"{name} ({region.code})"


# --- output -----------------------------------------------------------------------------------------------------------
def _num(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _print_summary(result: DemoResult, echo: Echo) -> None:
    echo("")
    echo(_("Demo Kabupaten Blora siap: %(h)s keluarga, %(p)s orang (%(l)s hidup dan tinggal), %(f)s tanda tinjau, "
           "%(d)s data ganda tertanam; %(s).1f detik.")
         % {"h": _num(result.households), "p": _num(result.persons), "l": _num(result.living),
            "f": _num(sum(result.flags.values())), "d": _num(len(result.duplicates)), "s": result.seconds})
    echo("  " + ", ".join(f"{code}: {_num(n)}" for code, n in sorted(result.flags.items())))
    echo("")
    echo(_("Login demo (kata sandi semua pengguna: %(pw)s):") % {"pw": DEMO_PASSWORD})
    width = max(len(u) for u, _r, _g in result.users) if result.users else 0
    for username, role, region in result.users:
        echo(f"  {username:<{width}}  {DEMO_PASSWORD}  {role:<40}  {region}")
