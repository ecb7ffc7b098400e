"""visit_confirm / visit_reject: a second person with VERVAL_CONFIRM over the area decides on a removal."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from berdaya.core.errors import ApplicationError
from berdaya.registry import codes
from berdaya.verification import services
from berdaya.verification.models import Outcome, Visit
from tests import factories
from tests.factories import audit_trail


def _removal(actor, task, outcome=Outcome.NOT_FOUND, **extra):
    return services.visit_record(actor=actor, task=task, visited_on=date.today(), outcome=outcome, **extra)


def test_the_head_of_office_confirms_and_the_outcome_stands(verifier_a, kadis, task_a):
    visit = _removal(verifier_a, task_a)
    services.visit_confirm(actor=kadis, visit=visit, note="Sesuai laporan RT")
    visit.refresh_from_db()
    task_a.refresh_from_db()
    assert (visit.confirmation, visit.confirmed_by, visit.confirmation_note) == ("confirmed", kadis,
                                                                                 "Sesuai laporan RT")
    assert visit.applied_at is not None
    assert (task_a.state, task_a.outcome) == ("done", "not_found")
    assert [a for a, _who in audit_trail(Visit, id=visit.pk)] == [
        "verification.visit.recorded", "verification.visit.confirmed", "verification.visit.applied"]


def test_the_verifier_cannot_confirm_their_own_visit(staff_blora, task_a):
    visit = _removal(staff_blora, task_a)  # staff may record, and hold VERVAL_CONFIRM too
    with pytest.raises(ApplicationError) as exc:
        services.visit_confirm(actor=staff_blora, visit=visit)
    assert exc.value.code == "same_person"
    with pytest.raises(ApplicationError) as exc:
        services.visit_reject(actor=staff_blora, visit=visit, note="salah")
    assert exc.value.code == "same_person"
    visit.refresh_from_db()
    assert visit.confirmation == "pending"


def test_the_database_also_refuses_a_confirmation_by_the_verifier(verifier_a, task_a):
    visit = _removal(verifier_a, task_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Visit.objects.filter(pk=visit.pk).update(confirmed_by=verifier_a)


def test_a_verifier_or_an_auditor_cannot_confirm(verifier_a, verifier_a2, auditor_blora, task_a):
    visit = _removal(verifier_a, task_a)
    for actor in (verifier_a2, auditor_blora):
        with pytest.raises(ApplicationError) as exc:
            services.visit_confirm(actor=actor, visit=visit)
        assert exc.value.code == "forbidden"


def test_a_confirmer_of_another_region_cannot_confirm(verifier_a, task_a, staff_pasuruan):
    visit = _removal(verifier_a, task_a)
    with pytest.raises(ApplicationError) as exc:
        services.visit_confirm(actor=staff_pasuruan, visit=visit)
    assert exc.value.code == "forbidden"


def test_a_visit_is_confirmed_once(verifier_a, kadis, staff_blora, task_a):
    visit = _removal(verifier_a, task_a)
    services.visit_confirm(actor=kadis, visit=visit)
    with pytest.raises(ApplicationError) as exc:
        services.visit_confirm(actor=staff_blora, visit=visit)
    assert exc.value.code == "state"


def test_an_eligible_visit_needs_no_confirmation(verifier_a, kadis, task_a):
    visit = services.visit_record(actor=verifier_a, task=task_a, visited_on=date.today(), outcome=Outcome.ELIGIBLE)
    with pytest.raises(ApplicationError):
        services.visit_confirm(actor=kadis, visit=visit)


def test_rejecting_sends_the_task_back_and_changes_nothing_in_the_registry(staff_blora, verifier_a, kadis, task_a,
                                                                           household_a):
    head = household_a.members.get()
    before = factories.audit_counts()
    visit = _removal(verifier_a, task_a, Outcome.DECEASED, person=head)
    with pytest.raises(ApplicationError) as exc:
        services.visit_reject(actor=kadis, visit=visit, note="  ")
    assert exc.value.field == "note"
    services.visit_reject(actor=kadis, visit=visit, note="Cek akta kematian dulu")
    visit.refresh_from_db()
    task_a.refresh_from_db()
    head.refresh_from_db()
    assert (visit.confirmation, visit.confirmed_by, visit.applied_at) == ("rejected", kadis, None)
    assert (task_a.state, task_a.outcome) == ("pending", "")
    assert head.status == codes.PersonStatus.ALIVE
    assert factories.audit_counts() == before
    # The verifier visits again.
    again = services.visit_record(actor=verifier_a, task=task_a, visited_on=date.today(), outcome=Outcome.ELIGIBLE)
    task_a.refresh_from_db()
    assert (again.confirmation, task_a.outcome) == ("not_needed", "eligible")
