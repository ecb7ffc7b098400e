"""proposals:index — the letters of the user's region with filters and item counts per status; htmx rows."""

import pytest
from django.urls import reverse

from berdaya.proposals import services
from tests.conftest import VILLAGE_B
from tests.proposals.conftest import file_proposal, item, login

URL = reverse("proposals:index")


@pytest.fixture
def two_letters(operator_desa_a, operator_desa_b, uep, household_a, household_b):
    return (file_proposal(actor=operator_desa_a, programme=uep, items=[item(household_a)], letter_number="140/A"),
            file_proposal(actor=operator_desa_b, programme=uep, region=VILLAGE_B, items=[item(household_b)],
                          letter_number="140/B"))


def test_the_village_sees_its_own_letters_only(client, operator_desa_a, two_letters):
    in_a, in_b = two_letters
    page = login(client, operator_desa_a).get(URL).content.decode()
    assert in_a.number in page and in_b.number not in page
    assert reverse("proposals:create") in page  # it may file


def test_dinsos_sees_the_regency_with_counts_per_status(client, staff_blora, two_letters):
    in_a, in_b = two_letters
    services.item_reject(actor=staff_blora, item=in_b.items.get(), reason="Pindah")
    page = login(client, staff_blora).get(URL).content.decode()
    assert in_a.number in page and in_b.number in page
    assert "Diajukan · 1" in page and "Ditolak · 1" in page and "Disetujui · 0" in page
    page = client.get(URL, {"status": "rejected"}).content.decode()
    assert in_b.number in page and in_a.number not in page


def test_an_htmx_request_gets_only_the_rows(client, staff_blora, two_letters):
    response = login(client, staff_blora).get(URL, {"q": "140/B"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "<html" not in page and two_letters[1].number in page and two_letters[0].number not in page
    assert "HX-Request" in response["Vary"]


def test_another_regency_sees_none_of_them(client, staff_pasuruan, two_letters):
    page = login(client, staff_pasuruan).get(URL).content.decode()
    assert all(letter.number not in page for letter in two_letters)
    assert "Tidak ada usulan yang cocok." in page


def test_viewers_who_may_not_file_get_no_file_button(client, auditor_blora, two_letters):
    page = login(client, auditor_blora).get(URL).content.decode()
    assert two_letters[0].number in page and reverse("proposals:create") not in page


def test_users_without_proposal_permission_are_refused(client, mentor_a):
    assert login(client, mentor_a).get(URL).status_code == 403


def test_the_navigation_links_here(client, operator_desa_a):
    page = login(client, operator_desa_a).get(reverse("core:home")).content.decode()
    assert f'href="{URL}"' in page
