"""In a real browser on a phone-sized screen: a village operator logs in, finds a household by a fragment of a
name, adds a member through the form and sees the change in the household's history."""

from datetime import date

import pytest
from playwright.sync_api import expect

from berdaya.core.identity import make_nik
from berdaya.core.permissions import Role
from berdaya.registry.models import Person
from tests import factories
from tests.conftest import VILLAGE_A, VILLAGE_B

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NEW_MEMBER = "Ratna Sari Dewi"
NEW_NIK = make_nik(district_code="33.16.01", birth_date=date(2015, 3, 14), sex="P", serial=4242)


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_village_operator_finds_a_household_adds_a_member_and_sees_it_in_the_history(phone, live_server, shots,
                                                                                       regions_present):
    creator = factories.user_without_password(username="admin_data", role=Role.ADMIN, region=None)
    operator = factories.user_with_role(username="operator_bangkleyan", role=Role.VILLAGE_OPERATOR, region=VILLAGE_A)
    household = factories.household(actor=creator, village=VILLAGE_A, head_name="Sutrisno Wiryosuwarno")
    factories.household(actor=creator, village=VILLAGE_A, head_name="Bambang Hartono")
    factories.household(actor=creator, village=VILLAGE_B, head_name="Wiryo Sudarmo")  # another district
    page = phone

    # Log in: every page asks for it first.
    page.goto(f"{live_server.url}/registry/")
    expect(page.locator("#id_username")).to_be_visible()
    page.fill("#id_username", operator.username)
    page.fill("#id_password", factories.PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.locator("h1")).to_have_text("Registri keluarga")
    assert fits_the_phone(page)

    # Search by a fragment of the head's name, in any case.
    page.get_by_role("searchbox").fill("WIRYO")
    page.get_by_role("searchbox").press("Enter")
    rows = page.locator("table.households tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Sutrisno Wiryosuwarno")
    expect(page.get_by_text("Wiryo Sudarmo")).to_have_count(0)  # outside the operator's village
    page.screenshot(path=str(shots / "1_search.png"), full_page=True)

    # Open the household.
    rows.first.get_by_role("link", name="Sutrisno Wiryosuwarno").click()
    expect(page.locator("h1")).to_have_text("Sutrisno Wiryosuwarno")
    assert page.url.endswith(f"/registry/households/{household.pk}/")
    assert fits_the_phone(page)

    # Add a member through the form.
    page.get_by_role("button", name="Tambah anggota").click()
    page.fill("#id_nik", NEW_NIK)
    page.fill("#id_name", NEW_MEMBER)
    page.select_option("#id_sex", "P")
    page.fill("#id_birth_date", "2015-03-14")
    page.fill("#id_birth_place", "Blora")
    page.select_option("#id_relationship", "4")
    page.select_option("#id_marital_status", "1")
    assert fits_the_phone(page)
    page.screenshot(path=str(shots / "2_add_member.png"), full_page=True)
    page.get_by_role("button", name="Simpan").click()

    expect(page.locator("h1")).to_have_text("Sutrisno Wiryosuwarno")
    expect(page.get_by_text(f"{NEW_MEMBER} ditambahkan ke KK ini.")).to_be_visible()
    expect(page.locator("table.members")).to_contain_text(NEW_MEMBER)
    expect(page.locator("table.members")).to_contain_text(NEW_NIK)
    page.screenshot(path=str(shots / "3_household.png"), full_page=True)

    # The change is in the household's history: what, on whom, by whom.
    page.get_by_role("button", name="Riwayat perubahan").click()
    expect(page.locator("h1")).to_have_text("Riwayat perubahan")
    newest = page.locator(".history-entry").first
    expect(newest).to_contain_text("Anggota ditambahkan")
    expect(newest).to_contain_text(NEW_MEMBER)
    expect(newest).to_contain_text(str(operator))
    assert fits_the_phone(page)
    page.screenshot(path=str(shots / "4_history.png"), full_page=True)

    person = Person.objects.get(nik=NEW_NIK)
    assert (person.household_id, person.name, person.sex, person.birth_date) == (
        household.pk, NEW_MEMBER, "P", date(2015, 3, 14))
    record = person.history.get()
    assert (record.history_user_id, record.history_change_reason) == (operator.pk, "registry.person.created")
    assert page.csp_violations == []


def test_without_javascript_the_operator_can_still_search_and_open_a_household(phone_without_javascript, live_server,
                                                                               regions_present):
    operator = factories.user_with_role(username="operator_tanpa_js", role=Role.VILLAGE_OPERATOR, region=VILLAGE_A)
    factories.household(actor=operator, village=VILLAGE_A, head_name="Sutrisno Wiryosuwarno")
    factories.household(actor=operator, village=VILLAGE_A, head_name="Bambang Hartono")
    page = phone_without_javascript

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", operator.username)
    page.fill("#id_password", factories.PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.goto(f"{live_server.url}/registry/")
    page.get_by_role("searchbox").fill("bambang")
    page.get_by_role("button", name="Cari", exact=True).click()
    assert "q=bambang" in page.url  # a plain GET form submission
    rows = page.locator("table.households tbody tr")
    expect(rows).to_have_count(1)
    rows.first.get_by_role("link", name="Bambang Hartono").click()
    expect(page.locator("h1")).to_have_text("Bambang Hartono")
    assert fits_the_phone(page)
