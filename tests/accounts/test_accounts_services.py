"""The services enforce the scope rules themselves, whatever form or API calls them."""

import pytest

from berdaya.accounts import services
from berdaya.accounts.models import RoleAssignment
from berdaya.core.errors import ApplicationError
from berdaya.core.permissions import Role
from tests.conftest import BLORA, DISTRICT_A, DISTRICT_B, VILLAGE_A, VILLAGE_B

STRONG = "Waduk-Tempuran-2026"


def _new(actor, *, region=VILLAGE_A, username="baru"):
    return services.user_create(actor=actor, data={"username": username, "first_name": "Baru"}, password=STRONG,
                                role=Role.VILLAGE_OPERATOR, region=region)


def test_a_user_without_the_admin_role_cannot_create_users(staff_blora):
    with pytest.raises(ApplicationError) as err:
        _new(staff_blora)
    assert err.value.code == "forbidden"


@pytest.mark.parametrize("region", [DISTRICT_B, VILLAGE_B, BLORA, None, "35.75"])
def test_a_district_admin_cannot_grant_outside_the_district(admin_kecamatan_a, operator_desa_a, region):
    with pytest.raises(ApplicationError) as err:
        services.role_assignment_add(actor=admin_kecamatan_a, user=operator_desa_a, role=Role.VERIFIER,
                                     region=region)
    assert err.value.field == "region"
    assert RoleAssignment.objects.filter(user=operator_desa_a).count() == 1


def test_a_district_admin_cannot_create_a_user_outside_the_district(admin_kecamatan_a):
    with pytest.raises(ApplicationError):
        _new(admin_kecamatan_a, region=DISTRICT_B)


def test_an_unknown_region_code_is_refused(admin_user):
    with pytest.raises(ApplicationError) as err:
        _new(admin_user, region="33.16.99")
    assert err.value.field == "region"


def test_an_unknown_role_is_refused(admin_user, operator_desa_a):
    with pytest.raises(ApplicationError) as err:
        services.role_assignment_add(actor=admin_user, user=operator_desa_a, role="superhero", region=VILLAGE_A)
    assert err.value.field == "role"


def test_a_weak_initial_password_is_refused(admin_user):
    with pytest.raises(ApplicationError) as err:
        services.user_create(actor=admin_user, data={"username": "baru"}, password="baru1234", role=Role.MENTOR,
                             region=VILLAGE_A)
    assert err.value.field == "password"


@pytest.mark.parametrize("call", [
    lambda actor, user: services.user_update(actor=actor, user=user, data={"first_name": "X"}),
    lambda actor, user: services.user_set_active(actor=actor, user=user, active=False),
    lambda actor, user: services.user_password_set(actor=actor, user=user, password=STRONG),
    lambda actor, user: services.user_unlock(actor=actor, user=user),
    lambda actor, user: services.role_assignment_add(actor=actor, user=user, role=Role.MENTOR, region=DISTRICT_A),
    lambda actor, user: services.role_assignment_remove(actor=actor, assignment=user.role_assignments.get()),
])
def test_a_district_admin_cannot_act_on_a_user_of_another_district(admin_kecamatan_a, operator_desa_b, call):
    with pytest.raises(ApplicationError) as err:
        call(admin_kecamatan_a, operator_desa_b)
    assert err.value.code == "forbidden"
    operator_desa_b.refresh_from_db()
    assert operator_desa_b.is_active and operator_desa_b.first_name != "X"


def test_a_district_admin_loses_a_user_granted_a_role_outside(admin_user, admin_kecamatan_a, operator_desa_a):
    services.role_assignment_add(actor=admin_user, user=operator_desa_a, role=Role.VERIFIER, region=DISTRICT_B)
    with pytest.raises(ApplicationError):
        services.user_set_active(actor=admin_kecamatan_a, user=operator_desa_a, active=False)


def test_the_creator_is_recorded_on_the_assignment(admin_kecamatan_a):
    user = _new(admin_kecamatan_a)
    assert user.role_assignments.get().created_by == admin_kecamatan_a


def test_the_own_language_must_be_offered(operator_desa_a):
    with pytest.raises(ApplicationError):
        services.own_language_set(user=operator_desa_a, language="fr")
    services.own_language_set(user=operator_desa_a, language="en")
    operator_desa_a.refresh_from_db()
    assert operator_desa_a.language == "en"
