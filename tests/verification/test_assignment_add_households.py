"""assignment_add_households: registry households of the area (e.g. a rule's candidates) become tasks."""

import pytest

from berdaya.core.errors import ApplicationError
from berdaya.registry import codes
from berdaya.registry.models import Household
from berdaya.verification import services
from berdaya.verification.models import Source, VervalTask
from tests import factories
from tests.conftest import VILLAGE_A2
from tests.verification.conftest import make_assignment


def test_households_of_the_area_become_tasks_once(staff_blora, assignment_a, household_a):
    second = factories.household(actor=staff_blora, village=VILLAGE_A2)
    tasks = services.assignment_add_households(actor=staff_blora, assignment=assignment_a,
                                               households=[household_a, second])
    assert {t.household_id for t in tasks} == {household_a.pk, second.pk}
    again = services.assignment_add_households(actor=staff_blora, assignment=assignment_a,
                                               households=[household_a])
    assert again == []
    assert VervalTask.objects.filter(assignment=assignment_a).count() == 2


def test_it_refuses_a_household_outside_the_area(staff_blora, assignment_a, household_a, household_b):
    with pytest.raises(ApplicationError) as exc:
        services.assignment_add_households(actor=staff_blora, assignment=assignment_a,
                                           households=[household_a, household_b])
    assert household_b.kk_number in exc.value.message
    assert not VervalTask.objects.exists()


def test_it_refuses_a_draft_household(staff_blora, assignment_a, household_a):
    Household.objects.filter(pk=household_a.pk).update(status=codes.HouseholdStatus.DRAFT)
    with pytest.raises(ApplicationError):
        services.assignment_add_households(actor=staff_blora, assignment=assignment_a, households=[household_a])


def test_an_assignment_from_proposals_does_not_take_households(staff_blora, verifier_a, household_a):
    assignment = make_assignment(actor=staff_blora, verifier=verifier_a, source=Source.PROPOSALS)
    with pytest.raises(ApplicationError):
        services.assignment_add_households(actor=staff_blora, assignment=assignment, households=[household_a])


def test_a_verifier_cannot_add_households(verifier_a, assignment_a, household_a):
    with pytest.raises(ApplicationError) as exc:
        services.assignment_add_households(actor=verifier_a, assignment=assignment_a, households=[household_a])
    assert exc.value.code == "forbidden"
