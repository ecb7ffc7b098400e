"""The verval home page: a verifier's own work list by village; assignments and the queue for Dinsos."""

from datetime import date

from django.urls import reverse

from berdaya.verification import services
from berdaya.verification.models import Outcome
from tests import factories
from tests.conftest import VILLAGE_A2

URL = reverse("verification:index")


def test_a_verifier_sees_their_pending_tasks_grouped_by_village(client, staff_blora, verifier_a, task_a, task_b,
                                                               assignment_a, household_a, household_b):
    other = factories.household(actor=staff_blora, village=VILLAGE_A2, head_name="Bambang Hartono")
    services.assignment_add_households(actor=staff_blora, assignment=assignment_a, households=[other])
    client.force_login(verifier_a)
    response = client.get(URL)
    assert response.status_code == 200
    assert len(response.context["groups"]) == 2  # village A, village A2
    body = response.content.decode()
    assert reverse("verification:task_detail", args=[task_a.pk]) in body
    assert "Bambang Hartono" in body
    assert reverse("verification:task_detail", args=[task_b.pk]) not in body
    assert reverse("verification:assignment_create") not in body


def test_a_visited_task_leaves_the_list(client, verifier_a, task_a):
    services.visit_record(actor=verifier_a, task=task_a, visited_on=date.today(), outcome=Outcome.NOT_FOUND)
    client.force_login(verifier_a)
    response = client.get(URL)
    assert response.context["my_count"] == 0 and response.context["my_awaiting"] == 1


def test_dinsos_sees_the_assignments_and_the_queue(client, staff_blora, assignment_a, assignment_b):
    client.force_login(staff_blora)
    response = client.get(URL)
    assert response.status_code == 200
    assert set(response.context["assignments"]) == {assignment_a, assignment_b}
    body = response.content.decode()
    assert reverse("verification:assignment_create") in body and reverse("verification:queue") in body


def test_a_user_without_verval_is_refused(client, operator_desa_a):
    client.force_login(operator_desa_a)
    assert client.get(URL).status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
