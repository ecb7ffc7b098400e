"""assignment_add_proposal_items: complete items of the area become tasks; each item moves COMPLETE -> SCHEDULED."""

import pytest

from berdaya.core.errors import ApplicationError
from berdaya.proposals.models import ItemStatus, ProposalStatusChange
from berdaya.verification import services
from berdaya.verification.models import Assignment, Source, VervalTask
from tests import factories
from tests.conftest import DISTRICT_A, VILLAGE_A
from tests.factories import audit_trail
from tests.verification.conftest import YEAR, make_assignment, proposal_item


@pytest.fixture
def proposals_a(staff_blora, verifier_a, uep):
    return make_assignment(actor=staff_blora, verifier=verifier_a, source=Source.PROPOSALS, programme=uep, year=YEAR)


def test_complete_items_become_tasks_and_are_scheduled(staff_blora, proposals_a, household_a, uep):
    second = factories.household(actor=staff_blora, village=VILLAGE_A)
    items = [proposal_item(household=h, programme=uep, actor=staff_blora) for h in (household_a, second)]
    tasks = services.assignment_add_proposal_items(actor=staff_blora, assignment=proposals_a, items=items)
    assert [(t.household, t.proposal_item, t.state) for t in tasks] == [
        (household_a, items[0], "pending"), (second, items[1], "pending")]
    for item in items:
        item.refresh_from_db()
        assert item.status == ItemStatus.SCHEDULED
        change = ProposalStatusChange.objects.filter(item=item).last()
        assert (change.to_status, change.actor, change.document_ref) == (
            "scheduled", staff_blora, f"VERVAL-{proposals_a.pk}")
    assert audit_trail(Assignment, id=proposals_a.pk)[-1] == ("verification.assignment.tasks_added", "staf_blora")


@pytest.mark.parametrize("status", [ItemStatus.SUBMITTED, ItemStatus.RETURNED])
def test_it_refuses_an_item_that_has_not_passed_the_completeness_check(staff_blora, proposals_a, household_a, uep,
                                                                       status):
    item = proposal_item(household=household_a, programme=uep, actor=staff_blora, status=status)
    if status == ItemStatus.RETURNED:
        from berdaya.proposals.services import item_transition

        item = item_transition(item=item, to_status=ItemStatus.RETURNED, actor=staff_blora, reason="Foto kurang")
    with pytest.raises(ApplicationError) as exc:
        services.assignment_add_proposal_items(actor=staff_blora, assignment=proposals_a, items=[item])
    assert exc.value.field == "items"
    assert not VervalTask.objects.exists()


def test_it_refuses_an_item_outside_the_area_and_schedules_nothing(staff_blora, proposals_a, household_a,
                                                                  household_b, uep):
    inside = proposal_item(household=household_a, programme=uep, actor=staff_blora)
    outside = proposal_item(household=household_b, programme=uep, actor=staff_blora)
    with pytest.raises(ApplicationError) as exc:
        services.assignment_add_proposal_items(actor=staff_blora, assignment=proposals_a, items=[inside, outside])
    assert household_b.head_name in exc.value.message
    inside.refresh_from_db()
    assert inside.status == ItemStatus.COMPLETE
    assert not VervalTask.objects.exists()


def test_it_refuses_an_item_of_another_programme_or_year(staff_blora, proposals_a, household_a, pkh, uep):
    with pytest.raises(ApplicationError):
        services.assignment_add_proposal_items(actor=staff_blora, assignment=proposals_a, items=[
            proposal_item(household=household_a, programme=pkh, actor=staff_blora)])
    with pytest.raises(ApplicationError):
        services.assignment_add_proposal_items(actor=staff_blora, assignment=proposals_a, items=[
            proposal_item(household=household_a, programme=uep, actor=staff_blora, year=YEAR + 1)])


def test_a_proposal_filed_by_a_camat_of_another_district_is_refused(staff_blora, verifier_village_a, household_a,
                                                                   uep):
    assignment = make_assignment(actor=staff_blora, verifier=verifier_village_a, region=VILLAGE_A,
                                 source=Source.PROPOSALS, programme=uep, year=YEAR)
    # Filed by the district (camat): the village verifier could not move the item to verified later.
    item = proposal_item(household=household_a, programme=uep, actor=staff_blora, region=DISTRICT_A)
    with pytest.raises(ApplicationError) as exc:
        services.assignment_add_proposal_items(actor=staff_blora, assignment=assignment, items=[item])
    assert "verifikator" in exc.value.message


def test_the_same_household_is_not_added_twice(staff_blora, proposals_a, household_a, uep):
    first = proposal_item(household=household_a, programme=uep, actor=staff_blora)
    services.assignment_add_proposal_items(actor=staff_blora, assignment=proposals_a, items=[first])
    second = proposal_item(household=household_a, programme=uep, actor=staff_blora)
    with pytest.raises(ApplicationError):
        services.assignment_add_proposal_items(actor=staff_blora, assignment=proposals_a, items=[second])
    assert VervalTask.objects.count() == 1


def test_only_an_assignment_from_proposals_takes_items(staff_blora, assignment_a, household_a, uep):
    item = proposal_item(household=household_a, programme=uep, actor=staff_blora)
    with pytest.raises(ApplicationError):
        services.assignment_add_proposal_items(actor=staff_blora, assignment=assignment_a, items=[item])


def test_a_verifier_cannot_add_items(verifier_a, staff_blora, proposals_a, household_a, uep):
    item = proposal_item(household=household_a, programme=uep, actor=staff_blora)
    with pytest.raises(ApplicationError) as exc:
        services.assignment_add_proposal_items(actor=verifier_a, assignment=proposals_a, items=[item])
    assert exc.value.code == "forbidden"


def test_a_closed_assignment_takes_nothing(staff_blora, proposals_a, household_a, uep):
    Assignment.objects.filter(pk=proposals_a.pk).update(status=Assignment.Status.CLOSED)
    item = proposal_item(household=household_a, programme=uep, actor=staff_blora)
    with pytest.raises(ApplicationError) as exc:
        services.assignment_add_proposal_items(actor=staff_blora, assignment=proposals_a, items=[item])
    assert exc.value.code == "closed"

