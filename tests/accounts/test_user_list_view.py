from django.urls import reverse

from berdaya.core.permissions import Role
from tests import factories
from tests.conftest import DISTRICT_B, VILLAGE_A2

URL = reverse("accounts:user_list")


def _usernames(response) -> set[str]:
    return {u.username for u in response.context["page"].object_list}


def test_a_national_admin_sees_every_user_with_their_roles(client, admin_user, operator_desa_a, staff_blora):
    client.force_login(admin_user)
    response = client.get(URL)
    assert response.status_code == 200
    assert {"admin_nasional", "operator_desa_a", "staf_blora"} <= _usernames(response)
    page = response.content.decode()
    assert "Operator Desa/Kelurahan" in page
    assert "33.16.01.2001" in page


def test_it_searches_by_name_fragment(client, admin_user, operator_desa_a, staff_blora):
    client.force_login(admin_user)
    assert _usernames(client.get(URL, {"q": "DESA a"})) == {"operator_desa_a"}


def test_it_filters_by_role(client, admin_user, operator_desa_a, staff_blora, auditor_blora):
    client.force_login(admin_user)
    assert _usernames(client.get(URL, {"role": Role.AUDITOR})) == {"auditor_blora"}


def test_it_filters_by_region(client, admin_user, operator_desa_a, operator_desa_b, staff_blora):
    client.force_login(admin_user)
    assert _usernames(client.get(URL, {"region": DISTRICT_B})) == {"operator_desa_b"}


def test_it_shows_inactive_users_as_such(client, admin_user, operator_desa_a):
    operator_desa_a.is_active = False
    operator_desa_a.save()
    client.force_login(admin_user)
    response = client.get(URL, {"active": "0"})
    assert _usernames(response) == {"operator_desa_a"}
    assert "Nonaktif" in response.content.decode()


def test_a_district_admin_sees_only_users_entirely_inside_the_district(
        client, admin_kecamatan_a, admin_user, operator_desa_a, operator_desa_b, staff_blora):
    straddling = factories.user_with_role(username="dua_desa", role=Role.VILLAGE_OPERATOR, region=VILLAGE_A2)
    factories.RoleAssignment.objects.create(user=straddling, role=Role.VILLAGE_OPERATOR, region_id="33.16.02.2001")
    client.force_login(admin_kecamatan_a)
    assert _usernames(client.get(URL)) == {"admin_jati", "operator_desa_a"}


def test_an_htmx_search_returns_only_the_rows(client, admin_user, operator_desa_a):
    client.force_login(admin_user)
    response = client.get(URL, {"q": "operator"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert 'id="user-rows"' in page
    assert "<html" not in page
    assert "operator_desa_a" in page


def test_the_list_is_paginated(client, admin_user, settings):
    for i in range(settings.BERDAYA_PAGE_SIZE + 1):
        factories.User.objects.create(username=f"u{i:03d}")
    client.force_login(admin_user)
    response = client.get(URL, {"page": 2})
    assert response.context["page"].number == 2
    assert len(response.context["page"].object_list) == 2  # page size + 1 users and the admin
