"""registry:household_set_head — a living member becomes the head; the former head takes a new relationship."""

from datetime import date

import pytest
from django.urls import reverse

from berdaya.registry import services
from tests import factories
from tests.conftest import VILLAGE_A
from tests.registry.conftest import login


@pytest.fixture
def wife(household_a, staff_blora):
    data = factories.person_data(village=VILLAGE_A, name="Suyati", sex="P", birth_date=date(1982, 1, 9),
                                 relationship=3)
    return services.person_add(actor=staff_blora, household=household_a, data=data)


def _url(household):
    return reverse("registry:household_set_head", args=[household.pk])


def test_it_offers_the_living_members_who_are_not_head(client, operator_desa_a, household_a, wife):
    response = login(client, operator_desa_a).get(_url(household_a))
    assert response.status_code == 200
    assert list(response.context["form"].fields["new_head"].queryset) == [wife]
    assert "Sutrisno" in response.content.decode()


def test_it_replaces_the_head(client, operator_desa_a, household_a, wife):
    former = household_a.members.get(relationship=1)
    response = login(client, operator_desa_a).post(_url(household_a), {"new_head": wife.pk,
                                                                       "former_head_relationship": 2})
    assert response.status_code == 302
    wife.refresh_from_db()
    former.refresh_from_db()
    household_a.refresh_from_db()
    assert (wife.relationship, former.relationship) == (1, 2)
    assert household_a.head_name == "Suyati"
    assert wife.history.latest().history_change_reason == "registry.person.head_assigned"


def test_it_requires_the_former_heads_new_relationship(client, operator_desa_a, household_a, wife):
    response = login(client, operator_desa_a).post(_url(household_a), {"new_head": wife.pk})
    assert "former_head_relationship" in response.context["form"].errors
    wife.refresh_from_db()
    assert wife.relationship == 3


def test_it_is_404_for_an_operator_of_another_village(client, operator_desa_b, household_a, wife):
    client = login(client, operator_desa_b)
    assert client.get(_url(household_a)).status_code == 404
    assert client.post(_url(household_a), {"new_head": wife.pk, "former_head_relationship": 2}).status_code == 404


def test_it_is_403_for_the_auditor(client, auditor_blora, household_a, wife):
    client = login(client, auditor_blora)
    assert client.get(_url(household_a)).status_code == 403
    assert client.post(_url(household_a), {"new_head": wife.pk, "former_head_relationship": 2}).status_code == 403
    wife.refresh_from_db()
    assert wife.relationship == 3
