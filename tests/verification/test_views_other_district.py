"""A verifier of another district is refused every assignment, task, visit form post, confirmation and photo
outside theirs: those objects do not exist for them (404), and the database is unchanged. Pages that need a
permission they hold nowhere (creating assignments, the confirmation queue) are 403. Positive controls: the
assignment's own verifier gets the same pages."""

from datetime import date

import pytest
from django.urls import reverse

from berdaya.core.documents import PHOTO_TYPES
from berdaya.verification import services
from berdaya.verification.models import Outcome, VervalTask, Visit, VisitPhoto
from tests import factories
from tests.verification.conftest import photo

# (url name, object, methods)
PAGES = [
    ("assignment_detail", "assignment", ("get",)),
    ("assignment_add_items", "assignment", ("post",)),
    ("assignment_add_households", "assignment", ("post",)),
    ("assignment_import", "assignment", ("post",)),
    ("task_detail", "task", ("get", "post")),
    ("visit_confirm", "pending_visit", ("post",)),
    ("visit_reject", "pending_visit", ("post",)),
    ("photo", "photo", ("get",)),
]


@pytest.fixture
def district_a(staff_blora, verifier_a, task_a, household_a):
    """Verifier A's district: an assignment, a visited task with a photo, and a removal waiting for confirmation."""
    visited = services.visit_record(actor=verifier_a, task=task_a, visited_on=date.today(),
                                    outcome=Outcome.ELIGIBLE, photos=[photo()])
    other = factories.household(actor=staff_blora, village=household_a.village_id, head_name="Darmo")
    pending_task = services.assignment_add_households(actor=staff_blora, assignment=task_a.assignment,
                                                      households=[other])[0]
    pending = services.visit_record(actor=verifier_a, task=pending_task, visited_on=date.today(),
                                    outcome=Outcome.NOT_FOUND)
    return {"assignment": task_a.assignment, "task": pending_task, "pending_visit": pending,
            "photo": visited.photos.get()}


def _payload(name, objects):
    task = objects["task"]
    return {"task_detail": {"visited_on": date.today().isoformat(), "outcome": "eligible"},
            "assignment_add_households": {"kk_numbers": task.household.kk_number},
            "visit_reject": {"note": "tolak"}, "visit_confirm": {"note": "ok"}}.get(name, {})


def _state():
    return (VervalTask.objects.count(), Visit.objects.count(), VisitPhoto.objects.count(),
            list(Visit.objects.order_by("pk").values_list("confirmation", flat=True)),
            list(VervalTask.objects.order_by("pk").values_list("state", flat=True)), factories.audit_counts())


@pytest.mark.parametrize(("name", "kind", "methods"), PAGES)
def test_a_verifier_of_another_district_is_refused_every_page(client, verifier_kecamatan_b, district_a, name, kind,
                                                              methods):
    client.force_login(verifier_kecamatan_b)
    url = reverse(f"verification:{name}", args=[district_a[kind].pk])
    before = _state()
    for method in methods:
        response = getattr(client, method)(url, _payload(name, district_a))
        assert response.status_code == 404, (name, method)
    assert _state() == before


@pytest.mark.parametrize(("name", "kind", "methods"), PAGES)
def test_another_verifier_of_the_same_district_is_refused_too(client, verifier_a2, district_a, name, kind, methods):
    client.force_login(verifier_a2)
    url = reverse(f"verification:{name}", args=[district_a[kind].pk])
    before = _state()
    for method in methods:
        assert getattr(client, method)(url, _payload(name, district_a)).status_code == 404, (name, method)
    assert _state() == before


def test_pages_needing_a_permission_the_verifier_holds_nowhere_are_403(client, verifier_kecamatan_b, district_a):
    client.force_login(verifier_kecamatan_b)
    assert client.get(reverse("verification:assignment_create")).status_code == 403
    assert client.post(reverse("verification:assignment_create"), {"name": "x"}).status_code == 403
    assert client.get(reverse("verification:queue")).status_code == 403


def test_the_verifier_of_district_b_sees_none_of_district_a_on_their_pages(client, verifier_kecamatan_b,
                                                                          district_a, task_b):
    client.force_login(verifier_kecamatan_b)
    index = client.get(reverse("verification:index"))
    assert [row.task for _place, rows in index.context["groups"] for row in rows] == [task_b]
    assert index.context["assignments"] == [task_b.assignment]
    funnel = client.get(reverse("verification:funnel"))
    assert funnel.context["result"].listed == 1  # their own task only


def test_positive_control_the_assigned_verifier_opens_the_same_pages(client, verifier_a, district_a):
    client.force_login(verifier_a)
    for name, kind in (("assignment_detail", "assignment"), ("task_detail", "task"), ("photo", "photo")):
        assert client.get(reverse(f"verification:{name}", args=[district_a[kind].pk])).status_code == 200
    assert district_a["photo"].document.content_type in PHOTO_TYPES
