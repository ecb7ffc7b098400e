"""Granting and revoking roles: scoped to the admin's region, refused for oneself, audited with the actor."""

from django.urls import reverse

from berdaya.accounts.models import RoleAssignment
from berdaya.core.permissions import Perm, Role, has_perm
from tests.conftest import BLORA, DISTRICT_A, DISTRICT_B, VILLAGE_A, VILLAGE_A2, VILLAGE_B


def _add(client, user, role=Role.VERIFIER, region=VILLAGE_A2, **extra):
    data = {"assignment-role": role, "assignment-region": region, **extra}
    return client.post(reverse("accounts:assignment_add", args=[user.pk]), data)


def _delete(client, assignment):
    return client.post(reverse("accounts:assignment_delete", args=[assignment.pk]))


def test_an_admin_grants_a_role_over_a_region(client, admin_user, operator_desa_a):
    client.force_login(admin_user)
    response = _add(client, operator_desa_a, role=Role.VERIFIER, region=DISTRICT_B)
    assert response.status_code == 302
    assert RoleAssignment.objects.filter(user=operator_desa_a, role=Role.VERIFIER, region_id=DISTRICT_B).exists()
    operator_desa_a.refresh_from_db()
    assert has_perm(operator_desa_a, Perm.REGISTRY_VIEW, VILLAGE_B)


def test_granting_is_audited_with_the_actor(client, admin_user, operator_desa_a):
    client.force_login(admin_user)
    _add(client, operator_desa_a)
    record = RoleAssignment.history.get(user_id=operator_desa_a.pk, role=Role.VERIFIER)
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "+", admin_user, "accounts.role_assignment.added")


def test_revoking_is_audited_with_the_actor(client, admin_user, operator_desa_a):
    client.force_login(admin_user)
    _add(client, operator_desa_a)
    assignment = RoleAssignment.objects.get(user=operator_desa_a, role=Role.VERIFIER)
    assert _delete(client, assignment).status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    record = RoleAssignment.history.get(id=assignment.pk, history_type="-")
    assert (record.history_user, record.history_change_reason) == (admin_user, "accounts.role_assignment.removed")


def test_the_history_shows_on_the_user_page(client, admin_user, operator_desa_a):
    client.force_login(admin_user)
    _add(client, operator_desa_a)
    _delete(client, RoleAssignment.objects.get(user=operator_desa_a, role=Role.VERIFIER))
    page = client.get(reverse("accounts:user_edit", args=[operator_desa_a.pk])).content.decode()
    assert page.count("admin nasional") >= 2
    assert "Dicabut" in page


def test_the_same_role_twice_over_the_same_region_is_refused(client, admin_user, operator_desa_a):
    client.force_login(admin_user)
    response = _add(client, operator_desa_a, role=Role.VILLAGE_OPERATOR, region=VILLAGE_A)
    assert response.status_code == 400
    assert RoleAssignment.objects.filter(user=operator_desa_a).count() == 1


def test_the_last_role_cannot_be_revoked(client, admin_user, operator_desa_a):
    client.force_login(admin_user)
    _delete(client, RoleAssignment.objects.get(user=operator_desa_a))
    assert RoleAssignment.objects.filter(user=operator_desa_a).count() == 1


def test_a_district_admin_grants_inside_the_district(client, admin_kecamatan_a, operator_desa_a):
    client.force_login(admin_kecamatan_a)
    assert _add(client, operator_desa_a, region=DISTRICT_A).status_code == 302


def test_a_district_admin_cannot_grant_a_region_outside_the_district(client, admin_kecamatan_a, operator_desa_a):
    client.force_login(admin_kecamatan_a)
    for region in (DISTRICT_B, VILLAGE_B, BLORA):
        response = _add(client, operator_desa_a, region=region)
        assert response.status_code == 400
        assert response.context["assignment_form"].errors["region"]
    assert RoleAssignment.objects.filter(user=operator_desa_a).count() == 1


def test_a_district_admin_cannot_grant_a_national_role(client, admin_kecamatan_a, operator_desa_a):
    client.force_login(admin_kecamatan_a)
    _add(client, operator_desa_a, region="", national="on")
    assert not RoleAssignment.objects.filter(user=operator_desa_a, region__isnull=True).exists()


def test_a_district_admin_cannot_touch_roles_of_a_user_outside(client, admin_kecamatan_a, operator_desa_b):
    client.force_login(admin_kecamatan_a)
    assert _add(client, operator_desa_b, region=VILLAGE_A).status_code == 404
    assert _delete(client, RoleAssignment.objects.get(user=operator_desa_b)).status_code == 404
    assert RoleAssignment.objects.filter(user=operator_desa_b).count() == 1


def test_an_admin_cannot_give_themselves_another_role(client, admin_kecamatan_a):
    client.force_login(admin_kecamatan_a)
    response = _add(client, admin_kecamatan_a, role=Role.DINSOS_STAFF, region=DISTRICT_A)
    assert response.status_code == 400
    assert RoleAssignment.objects.filter(user=admin_kecamatan_a).count() == 1


def test_an_admin_cannot_revoke_their_own_role(client, admin_user):
    client.force_login(admin_user)
    _delete(client, RoleAssignment.objects.get(user=admin_user))
    assert RoleAssignment.objects.filter(user=admin_user).exists()
