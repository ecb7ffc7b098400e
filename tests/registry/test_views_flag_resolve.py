"""registry:flag_resolve — an editor closes a review flag with a note (POST only)."""

from datetime import date

import pytest
from django.urls import reverse

from berdaya.registry import services
from tests import factories
from tests.conftest import VILLAGE_A
from tests.registry.conftest import login


@pytest.fixture
def flag(household_a, staff_blora):
    baby = services.person_add(actor=staff_blora, household=household_a,
                               data=factories.person_data(village=VILLAGE_A, name="Bayi", nik="",
                                                          birth_date=date(2025, 5, 5)))
    return baby.flags.get()


def _url(flag):
    return reverse("registry:flag_resolve", args=[flag.pk])


def test_it_resolves_the_flag_with_the_note(client, operator_desa_a, household_a, flag):
    response = login(client, operator_desa_a).post(_url(flag), {"note": "Sedang diurus ke Dukcapil"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("registry:household_detail", args=[household_a.pk])
    assert "Tanda tinjau diselesaikan." in response.content.decode()
    flag.refresh_from_db()
    household_a.refresh_from_db()
    assert (flag.resolved_by, flag.resolution_note) == (operator_desa_a, "Sedang diurus ke Dukcapil")
    assert household_a.open_flag_count == 0
    assert flag.history.latest().history_change_reason == "registry.flag.resolved"


def test_it_needs_a_note(client, operator_desa_a, flag):
    response = login(client, operator_desa_a).post(_url(flag), {"note": "  "}, follow=True)
    assert "Tulis catatan penyelesaian" in response.content.decode()
    flag.refresh_from_db()
    assert flag.resolved_at is None


def test_it_accepts_only_post(client, operator_desa_a, flag):
    assert login(client, operator_desa_a).get(_url(flag)).status_code == 405


def test_it_is_404_for_an_operator_of_another_village(client, operator_desa_b, flag):
    assert login(client, operator_desa_b).post(_url(flag), {"note": "x"}).status_code == 404


def test_it_is_403_for_the_auditor(client, auditor_blora, flag):
    assert login(client, auditor_blora).post(_url(flag), {"note": "Saya tutup"}).status_code == 403
    flag.refresh_from_db()
    assert flag.resolved_at is None
