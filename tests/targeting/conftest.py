"""Targeting fixtures: a programme of Blora's Dinsos with a budget, the active score model, households to rank."""

from __future__ import annotations

from datetime import date

import pytest

from berdaya.targeting import services
from berdaya.targeting.rules import RuleContext

TODAY = date(2026, 6, 15)
CONTEXT = RuleContext(today=TODAY, extreme_line=391_000.0)


@pytest.fixture
def score_model(db):
    return services.score_model_active()


@pytest.fixture
def context():
    return CONTEXT


YEAR = 2026


@pytest.fixture
def blt(db):
    """BLT Dana Desa of Blora's Dinsos: Rp 300.000 a month for 12 months (Rp 3.600.000 a year per family), with
    Rp 10.000.000 allocated for 2026 of which Rp 1.000.000 is committed and Rp 500.000 disbursed."""
    from berdaya.programmes.models import BudgetLine, FiscalYear, FundingSource, Programme

    programme = Programme.objects.create(office_id="33.16", code="BLT-DD", name="BLT Dana Desa", kind="cash",
                                         frequency="monthly", duration_months=12, benefit_type="amount",
                                         benefit_amount=300_000)
    source = FundingSource.objects.create(code="dana-desa", kind="dana_desa", name="Dana Desa")
    programme.funding_sources.add(source)
    year = FiscalYear.objects.create(year=YEAR, start_date=date(YEAR, 1, 1), end_date=date(YEAR, 12, 31))
    BudgetLine.objects.create(programme=programme, source=source, fiscal_year=year, allocated=10_000_000,
                              committed=1_000_000, disbursed=500_000)
    return programme


@pytest.fixture
def blt_pasuruan(db):
    from berdaya.programmes.models import Programme

    return Programme.objects.create(office_id="35.75", code="BLT-DD", name="BLT Pasuruan", kind="cash",
                                    frequency="monthly", duration_months=12, benefit_type="amount",
                                    benefit_amount=300_000)
