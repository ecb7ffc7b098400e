"""Every change of an allocation leaves a BudgetRevision: who, when, old → new, why."""

import pytest

from berdaya.core.errors import ApplicationError
from berdaya.programmes import services
from berdaya.programmes.models import BudgetRevision


def test_allocation_and_each_revision_are_recorded_in_order(staff_blora, admin_user, line):
    services.budget_revise(actor=admin_user, line=line, amount=12_500_000, reason="APBD-P 2026")
    services.budget_revise(actor=staff_blora, line=line, amount=11_000_000, reason="Efisiensi")
    rows = list(line.revisions.order_by("pk").values_list("action", "old_allocated", "new_allocated", "reason",
                                                          "actor__username"))
    assert rows == [
        ("allocated", 0, 10_000_000, "DPA 2026", "staf_blora"),
        ("revised", 10_000_000, 12_500_000, "APBD-P 2026", "admin_nasional"),
        ("revised", 12_500_000, 11_000_000, "Efisiensi", "staf_blora"),
    ]
    assert [r.delta for r in line.revisions.order_by("pk")] == [10_000_000, 2_500_000, -1_500_000]
    assert all(r.created_at for r in line.revisions.all())


def test_a_refused_revision_leaves_no_record(staff_blora, kadis, line):
    services.budget_commit(actor=kadis, line=line, amount=8_000_000, reference="enrolment:1")
    with pytest.raises(ApplicationError):
        services.budget_revise(actor=staff_blora, line=line, amount=7_000_000, reason="terlalu kecil")
    assert BudgetRevision.objects.filter(line=line).count() == 1
    line.refresh_from_db()
    assert line.allocated == 10_000_000


def test_commitments_do_not_count_as_revisions(kadis, line):
    services.budget_commit(actor=kadis, line=line, amount=1_000_000, reference="enrolment:1")
    assert BudgetRevision.objects.filter(line=line).count() == 1
