"""/django-admin/: sources and partners are edited there; programmes and budgets are read-only with history."""

import pytest
from django.urls import reverse

from berdaya.accounts.models import User


@pytest.fixture
def superuser(db):
    user = User(username="root", is_staff=True, is_superuser=True)
    user.set_unusable_password()
    user.save()
    return user


@pytest.mark.parametrize("name", [
    "admin:programmes_fundingsource_changelist", "admin:programmes_partner_changelist",
    "admin:programmes_programme_changelist", "admin:programmes_budgetline_changelist",
    "admin:programmes_budgetcommitment_changelist",
])
def test_a_superuser_opens_each_list(client, superuser, line, name):
    client.force_login(superuser)
    assert client.get(reverse(name)).status_code == 200


def test_a_programme_cannot_be_changed_in_the_admin_but_its_history_opens(client, superuser, programme):
    client.force_login(superuser)
    assert client.get(reverse("admin:programmes_programme_add")).status_code == 403
    assert client.get(reverse("admin:programmes_programme_history", args=[programme.pk])).status_code == 200


def test_a_funding_source_can_be_added_in_the_admin(client, superuser):
    client.force_login(superuser)
    response = client.post(reverse("admin:programmes_fundingsource_add"),
                           {"code": "lazismu", "kind": "zakat", "name": "Lazismu"})
    assert response.status_code == 302
