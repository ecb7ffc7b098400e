"""A mid-year addition: amounts only for the months left to December; the year's waitlist and newly verified
households ranked together; what the remaining budget cannot cover waits; the page's cost to December."""

from datetime import date

import pytest

from berdaya.enrolment import selectors, services
from berdaya.enrolment.models import Enrolment, EnrolmentStatus
from berdaya.programmes import services as programmes
from berdaya.programmes.models import Frequency
from tests.conftest import VILLAGE_A, VILLAGE_B
from tests.enrolment.conftest import PER_YEAR, allocate, approve, build, family, programme_data, rows

S = EnrolmentStatus
MONTH = 300_000


@pytest.fixture(autouse=True)
def _no_decree(settings):
    settings.BERDAYA_DECREE_INLINE_MAX = 0


@pytest.fixture
def decided(staff_blora, kadis, blt, apbn, score_model):
    """January: Ani and Budi approved for the year; Cici waits. Money is left for nobody."""
    line = allocate(staff_blora, blt, apbn, 2 * PER_YEAR)
    made = {name: family(staff_blora, score_model, VILLAGE_A, name, priority=p)
            for name, p in (("Ani", 9), ("Budi", 8), ("Cici", 4))}
    main = approve(kadis, build(staff_blora, blt))
    return line, made, main


def test_an_addition_costs_only_the_months_left_and_what_the_budget_cannot_cover_waits(
        staff_blora, kadis, blt, decided, score_model):
    line, made, main = decided
    programmes.budget_revise(actor=staff_blora, line=line, amount=2 * PER_YEAR + 6 * MONTH, reason="APBD-P")
    dewi = family(staff_blora, score_model, VILLAGE_B, "Dewi", priority=6)  # newly verified, ranked above Cici
    addition = build(staff_blora, blt, kind="addition", start_month=7)
    assert rows(addition) == [("Dewi", 1, True, "", S.DRAFT, 6 * MONTH),
                              ("Cici", 2, False, "budget", S.WAITLISTED, 6 * MONTH)]
    summary = selectors.list_summary(enrolment_list=addition)
    assert (summary.months, summary.payments, summary.per_unit) == (6, 6, 6 * MONTH)
    assert (summary.fitting_amount, summary.all_amount, summary.budget.remaining) == (
        6 * MONTH, 12 * MONTH, 6 * MONTH)
    assert summary.shortfall == 6 * MONTH  # what taking Cici too would still need
    approve(kadis, addition, number="400/002/2026", when=date(2026, 7, 1))
    line.refresh_from_db()
    assert line.remaining == 0
    assert Enrolment.objects.get(household=dewi).status == S.APPROVED
    cici = Enrolment.objects.get(household=made["Cici"])
    assert (cici.status, cici.enrolment_list_id) == (S.WAITLISTED, addition.pk)  # waits in the latest list
    assert main.enrolments.filter(status=S.WAITLISTED).count() == 0


def test_a_waitlisted_household_moves_in_when_money_is_added(staff_blora, kadis, blt, decided):
    line, made, _main = decided
    programmes.budget_revise(actor=staff_blora, line=line, amount=2 * PER_YEAR + 3 * MONTH, reason="APBD-P")
    addition = build(staff_blora, blt, kind="addition", start_month=10)
    assert rows(addition) == [("Cici", 1, True, "", S.WAITLISTED, 3 * MONTH)]
    approve(kadis, addition, number="400/003/2026", when=date(2026, 10, 1))
    cici = Enrolment.objects.get(household=made["Cici"])
    assert (cici.status, cici.number, cici.amount, cici.snapshot["start_month"]) == (S.APPROVED, 1, 3 * MONTH, 10)


def test_with_nothing_left_every_addition_waits(staff_blora, blt, decided, score_model):
    family(staff_blora, score_model, VILLAGE_B, "Eko", priority=10)
    addition = build(staff_blora, blt, kind="addition", start_month=9)
    assert [(r[0], r[2], r[5]) for r in rows(addition)] == [("Eko", False, 4 * MONTH), ("Cici", False, 4 * MONTH)]
    assert selectors.list_summary(enrolment_list=addition).shortfall == 8 * MONTH


def test_a_quarterly_programme_added_in_may_pays_the_july_and_october_quarters(staff_blora, apbn, score_model):
    quarterly = programmes.programme_create(actor=staff_blora, data=programme_data(
        code="TRIWULAN", frequency=Frequency.QUARTERLY, benefit_amount=750_000, funding_sources=[apbn]))
    from berdaya.targeting import services as targeting

    targeting.rule_save(actor=staff_blora, programme=quarterly, expression="member_count >= 1")
    allocate(staff_blora, quarterly, apbn, 10_000_000)
    family(staff_blora, score_model, VILLAGE_A, "Ani", priority=9)
    addition = build(staff_blora, quarterly, kind="addition", start_month=5)
    assert [r[5] for r in rows(addition)] == [2 * 750_000]


def test_a_main_list_twice_is_refused_once_approved(staff_blora, blt, decided):
    from berdaya.core.errors import ApplicationError

    with pytest.raises(ApplicationError) as refused:
        build(staff_blora, blt)
    assert (refused.value.code, refused.value.field) == ("exists", "kind")


def test_the_addition_defaults_to_this_month(staff_blora, blt, decided):
    from django.utils import timezone

    addition = services.list_build(actor=staff_blora, programme=blt, year=2026, region="33.16", kind="addition",
                                   require_verval=False)
    assert addition.start_month == (timezone.localdate().month if timezone.localdate().year == 2026 else 1)


def test_an_addition_after_the_last_quarterly_payment_is_refused(staff_blora, apbn, score_model):
    from berdaya.core.errors import ApplicationError
    from berdaya.targeting import services as targeting

    quarterly = programmes.programme_create(actor=staff_blora, data=programme_data(
        code="TRIWULAN", frequency=Frequency.QUARTERLY, benefit_amount=750_000, funding_sources=[apbn]))
    targeting.rule_save(actor=staff_blora, programme=quarterly, expression="member_count >= 1")
    allocate(staff_blora, quarterly, apbn, 10_000_000)
    with pytest.raises(ApplicationError) as refused:
        build(staff_blora, quarterly, kind="addition", start_month=11)
    assert (refused.value.code, refused.value.field) == ("no_payment", "start_month")
