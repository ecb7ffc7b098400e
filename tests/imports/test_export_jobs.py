"""imports.services.export_create and tasks.run_export_job — a registry export written to a file by a background
job: the list's filters re-applied with the requesting user's region scope and masking as they stand when the job
runs; progress, failure, a task delivered twice; through the immediate backend and the real database worker."""

from pathlib import Path

import pytest

from berdaya.accounts.models import RoleAssignment
from berdaya.core.errors import ApplicationError
from berdaya.core.identity import mask_number
from berdaya.core.permissions import Role
from berdaya.imports import services, tasks
from berdaya.imports.models import ExportJob
from berdaya.imports.selectors import exports_dir
from berdaya.registry import exports
from berdaya.registry.selectors import HouseholdFilters
from tests import factories
from tests.conftest import BLORA, VILLAGE_A, VILLAGE_B, VILLAGE_P
from tests.imports.conftest import read_export

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}


@pytest.fixture
def mixed_user(db):
    """Sees identities in village A (operator there) and, masked, the rest of Blora (mentor over the regency)."""
    user = factories.user_without_password(username="operator_dan_pendamping", role=Role.VILLAGE_OPERATOR,
                                           region=VILLAGE_A)
    RoleAssignment.objects.create(user=user, role=Role.MENTOR, region_id=BLORA)
    return user


@pytest.fixture
def three_regions(admin_user, household_a, household_b):
    household_p = factories.household(actor=admin_user, village=VILLAGE_P)
    return household_a, household_b, household_p


def _kks(job: ExportJob) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for row in read_export(job.file_path):
        out.setdefault(row["KODE_DESA"], set()).add(row["NO_KK"])
    return out


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_job_writes_the_users_scoped_list_masked_where_the_user_may_not_see_identities(settings, mixed_user,
                                                                                          three_regions, fmt):
    settings.TASKS = IMMEDIATE
    household_a, household_b, _household_p = three_regions
    job = services.export_create(actor=mixed_user, filters=HouseholdFilters(), fmt=fmt)
    assert (job.state, job.format, job.row_count) == ("finished", fmt, 2)
    assert Path(job.file_path).parent == exports_dir() and Path(job.file_path).suffix == f".{fmt}"
    assert job.filename.startswith("registri-keluarga-") and job.filename.endswith(f".{fmt}")
    # Village A in clear, village B masked, Pasuruan (outside the user's scope) absent.
    assert _kks(job) == {VILLAGE_A: {household_a.kk_number}, VILLAGE_B: {mask_number(household_b.kk_number)}}
    assert (job.progress_done, job.progress_total, job.file_size) == (2, 2, Path(job.file_path).stat().st_size)
    assert job.finished_at is not None and job.task_id
    assert not services.partial_path(job.file_path).exists()


def test_the_lists_filters_are_applied(settings, mixed_user, three_regions):
    settings.TASKS = IMMEDIATE
    household_b = three_regions[1]
    job = services.export_create(actor=mixed_user, filters={"region": VILLAGE_B}, fmt="csv")
    assert job.filters["region"] == VILLAGE_B
    rows = read_export(job.file_path)
    assert {r["NO_KK"] for r in rows} == {mask_number(household_b.kk_number)}
    assert rows[0]["NIK"] == mask_number(household_b.members.get().nik) and rows[0]["PENGHASILAN_KELUARGA"] == ""


def test_the_worker_applies_the_users_scope_as_it_stands_when_the_job_runs(settings, mixed_user, three_regions):
    settings.TASKS = DATABASE  # queued: no worker runs here
    household_a = three_regions[0]
    job = services.export_create(actor=mixed_user, filters={}, fmt="csv")
    assert job.state == "queued" and not Path(job.file_path).exists()
    RoleAssignment.objects.filter(user=mixed_user, role=Role.MENTOR).delete()  # the regency role is taken away
    tasks.run_export_job.call(job.pk)
    job.refresh_from_db()
    assert job.state == "finished" and _kks(job) == {VILLAGE_A: {household_a.kk_number}}


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_runs_the_export(settings, regions_present, staff_blora, db_worker):
    settings.TASKS = DATABASE
    household = factories.household(actor=staff_blora, village=VILLAGE_A)
    job = services.export_create(actor=staff_blora, filters={}, fmt="xlsx")
    assert job.state == "queued"
    db_worker()
    job.refresh_from_db()
    assert (job.state, job.row_count) == ("finished", 1)
    assert [r["NO_KK"] for r in read_export(job.file_path)] == [household.kk_number]


def test_a_failing_export_is_recorded_and_leaves_no_file(settings, staff_blora, household_a, household_b,
                                                         monkeypatch):
    settings.TASKS = IMMEDIATE
    rows = exports.HouseholdExport.rows

    def fail_after_the_first_row(self, progress=None):
        for row in rows(self, progress=progress):
            yield row
            raise OSError("disk full")

    monkeypatch.setattr(exports.HouseholdExport, "rows", fail_after_the_first_row)
    job = services.export_create(actor=staff_blora, filters={}, fmt="csv")
    assert job.state == "failed" and "disk full" in job.error and job.finished_at is not None
    assert not Path(job.file_path).exists() and not services.partial_path(job.file_path).exists()


def test_a_task_delivered_twice_does_nothing_the_second_time(settings, staff_blora, household_a):
    settings.TASKS = IMMEDIATE
    job = services.export_create(actor=staff_blora, filters={}, fmt="csv")
    assert tasks.run_export_job.call(job.pk) == {"export": job.pk, "skipped": True}
    assert ExportJob.objects.get(pk=job.pk).finished_at == job.finished_at


def test_an_unknown_format_is_refused(staff_blora):
    with pytest.raises(ApplicationError) as caught:
        services.export_create(actor=staff_blora, filters={}, fmt="pdf")
    assert caught.value.field == "format" and not ExportJob.objects.exists()


def test_a_user_without_registry_access_is_refused(db):
    from django.contrib.auth import get_user_model

    nobody = get_user_model().objects.create(username="tanpa_peran")
    with pytest.raises(ApplicationError) as caught:
        services.export_create(actor=nobody, filters={}, fmt="csv")
    assert caught.value.code == "forbidden" and not ExportJob.objects.exists()


def test_progress_is_written_at_most_every_interval(staff_blora, monkeypatch):
    job = ExportJob.objects.create(user=staff_blora, format="csv", expires_at="2099-01-01T00:00:00Z")
    clock = iter([10.0, 10.1, 10.7])
    monkeypatch.setattr(tasks, "monotonic", lambda: next(clock))
    recorder = tasks.ExportProgress(job, interval=0.5)
    seen = []
    for done in (1000, 2000, 3000):
        recorder("export", done, 5000)
        seen.append(ExportJob.objects.values_list("progress_done", "progress_total").get(pk=job.pk))
    assert seen == [(1000, 5000), (1000, 5000), (3000, 5000)]
