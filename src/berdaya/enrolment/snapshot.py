"""Frozen decisions: what an approved enrolment keeps of the registry, and the hashes that seal it.

snapshot = {
  "v": 1, "programme": "BLT-DD", "year": 2026, "list": 12,
  "household": {kk_number, address, dusun, rt, rw, status, the 14 BPS criteria, monthly_income, official_desil,
                bps_criteria_met, member_count, head_name, the vulnerability flags},
  "village": {"code": "33.16.01.2001", "name": "…"},
  "members": [{id, nik, name, sex, birth_date, relationship, disability, pregnant}, …]  (living members),
  "scores": {"priority": …, "welfare": …},
  "rule": {"id": …, "version": …, "expression_sha256": …}, "score_model": {"id": …, "version": …} or null,
  "amount": 3600000, "business_type": "", "person": null, "start_month": 1, "rank": 1, "number": 1,
}
snapshot_hash = sha256 of the canonical JSON (keys sorted, no spaces, UTF-8, dates ISO 8601); the list's
content_hash = sha256 of the snapshot hashes in SK-number order, one per line. `canonical(snapshot)` of a stored
snapshot gives back the same text whatever the database did to the JSON (PostgreSQL's jsonb reorders keys), so
anyone can check a hash later (snapshot_hash_of).

The registry is read with plain SQL (dates normalised here to ISO text), the same way for an approval of
300,000 households (window by window, in rank order) and for one household's page, so both compare equal.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime

from django.db import connection, models

from berdaya.registry import codes
from berdaya.registry.models import BPS_FIELDS, VULNERABILITY_FIELDS, Household, Person

VERSION = 1
HOUSEHOLD_FIELDS = ["kk_number", "address", "dusun", "rt", "rw", "status", *BPS_FIELDS, "monthly_income",
                    "official_desil", "bps_criteria_met", "member_count", "head_name", *VULNERABILITY_FIELDS]
MEMBER_FIELDS = ["id", "nik", "name", "sex", "birth_date", "relationship", "disability", "pregnant"]
REGISTRY_KEYS = ("household", "village", "members")  # what "the registry changed" compares
_HOUSEHOLD_ORDER = sorted(HOUSEHOLD_FIELDS)  # dicts built in key order dump as canonical without sorting
_MEMBER_ORDER = sorted(MEMBER_FIELDS)


def _default(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")


def canonical(data) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default)


_FAST = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def canonical_sorted(data) -> str:
    """canonical() for data whose every dict was built in sorted key order and holds only JSON types (faster)."""
    return _FAST.encode(data)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def snapshot_hash_of(snapshot: dict) -> str:
    return sha256(canonical(snapshot))


def content_hash_of(hashes: list[str]) -> str:
    return sha256("\n".join(hashes))


# --- reading the registry -----------------------------------------------------------------------------------------

def _to_date(value):
    return value if value is None or isinstance(value, str) else value.isoformat()


def _converters(model, names: list[str], offset: int) -> list[tuple[int, object]]:
    """Dates become ISO text. (Booleans already come back as bool: psycopg, and Django's SQLite converters.)"""
    return [(offset + i, _to_date) for i, name in enumerate(names)
            if isinstance(model._meta.get_field(name), models.DateField)]


def _columns(alias: str, model, names: list[str]) -> str:
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(model._meta.get_field(n).column)}" for n in names)


class Reader:
    """SELECTs of households (with the village name) and of living members, their rows turned into snapshot parts."""

    def __init__(self):
        quote = connection.ops.quote_name
        self.household_table = quote(Household._meta.db_table)
        self.person_table = quote(Person._meta.db_table)
        self.region_table = quote("regions_region")
        self.household_cols = f"h.id, h.village_id, r.name, {_columns('h', Household, _HOUSEHOLD_ORDER)}"
        self.member_cols = f"p.household_id, {_columns('p', Person, _MEMBER_ORDER)}"
        self.h_conv = _converters(Household, _HOUSEHOLD_ORDER, 3)
        self.m_conv = _converters(Person, _MEMBER_ORDER, 1)
        self.alive = codes.PersonStatus.ALIVE

    def part(self, row, offset: int = 0) -> tuple[int, dict]:
        """(household id, {"household", "village", "members": []}) of one household row."""
        row = row[offset:]
        if self.h_conv:
            row = list(row)
            for i, convert in self.h_conv:
                row[i] = convert(row[i])
        return row[0], {"household": dict(zip(_HOUSEHOLD_ORDER, row[3:], strict=True)),
                        "members": [], "village": {"code": row[1], "name": row[2]}}

    def members_into(self, rows, parts: dict[int, dict]) -> None:
        for row in rows:
            row = list(row)
            for i, convert in self.m_conv:
                row[i] = convert(row[i])
            parts[row[0]]["members"].append(dict(zip(_MEMBER_ORDER, row[1:], strict=True)))

    def member_order(self) -> str:
        return "p.relationship, p.birth_date, p.id"


def registry_parts(household_ids: list[int]) -> dict[int, dict]:
    """{household id: {"household": …, "village": …, "members": […]}} as the registry holds them now."""
    reader, parts = Reader(), {}
    with connection.cursor() as cursor:
        for start in range(0, len(household_ids), 5000):
            ids = list(household_ids[start:start + 5000])
            marks = ", ".join(["%s"] * len(ids))
            cursor.execute(f"SELECT {reader.household_cols} FROM {reader.household_table} h "  # noqa: S608
                           f"JOIN {reader.region_table} r ON r.code = h.village_id WHERE h.id IN ({marks})", ids)
            for row in cursor.fetchall():
                pk, part = reader.part(row)
                parts[pk] = part
            cursor.execute(f"SELECT {reader.member_cols} FROM {reader.person_table} p "  # noqa: S608
                           f"WHERE p.household_id IN ({marks}) AND p.status = %s "
                           f"ORDER BY p.household_id, {reader.member_order()}", [*ids, reader.alive])
            reader.members_into(cursor.fetchall(), parts)
    return parts


def normalised(part: dict) -> dict:
    """The JSON form of a registry part, comparable with a stored snapshot."""
    return json.loads(canonical(part))


def differences(stored: dict, current: dict | None) -> list[str]:
    """What changed between a snapshot and the registry now: household field names, "village", "members"."""
    if current is None:
        return ["household"]
    current = normalised(current)
    changed = [name for name in HOUSEHOLD_FIELDS
               if stored.get("household", {}).get(name) != current["household"].get(name)]
    if stored.get("village") != current["village"]:
        changed.append("village")
    if stored.get("members") != current["members"]:
        changed.append("members")
    return changed

