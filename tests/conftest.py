"""Shared fixtures: regions (Blora 33.16 and Kota Pasuruan 35.75), personas with roles and regions, factories."""

from datetime import date

import pytest
from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.test import override_settings

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
def staff_pasuruan(db):
    return _persona("staf_pasuruan", Role.DINSOS_STAFF, PASURUAN)


@pytest.fixture
def private_root(settings, tmp_path):
    """Uploaded documents (letters, visit photos) under the test's own folder."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "documents"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def household_a(db, staff_blora):
    return factories.household(actor=staff_blora, village=VILLAGE_A)


@pytest.fixture
def household_b(db, staff_blora):
    return factories.household(actor=staff_blora, village=VILLAGE_B)



class FastArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id as in production, at the lowest cost: personas are made in most tests (0.3 s each otherwise)."""

    time_cost = 1
    memory_cost = 8
    parallelism = 1


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing():
    with override_settings(PASSWORD_HASHERS=["tests.conftest.FastArgon2PasswordHasher", *settings.PASSWORD_HASHERS]):
        yield


@pytest.fixture
def regions_present(transactional_db):
    """For transactional tests (live_server): the flush after an earlier one leaves Region empty; reload it."""
    from berdaya.regions.models import Region
    from berdaya.regions.services import regions_load

    for prefix in (BLORA, PASURUAN):
        if not Region.objects.filter(code=prefix).exists():
            regions_load(only_prefix=prefix)


@pytest.fixture(autouse=True)
def _indonesian_first():
    """Each test starts in Bahasa Indonesia: a request by an English-speaking user activates English for the
    thread (LanguageMiddleware), which would otherwise leak into the next test run by the same worker."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test (live_server) has flushed every table, put the test regions back.

    pytest-django runs transactional tests after the plain db tests, but before tests that reach the database
    only through request.getfixturevalue(); those would otherwise find no regions.
    """
    yield
    marker = item.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))
    if transactional and nextitem is not None:
        from pytest_django.plugin import blocking_manager_key

        from berdaya.regions.models import Region
        from berdaya.regions.services import regions_load

        with item.config.stash[blocking_manager_key].unblock():
            for prefix in (BLORA, PASURUAN):
                if not Region.objects.filter(code=prefix).exists():
                    regions_load(only_prefix=prefix)


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Pages render {% static %}; with DEBUG off the manifest storage needs collectstatic, which tests skip."""
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
