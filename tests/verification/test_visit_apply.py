"""visit_apply: a standing outcome reaches the registry through its services and moves the proposal item."""

from datetime import date

import pytest

from berdaya.proposals.models import ItemStatus, ProposalStatusChange
from berdaya.registry import codes
from berdaya.registry.models import Household, Person, ReviewFlag
from berdaya.verification import services
from berdaya.verification.models import Outcome, Source
from tests import factories
from tests.conftest import VILLAGE_A
from tests.factories import audit_trail
from tests.verification.conftest import YEAR, add_member, make_assignment, proposal_item


def _record(actor, task, outcome, **extra):
    return services.visit_record(actor=actor, task=task, visited_on=date.today(), outcome=outcome, **extra)


@pytest.fixture
def item_task(staff_blora, verifier_a, household_a, uep):
    assignment = make_assignment(actor=staff_blora, verifier=verifier_a, source=Source.PROPOSALS, programme=uep,
                                 year=YEAR)
    item = proposal_item(household=household_a, programme=uep, actor=staff_blora)
    return services.assignment_add_proposal_items(actor=staff_blora, assignment=assignment, items=[item])[0]


def test_eligible_updates_the_indicators_and_verifies_the_item(verifier_a, item_task, household_a):
    _record(verifier_a, item_task, Outcome.ELIGIBLE,
            indicator_changes={"c02_floor_poor": True, "c05_no_electricity": True, "monthly_income": 450_000})
    household_a.refresh_from_db()
    assert (household_a.c02_floor_poor, household_a.c05_no_electricity, household_a.monthly_income) == (
        True, True, 450_000)
    assert household_a.bps_criteria_met == 2
    assert audit_trail(Household, id=household_a.pk)[-1] == ("registry.household.updated", "verifikator_a")
    item = item_task.proposal_item
    item.refresh_from_db()
    assert item.status == ItemStatus.VERIFIED
    assert ProposalStatusChange.objects.filter(item=item).last().actor.username == "verifikator_a"


def test_not_eligible_stands_only_after_confirmation_and_rejects_the_item(verifier_a, kadis, item_task,
                                                                          household_a):
    visit = _record(verifier_a, item_task, Outcome.NOT_ELIGIBLE, reason="civil_servant",
                    indicator_changes={"monthly_income": 9_000_000})
    item = item_task.proposal_item
    item.refresh_from_db()
    household_a.refresh_from_db()
    assert item.status == ItemStatus.SCHEDULED and household_a.monthly_income == 1_500_000
    services.visit_confirm(actor=kadis, visit=visit)
    item.refresh_from_db()
    item_task.refresh_from_db()
    household_a.refresh_from_db()
    assert (item_task.outcome, item_task.outcome_reason) == ("not_eligible", "civil_servant")
    assert item.status == ItemStatus.REJECTED
    assert ProposalStatusChange.objects.filter(item=item).last().reason == "Tidak layak: Anggota PNS/TNI/POLRI"
    assert household_a.monthly_income == 9_000_000


def test_deceased_marks_the_member_after_confirmation(staff_blora, verifier_a, kadis, task_a, household_a):
    wife = add_member(household_a, actor=staff_blora)
    visit = _record(verifier_a, task_a, Outcome.DECEASED, person=wife)
    wife.refresh_from_db()
    assert wife.status == codes.PersonStatus.ALIVE
    services.visit_confirm(actor=kadis, visit=visit)
    wife.refresh_from_db()
    task_a.refresh_from_db()
    assert (wife.status, wife.status_date) == (codes.PersonStatus.DECEASED, date.today())
    assert audit_trail(Person, id=wife.pk)[-1] == ("registry.person.deceased", "kadis_blora")
    assert (task_a.outcome, task_a.outcome_note) == ("deceased", "")


def test_the_death_of_the_head_is_said_in_the_task(staff_blora, verifier_a, kadis, task_a, household_a):
    add_member(household_a, actor=staff_blora)
    visit = _record(verifier_a, task_a, Outcome.DECEASED, person=household_a.members.get(relationship=1))
    services.visit_confirm(actor=kadis, visit=visit)
    task_a.refresh_from_db()
    household_a.refresh_from_db()
    assert "Kepala keluarga meninggal" in task_a.outcome_note
    assert household_a.flags.filter(code=ReviewFlag.Code.HEAD_MISSING, resolved_at__isnull=True).exists()


def test_the_death_of_the_only_member_is_said_in_the_task(verifier_a, kadis, task_a, household_a):
    visit = _record(verifier_a, task_a, Outcome.DECEASED, person=household_a.members.get())
    services.visit_confirm(actor=kadis, visit=visit)
    task_a.refresh_from_db()
    assert "Tidak ada lagi anggota keluarga yang hidup" in task_a.outcome_note


def test_moved_opens_a_pending_move_for_the_operator(staff_blora, verifier_a, kadis, task_a, household_a):
    son = add_member(household_a, actor=staff_blora, name="Agus", sex="L", relationship=4,
                     birth_date=date(2003, 1, 5))
    visit = _record(verifier_a, task_a, Outcome.MOVED, person=son, notes="Kerja di Semarang")
    assert not ReviewFlag.objects.filter(code=ReviewFlag.Code.MOVE_PENDING).exists()
    services.visit_confirm(actor=staff_blora, visit=visit)
    flag = ReviewFlag.objects.get(code=ReviewFlag.Code.MOVE_PENDING)
    son.refresh_from_db()
    household_a.refresh_from_db()
    assert (flag.household, flag.person, flag.resolved_at) == (household_a, son, None)
    assert "Kerja di Semarang" in flag.message
    assert son.status == codes.PersonStatus.ALIVE  # the operator completes the move (destination, date)
    assert household_a.open_flag_count >= 1
    assert audit_trail(ReviewFlag, id=flag.pk) == [("registry.flag.opened", "staf_blora")]


def test_a_whole_household_moving_flags_the_household(verifier_a, kadis, task_a, household_a):
    services.visit_confirm(actor=kadis, visit=_record(verifier_a, task_a, Outcome.MOVED))
    flag = ReviewFlag.objects.get(code=ReviewFlag.Code.MOVE_PENDING)
    assert (flag.household, flag.person) == (household_a, None)


def test_duplicate_opens_a_flag_naming_the_other_household(staff_blora, verifier_a, kadis, task_a, household_a):
    other = factories.household(actor=staff_blora, village=VILLAGE_A, head_name="Sutrisno W")
    visit = _record(verifier_a, task_a, Outcome.DUPLICATE, duplicate_of=other)
    services.visit_confirm(actor=kadis, visit=visit)
    flag = ReviewFlag.objects.get(code=ReviewFlag.Code.DUPLICATE_SUSPECTED, household=household_a)
    assert other.kk_number in flag.message
    mirror = ReviewFlag.objects.get(code=ReviewFlag.Code.DUPLICATE_SUSPECTED, household=other)
    assert household_a.kk_number in mirror.message
    task_a.refresh_from_db()
    assert task_a.outcome == "duplicate"


def test_not_found_changes_only_the_task(verifier_a, kadis, task_a):
    visit = _record(verifier_a, task_a, Outcome.NOT_FOUND)
    before = factories.audit_counts()
    services.visit_confirm(actor=kadis, visit=visit)
    task_a.refresh_from_db()
    assert (task_a.state, task_a.outcome) == ("done", "not_found")
    assert factories.audit_counts() == before


def test_the_registry_services_still_refuse_a_verifier_by_default(verifier_a, household_a):
    """The additive perm= argument keeps REGISTRY_EDIT as the default: a verifier cannot edit the registry."""
    from berdaya.core.errors import ApplicationError
    from berdaya.registry import services as registry

    with pytest.raises(ApplicationError):
        registry.household_update(actor=verifier_a, household=household_a, data={"monthly_income": 1})
    with pytest.raises(ApplicationError):
        registry.person_mark_deceased(actor=verifier_a, person=household_a.members.get(), on=date.today())
    with pytest.raises(ApplicationError):
        registry.flag_open(actor=verifier_a, household=household_a, code=ReviewFlag.Code.OTHER, message="x")


def test_flag_open_does_not_open_the_same_flag_twice(staff_blora, household_a):
    from berdaya.registry import services as registry

    first = registry.flag_open(actor=staff_blora, household=household_a, code=ReviewFlag.Code.OTHER, message="a")
    again = registry.flag_open(actor=staff_blora, household=household_a, code=ReviewFlag.Code.OTHER, message="b")
    assert first.pk == again.pk
