"""In a real browser on a phone-sized screen: a village operator files a proposal for a household found by its KK,
with the letter attached, sees it on its page and in the list; then the same without JavaScript."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from berdaya.core.permissions import Role
from berdaya.programmes import services as programme_services
from berdaya.programmes.models import BenefitType, Frequency, Kind, TargetUnit
from berdaya.proposals.models import ItemStatus, Proposal
from tests import factories
from tests.conftest import BLORA, VILLAGE_A, VILLAGE_B

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def setting(regions_present, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    staff = factories.user_without_password(username="staf_dinsos", role=Role.DINSOS_STAFF, region=BLORA)
    uep = programme_services.programme_create(actor=staff, data={
        "office": BLORA, "code": "UEP", "name": "Usaha Ekonomi Produktif", "kind": Kind.BUSINESS_CAPITAL,
        "target_unit": TargetUnit.HOUSEHOLD, "frequency": Frequency.ONE_OFF, "duration_months": 1,
        "benefit_type": BenefitType.KIT, "benefit_amount": 2_500_000, "is_active": True})
    programme_services.kit_create(actor=staff, programme=uep, business_type="warung_kopi", name="Warung kopi")
    operator = factories.user_with_role(username="operator_bangkleyan", role=Role.VILLAGE_OPERATOR, region=VILLAGE_A)
    household = factories.household(actor=staff, village=VILLAGE_A, head_name="Sutrisno Wiryosuwarno")
    factories.household(actor=staff, village=VILLAGE_B, head_name="Wiryo Sudarmo")  # another district
    return operator, household


def _log_in(page, live_server, operator):
    page.goto(f"{live_server.url}/proposals/")
    page.fill("#id_username", operator.username)
    page.fill("#id_password", factories.PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.locator("h1")).to_have_text("Usulan")


def _fill_letter(page):
    page.fill("#id_proposer_name", "Sumarno")
    page.fill("#id_letter_number", "140/12/2026")
    page.fill("#id_letter_date", (date.today() - timedelta(days=3)).isoformat())
    page.set_input_files("#id_letter", files=[{"name": "surat_usulan.pdf", "mimeType": "application/pdf",
                                               "buffer": PDF}])


def test_a_village_operator_files_a_proposal_with_its_letter_and_sees_it_listed(phone, live_server, shots,
                                                                               setting):
    operator, household = setting
    page = phone
    _log_in(page, live_server, operator)
    page.get_by_role("button", name="Ajukan usulan").click()
    page.get_by_label("UEP").check()
    page.get_by_role("button", name="Lanjut").click()
    expect(page.locator("h1")).to_have_text("Ajukan usulan")

    # Search by KK (htmx, as typed) and add the household: the row appears without a reload.
    page.get_by_role("searchbox").fill(household.kk_number)
    results = page.locator("#search-results li")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("Sutrisno Wiryosuwarno")
    _fill_letter(page)  # chosen before adding: with JavaScript nothing reloads, so the file stays chosen
    results.first.get_by_role("button", name="Tambah").click()
    row = page.locator(f'#item-rows tr[data-household="{household.pk}"]')
    expect(row).to_be_visible()
    row.get_by_label("Yang diminta").fill("Membuka warung kopi di depan pasar")
    row.get_by_label("Jenis usaha/paket").select_option("warung_kopi")
    assert fits_the_phone(page)
    page.screenshot(path=str(shots / "proposal_1_form.png"), full_page=True)
    page.get_by_role("button", name="Ajukan usulan").click()

    proposal = Proposal.objects.get()
    expect(page.locator("h1")).to_have_text(f"Usulan {proposal.number}")
    expect(page.get_by_text(f"Usulan {proposal.number} diajukan.")).to_be_visible()
    expect(page.locator("a.letter-link")).to_have_text("surat_usulan.pdf")
    expect(page.locator("article.proposal-item")).to_contain_text("Membuka warung kopi di depan pasar")
    expect(page.locator("article.proposal-item .badge")).to_have_text("Diajukan")
    assert fits_the_phone(page)
    page.screenshot(path=str(shots / "proposal_2_detail.png"), full_page=True)

    page.get_by_role("link", name="Usulan", exact=True).first.click()
    expect(page.locator("table.proposals tbody tr")).to_have_count(1)
    expect(page.locator("table.proposals")).to_contain_text(proposal.number)
    expect(page.locator("table.proposals")).to_contain_text("140/12/2026")
    assert fits_the_phone(page)
    page.screenshot(path=str(shots / "proposal_3_list.png"), full_page=True)

    item = proposal.items.get()
    assert (item.household_id, item.business_type, item.status) == (household.pk, "warung_kopi",
                                                                    ItemStatus.SUBMITTED)
    assert proposal.letter.original_name == "surat_usulan.pdf"
    assert page.csp_violations == []


def test_without_javascript_the_operator_still_files(phone_without_javascript, live_server, setting):
    operator, household = setting
    page = phone_without_javascript
    _log_in(page, live_server, operator)
    page.goto(f"{live_server.url}/proposals/new/")
    page.get_by_label("UEP").check()
    page.get_by_role("button", name="Lanjut").click()
    page.get_by_role("searchbox").fill("wiryo")
    page.get_by_role("button", name="Cari", exact=True).click()
    results = page.locator("#search-results li")
    expect(results).to_have_count(1)  # the household of another district is not offered
    results.first.get_by_role("button", name="Tambah").click()  # a plain post: the page comes back with the row
    row = page.locator(f'#item-rows tr[data-household="{household.pk}"]')
    row.get_by_label("Yang diminta").fill("Mesin jahit")
    _fill_letter(page)
    page.get_by_role("button", name="Ajukan usulan").click()
    proposal = Proposal.objects.get()
    expect(page.locator("h1")).to_have_text(f"Usulan {proposal.number}")
    assert proposal.items.get().request == "Mesin jahit" and proposal.letter is not None
    assert fits_the_phone(page)
