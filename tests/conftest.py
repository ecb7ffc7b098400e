"""Shared fixtures: regions (Blora 33.16 and Kota Pasuruan 35.75), personas with roles and regions, factories."""

from datetime import date

import pytest

from berdaya.core.permissions import Role
from tests import factories

BLORA = "33.16"
# Two districts of Blora and a village in each, and a village of another regency (Kota Pasuruan).
DISTRICT_A = "33.16.01"  # Jati
DISTRICT_B = "33.16.02"  # Randublatung
VILLAGE_A = "33.16.01.2001"
VILLAGE_A2 = "33.16.01.2002"
VILLAGE_B = "33.16.02.2001"
PASURUAN = "35.75"
VILLAGE_P = "35.75.01.1001"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from berdaya.regions.services import regions_load

    with django_db_blocker.unblock():
        regions_load(only_prefix=BLORA)
        regions_load(only_prefix=PASURUAN)


@pytest.fixture
def today():
    return date.today()


def _persona(username, role, region):
    return factories.user_with_role(username=username, role=role, region=region)


@pytest.fixture
def admin_user(db):
    return _persona("admin_nasional", Role.ADMIN, None)


@pytest.fixture
def operator_desa_a(db):
    return _persona("operator_desa_a", Role.VILLAGE_OPERATOR, VILLAGE_A)


@pytest.fixture
def operator_desa_b(db):
    return _persona("operator_desa_b", Role.VILLAGE_OPERATOR, VILLAGE_B)


@pytest.fixture
def staff_blora(db):
    return _persona("staf_blora", Role.DINSOS_STAFF, BLORA)


@pytest.fixture
def kadis(db):
    return _persona("kadis_blora", Role.HEAD_OF_OFFICE, BLORA)


@pytest.fixture
def verifier_kecamatan_b(db):
    return _persona("verifikator_b", Role.VERIFIER, DISTRICT_B)


@pytest.fixture
def auditor_blora(db):
    return _persona("auditor_blora", Role.AUDITOR, BLORA)


@pytest.fixture
def household_a(db, staff_blora):
    return factories.household(actor=staff_blora, village=VILLAGE_A)


@pytest.fixture
def household_b(db, staff_blora):
    return factories.household(actor=staff_blora, village=VILLAGE_B)
