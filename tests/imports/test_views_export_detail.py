"""imports:export_detail — a registry export job's progress (htmx polling of the status fragment), then its download
link or its error; the user's recent exports. Only the user who asked (and a national administrator) sees it."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from berdaya.imports import services
from berdaya.imports.models import ExportJob
from tests.conftest import VILLAGE_A
from tests.registry.conftest import login

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}


def _url(job) -> str:
    return reverse("imports:export_detail", args=[job.pk])


@pytest.fixture
def queued(settings, operator_desa_a, household_a):
    settings.TASKS = DATABASE  # no worker runs in these tests
    return services.export_create(actor=operator_desa_a, filters={"region": VILLAGE_A}, fmt="xlsx")


@pytest.fixture
def finished(settings, operator_desa_a, household_a):
    settings.TASKS = IMMEDIATE
    return services.export_create(actor=operator_desa_a, filters={}, fmt="csv")


def test_a_queued_export_shows_an_indeterminate_bar_polled_every_second(client, queued, operator_desa_a):
    page = login(client, operator_desa_a).get(_url(queued)).content.decode()
    assert "Menunggu giliran" in page and '<progress aria-label="Kemajuan"></progress>' in page
    assert f'hx-get="{_url(queued)}" hx-trigger="every 1s" hx-swap="outerHTML"' in page
    assert "Wilayah: " in page and VILLAGE_A in page  # the filters it was asked with
    assert reverse("imports:export_download", args=[queued.pk]) not in page


def test_a_running_export_shows_its_households_done_and_htmx_gets_only_the_fragment(client, queued, operator_desa_a):
    ExportJob.objects.filter(pk=queued.pk).update(state="running", progress_done=1000, progress_total=4000)
    response = login(client, operator_desa_a).get(_url(queued), headers={"HX-Request": "true"})
    fragment = response.content.decode().strip()
    assert fragment.startswith('<section id="export-status"') and "<html" not in fragment
    assert "1.000 dari 4.000 keluarga" in fragment
    assert 'value="1000" max="4000"' in fragment and "25%" in fragment


def test_a_job_waiting_long_hints_that_the_worker_may_not_run(client, queued, operator_desa_a):
    ExportJob.objects.filter(pk=queued.pk).update(progress_at=timezone.now() - timedelta(minutes=1))
    assert "berdaya manage db_worker" in login(client, operator_desa_a).get(_url(queued)).content.decode()


def test_a_finished_export_offers_its_download_and_stops_polling(client, finished, operator_desa_a):
    page = login(client, operator_desa_a).get(_url(finished)).content.decode()
    assert reverse("imports:export_download", args=[finished.pk]) in page
    assert "File siap: 1 baris." in page and "hx-trigger" not in page
    assert finished.filename in page


def test_a_failed_export_shows_its_error(client, finished, operator_desa_a):
    ExportJob.objects.filter(pk=finished.pk).update(state="failed", error="Ekspor gagal: disk penuh")
    page = login(client, operator_desa_a).get(_url(finished)).content.decode()
    assert "Ekspor gagal: disk penuh" in page and reverse("imports:export_download", args=[finished.pk]) not in page


def test_an_expired_export_says_its_file_is_gone(client, finished, operator_desa_a):
    ExportJob.objects.filter(pk=finished.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    services.exports_cleanup()
    page = login(client, operator_desa_a).get(_url(finished)).content.decode()
    assert "sudah dihapus karena kedaluwarsa" in page
    assert reverse("imports:export_download", args=[finished.pk]) not in page


def test_the_page_lists_the_users_other_exports_only(client, settings, finished, operator_desa_a, staff_blora):
    settings.TASKS = DATABASE
    second = services.export_create(actor=operator_desa_a, filters={}, fmt="xlsx")
    others = services.export_create(actor=staff_blora, filters={}, fmt="xlsx")
    page = login(client, operator_desa_a).get(_url(finished)).content.decode()
    listed = page.split("Ekspor Anda yang lain")[1]
    assert _url(second) in listed and _url(others) not in listed and _url(finished) not in listed


def test_another_user_of_another_region_gets_404(client, finished, operator_desa_b):
    assert login(client, operator_desa_b).get(_url(finished)).status_code == 404


def test_another_user_of_the_same_region_gets_404(client, finished, staff_blora):
    assert login(client, staff_blora).get(_url(finished)).status_code == 404


def test_a_national_administrator_may_open_it(client, finished, admin_user):
    assert login(client, admin_user).get(_url(finished)).status_code == 200


def test_a_user_without_registry_access_gets_403(client, finished):
    nobody = get_user_model().objects.create(username="tanpa_peran")
    assert login(client, nobody).get(_url(finished)).status_code == 403


def test_it_requires_a_login(client, finished):
    response = client.get(_url(finished))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
