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


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # Pages render {% static %}; without collectstatic the manifest storage (DEBUG off) has no entries.
    # TODO(lead): move to tests/conftest.py if the whole suite needs it.
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
