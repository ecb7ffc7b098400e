"""registry:person_move — a member moves to another KK entered by its number, inside the user's edit scope."""

from datetime import date

import pytest
from django.urls import reverse

from berdaya.registry import services
from tests import factories
from tests.conftest import VILLAGE_A
from tests.registry.conftest import login


@pytest.fixture
def child(household_a, staff_blora):
    data = factories.person_data(village=VILLAGE_A, name="Rudi", birth_date=date(2001, 7, 7))
    return services.person_add(actor=staff_blora, household=household_a, data=data)


def _url(person):
    return reverse("registry:person_move", args=[person.pk])


def test_it_renders_for_the_village_operator(client, operator_desa_a, child):
    assert login(client, operator_desa_a).get(_url(child)).status_code == 200


def test_it_moves_the_member_to_the_kk_entered(client, operator_desa_a, staff_blora, household_a, child):
    target = factories.household(actor=staff_blora, village=VILLAGE_A, head_name="Warsito")
    spaced = f"{target.kk_number[:6]} {target.kk_number[6:]}"
    response = login(client, operator_desa_a).post(_url(child), {"kk_number": spaced, "relationship": 5})
    assert response["Location"] == reverse("registry:household_detail", args=[target.pk])
    child.refresh_from_db()
    household_a.refresh_from_db()
    target.refresh_from_db()
    assert (child.household, child.relationship) == (target, 5)
    assert (household_a.member_count, target.member_count) == (1, 2)
    assert child.history.latest().history_change_reason == "registry.person.moved"


def test_a_kk_outside_the_users_edit_scope_is_not_found(client, operator_desa_a, household_b, child):
    response = login(client, operator_desa_a).post(_url(child), {"kk_number": household_b.kk_number,
                                                                 "relationship": 4})
    assert "tidak ditemukan di wilayah kerja Anda" in response.context["form"].errors["kk_number"][0]
    child.refresh_from_db()
    assert child.household_id != household_b.pk


def test_a_service_refusal_is_shown_on_the_form(client, operator_desa_a, household_a, child):
    response = login(client, operator_desa_a).post(_url(child), {"kk_number": household_a.kk_number,
                                                                 "relationship": 4})
    assert "sudah berada di KK ini" in response.content.decode()


def test_it_is_404_for_an_operator_of_another_village(client, operator_desa_b, household_b, child):
    client = login(client, operator_desa_b)
    assert client.get(_url(child)).status_code == 404
    assert client.post(_url(child), {"kk_number": household_b.kk_number, "relationship": 4}).status_code == 404


def test_it_is_403_for_the_auditor(client, auditor_blora, household_b, child):
    client = login(client, auditor_blora)
    assert client.get(_url(child)).status_code == 403
    assert client.post(_url(child), {"kk_number": household_b.kk_number, "relationship": 4}).status_code == 403
    child.refresh_from_db()
    assert child.household_id != household_b.pk
