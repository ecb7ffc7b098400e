"""Account fixtures: an admin limited to one district (Jati, 33.16.01) next to the shared personas."""

import pytest

from berdaya.core.permissions import Role
from tests import factories
from tests.conftest import DISTRICT_A


@pytest.fixture
def admin_kecamatan_a(db):
    return factories.user_with_role(username="admin_jati", role=Role.ADMIN, region=DISTRICT_A)


@pytest.fixture
def superuser(db):
    return factories.User.objects.create_superuser(username="root", password=factories.PASSWORD,
                                                   email="root@example.org")


