"""registry:person_status — mark a member deceased or moved out, with a date and a note."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from berdaya.registry import services
from tests import factories
from tests.conftest import VILLAGE_A
from tests.registry.conftest import login


@pytest.fixture
def grandmother(household_a, staff_blora):
    data = factories.person_data(village=VILLAGE_A, name="Mbah Painah", sex="P", birth_date=date(1940, 2, 2),
                                 relationship=7)
    return services.person_add(actor=staff_blora, household=household_a, data=data)


def _url(person):
    return reverse("registry:person_status", args=[person.pk])


def test_it_renders_for_the_village_operator(client, operator_desa_a, grandmother):
    response = login(client, operator_desa_a).get(_url(grandmother))
    assert response.status_code == 200
    assert "Mbah Painah" in response.content.decode()


def test_it_marks_a_member_deceased(client, operator_desa_a, household_a, grandmother):
    day = date.today() - timedelta(days=10)
    data = {"status": "deceased", "date": day.strftime("%d/%m/%Y"), "note": "Akta kematian 3316-KM-123"}
    response = login(client, operator_desa_a).post(_url(grandmother), data)
    assert response.status_code == 302
    grandmother.refresh_from_db()
    household_a.refresh_from_db()
    assert (grandmother.status, grandmother.status_date, grandmother.status_note) == (
        "deceased", day, "Akta kematian 3316-KM-123")
    assert household_a.member_count == 1
    record = grandmother.history.latest()
    assert (record.history_user, record.history_change_reason) == (operator_desa_a, "registry.person.deceased")


def test_it_marks_a_member_moved_out_with_the_browsers_date(client, operator_desa_a, grandmother):
    day = date.today() - timedelta(days=40)
    login(client, operator_desa_a).post(_url(grandmother), {"status": "moved_out", "date": day.isoformat()})
    grandmother.refresh_from_db()
    assert (grandmother.status, grandmother.status_date) == ("moved_out", day)


def test_it_refuses_a_date_in_the_future(client, operator_desa_a, grandmother):
    tomorrow = (date.today() + timedelta(days=2)).strftime("%d/%m/%Y")
    response = login(client, operator_desa_a).post(_url(grandmother), {"status": "deceased", "date": tomorrow})
    assert "masa depan" in response.context["form"].errors["date"][0]
    grandmother.refresh_from_db()
    assert grandmother.status == "alive"


def test_it_is_404_for_an_operator_of_another_village(client, operator_desa_b, grandmother):
    client = login(client, operator_desa_b)
    assert client.get(_url(grandmother)).status_code == 404
    assert client.post(_url(grandmother), {"status": "deceased", "date": "01/01/2026"}).status_code == 404


def test_it_is_403_for_the_auditor(client, auditor_blora, grandmother):
    client = login(client, auditor_blora)
    assert client.get(_url(grandmother)).status_code == 403
    assert client.post(_url(grandmother), {"status": "deceased", "date": "01/01/2026"}).status_code == 403
    grandmother.refresh_from_db()
    assert grandmother.status == "alive"
