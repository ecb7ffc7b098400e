"""In a real browser on a phone-sized screen: a Dinsos officer builds the ranked list of a programme within its
budget; the head of office approves it with the decree number and downloads the SK PDF."""

from datetime import date

import pytest
from playwright.sync_api import expect

from berdaya.core.permissions import Role
from berdaya.enrolment.models import EnrolmentList
from berdaya.programmes import services as programmes
from berdaya.programmes.models import FundingSource
from berdaya.targeting import services as targeting
from berdaya.targeting.models import HouseholdScore
from tests import factories
from tests.conftest import VILLAGE_A, VILLAGE_B
from tests.enrolment.conftest import programme_data

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def log_in(page, url, user):
    page.goto(url)
    page.fill("#id_username", user.username)
    page.fill("#id_password", factories.PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def test_staff_build_the_list_and_the_head_of_office_approves_it_with_the_sk(phone, live_server, shots,
                                                                           regions_present, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    staff = factories.user_with_role(username="staf_dinsos", role=Role.DINSOS_STAFF, region="33.16")
    head = factories.user_with_role(username="kepala_dinas", role=Role.HEAD_OF_OFFICE, region="33.16")
    source = FundingSource.objects.create(code="dana-desa", kind="dana_desa", name="Dana Desa")
    blt = programmes.programme_create(actor=staff, data=programme_data(funding_sources=[source]))
    targeting.rule_save(actor=staff, programme=blt, expression="member_count >= 1")
    programmes.budget_allocate(actor=staff, programme=blt, source=source, year=2026, amount=7_200_000, reason="DPA")
    model = targeting.score_model_active()
    for name, village, priority in (("Sutrisno Wiryosuwarno", VILLAGE_A, 9), ("Bambang Hartono", VILLAGE_B, 7),
                                    ("Wiryo Sudarmo", VILLAGE_A, 4)):
        household = factories.household(actor=staff, village=village, head_name=name)
        HouseholdScore.objects.create(household=household, score_model=model, welfare_score=40, computed_desil=1,
                                      desil_source="computed", priority_score=priority,
                                      computed_at="2026-01-01T00:00Z")
    page = phone

    # The officer builds the 2026 list (no verval in this story).
    log_in(page, f"{live_server.url}/enrolment/?year=2026", staff)
    expect(page.locator("h1")).to_have_text("Penetapan penerima 2026")
    page.get_by_role("button", name="Susun daftar").click()
    page.get_by_label("Hanya keluarga yang lolos verval").uncheck()
    page.get_by_role("button", name="Susun daftar").click()
    expect(page.locator("table.enrolments tbody tr")).to_have_count(3)
    rows = page.locator("table.enrolments tbody tr")
    expect(rows.nth(0)).to_contain_text("Sutrisno Wiryosuwarno")
    expect(rows.nth(0)).to_contain_text("masuk anggaran")
    expect(rows.nth(2)).to_contain_text("Anggaran tidak cukup")
    assert fits_the_phone(page)
    page.screenshot(path=str(shots / "enrolment_1_draft.png"), full_page=True)
    list_url = page.url
    page.get_by_role("button", name="Keluar").click()

    # The head of office approves it.
    log_in(page, list_url, head)
    page.get_by_role("button", name="Tetapkan daftar").click()
    expect(page.get_by_text("2 penerima akan ditetapkan dengan jumlah Rp 7.200.000")).to_be_visible()
    page.fill("#id_decree_number", "400.9/17/2026")
    page.fill("#id_decree_date", "2026-01-20")
    assert fits_the_phone(page)
    page.get_by_role("button", name="Tetapkan dan buat SK").click()
    expect(page.get_by_text("Daftar ditetapkan dengan SK 400.9/17/2026.")).to_be_visible()
    expect(page.locator("table.enrolments tbody tr").nth(2)).to_contain_text("Daftar tunggu")
    assert fits_the_phone(page)
    page.screenshot(path=str(shots / "enrolment_2_approved.png"), full_page=True)

    # The SK is there to download.
    href = page.get_by_role("button", name="Unduh SK (PDF)").get_attribute("href")
    response = page.request.get(f"{live_server.url}{href}")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")
    lst = EnrolmentList.objects.get()
    assert (lst.status, lst.decree_number, lst.decree_date) == ("approved", "400.9/17/2026", date(2026, 1, 20))
    assert page.csp_violations == []
