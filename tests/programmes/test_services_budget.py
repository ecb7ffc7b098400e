"""Budget services: allocate, revise, commit, release, disburse — committed + disbursed never exceeds allocated."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F

from berdaya.core.errors import ApplicationError
from berdaya.programmes import services
from berdaya.programmes.models import BudgetCommitment, BudgetLine
from tests import factories
from tests.programmes.conftest import YEAR


def _fresh(line) -> BudgetLine:
    return BudgetLine.objects.get(pk=line.pk)


def _invariant_holds(line) -> bool:
    line = _fresh(line)
    return min(line.committed, line.disbursed) >= 0 and line.committed + line.disbursed <= line.allocated


# --- allocate ---------------------------------------------------------------------------------------------------------

def test_allocating_opens_the_line_and_the_fiscal_year(line):
    assert (line.allocated, line.committed, line.disbursed, line.remaining) == (10_000_000, 0, 0, 10_000_000)
    assert line.fiscal_year.year == YEAR and line.fiscal_year.is_open
    assert (line.fiscal_year.start_date.isoformat(), line.fiscal_year.end_date.isoformat()) == (
        "2026-01-01", "2026-12-31")


def test_a_line_is_allocated_once_then_revised(staff_blora, programme, apbn, line):
    with pytest.raises(ApplicationError) as err:
        services.budget_allocate(actor=staff_blora, programme=programme, source=apbn, year=YEAR, amount=1,
                                 reason="lagi")
    assert err.value.code == "exists"


def test_it_refuses_a_source_that_does_not_fund_the_programme(staff_blora, programme):
    from berdaya.programmes.models import FundingSource

    csr = FundingSource.objects.create(code="csr", kind="csr", name="CSR")
    with pytest.raises(ApplicationError) as err:
        services.budget_allocate(actor=staff_blora, programme=programme, source=csr, year=YEAR, amount=1,
                                 reason="DPA")
    assert err.value.field == "source"


@pytest.mark.parametrize("amount", [-1, 1.5, "1000", True])
def test_an_allocation_is_a_whole_non_negative_number_of_rupiah(staff_blora, programme, apbn, amount):
    with pytest.raises(ApplicationError) as err:
        services.budget_allocate(actor=staff_blora, programme=programme, source=apbn, year=YEAR, amount=amount,
                                 reason="DPA")
    assert err.value.field == "amount"


def test_an_allocation_needs_a_reason(staff_blora, programme, apbn):
    with pytest.raises(ApplicationError) as err:
        services.budget_allocate(actor=staff_blora, programme=programme, source=apbn, year=YEAR, amount=1,
                                 reason="  ")
    assert err.value.field == "reason"


@pytest.mark.parametrize("persona", ["kadis", "auditor_blora", "staff_pasuruan"])
def test_only_budget_managers_of_the_office_allocate(request, programme, apbn, persona):
    with pytest.raises(ApplicationError) as err:
        services.budget_allocate(actor=request.getfixturevalue(persona), programme=programme, source=apbn,
                                 year=YEAR, amount=1, reason="DPA")
    assert err.value.code == "forbidden"
    assert not BudgetLine.objects.exists()


# --- revise -----------------------------------------------------------------------------------------------------------

def test_a_revision_never_goes_below_what_is_committed_and_disbursed(staff_blora, kadis, line):
    commitment = services.budget_commit(actor=kadis, line=line, amount=6_000_000, reference="enrolment:1")
    services.budget_disburse(actor=staff_blora, commitment=commitment, amount=2_000_000, reference="q1")
    with pytest.raises(ApplicationError) as err:
        services.budget_revise(actor=staff_blora, line=line, amount=5_999_999, reason="APBD-P")
    assert err.value.code == "insufficient"
    revised = services.budget_revise(actor=staff_blora, line=line, amount=6_000_000, reason="APBD-P")
    assert (revised.allocated, revised.remaining) == (6_000_000, 0)


def test_a_revision_to_the_same_amount_is_refused(staff_blora, line):
    with pytest.raises(ApplicationError) as err:
        services.budget_revise(actor=staff_blora, line=line, amount=10_000_000, reason="sama")
    assert err.value.code == "unchanged"


# --- commit -----------------------------------------------------------------------------------------------------------

def test_a_commitment_takes_from_what_remains(kadis, line):
    commitment = services.budget_commit(actor=kadis, line=line, amount=2_400_000, reference="enrolment:7")
    line = _fresh(line)
    assert (line.committed, line.remaining) == (2_400_000, 7_600_000)
    assert (commitment.amount, commitment.outstanding, commitment.created_by) == (2_400_000, 2_400_000, kadis)


def test_it_refuses_to_commit_more_than_remains(kadis, line):
    services.budget_commit(actor=kadis, line=line, amount=9_000_000, reference="enrolment:1")
    with pytest.raises(ApplicationError) as err:
        services.budget_commit(actor=kadis, line=line, amount=1_000_001, reference="enrolment:2")
    assert err.value.code == "insufficient"
    assert err.value.extra["remaining"] == 1_000_000
    assert "Rp 1.000.000" in err.value.message
    services.budget_commit(actor=kadis, line=line, amount=1_000_000, reference="enrolment:2")
    assert _fresh(line).remaining == 0


def test_committing_again_with_the_same_reference_returns_the_first_commitment(kadis, line):
    first = services.budget_commit(actor=kadis, line=line, amount=1_000_000, reference="enrolment:1")
    again = services.budget_commit(actor=kadis, line=line, amount=1_000_000, reference="enrolment:1")
    assert again.pk == first.pk
    assert _fresh(line).committed == 1_000_000
    with pytest.raises(ApplicationError) as err:
        services.budget_commit(actor=kadis, line=line, amount=2_000_000, reference="enrolment:1")
    assert err.value.code == "duplicate"


def test_a_released_reference_can_commit_again(kadis, line):
    first = services.budget_commit(actor=kadis, line=line, amount=1_000_000, reference="enrolment:1")
    services.budget_release(actor=kadis, commitment=first, reason="dibatalkan")
    second = services.budget_commit(actor=kadis, line=line, amount=1_000_000, reference="enrolment:1")
    assert second.pk != first.pk
    assert _fresh(line).committed == 1_000_000


@pytest.mark.parametrize("persona", ["kadis", "staff_blora"])
def test_the_head_of_office_and_the_staff_may_commit(request, line, persona):
    services.budget_commit(actor=request.getfixturevalue(persona), line=line, amount=1, reference="x")
    assert _fresh(line).committed == 1


@pytest.mark.parametrize("persona", ["auditor_blora", "operator_desa_a", "staff_pasuruan"])
def test_others_may_not_commit(request, line, persona):
    with pytest.raises(ApplicationError) as err:
        services.budget_commit(actor=request.getfixturevalue(persona), line=line, amount=1, reference="x")
    assert err.value.code == "forbidden"
    assert _fresh(line).committed == 0


@pytest.mark.parametrize(("amount", "reference", "field"), [
    (0, "x", "amount"), (-5, "x", "amount"), (1, "", "reference"), (1, "x" * 65, "reference")])
def test_a_commitment_needs_a_positive_amount_and_a_reference(kadis, line, amount, reference, field):
    with pytest.raises(ApplicationError) as err:
        services.budget_commit(actor=kadis, line=line, amount=amount, reference=reference)
    assert err.value.field == field


# --- release and disburse ---------------------------------------------------------------------------------------------

def test_releasing_gives_back_what_was_not_paid(kadis, staff_blora, line):
    commitment = services.budget_commit(actor=kadis, line=line, amount=3_000_000, reference="enrolment:1")
    services.budget_disburse(actor=staff_blora, commitment=commitment, amount=750_000, reference="q1")
    released = services.budget_release(actor=kadis, commitment=commitment, reason="keluar dari program")
    line = _fresh(line)
    assert (released.released, released.outstanding, released.release_reason) == (
        2_250_000, 0, "keluar dari program")
    assert (line.committed, line.disbursed, line.remaining) == (0, 750_000, 9_250_000)


def test_a_partial_release_cannot_exceed_what_is_outstanding(kadis, line):
    commitment = services.budget_commit(actor=kadis, line=line, amount=1_000_000, reference="enrolment:1")
    services.budget_release(actor=kadis, commitment=commitment, amount=400_000, reason="sebagian")
    with pytest.raises(ApplicationError) as err:
        services.budget_release(actor=kadis, commitment=commitment, amount=600_001, reason="lagi")
    assert err.value.code == "insufficient"
    assert _fresh(line).committed == 600_000


def test_disbursing_moves_money_from_committed_to_disbursed(kadis, staff_blora, line):
    commitment = services.budget_commit(actor=kadis, line=line, amount=3_000_000, reference="enrolment:1")
    for quarter in ("q1", "q2"):
        services.budget_disburse(actor=staff_blora, commitment=commitment, amount=750_000, reference=quarter)
    line = _fresh(line)
    assert (line.committed, line.disbursed, line.remaining) == (1_500_000, 1_500_000, 7_000_000)
    assert line.realisation == pytest.approx(15.0)


def test_a_disbursement_retried_with_its_reference_is_counted_once(kadis, staff_blora, line):
    commitment = services.budget_commit(actor=kadis, line=line, amount=3_000_000, reference="enrolment:1")
    first = services.budget_disburse(actor=staff_blora, commitment=commitment, amount=750_000, reference="q1")
    again = services.budget_disburse(actor=staff_blora, commitment=commitment, amount=750_000, reference="q1")
    assert again.pk == first.pk
    assert _fresh(line).disbursed == 750_000
    with pytest.raises(ApplicationError) as err:
        services.budget_disburse(actor=staff_blora, commitment=commitment, amount=1, reference="q1")
    assert err.value.code == "duplicate"


def test_it_never_disburses_more_than_the_commitment_holds(kadis, staff_blora, line):
    commitment = services.budget_commit(actor=kadis, line=line, amount=1_000_000, reference="enrolment:1")
    with pytest.raises(ApplicationError) as err:
        services.budget_disburse(actor=staff_blora, commitment=commitment, amount=1_000_001, reference="q1")
    assert err.value.code == "insufficient"
    assert _invariant_holds(line)


def test_budget_movements_are_audited_with_their_actor(kadis, staff_blora, line):
    commitment = services.budget_commit(actor=kadis, line=line, amount=1_000_000, reference="enrolment:1")
    services.budget_disburse(actor=staff_blora, commitment=commitment, amount=500_000, reference="q1")
    assert factories.audit_trail(BudgetLine, id=line.pk) == [
        ("programmes.budget.allocated", "staf_blora"), ("programmes.budget.committed", "kadis_blora"),
        ("programmes.budget.disbursed", "staf_blora")]
    assert factories.audit_trail(BudgetCommitment, id=commitment.pk) == [
        ("programmes.commitment.created", "kadis_blora"), ("programmes.commitment.disbursed", "staf_blora")]


# --- closed years and the database's own check ------------------------------------------------------------------------

def test_a_closed_year_refuses_every_movement(admin_user, kadis, staff_blora, line):
    commitment = services.budget_commit(actor=kadis, line=line, amount=1_000_000, reference="enrolment:1")
    services.fiscal_year_set_open(actor=admin_user, year=YEAR, is_open=False)
    calls = [
        lambda: services.budget_commit(actor=kadis, line=line, amount=1, reference="enrolment:2"),
        lambda: services.budget_disburse(actor=staff_blora, commitment=commitment, amount=1, reference="q1"),
        lambda: services.budget_release(actor=kadis, commitment=commitment, reason="x"),
        lambda: services.budget_revise(actor=staff_blora, line=line, amount=20_000_000, reason="x"),
        lambda: services.budget_allocate(actor=staff_blora, programme=line.programme,
                                         source=line.programme.funding_sources.exclude(pk=line.source_id).get(),
                                         year=YEAR, amount=1, reason="x"),
    ]
    for call in calls:
        with pytest.raises(ApplicationError) as err:
            call()
        assert err.value.code == "closed"
    services.fiscal_year_set_open(actor=admin_user, year=YEAR, is_open=True)
    services.budget_commit(actor=kadis, line=line, amount=1, reference="enrolment:2")


def test_only_a_national_approver_closes_a_fiscal_year(kadis, staff_blora, line):
    for actor in (kadis, staff_blora):
        with pytest.raises(ApplicationError) as err:
            services.fiscal_year_set_open(actor=actor, year=YEAR, is_open=False)
        assert err.value.code == "forbidden"
    assert _fresh(line).fiscal_year.is_open


@pytest.mark.parametrize("change", [
    {"committed": F("allocated") + 1},
    {"disbursed": F("allocated"), "committed": 1},
    {"committed": -1},
    {"allocated": -1, "committed": -2},
])
def test_the_database_refuses_a_line_beyond_its_allocation_even_without_the_services(line, change):
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetLine.objects.filter(pk=line.pk).update(**change)
    assert _invariant_holds(line)
