"""The import's background job (django-tasks; the database backend's worker is `berdaya manage db_worker`).

`run_import_job(batch_id, job)` runs engine.dry_run or engine.commit on the batch's stored upload and records the
job's state and progress on the batch, at most every PROGRESS_INTERVAL seconds, for the page's progress bar.

A commit runs inside one database transaction (engine.commit) from its first read to its last write: progress
written to the batch row from inside it would stay invisible to the page until the end (and on SQLite a second
connection cannot write while it runs). So a commit's progress goes to a small JSON file next to the uploads
(progress_file), which the page reads while the commit runs; the final figures are then saved on the batch.

`run_export_job(export_id)` writes a registry export (registry.exports.export_households_to_file) as the user who
asked, to a ".part" file renamed when complete, recording its progress on the ExportJob row (an export only reads,
outside any long transaction, so the row's updates are seen by the page at once).
"""

from __future__ import annotations

import heapq
import json
import logging
import os
from pathlib import Path
from time import monotonic

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from berdaya.imports import engine
from berdaya.imports.models import ExportJob, ImportBatch
from berdaya.imports.planner import CONFLICT, ERROR, FAMILY, WARNING

logger = logging.getLogger(__name__)
Job, JobState = ImportBatch.Job, ImportBatch.JobState
PROGRESS_INTERVAL = 0.5  # seconds between two progress writes
PREVIEW_PROBLEMS = 50  # problems kept on the batch for the page; the error report has them all
_RANK = {ERROR: 0, CONFLICT: 1, FAMILY: 2, WARNING: 3}


def progress_file(batch_id: int) -> Path:
    return engine.imports_dir() / "progress" / f"{batch_id}.json"


class ProgressRecorder:
    """The engine's progress callback: (stage, done, total) on the batch, or in progress_file for a commit."""

    def __init__(self, batch: ImportBatch, *, side_file: Path | None = None, interval: float = PROGRESS_INTERVAL):
        self.batch, self.side_file, self.interval = batch, side_file, interval
        self._stage, self._last = None, 0.0

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        now = monotonic()
        if stage == self._stage and now - self._last < self.interval:
            return
        self._stage, self._last = stage, now
        self.record(stage, done, total)

    def record(self, stage: str, done: int, total: int | None) -> None:
        batch = self.batch
        batch.progress_stage, batch.progress_done, batch.progress_total = stage, max(0, done), total
        batch.progress_at = timezone.now()
        if self.side_file is None:
            ImportBatch.objects.filter(pk=batch.pk).update(
                progress_stage=stage, progress_done=batch.progress_done, progress_total=total,
                progress_at=batch.progress_at)
            return
        try:  # never let the progress display abort a commit (an exception here would roll it back)
            self.side_file.parent.mkdir(parents=True, exist_ok=True)
            partial = self.side_file.with_suffix(".tmp")
            partial.write_text(json.dumps({"stage": stage, "done": batch.progress_done, "total": total,
                                           "at": batch.progress_at.isoformat()}))
            os.replace(partial, self.side_file)
        except OSError:
            logger.warning("import %s: progress file not written", batch.pk, exc_info=True)

    def close(self) -> None:
        if self.side_file is not None:
            self.side_file.unlink(missing_ok=True)


def _preview(problems) -> list[dict]:
    first = heapq.nsmallest(PREVIEW_PROBLEMS, problems, key=lambda p: (_RANK.get(p.kind, 9), p.row))
    return [{"row": p.row, "column": p.column, "message": str(p.message), "kind": p.kind} for p in first]


def _claim(batch_id: int, job: str) -> ImportBatch | None:
    """Queued → running, once: a task delivered twice finds the batch taken and does nothing."""
    taken = ImportBatch.objects.filter(pk=batch_id, job=job, job_state=JobState.QUEUED).update(
        job_state=JobState.RUNNING, progress_at=timezone.now())
    return ImportBatch.objects.select_related("user").get(pk=batch_id) if taken else None


def _end(batch: ImportBatch, state: str, *, error: str = "") -> None:
    batch.job_state = state
    fields = ["status", "job_state", "progress_stage", "progress_done", "progress_total", "progress_at",
              "problems_preview", "problems_count", "stored_path"]
    if state == JobState.FAILED:
        batch.status = ImportBatch.Status.FAILED
    if error:
        batch.error_message = error
        fields.append("error_message")
    if batch.stored_path and (state == JobState.FAILED or batch.job == Job.COMMIT):
        # The upload is kept only while a commit may still follow its dry run.
        Path(batch.stored_path).unlink(missing_ok=True)
        batch.stored_path = ""
    batch.progress_at = timezone.now()
    batch.save(update_fields=fields)


@task()
def run_import_job(batch_id: int, job: str) -> dict:
    batch = _claim(batch_id, job)
    if batch is None:
        return {"batch": batch_id, "skipped": True}
    options = engine.ImportOptions(village=batch.options.get("village"), extracted_at=batch.extracted_at,
                                   all_or_nothing=bool(batch.options.get("all_or_nothing")))
    recorder = ProgressRecorder(batch, side_file=progress_file(batch.pk) if job == Job.COMMIT else None)
    action = engine.commit if job == Job.COMMIT else engine.dry_run
    with translation.override(settings.LANGUAGE_CODE):  # stored messages are in the office's language, as the CLI
        try:
            result = action(batch.stored_path, actor=batch.user, options=options, progress=recorder,
                            filename=batch.original_filename, batch=batch)
        except engine.UnusableFile as exc:
            _end(batch, JobState.FAILED, error=exc.message)
            return {"batch": batch_id, "unusable": exc.message}
        except Exception as exc:
            if batch.error_message:  # engine.commit has said it: nothing was saved
                _end(batch, JobState.FAILED)
            else:
                message = (_("Impor gagal, tidak ada data yang disimpan: %(err)s") if job == Job.COMMIT
                           else _("Pemeriksaan gagal: %(err)s"))
                _end(batch, JobState.FAILED, error=message % {"err": exc})
            raise
        finally:
            recorder.close()
    batch.problems_preview, batch.problems_count = _preview(result.problems), len(result.problems)
    if batch.progress_stage:
        batch.progress_done = batch.progress_total or batch.progress_done
    _end(batch, JobState.FINISHED)
    return {"batch": batch_id, "job": job, "committed": result.summary.committed, "exit_code": result.exit_code}


# --- export jobs ---------------------------------------------------------------------------------------------------
class ExportProgress:
    """export_households_to_file's progress callback: households done / total on the job, at most every interval."""

    def __init__(self, job: ExportJob, *, interval: float = PROGRESS_INTERVAL):
        self.job, self.interval, self._last = job, interval, 0.0

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        now = monotonic()
        if now - self._last < self.interval:
            return
        self._last = now
        self.job.progress_done, self.job.progress_total = max(0, done), total
        self.job.progress_at = timezone.now()
        ExportJob.objects.filter(pk=self.job.pk).update(progress_done=self.job.progress_done, progress_total=total,
                                                        progress_at=self.job.progress_at)


def _claim_export(export_id: int) -> ExportJob | None:
    taken = ExportJob.objects.filter(pk=export_id, state=ExportJob.State.QUEUED).update(
        state=ExportJob.State.RUNNING, progress_at=timezone.now())
    return ExportJob.objects.get(pk=export_id) if taken else None


@task()
def run_export_job(export_id: int) -> dict:
    from berdaya.imports.services import partial_path
    from berdaya.registry.exports import export_households_to_file

    job = _claim_export(export_id)
    if job is None:
        return {"export": export_id, "skipped": True}
    target = Path(job.file_path)
    partial = partial_path(target)
    with translation.override(settings.LANGUAGE_CODE):
        try:
            rows = export_households_to_file(user_id=job.user_id, filters=job.filters, fmt=job.format, path=partial,
                                             progress=ExportProgress(job))
            os.replace(partial, target)
        except Exception as exc:
            partial.unlink(missing_ok=True)
            job.state, job.error = ExportJob.State.FAILED, _("Ekspor gagal: %(err)s") % {"err": exc}
            job.finished_at = job.progress_at = timezone.now()
            job.save(update_fields=["state", "error", "finished_at", "progress_at"])
            raise
    job.state, job.row_count, job.file_size = ExportJob.State.FINISHED, rows, target.stat().st_size
    job.progress_done = job.progress_total or job.progress_done
    job.finished_at = job.progress_at = timezone.now()
    job.save(update_fields=["state", "row_count", "file_size", "progress_done", "progress_total", "finished_at",
                            "progress_at"])
    return {"export": export_id, "rows": rows, "bytes": job.file_size}
