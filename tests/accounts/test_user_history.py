"""Changes to users are kept in the audit trail with the actor and an action code; hashes never are."""

from berdaya.accounts import services
from berdaya.accounts.models import User
from berdaya.core.permissions import Role
from tests.conftest import VILLAGE_A

STRONG = "Waduk-Tempuran-2026"


def test_creating_editing_and_resetting_a_user_is_audited_without_the_hash(admin_user):
    user = services.user_create(actor=admin_user, data={"username": "baru", "first_name": "Baru"}, password=STRONG,
                                role=Role.VILLAGE_OPERATOR, region=VILLAGE_A)
    services.user_update(actor=admin_user, user=user, data={"first_name": "Baru Sekali"})
    services.user_password_set(actor=admin_user, user=user, password="Sungai-Lusi-2026-x")
    records = list(User.history.filter(id=user.pk).order_by("history_date"))
    assert [r.history_change_reason for r in records] == [
        "accounts.user.created", "accounts.user.updated", "accounts.user.password_reset"]
    assert all(r.history_user_id == admin_user.pk for r in records)
    assert records[1].diff_against(records[0]).changed_fields == ["first_name"]
    assert not hasattr(records[0], "password")
