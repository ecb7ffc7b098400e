from berdaya.accounts import services
from berdaya.accounts.models import User
from berdaya.core.permissions import Role
from tests.conftest import VILLAGE_A
from tests.factories import PASSWORD


def test_a_persona_password_is_stored_with_argon2(operator_desa_a):
    operator_desa_a.refresh_from_db()
    assert operator_desa_a.password.startswith("argon2$")
    assert operator_desa_a.check_password(PASSWORD)


def test_a_user_created_by_an_admin_gets_an_argon2_hash(admin_user):
    user = services.user_create(actor=admin_user, data={"username": "siti", "first_name": "Siti"},
                                password="Kelapa-Muda-2026", role=Role.VILLAGE_OPERATOR, region=VILLAGE_A)
    stored = User.objects.get(pk=user.pk).password
    assert stored.startswith("argon2$argon2id$")
    assert "Kelapa-Muda-2026" not in stored
