"""In a real browser on a phone-sized screen: a village operator uploads a CSV, sees the progress bar while the dry
run waits for the background worker, then the summary and the refused rows, and saves the good rows."""

import signal

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from berdaya.core.permissions import Role
from berdaya.imports.models import ImportBatch
from berdaya.registry.models import Person
from tests import factories
from tests.conftest import VILLAGE_A
from tests.imports.conftest import family, write_csv

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def database_tasks(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    settings.DATA_DIR = tmp_path / "data"


@pytest.fixture
def run_worker():
    """The database worker, run until the queue is empty (its signal handlers are put back afterwards)."""
    handled = [s for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGQUIT", None)) if s]
    saved = {s: signal.getsignal(s) for s in handled}
    yield lambda: call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    for s, handler in saved.items():
        signal.signal(s, handler)


def test_an_operator_uploads_a_csv_sees_the_progress_then_the_summary_and_saves(phone, live_server, shots, tmp_path,
                                                                                regions_present, database_tasks,
                                                                                run_worker):
    operator = factories.user_with_role(username="operator_impor", role=Role.VILLAGE_OPERATOR, region=VILLAGE_A)
    good, bad = family(surname="Santoso"), family(members=2, surname="Wibowo")
    bad[1]["NIK"] = "12345"
    path = write_csv(tmp_path / "penduduk-bangkleyan.csv", good + bad)
    page = phone

    page.goto(f"{live_server.url}/imports/")
    page.fill("#id_username", operator.username)
    page.fill("#id_password", factories.PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.locator("h1")).to_have_text("Impor data registri")
    expect(page.get_by_role("link", name="Impor", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Unduh template .xlsx")).to_be_visible()
    assert fits_the_phone(page)

    # Upload: the dry run is queued; the page shows a progress bar and polls.
    page.set_input_files("#id_file", str(path))
    page.screenshot(path=str(shots / "import_1_form.png"), full_page=True)
    page.get_by_role("button", name="Unggah dan periksa").click()
    expect(page.locator("h1")).to_have_text("penduduk-bangkleyan.csv")
    expect(page.locator("#batch-status progress")).to_be_visible()
    expect(page.get_by_text("Memeriksa file…")).to_be_visible()
    assert fits_the_phone(page)
    page.screenshot(path=str(shots / "import_2_progress.png"), full_page=True)
    batch = ImportBatch.objects.get()
    assert (batch.job, batch.job_state) == ("dry_run", "queued")

    # The worker runs the dry run; the page updates itself (no reload) to the summary.
    url = page.url
    run_worker()
    expect(page.get_by_text("Uji coba selesai: belum ada data yang disimpan.")).to_be_visible()
    assert page.url == url
    expect(page.locator("#batch-status progress")).to_have_count(0)
    expect(page.locator('dd[data-count="new_persons"]')).to_have_text("3")
    expect(page.locator('dd[data-count="rejected"]')).to_have_text("2")
    first_problem = page.locator("table.problems tbody tr").first
    expect(first_problem).to_contain_text("NIK")
    expect(first_problem).to_contain_text("Ditolak")
    expect(page.get_by_role("button", name="Unduh laporan kesalahan (.xlsx)")).to_be_visible()
    assert fits_the_phone(page)
    page.screenshot(path=str(shots / "import_3_summary.png"), full_page=True)
    assert not Person.objects.filter(nik=good[0]["NIK"]).exists()

    # Save: the commit is queued and shown with the same progress bar, then done.
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_text("Menyimpan…")).to_be_visible()
    expect(page.locator("#batch-status progress")).to_be_visible()
    run_worker()
    expect(page.get_by_text("Disimpan ke registri pada")).to_be_visible()
    expect(page.get_by_role("button", name="Simpan")).to_have_count(0)
    assert fits_the_phone(page)
    page.screenshot(path=str(shots / "import_4_saved.png"), full_page=True)

    assert set(Person.objects.filter(nik__in=[r["NIK"] for r in good + bad]).values_list("nik", flat=True)) == {
        r["NIK"] for r in good}
    batch.refresh_from_db()
    assert (batch.status, batch.user) == ("committed", operator)

    # The history lists it.
    page.goto(f"{live_server.url}/imports/history/")
    expect(page.locator("table.batches tbody tr")).to_have_count(1)
    expect(page.locator("table.batches")).to_contain_text("penduduk-bangkleyan.csv")
    assert fits_the_phone(page)
    assert page.csp_violations == []
