"""Factories that go through the real services (so caches, flags and audit are what the app would write)."""

import io
import itertools
from datetime import date

from PIL import Image

from berdaya.accounts.models import RoleAssignment, User
from berdaya.core.identity import make_nik
from berdaya.registry import services

_serial = itertools.count(1)
PASSWORD = "rahasia-Berdaya-2026"


def user_with_role(*, username, role, region, password=PASSWORD):
    user = User.objects.create_user(username=username, password=password, first_name=username.replace("_", " "))
    RoleAssignment.objects.create(user=user, role=role, region_id=region)
    return user


def next_serial() -> int:
    return next(_serial)


def nik_for(*, village: str, birth_date: date, sex: str) -> str:
    return make_nik(district_code=village[:8], birth_date=birth_date, sex=sex, serial=next_serial())


def kk_for(*, village: str) -> str:
    return f"{village[:8].replace('.', '')}{next_serial():010d}"


def person_data(*, village: str, name="Budi Santoso", sex="L", birth_date=date(1980, 5, 17), relationship=4,
                **extra) -> dict:
    data = {
        "nik": nik_for(village=village, birth_date=birth_date, sex=sex),
        "name": name,
        "sex": sex,
        "birth_place": "Blora",
        "birth_date": birth_date,
        "relationship": relationship,
        "marital_status": 2,
        "education": 3,
        "occupation": 9,
        "disability": "",
        "pregnant": False,
        "monthly_income": 900_000,
        "phone": "",
    }
    data.update(extra)
    return data


def household(*, actor, village: str, head_name="Sutrisno", **extra):
    data = {"kk_number": kk_for(village=village), "village": village, "address": "Jl. Raya Jati No. 3",
            "rt": "001", "rw": "002", "monthly_income": 1_500_000}
    data.update(extra)
    head = person_data(village=village, name=head_name, relationship=1)
    return services.household_create(actor=actor, data=data, head=head)


def user_without_password(*, username, role, region):
    """A persona for tests that log in with client.force_login: skips the deliberately slow Argon2 hash."""
    user = User(username=username, first_name=username.replace("_", " "))
    user.set_unusable_password()
    user.save()
    RoleAssignment.objects.create(user=user, role=role, region_id=region)
    return user


def audit_trail(model, **lookup) -> list[tuple[str, str | None]]:
    """(action code, actor's username) of each audit record of `model` matching `lookup`, oldest first."""
    records = model.history.filter(**lookup).select_related("history_user").order_by("history_date", "history_id")
    return [(r.history_change_reason, r.history_user.username if r.history_user else None) for r in records]


def audit_counts() -> dict[str, int]:
    """How many audit records each registry model holds: a failed service must leave these unchanged."""
    from berdaya.registry.models import Household, Person, ReviewFlag

    return {m.__name__: m.history.count() for m in (Household, Person, ReviewFlag)} | {
        "households": Household.objects.count(), "persons": Person.objects.count(),
        "flags": ReviewFlag.objects.count()}


def png_bytes(colour="red", size=(8, 8)) -> bytes:
    """A real, small PNG (uploads are checked by content)."""
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()
