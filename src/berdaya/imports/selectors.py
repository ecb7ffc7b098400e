"""Reads of the import pages.

Who sees a batch: the user who uploaded it, and every user who may edit the registry (Perm.REGISTRY_EDIT) over
the batch's region — the smallest region holding the uploader's whole edit scope (services.uploader_region). So
a village operator sees their own batches, a district or regency office (admin, Dinsos staff) sees those of the
operators and staff inside its area, and a national admin sees all. Batches made by the CLI have no region: the
uploader and national users see them. Anyone else gets a 404.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from berdaya.core.permissions import NATIONAL, Perm, region_prefixes, scope_q
from berdaya.imports.models import ExportJob, ImportBatch

Job, JobState = ImportBatch.Job, ImportBatch.JobState
STAGES = {"read": _("Membaca file"), "check": _("Memeriksa data"), "write": _("Menyimpan ke registri")}
JOB_STAGES = {Job.DRY_RUN: ("read", "check"), Job.COMMIT: ("read", "check", "write")}
WAITING_HINT_AFTER = timedelta(seconds=15)  # a queued job not picked up by then: is the worker running?


def batches_visible_to(*, user) -> QuerySet[ImportBatch]:
    if not user.is_authenticated:
        return ImportBatch.objects.none()
    if NATIONAL in region_prefixes(user, Perm.REGISTRY_EDIT):
        return ImportBatch.objects.all()  # (Q(user=...) | Q() would be Q(user=...): an empty Q drops out of an OR)
    return ImportBatch.objects.filter(Q(user=user) | scope_q(user, Perm.REGISTRY_EDIT, "region_code"))


def batch_get(*, user, pk: int) -> ImportBatch:
    batch = batches_visible_to(user=user).select_related("user", "village").filter(pk=pk).first()
    if batch is None:
        raise Http404
    return batch


@dataclass
class JobProgress:
    job: str
    state: str
    stage: str
    done: int
    total: int | None
    at: datetime | None

    @property
    def running(self) -> bool:
        return self.state in (JobState.QUEUED, JobState.RUNNING)

    @property
    def queued(self) -> bool:
        return self.state == JobState.QUEUED

    @property
    def waiting_long(self) -> bool:
        return self.queued and self.at is not None and timezone.now() - self.at > WAITING_HINT_AFTER

    @property
    def stage_label(self) -> str:
        return str(STAGES.get(self.stage, ""))

    @property
    def step(self) -> int:
        stages = JOB_STAGES.get(self.job, ())
        return stages.index(self.stage) + 1 if self.stage in stages else 0

    @property
    def steps(self) -> int:
        return len(JOB_STAGES.get(self.job, ()))

    @property
    def max(self) -> int | None:
        """The <progress> max; None while the stage's size is unknown (an indeterminate bar)."""
        return max(self.total, self.done, 1) if self.total else None

    @property
    def percent(self) -> int | None:
        return min(100, round(100 * self.done / self.max)) if self.max else None


def batch_progress(batch: ImportBatch) -> JobProgress:
    progress = JobProgress(job=batch.job, state=batch.job_state, stage=batch.progress_stage,
                           done=batch.progress_done, total=batch.progress_total, at=batch.progress_at)
    if batch.job == Job.COMMIT and batch.job_state == JobState.RUNNING:
        from berdaya.imports.tasks import progress_file

        try:  # a commit writes its progress beside the database (see tasks.py)
            data = json.loads(progress_file(batch.pk).read_text())
        except (OSError, ValueError):
            return progress
        progress.stage, progress.done, progress.total = data.get("stage", ""), int(data.get("done") or 0), \
            data.get("total")
    return progress


def earlier_imports(batch: ImportBatch) -> list[dict]:
    """Earlier commits of a file with the same checksum (from the summary): id, when, who."""
    out = []
    for earlier in (batch.summary or {}).get("same_file_batches", []):
        try:
            at = datetime.fromisoformat(earlier["at"])
        except (KeyError, TypeError, ValueError):
            at = None
        out.append({"id": earlier.get("id"), "at": at, "user": earlier.get("user") or "–"})
    return out


# --- export jobs ---------------------------------------------------------------------------------------------------
# An export holds whatever the requesting user could see (identities included where their role allows), so it is
# theirs alone; a national administrator (Perm.ACCOUNTS_MANAGE everywhere) may also open it. Anyone else: 404.
EXPORTS_RECENT = 10


def exports_dir() -> Path:
    """Where export files are written: private, beside the database, never under STATIC_ROOT or MEDIA_ROOT."""
    return Path(settings.DATA_DIR) / "exports"


def export_file(job: ExportJob) -> Path | None:
    """The finished export's file, if it is still there (and inside exports_dir: nothing else is ever sent)."""
    if job.state != ExportJob.State.FINISHED or not job.file_path:
        return None
    path = Path(job.file_path)
    if not path.is_file() or exports_dir().resolve() not in path.resolve().parents:
        return None
    return path


def export_sync_max() -> int:
    """Exports of up to this many persons are sent at once; larger ones run as a background job."""
    return int(getattr(settings, "BERDAYA_EXPORT_SYNC_MAX", 20_000))


def export_needs_job(*, user, filters) -> bool:
    """Does the user's filtered registry list hold more persons than export_sync_max()? Counts no further."""
    from berdaya.registry.models import Person
    from berdaya.registry.selectors import household_list

    limit = export_sync_max()
    households = household_list(user=user, filters=filters).order_by().values("pk")
    return Person.objects.filter(household__in=households).order_by()[: limit + 1].count() > limit


def exports_visible_to(*, user) -> QuerySet[ExportJob]:
    if not user.is_authenticated:
        return ExportJob.objects.none()
    if NATIONAL in region_prefixes(user, Perm.ACCOUNTS_MANAGE):
        return ExportJob.objects.all()
    return ExportJob.objects.filter(user=user)


def export_get(*, user, pk: int) -> ExportJob:
    job = exports_visible_to(user=user).select_related("user").filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


def exports_of(*, user) -> QuerySet[ExportJob]:
    """The user's own exports, newest first (also for an administrator: the list is "my exports")."""
    return ExportJob.objects.filter(user=user) if user.is_authenticated else ExportJob.objects.none()


def export_progress(job: ExportJob) -> JobProgress:
    return JobProgress(job="export", state=job.state, stage="", done=job.progress_done, total=job.progress_total,
                       at=job.progress_at)


def export_filter_summary(job: ExportJob) -> list[tuple[str, str]]:
    """The export's filters as (label, value) for its page; [] = the whole list in the user's scope."""
    from berdaya.regions.models import Region
    from berdaya.registry.models import VULNERABILITIES

    filters = job.filters or {}
    out = []
    if filters.get("q"):
        out.append((str(_("Pencarian")), filters["q"]))
    if filters.get("region"):
        region = Region.objects.filter(code=filters["region"]).first()
        out.append((str(_("Wilayah")), f"{region.name} ({region.code})" if region else filters["region"]))
    if filters.get("vulnerability"):
        labels = dict(VULNERABILITIES)
        out.append((str(_("Kerentanan")), str(labels.get(filters["vulnerability"], filters["vulnerability"]))))
    if filters.get("flagged"):
        out.append((str(_("Hanya yang perlu ditinjau")), str(_("Ya"))))
    return out
