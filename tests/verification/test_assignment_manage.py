"""Dinsos hands an assignment to another verifier of the area, and closes or reopens it."""

from datetime import date

import pytest
from django.urls import reverse

from berdaya.core.errors import ApplicationError
from berdaya.verification import services
from berdaya.verification.models import Assignment, Outcome


def test_staff_reassign_an_open_assignment_to_another_verifier_of_the_area(staff_blora, assignment_a, verifier_a2):
    services.assignment_reassign(actor=staff_blora, assignment=assignment_a, verifier=verifier_a2, reason="cuti")
    assignment_a.refresh_from_db()
    assert assignment_a.verifier == verifier_a2
    assert assignment_a.history.first().history_change_reason == "verification.assignment.reassigned"


def test_a_verifier_of_another_district_cannot_take_the_assignment(staff_blora, assignment_a, verifier_kecamatan_b):
    with pytest.raises(ApplicationError) as err:
        services.assignment_reassign(actor=staff_blora, assignment=assignment_a, verifier=verifier_kecamatan_b,
                                     reason="beban kerja")
    assert err.value.code == "verifier_area"


def test_the_new_verifier_records_visits_and_the_old_one_no_longer_can(staff_blora, task_a, verifier_a,
                                                                       verifier_a2):
    services.assignment_reassign(actor=staff_blora, assignment=task_a.assignment, verifier=verifier_a2,
                                 reason="cuti")
    task_a.refresh_from_db()
    with pytest.raises(ApplicationError):
        services.visit_record(actor=verifier_a, task=task_a, visited_on=date(2026, 5, 2), outcome=Outcome.ELIGIBLE)
    services.visit_record(actor=verifier_a2, task=task_a, visited_on=date(2026, 5, 2), outcome=Outcome.ELIGIBLE)
    assert task_a.visits.get().verifier == verifier_a2


def test_a_closed_assignment_takes_no_visit_until_reopened(staff_blora, task_a, verifier_a):
    services.assignment_set_open(actor=staff_blora, assignment=task_a.assignment, is_open=False)
    task_a.refresh_from_db()
    with pytest.raises(ApplicationError):
        services.visit_record(actor=verifier_a, task=task_a, visited_on=date(2026, 5, 2), outcome=Outcome.ELIGIBLE)
    services.assignment_set_open(actor=staff_blora, assignment=task_a.assignment, is_open=True)
    task_a.refresh_from_db()
    services.visit_record(actor=verifier_a, task=task_a, visited_on=date(2026, 5, 2), outcome=Outcome.ELIGIBLE)


def test_the_verifier_cannot_close_or_reassign(client, verifier_a, verifier_a2, assignment_a):
    with pytest.raises(ApplicationError):
        services.assignment_set_open(actor=verifier_a, assignment=assignment_a, is_open=False)
    client.force_login(verifier_a)
    url = reverse("verification:assignment_set_open", args=[assignment_a.pk])
    assert client.post(url, {"open": "0"}).status_code == 403
    url = reverse("verification:assignment_reassign", args=[assignment_a.pk])
    assert client.post(url, {"verifier": verifier_a2.pk, "reason": "x"}).status_code == 403
    assignment_a.refresh_from_db()
    assert (assignment_a.status, assignment_a.verifier) == (Assignment.Status.OPEN, verifier_a)


def test_the_pages_close_and_reassign(client, staff_blora, assignment_a, verifier_a2):
    client.force_login(staff_blora)
    page = client.get(reverse("verification:assignment_detail", args=[assignment_a.pk])).content.decode()
    assert "Alihkan ke verifikator lain" in page and "Tutup penugasan" in page
    response = client.post(reverse("verification:assignment_reassign", args=[assignment_a.pk]),
                           {"verifier": verifier_a2.pk, "reason": "cuti sakit"})
    assert response.status_code == 302
    response = client.post(reverse("verification:assignment_set_open", args=[assignment_a.pk]), {"open": "0"})
    assignment_a.refresh_from_db()
    assert (assignment_a.status, assignment_a.verifier) == (Assignment.Status.CLOSED, verifier_a2)


def test_another_regencys_staff_gets_404(client, staff_pasuruan, assignment_a):
    client.force_login(staff_pasuruan)
    url = reverse("verification:assignment_set_open", args=[assignment_a.pk])
    assert client.post(url, {"open": "0"}).status_code == 404
