"""Proposal fixtures: Blora's UEP (kits per business type) and ATENSI (for persons), Kota Pasuruan's staff, a
verifier of district A, letters as uploads, and a helper that files a proposal through the real service."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from berdaya.core.permissions import Role
from berdaya.programmes import services as programme_services
from berdaya.programmes.models import BenefitType, Frequency, Kind, TargetUnit
from berdaya.proposals import services
from berdaya.proposals.models import ProposerKind
from tests import factories
from tests.conftest import BLORA, DISTRICT_A, VILLAGE_A

YEAR = 2026
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def pdf(name="surat_usulan.pdf", data=PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def png(name="foto_surat.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, factories.png_bytes("white"), content_type="image/png")


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture(autouse=True)
def _documents(private_root):
    return private_root


@pytest.fixture
def verifier_kecamatan_a(db):
    return factories.user_with_role(username="verifikator_a", role=Role.VERIFIER, region=DISTRICT_A)


@pytest.fixture
def camat_a(db):
    """A camat files as a village operator over the whole district."""
    return factories.user_with_role(username="camat_jati", role=Role.VILLAGE_OPERATOR, region=DISTRICT_A)


@pytest.fixture
def uep(staff_blora):
    programme = programme_services.programme_create(actor=staff_blora, data={
        "office": BLORA, "code": "UEP", "name": "Usaha Ekonomi Produktif", "kind": Kind.BUSINESS_CAPITAL,
        "target_unit": TargetUnit.HOUSEHOLD, "frequency": Frequency.ONE_OFF, "duration_months": 1,
        "benefit_type": BenefitType.KIT, "benefit_amount": 2_500_000, "is_active": True})
    programme_services.kit_create(actor=staff_blora, programme=programme, business_type="kiosk",
                                  name="Warung kelontong")
    programme_services.kit_create(actor=staff_blora, programme=programme, business_type="warung_kopi",
                                  name="Warung kopi")
    return programme


@pytest.fixture
def atensi(staff_blora):
    return programme_services.programme_create(actor=staff_blora, data={
        "office": BLORA, "code": "ATENSI", "name": "Asistensi Rehabilitasi Sosial", "kind": Kind.SERVICE,
        "target_unit": TargetUnit.PERSON, "frequency": Frequency.ONE_OFF, "duration_months": 1,
        "benefit_type": BenefitType.AMOUNT, "benefit_amount": 1_000_000, "is_active": True})


@pytest.fixture
def household_a2(db, staff_blora):
    return factories.household(actor=staff_blora, village=VILLAGE_A, head_name="Bambang Hartono")


def item(household, request="Membuka warung kopi", **extra) -> dict:
    return {"household": household, "request": request, **extra}


def file_proposal(*, actor, programme, items, region=VILLAGE_A, letter=True, **extra):
    data = {"fiscal_year": YEAR, "proposer_kind": ProposerKind.VILLAGE_HEAD, "proposer_name": "Sumarno",
            "letter_number": "140/12/2026", "letter_date": date(2026, 3, 2)}
    data.update(extra)
    return services.proposal_file(actor=actor, programme=programme, region=region, items=items,
                                  letter_upload=pdf() if letter is True else letter or None, **data)


@pytest.fixture
def proposal(operator_desa_a, uep, household_a):
    return file_proposal(actor=operator_desa_a, programme=uep,
                         items=[item(household_a, business_type="warung_kopi", has_business=False)])


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def mentor_a(db):
    """Works in village A but holds no proposal permission."""
    return factories.user_with_role(username="pendamping_a", role=Role.MENTOR, region=VILLAGE_A)
