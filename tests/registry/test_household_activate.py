"""A family found in the field (verval "new family") is a draft until an operator activates it."""

import pytest
from django.urls import reverse

from berdaya.core.errors import ApplicationError
from berdaya.registry import codes, services
from berdaya.registry.models import Household
from tests import factories
from tests.conftest import VILLAGE_A


@pytest.fixture
def draft(db, staff_blora):
    household = factories.household(actor=staff_blora, village=VILLAGE_A)
    Household.objects.filter(pk=household.pk).update(status=codes.HouseholdStatus.DRAFT)
    household.refresh_from_db()
    return household


def test_drafts_are_left_out_of_the_list_until_asked_for(client, operator_desa_a, draft):
    client.force_login(operator_desa_a)
    listed = client.get(reverse("registry:household_list")).context["page"].object_list
    assert draft.pk not in {getattr(r, "pk", None) or r["household"].pk for r in listed}
    drafts = client.get(reverse("registry:household_list"), {"status": "draft"}).context["page"].object_list
    assert [getattr(r, "pk", None) or r["household"].pk for r in drafts] == [draft.pk]
    every = client.get(reverse("registry:household_list"), {"status": "all"}).context["page"].object_list
    assert draft.pk in {getattr(r, "pk", None) or r["household"].pk for r in every}


def test_an_operator_activates_a_draft_and_the_history_says_so(client, operator_desa_a, draft):
    client.force_login(operator_desa_a)
    page = client.get(reverse("registry:household_detail", args=[draft.pk])).content.decode()
    assert "Aktifkan keluarga" in page
    response = client.post(reverse("registry:household_activate", args=[draft.pk]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == codes.HouseholdStatus.ACTIVE
    assert draft.history.first().history_change_reason == "registry.household.activated"


def test_only_a_draft_can_be_activated(staff_blora, household_a):
    with pytest.raises(ApplicationError) as err:
        services.household_activate(actor=staff_blora, household=household_a)
    assert err.value.code == "transition"


def test_activation_is_refused_outside_the_users_village_and_to_a_verifier(client, operator_desa_b,
                                                                          verifier_kecamatan_b, draft):
    client.force_login(operator_desa_b)
    assert client.post(reverse("registry:household_activate", args=[draft.pk])).status_code == 404
    with pytest.raises(ApplicationError):
        services.household_activate(actor=verifier_kecamatan_b, household=draft)
    draft.refresh_from_db()
    assert draft.status == codes.HouseholdStatus.DRAFT
