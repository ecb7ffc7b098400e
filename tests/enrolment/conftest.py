"""Enrolment fixtures: Blora's BLT Dana Desa (Rp 300.000 a month, Rp 3.600.000 a year per family) with an APBN line,
an eligibility rule every household meets, households with constructed priority scores, verval outcomes."""

from __future__ import annotations

from datetime import date

import pytest

from berdaya.core.permissions import Role
from berdaya.enrolment import services
from berdaya.programmes import services as programmes
from berdaya.programmes.models import BenefitType, Frequency, FundingSource, Kind, TargetUnit
from berdaya.targeting import services as targeting
from berdaya.targeting.models import DesilSource, HouseholdScore
from tests import factories
from tests.conftest import BLORA, PASURUAN

YEAR = 2026
PER_YEAR = 3_600_000  # Rp 300.000 × 12


def programme_data(**extra) -> dict:
    data = {"office": BLORA, "code": "BLT-DD", "name": "BLT Dana Desa", "kind": Kind.CASH,
            "target_unit": TargetUnit.HOUSEHOLD, "frequency": Frequency.MONTHLY, "duration_months": 12,
            "benefit_type": BenefitType.AMOUNT, "benefit_amount": 300_000, "is_active": True}
    data.update(extra)
    return data


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Decrees are written under a temporary private root, not the developer's data folder."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def score_model(db):
    return targeting.score_model_active()


@pytest.fixture
def apbn(db):
    return FundingSource.objects.create(code="apbn", kind="apbn", name="APBN (Kementerian Sosial)")


@pytest.fixture
def dana_desa(db):
    return FundingSource.objects.create(code="dana-desa", kind="dana_desa", name="Dana Desa")


@pytest.fixture
def blt(staff_blora, apbn, dana_desa, score_model):
    programme = programmes.programme_create(actor=staff_blora,
                                            data=programme_data(funding_sources=[apbn, dana_desa]))
    targeting.rule_save(actor=staff_blora, programme=programme, expression="member_count >= 1")
    return programme


def allocate(staff, programme, source, amount, year=YEAR):
    return programmes.budget_allocate(actor=staff, programme=programme, source=source, year=year, amount=amount,
                                      reason="DPA")


@pytest.fixture
def line(staff_blora, blt, apbn):
    """Room for exactly three families' year."""
    return allocate(staff_blora, blt, apbn, 3 * PER_YEAR)


@pytest.fixture
def kadis_pasuruan(db):
    return factories.user_with_role(username="kadis_pasuruan", role=Role.HEAD_OF_OFFICE, region=PASURUAN)


def scored(household, score_model, *, priority: float, welfare: float = 50.0):
    HouseholdScore.objects.update_or_create(household=household, defaults={
        "score_model": score_model, "welfare_score": welfare, "computed_desil": 1,
        "desil_source": DesilSource.COMPUTED, "priority_score": priority, "computed_at": "2026-01-01T00:00Z"})
    return household


def family(staff, score_model, village, head_name, *, priority: float, welfare: float = 50.0, **extra):
    return scored(factories.household(actor=staff, village=village, head_name=head_name, **extra), score_model,
                  priority=priority, welfare=welfare)


def verval_eligible(verifier_user, households, *, programme=None, year=YEAR, region=BLORA, outcome="eligible"):
    """A verval assignment of `year` (for `programme`, or any) where each household's outcome stands."""
    from berdaya.verification.models import Assignment, VervalTask

    assignment = Assignment.objects.create(name="Verval", programme=programme, fiscal_year=year, source="registry",
                                           region_id=region, verifier=verifier_user)
    for household in households:
        VervalTask.objects.create(assignment=assignment, household=household, state="done", outcome=outcome)
    return assignment


def build(actor, programme, *, region=BLORA, year=YEAR, require_verval=False, **kwargs):
    return services.list_build(actor=actor, programme=programme, year=year, region=region,
                               require_verval=require_verval, **kwargs)


def approve(actor, enrolment_list, number="400/001/2026", when=date(2026, 1, 20)):
    return services.list_approve(actor=actor, enrolment_list=enrolment_list, decree_number=number,
                                 decree_date=when)


def rows(enrolment_list):
    """(head name, rank, fits, wait reason, status, amount) in rank order."""
    return [(e.household.head_name, e.rank, e.fits, e.wait_reason, e.status, e.amount)
            for e in enrolment_list.enrolments.select_related("household").order_by("rank", "pk")]


@pytest.fixture
def mentor_blora(db):
    """A role without any enrolment permission."""
    return factories.user_without_password(username="pendamping_blora", role=Role.MENTOR, region=BLORA)


@pytest.fixture
def families(staff_blora, score_model):
    """Ani (village A, priority 9), Budi (village B, 7), Cici (village A2, 5), Dedi (village B, 3)."""
    from tests.conftest import VILLAGE_A, VILLAGE_A2, VILLAGE_B

    return [family(staff_blora, score_model, village, name, priority=p)
            for name, village, p in (("Ani", VILLAGE_A, 9), ("Budi", VILLAGE_B, 7), ("Cici", VILLAGE_A2, 5),
                                     ("Dedi", VILLAGE_B, 3))]


@pytest.fixture
def draft(staff_blora, blt, line, families):
    return build(staff_blora, blt)


@pytest.fixture
def approved(kadis, draft):
    return approve(kadis, draft)
