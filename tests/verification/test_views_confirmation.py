"""The confirmation queue and its confirm / reject buttons."""

from datetime import date

from django.contrib.messages import get_messages
from django.urls import reverse

from berdaya.verification import services
from berdaya.verification.models import Outcome

QUEUE = reverse("verification:queue")


def _removal(actor, task, outcome=Outcome.NOT_FOUND):
    return services.visit_record(actor=actor, task=task, visited_on=date.today(), outcome=outcome)


def test_the_head_of_office_sees_the_queue_and_confirms(client, verifier_a, kadis, task_a):
    visit = _removal(verifier_a, task_a)
    client.force_login(kadis)
    response = client.get(QUEUE)
    assert response.status_code == 200
    assert [(v, can) for v, _row, can in response.context["rows"]] == [(visit, True)]
    response = client.post(reverse("verification:visit_confirm", args=[visit.pk]), {"note": "Cocok"})
    assert response.status_code == 302 and response["Location"] == QUEUE
    visit.refresh_from_db()
    task_a.refresh_from_db()
    assert (visit.confirmation, visit.confirmed_by, task_a.outcome) == ("confirmed", kadis, "not_found")


def test_a_rejection_needs_a_note_and_sends_the_task_back(client, verifier_a, kadis, task_a):
    visit = _removal(verifier_a, task_a)
    client.force_login(kadis)
    url = reverse("verification:visit_reject", args=[visit.pk])
    response = client.post(url, {"note": ""})
    assert response.status_code == 302
    assert any("alasan" in str(m).lower() for m in get_messages(response.wsgi_request))
    visit.refresh_from_db()
    assert visit.confirmation == "pending"
    response = client.post(url, {"note": "Cek ulang ke RT", "next": "task"})
    assert response["Location"] == reverse("verification:task_detail", args=[task_a.pk])
    task_a.refresh_from_db()
    assert task_a.state == "pending"


def test_the_officer_who_recorded_the_visit_cannot_confirm_it(client, staff_blora, kadis, task_a):
    visit = _removal(staff_blora, task_a)
    client.force_login(staff_blora)
    rows = client.get(QUEUE).context["rows"]
    assert [(v, can) for v, _row, can in rows] == [(visit, False)]
    response = client.post(reverse("verification:visit_confirm", args=[visit.pk]))
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.confirmation == "pending"
    client.force_login(kadis)
    client.post(reverse("verification:visit_confirm", args=[visit.pk]))
    visit.refresh_from_db()
    assert visit.confirmation == "confirmed"


def test_a_verifier_has_no_queue_and_cannot_confirm(client, verifier_a, task_a):
    visit = _removal(verifier_a, task_a)
    client.force_login(verifier_a)
    assert client.get(QUEUE).status_code == 403
    assert client.post(reverse("verification:visit_confirm", args=[visit.pk])).status_code == 403
    assert client.post(reverse("verification:visit_reject", args=[visit.pk]), {"note": "x"}).status_code == 403
    visit.refresh_from_db()
    assert visit.confirmation == "pending"


def test_a_confirmer_of_another_region_finds_nothing(client, verifier_a, staff_pasuruan, task_a):
    visit = _removal(verifier_a, task_a)
    client.force_login(staff_pasuruan)
    assert client.get(QUEUE).context["rows"] == []
    assert client.post(reverse("verification:visit_confirm", args=[visit.pk])).status_code == 404
    assert client.post(reverse("verification:visit_reject", args=[visit.pk]), {"note": "x"}).status_code == 404


def test_the_task_page_offers_confirmation_to_the_head(client, verifier_a, kadis, task_a):
    visit = _removal(verifier_a, task_a)
    client.force_login(kadis)
    body = client.get(reverse("verification:task_detail", args=[task_a.pk])).content.decode()
    assert reverse("verification:visit_confirm", args=[visit.pk]) in body
    client.force_login(verifier_a)
    body = client.get(reverse("verification:task_detail", args=[task_a.pk])).content.decode()
    assert reverse("verification:visit_confirm", args=[visit.pk]) not in body
