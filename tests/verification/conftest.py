"""Verval fixtures: verifiers per district, a Blora programme, complete proposal items, assignments with tasks,
and a private document root per test (visit photos)."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from berdaya.core.permissions import Role
from berdaya.programmes.models import FiscalYear, Programme
from berdaya.proposals.models import ItemStatus, Proposal, ProposalItem
from berdaya.proposals.services import item_transition
from berdaya.verification import services
from berdaya.verification.models import Source
from tests import factories
from tests.conftest import BLORA, DISTRICT_A, DISTRICT_B, VILLAGE_A

YEAR = 2026
_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _documents(private_root):
    return private_root


@pytest.fixture
def verifier_a(db):
    return factories.user_without_password(username="verifikator_a", role=Role.VERIFIER, region=DISTRICT_A)


@pytest.fixture
def verifier_a2(db):
    """Another verifier of the same district, not given the assignment."""
    return factories.user_without_password(username="verifikator_a2", role=Role.VERIFIER, region=DISTRICT_A)


@pytest.fixture
def verifier_village_a(db):
    return factories.user_without_password(username="verifikator_desa_a", role=Role.VERIFIER, region=VILLAGE_A)


@pytest.fixture
def fiscal_year(db):
    return FiscalYear.objects.get_or_create(year=YEAR, defaults={"start_date": date(YEAR, 1, 1),
                                                                 "end_date": date(YEAR, 12, 31)})[0]


@pytest.fixture
def uep(db):
    return Programme.objects.create(office_id=BLORA, code="UEP", name="Usaha Ekonomi Produktif",
                                    kind="business_capital", frequency="one_off", duration_months=1,
                                    benefit_type="kit", benefit_amount=2_500_000)


@pytest.fixture
def pkh(db):
    return Programme.objects.create(office_id=BLORA, code="PKH", name="Program Keluarga Harapan", kind="cash",
                                    frequency="quarterly", duration_months=12, benefit_type="amount",
                                    benefit_amount=750_000)


def proposal_item(*, household, programme, actor, status=ItemStatus.COMPLETE, region=None, person=None,
                  year=YEAR) -> ProposalItem:
    """A proposal of the household's village with one item, moved to `status` through item_transition."""
    proposal = Proposal.objects.create(number=f"USL-{year}-{next(_numbers):06d}", programme=programme,
                                       fiscal_year=year, region_id=region or household.village_id,
                                       proposer_kind="village_head", proposer_name="Kepala Desa",
                                       letter_number="140/01/2026", letter_date=date(year, 1, 10))
    item = ProposalItem.objects.create(proposal=proposal, household=household, person=person,
                                       request="Membuka warung kopi", business_type="warung_kopi")
    if status == ItemStatus.COMPLETE:
        item = item_transition(item=item, to_status=ItemStatus.COMPLETE, actor=actor)
    return item


png_bytes = factories.png_bytes


def photo(name="rumah.png", colour="red") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(colour), content_type="image/png")


def make_assignment(*, actor, verifier, region=DISTRICT_A, source=Source.REGISTRY, programme=None, year=None,
                    name="Verval Jati"):
    return services.assignment_create(actor=actor, name=name, region=region, verifier=verifier, source=source,
                                      programme=programme, fiscal_year=year)


@pytest.fixture
def assignment_a(staff_blora, verifier_a):
    """Verifier A's registry assignment over district A (no household yet)."""
    return make_assignment(actor=staff_blora, verifier=verifier_a)


@pytest.fixture
def task_a(staff_blora, assignment_a, household_a):
    return services.assignment_add_households(actor=staff_blora, assignment=assignment_a, households=[household_a])[0]


@pytest.fixture
def assignment_b(staff_blora, verifier_kecamatan_b):
    return make_assignment(actor=staff_blora, verifier=verifier_kecamatan_b, region=DISTRICT_B, name="Verval Randu")


@pytest.fixture
def task_b(staff_blora, assignment_b, household_b):
    return services.assignment_add_households(actor=staff_blora, assignment=assignment_b, households=[household_b])[0]


def add_member(household, *, actor, name="Siti Aminah", sex="P", relationship=3, birth_date=date(1984, 2, 3)):
    from berdaya.registry import services as registry

    data = factories.person_data(village=household.village_id, name=name, sex=sex, relationship=relationship,
                                 birth_date=birth_date)
    return registry.person_add(actor=actor, household=household, data=data)
