"""imports.services.jobs_fail_stalled: an import or export job whose worker died is marked failed (with what it left
behind removed) instead of showing "running" for ever; a job still making progress, or one finished, is left alone.
The job pages and the daily cleanup run it."""

import json
import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from berdaya.imports import services
from berdaya.imports.models import ExportJob, ImportBatch
from berdaya.imports.selectors import exports_dir
from berdaya.imports.tasks import progress_file
from tests.imports.conftest import csv_text, family
from tests.registry.conftest import login

DATABASE = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
JobState = ImportBatch.JobState


@pytest.fixture
def queued(settings, operator_desa_a):
    """An uploaded batch waiting for the database worker (none runs in these tests)."""
    settings.TASKS = DATABASE
    upload = SimpleUploadedFile("data.csv", csv_text(family()).encode())
    return services.batch_upload(file=upload, actor=operator_desa_a)


def _ago(**delta):
    return timezone.now() - timedelta(**delta)


def _running(batch, *, job=ImportBatch.Job.DRY_RUN, progress_at):
    ImportBatch.objects.filter(pk=batch.pk).update(job=job, job_state=JobState.RUNNING, progress_at=progress_at)
    batch.refresh_from_db()
    return batch


def test_a_running_import_silent_for_half_an_hour_is_failed_and_its_upload_removed(queued):
    upload = Path(queued.stored_path)
    assert upload.is_file()
    _running(queued, progress_at=_ago(minutes=31))
    assert services.jobs_fail_stalled() == 1
    queued.refresh_from_db()
    assert (queued.job_state, queued.status) == (JobState.FAILED, ImportBatch.Status.FAILED)
    assert "Terputus" in queued.error_message
    assert queued.stored_path == "" and not upload.exists()
    assert services.jobs_fail_stalled() == 0  # once


def test_a_running_import_with_recent_progress_is_left_running(queued):
    _running(queued, progress_at=_ago(minutes=29))
    assert services.jobs_fail_stalled() == 0
    queued.refresh_from_db()
    assert queued.job_state == JobState.RUNNING and Path(queued.stored_path).is_file()


def test_a_commit_whose_progress_file_is_fresh_is_still_running(queued):
    """A commit records its progress in a file beside the database; the batch row keeps the time it started."""
    _running(queued, job=ImportBatch.Job.COMMIT, progress_at=_ago(hours=2))
    side = progress_file(queued.pk)
    side.parent.mkdir(parents=True, exist_ok=True)
    side.write_text(json.dumps({"stage": "write", "done": 10, "total": 20, "at": timezone.now().isoformat()}))
    assert services.jobs_fail_stalled() == 0
    old = _ago(minutes=45).timestamp()
    os.utime(side, (old, old))
    assert services.jobs_fail_stalled() == 1
    queued.refresh_from_db()
    assert queued.job_state == JobState.FAILED and "Tidak ada data yang disimpan" in queued.error_message


def test_an_import_queued_for_an_hour_says_no_worker_took_it(queued):
    ImportBatch.objects.filter(pk=queued.pk).update(progress_at=_ago(minutes=59))
    assert services.jobs_fail_stalled() == 0
    ImportBatch.objects.filter(pk=queued.pk).update(progress_at=_ago(minutes=61))
    assert services.jobs_fail_stalled() == 1
    queued.refresh_from_db()
    assert queued.job_state == JobState.FAILED and "db_worker" in queued.error_message


def test_finished_jobs_are_never_touched(queued):
    ImportBatch.objects.filter(pk=queued.pk).update(job_state=JobState.FINISHED, progress_at=_ago(days=3))
    assert services.jobs_fail_stalled() == 0
    queued.refresh_from_db()
    assert queued.job_state == JobState.FINISHED and queued.error_message == ""


def test_the_batch_page_shows_the_failure_instead_of_running(client, queued, operator_desa_a):
    _running(queued, progress_at=_ago(hours=1))
    page = login(client, operator_desa_a).get(reverse("imports:batch_detail", args=[queued.pk])).content.decode()
    assert "Terputus" in page
    assert 'hx-trigger="every 1s"' not in page  # no more polling


def _export(user, *, state, progress_at) -> ExportJob:
    folder = exports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{ExportJob.objects.count() + 1}.csv"
    services.partial_path(path).write_bytes(b"NIK;NO_KK\n")
    return ExportJob.objects.create(user=user, format="csv", state=state, file_path=str(path),
                                    progress_at=progress_at, expires_at=timezone.now() + timedelta(days=7))


def test_a_silent_export_is_failed_and_its_partial_file_removed(staff_blora):
    stale = _export(staff_blora, state=ExportJob.State.RUNNING, progress_at=_ago(minutes=40))
    live = _export(staff_blora, state=ExportJob.State.RUNNING, progress_at=_ago(minutes=1))
    waiting = _export(staff_blora, state=ExportJob.State.QUEUED, progress_at=_ago(hours=2))
    assert services.jobs_fail_stalled() == 2
    for job in (stale, live, waiting):
        job.refresh_from_db()
    assert stale.state == ExportJob.State.FAILED and "Terputus" in stale.error
    assert not services.partial_path(stale.file_path).exists()
    assert waiting.state == ExportJob.State.FAILED and "db_worker" in waiting.error
    assert live.state == ExportJob.State.RUNNING and services.partial_path(live.file_path).exists()


def test_the_export_page_and_the_daily_cleanup_run_it(client, staff_blora):
    shown = _export(staff_blora, state=ExportJob.State.RUNNING, progress_at=_ago(hours=1))
    page = login(client, staff_blora).get(reverse("imports:export_detail", args=[shown.pk])).content.decode()
    assert "Terputus" in page
    swept = _export(staff_blora, state=ExportJob.State.QUEUED, progress_at=_ago(hours=3))
    services.exports_cleanup()
    swept.refresh_from_db()
    assert swept.state == ExportJob.State.FAILED
