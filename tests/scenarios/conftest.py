"""Scenario fixtures: the people of Dinas Sosial Kota Pasuruan, a bulk writer for a city's extreme-poverty
population, small real PDF letters, the ministry list as an xlsx upload and a decree reader.

The population is the only thing written without the services (4,011 households through household_create would
take minutes): rows are built with the registry's own helpers (vulnerability flags, name keys, valid NIK/KK
numbers) and written with the demo generator's bulk writer (berdaya.demo.bulk), which also writes the initial
simple-history records; the name index is rebuilt as the demo does. Everything after it goes through services.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from berdaya.core.identity import make_nik
from berdaya.core.permissions import Role
from berdaya.core.text import search_key
from berdaya.demo.bulk import insert_with_history, next_id, reset_sequences
from berdaya.registry import codes, search_index
from berdaya.registry.models import BPS_FIELDS, Household, Person
from berdaya.registry.validation import check_person
from berdaya.registry.vulnerability import MemberFacts, household_vulnerabilities
from tests import factories
from tests.conftest import PASURUAN

POPULATION_REASON = "scenarios.population.bulk"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Letters and decrees are written under a temporary private root."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


# --- people of Kota Pasuruan -----------------------------------------------------------------------------------------

def persona(username: str, role: str, region: str, name: str):
    """A user with a role over a region, logged in by services only (no password hash: fast)."""
    user = factories.user_without_password(username=username, role=role, region=region)
    user.first_name, user.last_name = name.split(" ", 1)
    user.save(update_fields=["first_name", "last_name"])
    return user


@pytest.fixture
def staff_pasuruan(db):
    return persona("staf_pasuruan", Role.DINSOS_STAFF, PASURUAN, "Erna Hidayat")


@pytest.fixture
def kadis_pasuruan(db):
    return persona("kadis_pasuruan", Role.HEAD_OF_OFFICE, PASURUAN, "Kepala Dinsos")


# --- bulk population -------------------------------------------------------------------------------------------------

@dataclass
class MemberSpec:
    name: str
    sex: str
    birth_date: date
    relationship: int
    occupation: int | None = None
    disability: str = ""
    marital_status: int = codes.MaritalStatus.MARRIED
    education: int | None = 2
    monthly_income: int | None = None
    nik: str = ""  # set by bulk_households


@dataclass
class HouseholdSpec:
    village: str
    address: str
    members: list[MemberSpec]
    monthly_income: int
    indicators: dict = field(default_factory=dict)
    rt: str = "001"
    rw: str = "001"
    kk_number: str = ""  # set by bulk_households
    pk: int | None = None  # set by bulk_households

    @property
    def head(self) -> MemberSpec:
        return next(m for m in self.members if m.relationship == codes.Relationship.HEAD)


_nik_serials: dict[str, int] = defaultdict(int)


def _nik(*, village: str, birth_date: date, sex: str) -> str:
    """A valid NIK never issued before in this run: serials counted per district, birth date and sex."""
    prefix = make_nik(district_code=village[:8], birth_date=birth_date, sex=sex, serial=0)[:12]
    _nik_serials[prefix] += 1
    return make_nik(district_code=village[:8], birth_date=birth_date, sex=sex, serial=_nik_serials[prefix])


def bulk_households(specs: list[HouseholdSpec], *, today: date | None = None) -> list[HouseholdSpec]:
    """Write the households and their members in bulk, as the registry would hold them (cached columns from the
    registry's helpers, one '+' history record each). Sets kk_number, pk and each member's nik on the specs."""
    today = today or timezone.localdate()
    now = timezone.now()
    household_pk, person_pk = next_id(Household), next_id(Person)
    households, people = [], []
    for spec in specs:
        spec.pk, spec.kk_number = household_pk, factories.kk_for(village=spec.village)
        facts = []
        for member in spec.members:
            member.nik = _nik(village=spec.village, birth_date=member.birth_date, sex=member.sex)
            check = check_person(nik=member.nik, sex=member.sex, birth_date=member.birth_date, today=today)
            assert not check.errors and not check.flags, (member, check.errors, check.flags)
            facts.append(MemberFacts(birth_date=member.birth_date, sex=member.sex, relationship=member.relationship,
                                     disability=member.disability, pregnant=False))
            people.append({
                "id": person_pk, "household_id": household_pk, "nik": member.nik, "name": member.name,
                "name_key": search_key(member.name), "sex": member.sex, "birth_place": "Pasuruan",
                "birth_date": member.birth_date, "relationship": member.relationship,
                "marital_status": member.marital_status, "education": member.education,
                "occupation": member.occupation, "disability": member.disability, "pregnant": False,
                "monthly_income": member.monthly_income, "phone": "", "status": codes.PersonStatus.ALIVE,
                "status_date": None, "status_note": "", "created_at": now, "updated_at": now})
            person_pk += 1
        indicators = {name: spec.indicators.get(name) for name in BPS_FIELDS}
        met = sum(1 for value in indicators.values() if value is True)
        households.append({
            "id": household_pk, "kk_number": spec.kk_number, "village_id": spec.village, "address": spec.address,
            "dusun": "", "rt": spec.rt, "rw": spec.rw, "latitude": None, "longitude": None,
            "status": codes.HouseholdStatus.ACTIVE, "monthly_income": spec.monthly_income, "official_desil": None,
            **indicators, **household_vulnerabilities(facts, bps_criteria_met=met, today=today),
            "bps_criteria_met": met, "member_count": len(spec.members), "head_name": spec.head.name,
            "open_flag_count": 0, "created_at": now, "updated_at": now})
        household_pk += 1
    with search_index.suspended(rows=len(people)) as names:
        insert_with_history(Household, households, when=now, reason=POPULATION_REASON)
        insert_with_history(Person, people, when=now, reason=POPULATION_REASON)
        names.touch(h["id"] for h in households)
    reset_sequences(Household, Person)
    return specs


# --- documents -------------------------------------------------------------------------------------------------------

def letter_pdf(name: str, title: str) -> SimpleUploadedFile:
    """A small but real one-page PDF (the scanned letter), made with pypdf."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/pdf")


def xlsx_list(name: str, rows: list[tuple[str, str, str]]) -> SimpleUploadedFile:
    """The ministry's list as offices receive it: NIK, NAMA, ALAMAT (NIK as text, as Excel users are told to)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Data P3KE")
    sheet.append(["NIK", "NAMA", "ALAMAT"])
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type=XLSX)


def decree_text(document) -> str:
    """The text of a stored SK PDF, as a reader would copy it."""
    from pypdf import PdfReader

    from berdaya.core.documents import document_path

    return "\n".join(page.extract_text() for page in PdfReader(document_path(document)).pages)
