"""In a real browser on a phone-sized screen: a Dinsos staff member exports a registry list too large to send at
once; the export becomes a background job whose page shows a progress bar, updates itself when the worker has
written the file, and downloads it."""

import signal

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from berdaya.core.permissions import Role
from berdaya.imports.models import ExportJob
from tests import factories
from tests.conftest import BLORA, VILLAGE_A, VILLAGE_B

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def run_worker(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    settings.DATA_DIR = tmp_path / "data"
    settings.BERDAYA_EXPORT_SYNC_MAX = 1  # persons: two households are "large"
    handled = [s for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGQUIT", None)) if s]
    saved = {s: signal.getsignal(s) for s in handled}
    yield lambda: call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    for s, handler in saved.items():
        signal.signal(s, handler)


def test_a_large_export_runs_as_a_job_and_is_downloaded_when_ready(phone, live_server, shots, tmp_path,
                                                                  regions_present, run_worker):
    staff = factories.user_with_role(username="staf_ekspor", role=Role.DINSOS_STAFF, region=BLORA)
    factories.household(actor=staff, village=VILLAGE_A)
    factories.household(actor=staff, village=VILLAGE_B)
    page = phone

    page.goto(f"{live_server.url}/registry/")
    page.fill("#id_username", staff.username)
    page.fill("#id_password", factories.PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.get_by_role("link", name="csv", exact=True).click()

    # Too large to send at once: the page says so and offers the background job.
    expect(page.locator("h1")).to_have_text("Ekspor registri")
    page.get_by_role("button", name="Siapkan file csv").click()
    expect(page.locator("#export-status progress")).to_be_visible()
    expect(page.get_by_text("Menunggu giliran di antrean pekerjaan latar belakang…")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(shots / "export_1_queued.png"), full_page=True)
    job = ExportJob.objects.get()
    assert (job.user, job.state) == (staff, "queued")

    # The worker writes the file; the page updates itself (no reload) to the download link.
    url = page.url
    run_worker()
    download_link = page.locator("#export-status").get_by_role("button", name="Unduh (csv)")
    expect(download_link).to_be_visible()
    assert page.url == url
    expect(page.locator("#export-status progress")).to_have_count(0)
    page.screenshot(path=str(shots / "export_2_ready.png"), full_page=True)
    with page.expect_download() as caught:
        download_link.click()
    target = tmp_path / "unduhan.csv"
    caught.value.save_as(target)
    lines = target.read_bytes().decode("utf-8-sig").splitlines()
    assert lines[0].startswith("NIK;NO_KK;") and len(lines) == 3
    assert caught.value.suggested_filename == ExportJob.objects.get().filename
    assert page.csp_violations == []
