"""/django-admin/ is for superusers; registry models are read-only there with their simple-history pages."""

import pytest
from django.urls import reverse

from berdaya.registry.models import Person
from tests.conftest import VILLAGE_A


@pytest.mark.parametrize("name", [
    "admin:accounts_user_changelist", "admin:regions_region_changelist", "admin:registry_household_changelist",
    "admin:registry_person_changelist", "admin:registry_reviewflag_changelist",
])
def test_a_superuser_opens_each_list(client, superuser, household_a, name):
    client.force_login(superuser)
    assert client.get(reverse(name)).status_code == 200


def test_the_user_page_has_the_role_assignment_inline(client, superuser, operator_desa_a):
    client.force_login(superuser)
    page = client.get(reverse("admin:accounts_user_change", args=[operator_desa_a.pk])).content.decode()
    assert "role_assignments-0-role" in page


def test_regions_are_searched_by_code_and_name(client, superuser):
    client.force_login(superuser)
    by_code = client.get(reverse("admin:regions_region_changelist"), {"q": "33.16.01"})
    assert VILLAGE_A in by_code.content.decode()
    by_name = client.get(reverse("admin:regions_region_changelist"), {"q": "blora"})
    assert "33.16" in by_name.content.decode()


def test_regions_cannot_be_changed_in_the_admin(client, superuser):
    client.force_login(superuser)
    assert client.get(reverse("admin:regions_region_add")).status_code == 403
    assert client.post(reverse("admin:regions_region_delete", args=[VILLAGE_A]), {"post": "yes"}).status_code == 403


def test_a_household_history_page_opens(client, superuser, household_a):
    client.force_login(superuser)
    response = client.get(reverse("admin:registry_household_history", args=[household_a.pk]))
    assert response.status_code == 200
    assert household_a.kk_number in response.content.decode()


def test_a_person_cannot_be_edited_in_the_admin(client, superuser, household_a):
    person = Person.objects.filter(household=household_a).first()
    client.force_login(superuser)
    response = client.post(reverse("admin:registry_person_change", args=[person.pk]), {"name": "Diubah"})
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.name != "Diubah"


def test_an_admin_role_without_superuser_cannot_use_the_django_admin(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
