"""Plain records the demo generator fills before anything touches the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from berdaya.registry.codes import MaritalStatus, PersonStatus


@dataclass(eq=False)
class PersonDraft:
    name: str
    sex: str
    birth_date: date
    relationship: int
    marital_status: int = MaritalStatus.SINGLE
    education: int | None = None
    occupation: int | None = None
    disability: str = ""
    pregnant: bool = False
    monthly_income: int | None = None
    phone: str = ""
    birth_place: str = ""
    nik: str = ""
    status: str = PersonStatus.ALIVE
    status_date: date | None = None
    status_note: str = ""
    # Ground truth for later features (dedup): the person this record duplicates, and what was made dirty.
    duplicate_of: PersonDraft | None = None
    dirt: str = ""

    @property
    def alive(self) -> bool:
        return self.status == PersonStatus.ALIVE


@dataclass(eq=False)
class HouseholdDraft:
    kk_number: str
    village: str
    district: str
    kind: str
    wealth: float
    urban: bool
    address: str = ""
    dusun: str = ""
    rt: str = ""
    rw: str = ""
    remote: bool = False
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    indicators: dict = field(default_factory=dict)
    monthly_income: int | None = None
    official_desil: int | None = None
    members: list[PersonDraft] = field(default_factory=list)

    @property
    def living(self) -> list[PersonDraft]:
        return [m for m in self.members if m.alive]
