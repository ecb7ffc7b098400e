"""In a real browser on a 360×740 phone: a verifier logs in, opens a task from their list, records an outcome with a
photo and the browser's location, and sees it saved. Without JavaScript the same form still posts."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from berdaya.core.permissions import Role
from berdaya.verification import services
from berdaya.verification.models import Source, Visit
from tests import factories
from tests.conftest import DISTRICT_A, DISTRICT_B, VILLAGE_A, VILLAGE_B
from tests.e2e.conftest import PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WHERE = {"latitude": -6.9701, "longitude": 111.4183, "accuracy": 12}


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def field_phone(browser):
    """A phone that has granted the page its location (as a verifier's phone would after the prompt)."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  locale="id-ID", timezone_id="Asia/Jakarta", permissions=["geolocation"],
                                  geolocation=WHERE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.csp_violations = []
    page.on("console", lambda msg: "Content Security Policy" in msg.text and page.csp_violations.append(msg.text))
    yield page
    context.close()


def _setup():
    staff = factories.user_without_password(username="staf_dinsos", role=Role.DINSOS_STAFF, region="33.16")
    verifier = factories.user_with_role(username="verifikator_jati", role=Role.VERIFIER, region=DISTRICT_A)
    household = factories.household(actor=staff, village=VILLAGE_A, head_name="Sutrisno Wiryosuwarno")
    assignment = services.assignment_create(actor=staff, name="Verval Jati 2026", region=DISTRICT_A,
                                            verifier=verifier, source=Source.REGISTRY)
    task = services.assignment_add_households(actor=staff, assignment=assignment, households=[household])[0]
    # Another district's work, which the verifier must not see.
    other = factories.user_without_password(username="verifikator_randu", role=Role.VERIFIER, region=DISTRICT_B)
    elsewhere = services.assignment_create(actor=staff, name="Verval Randublatung", region=DISTRICT_B,
                                           verifier=other, source=Source.REGISTRY)
    services.assignment_add_households(actor=staff, assignment=elsewhere, households=[
        factories.household(actor=staff, village=VILLAGE_B, head_name="Wiryo Sudarmo")])
    return verifier, household, task


def _log_in(page, live_server, verifier):
    page.goto(f"{live_server.url}/verification/")
    page.fill("#id_username", verifier.username)
    page.fill("#id_password", factories.PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.locator("h1")).to_have_text("Verval")


def test_a_verifier_records_an_eligible_visit_with_a_photo_and_the_location(field_phone, live_server, shots,
                                                                            regions_present, private_root):
    verifier, household, task = _setup()
    page = field_phone
    _log_in(page, live_server, verifier)
    expect(page.get_by_text("Wiryo Sudarmo")).to_have_count(0)  # another district's task
    assert fits_the_phone(page)
    page.screenshot(path=str(shots / "verval_1_tasks.png"), full_page=True)

    page.get_by_role("link", name="Sutrisno Wiryosuwarno").click()
    expect(page.locator("h1")).to_have_text("Sutrisno Wiryosuwarno")
    reason = page.locator("#id_reason")
    expect(reason).to_be_hidden()  # until "not eligible" is chosen
    page.get_by_role("radio", name="Tidak layak").check()
    expect(reason).to_be_visible()
    page.get_by_role("radio", name="Layak", exact=True).check()
    expect(reason).to_be_hidden()
    expect(page.locator("#id_person")).to_be_hidden()

    # Location from the browser into the hidden fields.
    page.get_by_role("button", name="Ambil lokasi").click()
    expect(page.locator("#location-status")).to_contain_text("-6.970100, 111.418300")
    assert page.input_value("input[name=latitude]") == "-6.970100"
    assert page.input_value("input[name=longitude]") == "111.418300"
    assert page.input_value("input[name=accuracy]") == "12"

    page.locator("details.indicators summary").click()
    page.locator("input[name=c02_floor_poor][value='1']").check()
    page.fill("#id_monthly_income", "450000")
    page.fill("#id_notes", "Rumah berdinding bambu, lantai tanah.")
    page.set_input_files("input[name=photos]", files=[{"name": "rumah.png", "mimeType": "image/png",
                                                        "buffer": factories.png_bytes("green", (32, 24))}])
    assert fits_the_phone(page)
    page.screenshot(path=str(shots / "verval_2_form.png"), full_page=True)
    page.get_by_role("button", name="Simpan kunjungan").click()

    expect(page.get_by_text("Kunjungan disimpan: Layak.")).to_be_visible()
    visit_card = page.locator("article.visit").first
    expect(visit_card).to_contain_text("Layak")
    expect(visit_card.locator(".photos img")).to_have_count(1)
    expect(visit_card).to_contain_text("-6.970100, 111.418300 (±12 m)")
    expect(visit_card).to_contain_text("Penghasilan per bulan: Rp 450.000")
    # The thumbnail is served through the scope check: it loads after the page (expect retries until it has).
    expect(visit_card.locator(".photos img")).to_have_js_property("naturalWidth", 32)
    expect(page.locator("#visit-form")).to_have_count(0)  # visited: no second form
    assert fits_the_phone(page)
    page.screenshot(path=str(shots / "verval_3_saved.png"), full_page=True)

    visit = Visit.objects.get(task=task)
    assert (visit.verifier_id, visit.outcome, visit.confirmation) == (verifier.pk, "eligible", "not_needed")
    assert (visit.latitude, visit.longitude, visit.location_accuracy_m) == (Decimal("-6.970100"),
                                                                           Decimal("111.418300"), 12)
    assert visit.indicator_changes == {"c02_floor_poor": True, "monthly_income": 450_000}
    assert visit.photos.get().document.original_name == "rumah.png"
    household.refresh_from_db()
    assert (household.c02_floor_poor, household.monthly_income) == (True, 450_000)
    assert page.csp_violations == []


def test_without_javascript_the_form_still_posts(phone_without_javascript, live_server, regions_present,
                                                 private_root):
    verifier, household, task = _setup()
    page = phone_without_javascript
    _log_in(page, live_server, verifier)
    page.get_by_role("link", name="Sutrisno Wiryosuwarno").click()
    expect(page.locator("#id_reason")).to_be_visible()  # every section shows without JavaScript
    expect(page.get_by_role("button", name="Ambil lokasi")).to_be_hidden()
    page.get_by_role("radio", name="Tidak ditemukan").check()
    page.fill("#id_notes", "Rumah kosong, tetangga tidak kenal.")
    page.get_by_role("button", name="Simpan kunjungan").click()
    expect(page.get_by_text("menunggu konfirmasi orang kedua")).to_be_visible()
    assert fits_the_phone(page)
    visit = Visit.objects.get(task=task)
    assert (visit.outcome, visit.confirmation, visit.latitude) == ("not_found", "pending", None)


def test_the_head_of_office_confirms_on_a_phone_and_reads_the_funnel(phone, live_server, shots, regions_present,
                                                                     private_root):
    from datetime import date

    verifier, household, task = _setup()
    services.visit_record(actor=verifier, task=task, visited_on=date.today(), outcome="not_eligible",
                          reason="well_off", notes="Punya mobil dan toko.")
    head = factories.user_with_role(username="kadis_blora", role=Role.HEAD_OF_OFFICE, region="33.16")
    page = phone
    page.goto(f"{live_server.url}/verification/queue/")
    page.fill("#id_username", head.username)
    page.fill("#id_password", factories.PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.locator("h1")).to_have_text("Konfirmasi hasil verval")
    expect(page.locator("article.visit")).to_contain_text("Tidak layak: Sudah mampu")
    assert fits_the_phone(page)
    page.screenshot(path=str(shots / "verval_4_queue.png"), full_page=True)
    page.get_by_role("button", name="Konfirmasi").click()
    expect(page.get_by_text("dikonfirmasi dan diterapkan")).to_be_visible()

    page.goto(f"{live_server.url}/verification/funnel/")
    expect(page.locator("table.funnel-table")).to_contain_text("Tidak layak: Sudah mampu")
    expect(page.locator("svg.funnel-chart rect")).to_have_count(3)
    assert fits_the_phone(page)
    page.screenshot(path=str(shots / "verval_5_funnel.png"), full_page=True)
    task.refresh_from_db()
    assert (task.state, task.outcome, task.outcome_reason) == ("done", "not_eligible", "well_off")
    assert page.csp_violations == []
