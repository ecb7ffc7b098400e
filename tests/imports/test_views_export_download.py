"""imports:export_download — the finished export's file, to the user who asked (and a national administrator);
404 for anyone else, for an export not finished, and once its file has expired."""

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
    return reverse("imports:export_download", args=[job.pk])


@pytest.fixture
def finished(settings, operator_desa_a, household_a):
    settings.TASKS = IMMEDIATE
    return services.export_create(actor=operator_desa_a, filters={"region": VILLAGE_A}, fmt="csv")


def test_the_owner_downloads_the_file_as_an_attachment(client, finished, operator_desa_a, household_a):
    response = login(client, operator_desa_a).get(_url(finished))
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{finished.filename}"'
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert content.startswith("NIK;NO_KK;") and household_a.kk_number in content


def test_an_xlsx_export_is_sent_as_xlsx(client, settings, operator_desa_a, household_a):
    settings.TASKS = IMMEDIATE
    job = services.export_create(actor=operator_desa_a, filters={}, fmt="xlsx")
    response = login(client, operator_desa_a).get(_url(job))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert b"".join(response.streaming_content)[:2] == b"PK"


def test_another_user_of_another_region_gets_404(client, finished, operator_desa_b):
    assert login(client, operator_desa_b).get(_url(finished)).status_code == 404


def test_another_user_of_the_same_region_gets_404(client, finished, staff_blora):
    assert login(client, staff_blora).get(_url(finished)).status_code == 404


def test_a_national_administrator_may_download_it(client, finished, admin_user):
    assert login(client, admin_user).get(_url(finished)).status_code == 200


def test_a_user_without_registry_access_gets_403(client, finished):
    nobody = get_user_model().objects.create(username="tanpa_peran")
    assert login(client, nobody).get(_url(finished)).status_code == 403


def test_an_export_not_finished_yet_is_404(client, settings, operator_desa_a, household_a):
    settings.TASKS = DATABASE
    queued = services.export_create(actor=operator_desa_a, filters={}, fmt="csv")
    assert login(client, operator_desa_a).get(_url(queued)).status_code == 404


def test_an_expired_export_is_404(client, finished, operator_desa_a):
    ExportJob.objects.filter(pk=finished.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    services.exports_cleanup()
    assert login(client, operator_desa_a).get(_url(finished)).status_code == 404


def test_a_file_path_outside_the_exports_folder_is_never_sent(client, finished, operator_desa_a, tmp_path):
    elsewhere = tmp_path / "rahasia.csv"
    elsewhere.write_text("x")
    ExportJob.objects.filter(pk=finished.pk).update(file_path=str(elsewhere))
    assert login(client, operator_desa_a).get(_url(finished)).status_code == 404
