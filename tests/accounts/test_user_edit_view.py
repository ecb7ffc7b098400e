from django.urls import reverse

from berdaya.accounts.models import User
from berdaya.core.permissions import Role
from tests import factories
from tests.conftest import VILLAGE_A2


def _url(user):
    return reverse("accounts:user_edit", args=[user.pk])


def test_the_page_shows_the_user_and_their_roles(client, admin_user, operator_desa_a):
    client.force_login(admin_user)
    response = client.get(_url(operator_desa_a))
    page = response.content.decode()
    assert response.status_code == 200
    assert "operator_desa_a" in page
    assert "Operator Desa/Kelurahan" in page


def test_an_admin_changes_the_details(client, admin_user, operator_desa_a):
    client.force_login(admin_user)
    response = client.post(_url(operator_desa_a), {
        "action": "details", "details-first_name": "Wulan", "details-last_name": "Sari",
        "details-email": "wulan@example.org", "details-phone": "0812", "details-organisation": "Desa Jati",
        "details-language": "en"})
    assert response.status_code == 302
    operator_desa_a.refresh_from_db()
    assert (operator_desa_a.get_full_name(), operator_desa_a.language) == ("Wulan Sari", "en")


def test_an_invalid_email_is_refused_and_nothing_saved(client, admin_user, operator_desa_a):
    client.force_login(admin_user)
    response = client.post(_url(operator_desa_a), {
        "action": "details", "details-first_name": "Wulan", "details-email": "bukan-email", "details-language": "id"})
    assert response.status_code == 400
    assert response.context["details_form"].errors["email"]
    operator_desa_a.refresh_from_db()
    assert operator_desa_a.first_name == "operator desa a"


def test_an_admin_deactivates_and_reactivates_a_user(client, admin_user, operator_desa_a):
    client.force_login(admin_user)
    client.post(_url(operator_desa_a), {"action": "deactivate"})
    operator_desa_a.refresh_from_db()
    assert not operator_desa_a.is_active
    client.post(_url(operator_desa_a), {"action": "activate"})
    operator_desa_a.refresh_from_db()
    assert operator_desa_a.is_active


def test_a_deactivated_user_cannot_log_in(client, admin_user, operator_desa_a):
    client.force_login(admin_user)
    client.post(_url(operator_desa_a), {"action": "deactivate"})
    client.logout()
    response = client.post(reverse("accounts:login"), {"username": "operator_desa_a", "password": factories.PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_an_admin_cannot_deactivate_themselves(client, admin_user):
    client.force_login(admin_user)
    response = client.post(_url(admin_user), {"action": "deactivate"}, follow=True)
    admin_user.refresh_from_db()
    assert admin_user.is_active
    assert "akun Anda sendiri" in response.content.decode()


def test_an_admin_resets_a_password_with_the_validators(client, admin_user, operator_desa_a):
    client.force_login(admin_user)
    weak = client.post(_url(operator_desa_a), {"action": "password", "password-new_password1": "password",
                                               "password-new_password2": "password"})
    assert weak.status_code == 400
    assert weak.context["password_form"].errors
    ok = client.post(_url(operator_desa_a), {"action": "password", "password-new_password1": "Sungai-Lusi-2026",
                                             "password-new_password2": "Sungai-Lusi-2026"})
    assert ok.status_code == 302
    operator_desa_a.refresh_from_db()
    assert operator_desa_a.check_password("Sungai-Lusi-2026")
    assert operator_desa_a.password.startswith("argon2")


def test_an_admin_cannot_reset_their_own_password_here(client, admin_user):
    client.force_login(admin_user)
    response = client.post(_url(admin_user), {"action": "password", "password-new_password1": "Sungai-Lusi-2026",
                                              "password-new_password2": "Sungai-Lusi-2026"})
    assert response.status_code == 400
    admin_user.refresh_from_db()
    assert admin_user.check_password(factories.PASSWORD)


def test_a_district_admin_edits_a_user_of_the_district(client, admin_kecamatan_a, operator_desa_a):
    client.force_login(admin_kecamatan_a)
    assert client.get(_url(operator_desa_a)).status_code == 200
    client.post(_url(operator_desa_a), {"action": "deactivate"})
    operator_desa_a.refresh_from_db()
    assert not operator_desa_a.is_active


def test_a_district_admin_cannot_see_or_change_a_user_of_another_district(
        client, admin_kecamatan_a, operator_desa_b):
    client.force_login(admin_kecamatan_a)
    assert client.get(_url(operator_desa_b)).status_code == 404
    assert client.post(_url(operator_desa_b), {"action": "deactivate"}).status_code == 404
    operator_desa_b.refresh_from_db()
    assert operator_desa_b.is_active


def test_a_district_admin_cannot_change_a_regency_wide_user(client, admin_kecamatan_a, staff_blora):
    client.force_login(admin_kecamatan_a)
    assert client.get(_url(staff_blora)).status_code == 404


def test_a_district_admin_cannot_change_a_user_who_also_works_elsewhere(client, admin_kecamatan_a):
    user = factories.user_with_role(username="dua_desa", role=Role.VILLAGE_OPERATOR, region=VILLAGE_A2)
    factories.RoleAssignment.objects.create(user=user, role=Role.VILLAGE_OPERATOR, region_id="33.16.02.2001")
    client.force_login(admin_kecamatan_a)
    assert client.get(_url(user)).status_code == 404


def test_a_national_admin_cannot_change_a_superuser(client, admin_user):
    root = User.objects.create_superuser(username="root", password=factories.PASSWORD)
    client.force_login(admin_user)
    assert client.get(_url(root)).status_code == 404
