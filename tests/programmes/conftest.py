"""Programme fixtures: funding sources, a Blora programme with a budget line, and Kota Pasuruan's own office."""

import pytest

from berdaya.core.permissions import Role
from berdaya.programmes import services
from berdaya.programmes.models import BenefitType, Frequency, FundingSource, Kind, Partner, TargetUnit
from tests import factories
from tests.conftest import BLORA, PASURUAN

YEAR = 2026


def programme_data(**extra) -> dict:
    data = {"office": BLORA, "code": "BPNT", "name": "Program Sembako", "kind": Kind.FOOD,
            "target_unit": TargetUnit.HOUSEHOLD, "frequency": Frequency.MONTHLY, "duration_months": 12,
            "benefit_type": BenefitType.AMOUNT, "benefit_amount": 200_000, "is_active": True}
    data.update(extra)
    return data


@pytest.fixture
def apbn(db):
    return FundingSource.objects.create(code="apbn", kind="apbn", name="APBN (Kementerian Sosial)")


@pytest.fixture
def baznas(db):
    return FundingSource.objects.create(code="baznas", kind="zakat", name="Baznas")


@pytest.fixture
def sentra(db):
    return Partner.objects.create(code="sentra-magolaras", kind="training_centre", name="Sentra Magolaras")


@pytest.fixture
def partner_blora(db):
    return factories.user_with_role(username="mitra_blora", role=Role.PARTNER, region=BLORA)


@pytest.fixture
def programme(staff_blora, apbn, baznas):
    return services.programme_create(actor=staff_blora, data=programme_data(funding_sources=[apbn, baznas]))


@pytest.fixture
def programme_pasuruan(staff_pasuruan, apbn):
    return services.programme_create(actor=staff_pasuruan, data=programme_data(
        office=PASURUAN, code="BLT-DD", name="BLT Dana Desa Pasuruan", funding_sources=[apbn]))


@pytest.fixture
def uep(staff_blora, baznas):
    return services.programme_create(actor=staff_blora, data=programme_data(
        code="UEP", name="Usaha Ekonomi Produktif", kind=Kind.BUSINESS_CAPITAL, frequency=Frequency.ONE_OFF,
        duration_months=1, benefit_type=BenefitType.KIT, benefit_amount=2_500_000, funding_sources=[baznas]))


@pytest.fixture
def line(programme, apbn, staff_blora):
    return services.budget_allocate(actor=staff_blora, programme=programme, source=apbn, year=YEAR,
                                    amount=10_000_000, reason="DPA 2026")


def login(client, user):
    client.force_login(user)
    return client
