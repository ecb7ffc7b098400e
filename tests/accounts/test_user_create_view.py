from django.urls import reverse

from berdaya.accounts.models import RoleAssignment, User
from berdaya.core.permissions import Role
from tests.conftest import DISTRICT_B, VILLAGE_A

URL = reverse("accounts:user_create")


def _data(**overrides):
    data = {"username": "siti_jati", "first_name": "Siti", "last_name": "Aminah", "email": "siti@example.org",
            "phone": "081234567890", "organisation": "", "language": "id", "password": "Gunung-Lawu-2026",
            "password_confirm": "Gunung-Lawu-2026", "role": Role.VILLAGE_OPERATOR, "region": VILLAGE_A}
    data.update(overrides)
    return data


def test_the_form_opens_for_an_admin(client, admin_user):
    client.force_login(admin_user)
    response = client.get(URL)
    assert response.status_code == 200
    assert 'name="password_confirm"' in response.content.decode()


def test_an_admin_creates_a_user_with_a_first_role(client, admin_user):
    client.force_login(admin_user)
    response = client.post(URL, _data())
    user = User.objects.get(username="siti_jati")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user_edit", args=[user.pk])
    assert user.check_password("Gunung-Lawu-2026")
    assert (user.phone, user.language, user.is_staff, user.is_superuser) == ("081234567890", "id", False, False)
    assignment = RoleAssignment.objects.get(user=user)
    assert (assignment.role, assignment.region_id, assignment.created_by) == (Role.VILLAGE_OPERATOR, VILLAGE_A,
                                                                             admin_user)


def test_the_new_user_can_log_in(client, admin_user):
    client.force_login(admin_user)
    client.post(URL, _data())
    client.logout()
    response = client.post(reverse("accounts:login"), {"username": "siti_jati", "password": "Gunung-Lawu-2026"})
    assert response.status_code == 302


def test_it_applies_the_password_validators(client, admin_user):
    client.force_login(admin_user)
    response = client.post(URL, _data(password="12345678", password_confirm="12345678"))
    assert response.status_code == 400
    assert response.context["form"].errors["password"]
    assert not User.objects.filter(username="siti_jati").exists()


def test_it_rejects_a_password_like_the_username(client, admin_user):
    client.force_login(admin_user)
    response = client.post(URL, _data(password="siti_jati1", password_confirm="siti_jati1"))
    assert response.status_code == 400
    assert not User.objects.filter(username="siti_jati").exists()


def test_it_rejects_two_different_passwords(client, admin_user):
    client.force_login(admin_user)
    response = client.post(URL, _data(password_confirm="Gunung-Lawu-2027"))
    assert response.context["form"].errors["password_confirm"]


def test_it_rejects_a_username_taken_in_another_case(client, admin_user, operator_desa_a):
    client.force_login(admin_user)
    response = client.post(URL, _data(username="Operator_Desa_A"))
    assert response.status_code == 400
    assert "sudah dipakai" in str(response.context["form"].errors["username"])


def test_it_rejects_an_unknown_region_code(client, admin_user):
    client.force_login(admin_user)
    response = client.post(URL, _data(region="33.16.99"))
    assert response.status_code == 400
    assert response.context["form"].errors["region"]


def test_a_national_admin_may_grant_a_national_role(client, admin_user):
    client.force_login(admin_user)
    client.post(URL, _data(region="", national="on", role=Role.AUDITOR))
    assert RoleAssignment.objects.get(user__username="siti_jati").region_id is None


def test_a_district_admin_creates_users_inside_the_district(client, admin_kecamatan_a):
    client.force_login(admin_kecamatan_a)
    assert client.post(URL, _data()).status_code == 302
    assert RoleAssignment.objects.get(user__username="siti_jati").region_id == VILLAGE_A


def test_a_district_admin_cannot_create_a_user_in_another_district(client, admin_kecamatan_a):
    client.force_login(admin_kecamatan_a)
    response = client.post(URL, _data(region=DISTRICT_B))
    assert response.status_code == 400
    assert response.context["form"].errors["region"]
    assert not User.objects.filter(username="siti_jati").exists()


def test_a_district_admin_cannot_create_a_national_user(client, admin_kecamatan_a):
    client.force_login(admin_kecamatan_a)
    client.post(URL, _data(region="", national="on"))
    assert not User.objects.filter(username="siti_jati").exists()


def test_the_region_pick_button_redraws_the_form_without_saving(client, admin_user):
    client.force_login(admin_user)
    response = client.post(URL, _data(region="33", _pick="region"))
    assert response.status_code == 200
    assert not User.objects.filter(username="siti_jati").exists()
    assert 'value="33.16"' in response.content.decode()  # the regencies of Jawa Tengah are offered now
