"""Writes of the import pages: store an upload and queue its dry run; queue the commit of a checked batch.
Export jobs: queue a registry export to a file (export_create) and delete expired export files (exports_cleanup).
Jobs whose process is gone (a killed or restarted worker) are marked failed by jobs_fail_stalled.

The work itself (engine.dry_run / engine.commit) runs in a background task (imports/tasks.py). A batch's region is
the smallest region holding every region where the uploader may edit the registry: the batch history shows it to
users who may edit the registry over that region (see selectors.batches_visible_to).
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from berdaya.core.errors import ApplicationError
from berdaya.core.permissions import NATIONAL, Perm, region_prefixes, require_perm
from berdaya.imports import plan_cache
from berdaya.imports.engine import ImportOptions, imports_dir
from berdaya.imports.models import ExportJob, ImportBatch
from berdaya.imports.selectors import exports_dir

logger = logging.getLogger(__name__)
Job, JobState = ImportBatch.Job, ImportBatch.JobState


def uploads_dir() -> Path:
    return imports_dir() / "uploads"


def uploader_region(user) -> str:
    """The deepest code that is a prefix (by whole levels) of every region where `user` may edit; '' = national."""
    prefixes = region_prefixes(user, Perm.REGISTRY_EDIT)
    if not prefixes or NATIONAL in prefixes:
        return NATIONAL
    parts = [p.split(".") for p in prefixes]
    common = []
    for level in zip(*parts, strict=False):
        if len(set(level)) > 1:
            break
        common.append(level[0])
    return ".".join(common)


def batch_upload(*, file, actor, village: str | None = None, extracted_at: date | None = None,
                 all_or_nothing: bool = False) -> ImportBatch:
    """Store `file` (an uploaded file: .name, .chunks()) under DATA_DIR/imports/uploads, record the batch and queue
    its dry run. The form has checked the file's type and size."""
    require_perm(actor, Perm.REGISTRY_EDIT)
    options = ImportOptions(village=village, extracted_at=extracted_at, all_or_nothing=all_or_nothing)
    suffix = Path(file.name).suffix.lower()
    folder = uploads_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{uuid.uuid4().hex}{suffix}"
    digest, size = hashlib.sha256(), 0
    with target.open("wb") as out:
        for chunk in file.chunks():
            digest.update(chunk)
            out.write(chunk)
            size += len(chunk)
    batch = ImportBatch.objects.create(
        user=actor, original_filename=Path(file.name).name[:255], checksum=digest.hexdigest(), size_bytes=size,
        kind=suffix.lstrip("."), options=options.to_json(), extracted_at=extracted_at, village_id=village or None,
        status=ImportBatch.Status.DRY_RUN, region_code=uploader_region(actor), stored_path=str(target),
        job=Job.DRY_RUN, job_state=JobState.QUEUED, progress_at=timezone.now())
    _enqueue(batch, Job.DRY_RUN)
    batch.refresh_from_db()
    return batch


def batch_commit(*, batch: ImportBatch, actor) -> ImportBatch:
    """Queue the commit of a batch whose dry run has finished. Only the uploader commits (the import is theirs:
    the audit trail names them)."""
    if batch.user_id != actor.pk:
        raise ApplicationError(_("Hanya pengunggah file yang dapat menyimpan impor ini."), code="forbidden")
    require_perm(actor, Perm.REGISTRY_EDIT)
    committable = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.DRY_RUN, job=Job.DRY_RUN,
                                             job_state=JobState.FINISHED)
    taken_message = _("Impor ini sudah disimpan atau sedang diproses.")
    if not committable.exists():
        raise ApplicationError(taken_message, code="conflict")
    if not batch.stored_path or not Path(batch.stored_path).is_file():
        raise ApplicationError(_("File impor ini sudah tidak tersimpan. Unggah lagi."), code="gone")
    # A conditional update: a second click (or a second tab) finds the batch already taken and is refused.
    taken = committable.update(job=Job.COMMIT, job_state=JobState.QUEUED, progress_stage="", progress_done=0,
                               progress_total=None, progress_at=timezone.now())
    if not taken:
        raise ApplicationError(taken_message, code="conflict")
    _enqueue(batch, Job.COMMIT)
    batch.refresh_from_db()
    return batch


def _enqueue(batch: ImportBatch, job: str) -> None:
    from berdaya.imports.tasks import run_import_job

    try:
        # With the immediate backend the job has run to its end when enqueue returns; with the database backend
        # it waits for `berdaya manage db_worker`.
        result = run_import_job.enqueue(batch.pk, job)
    except Exception as exc:
        ImportBatch.objects.filter(pk=batch.pk).update(
            job_state=JobState.FAILED, error_message=gettext("Pekerjaan latar belakang tidak dapat dimulai: %(e)s")
            % {"e": exc})
        raise
    ImportBatch.objects.filter(pk=batch.pk).update(task_id=str(result.id)[:64])



# --- export jobs ---------------------------------------------------------------------------------------------------
def export_keep_days() -> int:
    """How long a finished export's file is kept for download (BERDAYA_EXPORT_KEEP_DAYS, default 7)."""
    return int(getattr(settings, "BERDAYA_EXPORT_KEEP_DAYS", 7))


def partial_path(path: str | Path) -> Path:
    """The file a running export writes; renamed to `path` only once complete, so no half file is ever sent."""
    path = Path(path)
    return path.with_name(path.name + ".part")


def export_create(*, actor, filters, fmt: str) -> ExportJob:
    """Queue the export of the actor's filtered registry list (registry.selectors.HouseholdFilters or its dict) as
    xlsx or csv. The worker applies the filters with the actor's region scope and masking when it runs."""
    from berdaya.registry.exports import FORMATS, HouseholdExport, filters_to_dict

    require_perm(actor, Perm.REGISTRY_VIEW)
    if fmt not in FORMATS:
        raise ApplicationError(_("Format ekspor tidak dikenal."), field="format", code="invalid")
    exports_cleanup()  # opportunistically: expired files go whenever someone starts a new export
    now = timezone.now()
    with transaction.atomic():
        job = ExportJob.objects.create(
            user=actor, format=fmt, filters=filters if isinstance(filters, dict) else filters_to_dict(filters),
            state=ExportJob.State.QUEUED, progress_at=now, expires_at=now + timedelta(days=export_keep_days()),
            file_path=str(exports_dir() / f"{uuid.uuid4().hex}.{fmt}"),
            filename=f"{HouseholdExport.name}-{timezone.localdate(now):%Y%m%d}.{fmt}")
    _enqueue_export(job)
    job.refresh_from_db()
    return job


def exports_cleanup(*, now: datetime | None = None) -> int:
    """Delete the files of expired exports (the job rows stay, as the record of who exported what); a job still
    queued or running when it expires has lost its worker and is marked failed. Files in the exports folder that no
    job names (a deleted user's) go once older than the keep period. Returns the number of files deleted."""
    now = now or timezone.now()
    deleted = 0
    expired = ExportJob.objects.filter(expires_at__lte=now).exclude(file_path="")
    for job in expired.only("pk", "file_path"):
        deleted += _unlink(Path(job.file_path)) + _unlink(partial_path(job.file_path))
        ExportJob.objects.filter(pk=job.pk).update(file_path="")
    ExportJob.objects.filter(expires_at__lte=now, state__in=[ExportJob.State.QUEUED, ExportJob.State.RUNNING]).update(
        state=ExportJob.State.FAILED, finished_at=now,
        error=gettext("Ekspor tidak selesai sebelum kedaluwarsa (pekerja latar belakang berhenti?)."))
    plan_cache.purge_old()  # what abandoned import dry runs kept for their commit (not counted: not exports)
    jobs_fail_stalled(now=now)
    return deleted + _cleanup_orphans(now)


# A running job records its progress every few seconds (tasks.PROGRESS_INTERVAL): one with none for this long lost
# its process (a killed or restarted worker) and would otherwise show "running" for ever. One still queued after
# UNCLAIMED_AFTER has no worker taking jobs (`berdaya manage db_worker` not running).
STALLED_AFTER = timedelta(minutes=30)
UNCLAIMED_AFTER = timedelta(hours=1)


def job_may_have_stalled(state: str, progress_at: datetime | None) -> bool:
    """Whether a job shown on a page (an import's job_state or an export's state, the same values) is silent long
    enough for jobs_fail_stalled to look at it: the job pages poll every second, and most polls need no sweep."""
    return (state in (JobState.QUEUED, JobState.RUNNING) and progress_at is not None
            and progress_at < timezone.now() - STALLED_AFTER)


def jobs_fail_stalled(*, now: datetime | None = None) -> int:
    """Mark import and export jobs whose process is gone as failed, removing what they left behind (the upload of
    an import, the partial file of an export). A commit cut short wrote nothing: it ran in one transaction. Called
    by the job pages and by the daily cleanup; returns the number of jobs marked."""
    from berdaya.imports.tasks import progress_file

    now = now or timezone.now()
    stalled, unclaimed = now - STALLED_AFTER, now - UNCLAIMED_AFTER
    marked = 0
    running = ImportBatch.objects.filter(job_state=JobState.RUNNING, progress_at__lt=stalled)
    for batch in running.only("pk", "job", "progress_at", "stored_path"):
        if batch.job == Job.COMMIT and _mtime(progress_file(batch.pk)) >= stalled:
            continue  # a commit records its progress in a file beside the database (tasks.ProgressRecorder)
        marked += _import_job_fail(batch, JobState.RUNNING, now, gettext(
            "Terputus: proses latar belakang berhenti sebelum selesai (tidak ada kemajuan selama 30 menit). "
            "Tidak ada data yang disimpan dari pekerjaan ini; unggah file lagi."))
    queued = ImportBatch.objects.filter(job_state=JobState.QUEUED, progress_at__lt=unclaimed)
    for batch in queued.only("pk", "job", "progress_at", "stored_path"):
        marked += _import_job_fail(batch, JobState.QUEUED, now, gettext(
            "Tidak dijalankan: tidak ada pekerja latar belakang yang mengambil pekerjaan ini dalam 1 jam "
            "(apakah `berdaya manage db_worker` berjalan?). Unggah file lagi."))
    for state, cutoff, message in (
            (ExportJob.State.RUNNING, stalled, gettext(
                "Terputus: proses latar belakang berhenti sebelum selesai (tidak ada kemajuan selama 30 menit).")),
            (ExportJob.State.QUEUED, unclaimed, gettext(
                "Tidak dijalankan: tidak ada pekerja latar belakang yang mengambil pekerjaan ini dalam 1 jam "
                "(apakah `berdaya manage db_worker` berjalan?)."))):
        for job in ExportJob.objects.filter(state=state, progress_at__lt=cutoff).only("pk", "file_path"):
            taken = ExportJob.objects.filter(pk=job.pk, state=state, progress_at__lt=cutoff).update(
                state=ExportJob.State.FAILED, finished_at=now, progress_at=now, error=message)
            if taken and job.file_path:
                _unlink(partial_path(job.file_path))
            marked += taken
    return marked


def _import_job_fail(batch: ImportBatch, state: str, now: datetime, message: str) -> int:
    """Failed, once (only while it is still in `state` and silent): a job that moved on in between is left alone."""
    taken = ImportBatch.objects.filter(pk=batch.pk, job_state=state, progress_at=batch.progress_at).update(
        job_state=JobState.FAILED, status=ImportBatch.Status.FAILED, progress_at=now, error_message=message,
        stored_path="")
    if taken and batch.stored_path:
        _unlink(Path(batch.stored_path))
    return taken


def _mtime(path: Path) -> datetime:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.get_current_timezone())
    except OSError:
        return datetime.min.replace(tzinfo=timezone.get_current_timezone())


def _cleanup_orphans(now: datetime) -> int:
    folder = exports_dir()
    if not folder.is_dir():
        return 0
    known = set()
    for path in ExportJob.objects.exclude(file_path="").values_list("file_path", flat=True).iterator():
        known.update({Path(path).name, partial_path(path).name})
    oldest = (now - timedelta(days=export_keep_days())).timestamp()
    deleted = 0
    for path in folder.iterdir():
        if path.is_file() and path.name not in known and path.stat().st_mtime < oldest:
            deleted += _unlink(path)
    return deleted


def _unlink(path: Path) -> int:
    try:
        path.unlink()
    except FileNotFoundError:
        return 0
    except OSError:
        logger.warning("export file %s not deleted", path, exc_info=True)
        return 0
    return 1


def _enqueue_export(job: ExportJob) -> None:
    from berdaya.imports.tasks import run_export_job

    try:
        result = run_export_job.enqueue(job.pk)
    except Exception as exc:
        ExportJob.objects.filter(pk=job.pk).update(
            state=ExportJob.State.FAILED, finished_at=timezone.now(),
            error=gettext("Pekerjaan latar belakang tidak dapat dimulai: %(e)s") % {"e": exc})
        raise
    ExportJob.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
