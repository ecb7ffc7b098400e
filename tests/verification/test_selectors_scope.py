"""Who sees which assignments, tasks, visits and photos; the verifier's own work list; the confirmation queue."""

from datetime import date

import pytest
from django.http import Http404

from berdaya.verification import selectors, services
from berdaya.verification.models import Assignment, Outcome, VervalTask
from tests import factories
from tests.conftest import VILLAGE_A, VILLAGE_A2
from tests.verification.conftest import photo


def test_a_field_verifier_sees_only_the_assignments_given_to_them(verifier_a, verifier_a2, verifier_kecamatan_b,
                                                                 assignment_a, assignment_b):
    assert list(selectors.assignments_visible(user=verifier_a)) == [assignment_a]
    assert list(selectors.assignments_visible(user=verifier_a2)) == []
    assert list(selectors.assignments_visible(user=verifier_kecamatan_b)) == [assignment_b]


def test_staff_the_head_and_the_auditor_see_every_assignment_of_their_area(staff_blora, kadis, auditor_blora,
                                                                          staff_pasuruan, assignment_a,
                                                                          assignment_b):
    for user in (staff_blora, kadis, auditor_blora):
        assert set(selectors.assignments_visible(user=user)) == {assignment_a, assignment_b}
    assert not selectors.assignments_visible(user=staff_pasuruan).exists()


def test_an_operator_sees_no_verval(operator_desa_a, assignment_a):
    assert not selectors.assignments_visible(user=operator_desa_a).exists()
    with pytest.raises(Http404):
        selectors.assignment_get(user=operator_desa_a, pk=assignment_a.pk)


def test_tasks_outside_the_scope_do_not_exist(verifier_a, verifier_kecamatan_b, task_a, task_b):
    assert selectors.task_get(user=verifier_a, pk=task_a.pk) == task_a
    with pytest.raises(Http404):
        selectors.task_get(user=verifier_a, pk=task_b.pk)
    with pytest.raises(Http404):
        selectors.task_get(user=verifier_kecamatan_b, pk=task_a.pk)


def test_a_task_whose_household_left_the_area_disappears_for_the_verifier(staff_blora, verifier_a, task_a,
                                                                         household_a):
    from berdaya.registry import services as registry

    registry.household_update(actor=staff_blora, household=household_a, data={"village": "33.16.02.2001"})
    with pytest.raises(Http404):
        selectors.task_get(user=verifier_a, pk=task_a.pk)


def test_my_tasks_are_the_pending_ones_of_my_open_assignments_by_village(staff_blora, verifier_a, assignment_a,
                                                                        task_b):
    in_a2 = factories.household(actor=staff_blora, village=VILLAGE_A2, head_name="Bambang")
    in_a = factories.household(actor=staff_blora, village=VILLAGE_A, head_name="Yanto")
    done = factories.household(actor=staff_blora, village=VILLAGE_A, head_name="Darmo")
    tasks = services.assignment_add_households(actor=staff_blora, assignment=assignment_a,
                                               households=[in_a2, in_a, done])
    done_task = next(t for t in tasks if t.household_id == done.pk)
    services.visit_record(actor=verifier_a, task=done_task, visited_on=date.today(), outcome=Outcome.ELIGIBLE)
    listed = VervalTask.objects.create(assignment=assignment_a, listed_nik="3316015708610001", listed_name="Ani")
    mine = list(selectors.my_tasks(user=verifier_a))
    # By place: the listed person (placed at the assignment's area, 33.16.01) first, then villages 2001, 2002.
    assert [t.household_id for t in mine] == [None, in_a.pk, in_a2.pk]
    assert mine[0] == listed
    Assignment.objects.filter(pk=assignment_a.pk).update(status=Assignment.Status.CLOSED)
    assert list(selectors.my_tasks(user=verifier_a)) == []


def test_the_queue_holds_removals_of_the_confirmers_area(verifier_a, verifier_kecamatan_b, kadis, staff_pasuruan,
                                                         task_a, task_b):
    visit_a = services.visit_record(actor=verifier_a, task=task_a, visited_on=date.today(),
                                    outcome=Outcome.NOT_FOUND)
    visit_b = services.visit_record(actor=verifier_kecamatan_b, task=task_b, visited_on=date.today(),
                                    outcome=Outcome.MOVED)
    assert list(selectors.confirmation_queue(user=kadis)) == [visit_a, visit_b]
    assert not selectors.confirmation_queue(user=staff_pasuruan).exists()
    assert not selectors.confirmation_queue(user=verifier_a).exists()
    services.visit_confirm(actor=kadis, visit=visit_a)
    assert list(selectors.confirmation_queue(user=kadis)) == [visit_b]


def test_a_photo_outside_the_scope_does_not_exist(verifier_a, verifier_a2, verifier_kecamatan_b, kadis, task_a):
    visit = services.visit_record(actor=verifier_a, task=task_a, visited_on=date.today(), outcome=Outcome.ELIGIBLE,
                                  photos=[photo()])
    picture = visit.photos.get()
    assert selectors.photo_get(user=verifier_a, pk=picture.pk) == picture
    assert selectors.photo_get(user=kadis, pk=picture.pk) == picture
    for user in (verifier_a2, verifier_kecamatan_b):
        with pytest.raises(Http404):
            selectors.photo_get(user=user, pk=picture.pk)


def test_the_verifier_list_offers_people_who_visit_in_the_officers_area(staff_blora, staff_pasuruan, verifier_a,
                                                                       verifier_kecamatan_b, operator_desa_a):
    offered = set(selectors.verifier_choices(user=staff_blora))
    assert {verifier_a, verifier_kecamatan_b, staff_blora} <= offered
    assert operator_desa_a not in offered and staff_pasuruan not in offered
    assert verifier_a not in set(selectors.verifier_choices(user=staff_pasuruan))
