"""Every user-management page: anonymous users go to the login page, users without accounts.manage get 403."""

import pytest
from django.urls import reverse

from berdaya.accounts.models import RoleAssignment

PAGES = [
    ("get", "accounts:user_list", False),
    ("get", "accounts:user_create", False),
    ("post", "accounts:user_create", False),
    ("get", "accounts:user_edit", True),
    ("post", "accounts:user_edit", True),
    ("post", "accounts:assignment_add", True),
    ("post", "accounts:user_unlock", True),
    ("post", "accounts:assignment_delete", "assignment"),
]
NON_ADMINS = ["operator_desa_a", "staff_blora", "auditor_blora"]


def _url(name, arg, target):
    if arg == "assignment":
        return reverse(name, args=[RoleAssignment.objects.filter(user=target).first().pk])
    return reverse(name, args=[target.pk]) if arg else reverse(name)


@pytest.mark.parametrize(("method", "name", "arg"), PAGES)
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, operator_desa_b, method, name, arg):
    response = getattr(client, method)(_url(name, arg, operator_desa_b))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("persona", NON_ADMINS)
@pytest.mark.parametrize(("method", "name", "arg"), PAGES)
def test_a_user_without_the_admin_role_is_refused(client, request, operator_desa_b, persona, method, name, arg):
    client.force_login(request.getfixturevalue(persona))
    response = getattr(client, method)(_url(name, arg, operator_desa_b), {"action": "deactivate"})
    assert response.status_code == 403


def test_a_refused_post_changes_nothing(client, staff_blora, operator_desa_b):
    client.force_login(staff_blora)
    client.post(reverse("accounts:user_edit", args=[operator_desa_b.pk]), {"action": "deactivate"})
    assignment = RoleAssignment.objects.get(user=operator_desa_b)
    client.post(reverse("accounts:assignment_delete", args=[assignment.pk]))
    operator_desa_b.refresh_from_db()
    assert operator_desa_b.is_active
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_the_admin_sees_the_users_link_in_the_navigation(client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert f'href="{reverse("accounts:user_list")}"' in page
    assert f'href="{reverse("accounts:profile")}"' in page


def test_a_non_admin_sees_my_account_but_not_the_users_link(client, operator_desa_a):
    client.force_login(operator_desa_a)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert f'href="{reverse("accounts:user_list")}"' not in page
    assert f'href="{reverse("accounts:profile")}"' in page
