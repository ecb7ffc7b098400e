"""Registry fixtures: plain static storage for page tests, and a mentor (REGISTRY_VIEW only) in village A."""

from datetime import date

import pytest

from berdaya.core.permissions import Role
from tests import factories
from tests.conftest import VILLAGE_A


@pytest.fixture
def mentor_desa_a(db):
    return factories.user_with_role(username="pendamping_a", role=Role.MENTOR, region=VILLAGE_A)


def form_post(data: dict, prefix: str = "") -> dict:
    """A service-style dict as a browser would post it: dates dd/mm/yyyy, unticked boxes absent, None blank."""
    out = {}
    for key, value in data.items():
        if isinstance(value, date):
            value = value.strftime("%d/%m/%Y")
        elif value is True:
            value = "on"
        elif value is False:
            continue
        elif value is None:
            value = ""
        out[f"{prefix}-{key}" if prefix else key] = value
    return out


def login(client, user):
    client.force_login(user)
    return client
