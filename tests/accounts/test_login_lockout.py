"""Login hardening through the real login view: django-axes locks a username out, an admin unlocks it."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import PASSWORD

LOGIN = reverse("accounts:login")


def _fail(client, username):
    return client.post(LOGIN, {"username": username, "password": "salah-sekali-123"})


def _login(client, username, password=PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def _lock_out(client, username):
    responses = [_fail(client, username) for _ in range(settings.AXES_FAILURE_LIMIT)]
    return responses[-1]


def test_the_login_page_opens_without_logging_in(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert b'name="username"' in response.content


def test_a_correct_password_logs_in(client, operator_desa_a):
    response = _login(client, "operator_desa_a")
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert client.get(reverse("accounts:profile")).status_code == 200


@pytest.mark.parametrize("path", ["/", "/registry/", "/accounts/me/", "/accounts/users/"])
def test_nothing_but_the_login_page_opens_without_logging_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN}?next=")


def test_failures_below_the_limit_do_not_lock(client, operator_desa_a):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _fail(client, "operator_desa_a").status_code == 200
    assert _login(client, "operator_desa_a").status_code == 302


def test_the_username_is_locked_out_after_the_failure_limit(client, operator_desa_a):
    response = _lock_out(client, "operator_desa_a")
    assert response.status_code == 429
    assert "Akun dikunci sementara" in response.content.decode()


def test_a_locked_username_cannot_log_in_even_with_the_right_password(client, operator_desa_a):
    _lock_out(client, "operator_desa_a")
    response = _login(client, "operator_desa_a")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_user_list_shows_the_locked_user(client, admin_user, operator_desa_a):
    _lock_out(client, "operator_desa_a")
    client.force_login(admin_user)
    page = client.get(reverse("accounts:user_list"), {"q": "operator_desa_a"}).content.decode()
    assert "Terkunci" in page


def test_an_admin_unlock_lets_the_user_log_in_again(client, admin_user, operator_desa_a):
    _lock_out(client, "operator_desa_a")
    admin = client.__class__()
    admin.force_login(admin_user)
    response = admin.post(reverse("accounts:user_unlock", args=[operator_desa_a.pk]))
    assert response.status_code == 302
    assert "Terkunci" not in admin.get(reverse("accounts:user_edit", args=[operator_desa_a.pk])).content.decode()
    assert _login(client, "operator_desa_a").status_code == 302


def test_an_admin_outside_the_region_cannot_unlock(client, admin_kecamatan_a, operator_desa_b):
    _lock_out(client, "operator_desa_b")
    client.force_login(admin_kecamatan_a)
    assert client.post(reverse("accounts:user_unlock", args=[operator_desa_b.pk])).status_code == 404
    anonymous = client.__class__()
    assert _login(anonymous, "operator_desa_b").status_code == 429
