"""imports.services.exports_cleanup and `berdaya manage export_cleanup`: expired export files are deleted (the job
row stays, without its file), unexpired ones kept; a job that never finished is marked failed when it expires;
files no job names go once old; a new export cleans up on its way."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from berdaya.imports import services
from berdaya.imports.models import ExportJob
from berdaya.imports.selectors import exports_dir

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _job(user, *, expires_in: timedelta, state="finished", name=None) -> ExportJob:
    folder = exports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name or f"{ExportJob.objects.count() + 1}.csv")
    path.write_bytes(b"NIK;NO_KK\n")
    return ExportJob.objects.create(user=user, format="csv", state=state, file_path=str(path),
                                    expires_at=timezone.now() + expires_in)


def _old(path: Path, days: int) -> Path:
    when = (timezone.now() - timedelta(days=days)).timestamp()
    os.utime(path, (when, when))
    return path


@pytest.fixture(autouse=True)
def _immediate(settings):
    settings.TASKS = IMMEDIATE


def test_an_expired_file_is_deleted_and_a_live_one_kept(staff_blora):
    expired = _job(staff_blora, expires_in=-timedelta(minutes=1))
    live = _job(staff_blora, expires_in=timedelta(days=1))
    expired_path = Path(expired.file_path)
    assert services.exports_cleanup() == 1
    expired.refresh_from_db()
    assert not expired_path.exists() and expired.file_path == "" and expired.state == "finished"
    assert Path(live.file_path).exists()
    assert services.exports_cleanup() == 0  # nothing left to do


def test_a_job_that_never_finished_is_failed_when_it_expires_and_its_partial_file_goes(staff_blora):
    stuck = _job(staff_blora, expires_in=-timedelta(seconds=1), state="running")
    partial = services.partial_path(stuck.file_path)
    Path(stuck.file_path).rename(partial)
    services.exports_cleanup()
    stuck.refresh_from_db()
    assert (stuck.state, stuck.file_path) == ("failed", "") and "kedaluwarsa" in stuck.error
    assert not partial.exists()


def test_a_file_no_job_names_goes_once_older_than_the_keep_period(staff_blora, settings):
    settings.BERDAYA_EXPORT_KEEP_DAYS = 7
    live = _job(staff_blora, expires_in=timedelta(days=1))
    _old(Path(live.file_path), 30)  # named by a live job: kept whatever its age
    orphan_old = exports_dir() / "dari-pengguna-terhapus.xlsx"
    orphan_old.write_bytes(b"x")
    _old(orphan_old, 8)
    orphan_new = exports_dir() / "baru.xlsx"
    orphan_new.write_bytes(b"x")
    assert services.exports_cleanup() == 1
    assert not orphan_old.exists() and orphan_new.exists() and Path(live.file_path).exists()


def test_the_management_command_cleans_up(staff_blora, capsys):
    expired = _job(staff_blora, expires_in=-timedelta(days=1))
    call_command("export_cleanup")
    assert "1 file ekspor dihapus" in capsys.readouterr().out
    assert not Path(expired.file_path).exists()


def test_a_new_export_cleans_up_expired_files_on_its_way(staff_blora, household_a):
    expired = _job(staff_blora, expires_in=-timedelta(days=1))
    job = services.export_create(actor=staff_blora, filters={}, fmt="csv")
    assert not Path(expired.file_path).exists() and Path(job.file_path).exists()
    assert abs(job.expires_at - job.created_at - timedelta(days=7)) < timedelta(seconds=5)
