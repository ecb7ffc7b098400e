"""imports.tasks.run_import_job — through the database backend and its real worker (db_worker), and its progress:
written to the batch at most every interval during a dry run, beside the database during a commit."""

import json
import signal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from berdaya.imports import services, tasks
from berdaya.imports.models import ImportBatch
from berdaya.registry.models import Person
from tests.imports.conftest import csv_text, family

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}


def _upload(actor, rows, **options) -> ImportBatch:
    return services.batch_upload(file=SimpleUploadedFile("data.csv", csv_text(rows).encode()), actor=actor,
                                 **options)


@pytest.fixture
def run_worker():
    """Run the database worker until the queue is empty, as `berdaya manage db_worker --batch` would; the signal
    handlers it installs are put back afterwards."""
    handled = [s for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGQUIT", None)) if s]
    saved = {s: signal.getsignal(s) for s in handled}

    def run():
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", verbosity=0)

    yield run
    for s, handler in saved.items():
        signal.signal(s, handler)


@pytest.mark.django_db(transaction=True)
def test_the_dry_run_and_the_commit_run_in_the_database_worker(settings, regions_present, operator_desa_a,
                                                               run_worker):
    settings.TASKS = DATABASE
    rows = family()
    batch = _upload(operator_desa_a, rows)
    assert (batch.job, batch.job_state) == ("dry_run", "queued")
    queued = DBTaskResult.objects.get(id=batch.task_id)
    assert queued.status == TaskResultStatus.READY and queued.args_kwargs["args"] == [batch.pk, "dry_run"]

    run_worker()
    batch.refresh_from_db()
    assert (batch.job_state, batch.status, batch.summary["new_persons"]) == ("finished", "dry_run", 3)
    assert DBTaskResult.objects.get(id=batch.task_id).status == TaskResultStatus.SUCCESSFUL
    assert not Person.objects.filter(nik=rows[0]["NIK"]).exists()

    services.batch_commit(batch=batch, actor=operator_desa_a)
    batch.refresh_from_db()
    assert (batch.job, batch.job_state) == ("commit", "queued")
    assert not Person.objects.filter(nik=rows[0]["NIK"]).exists()  # nothing happens until the worker runs
    run_worker()
    batch.refresh_from_db()
    assert (batch.job_state, batch.status, batch.summary["committed"]) == ("finished", "committed", True)
    assert Person.objects.filter(nik__in=[r["NIK"] for r in rows]).count() == 3
    assert not tasks.progress_file(batch.pk).exists()


def test_a_task_delivered_twice_does_nothing_the_second_time(settings, operator_desa_a):
    settings.TASKS = IMMEDIATE
    batch = _upload(operator_desa_a, family())
    finished_at = batch.progress_at
    assert tasks.run_import_job.call(batch.pk, "dry_run") == {"batch": batch.pk, "skipped": True}
    batch.refresh_from_db()
    assert (batch.job_state, batch.progress_at) == ("finished", finished_at)


def test_a_dry_run_records_its_stages_on_the_batch(settings, operator_desa_a, monkeypatch):
    settings.TASKS = IMMEDIATE
    seen = []
    record = tasks.ProgressRecorder.record

    def spy(self, stage, done, total):
        record(self, stage, done, total)
        row = ImportBatch.objects.values_list("progress_stage", "progress_done", "progress_total").get(
            pk=self.batch.pk)
        seen.append(row)

    monkeypatch.setattr(tasks.ProgressRecorder, "record", spy)
    batch = _upload(operator_desa_a, family() + family(members=2))
    assert [s[0] for s in seen][:1] == ["read"] and seen[-1][0] == "check"
    assert seen[-1][1] == seen[-1][2] == 2  # two families checked, as read back from the database
    batch.refresh_from_db()
    assert (batch.progress_stage, batch.progress_done, batch.progress_total) == ("check", 2, 2)


def test_a_commit_writes_its_progress_beside_the_database_while_its_transaction_is_open(settings, operator_desa_a,
                                                                                      monkeypatch):
    from berdaya.imports import writer

    settings.TASKS = IMMEDIATE
    batch = _upload(operator_desa_a, family())
    seen = {}
    write = writer.Writer.write

    def peek_then_write(self):
        seen["file"] = json.loads(tasks.progress_file(batch.pk).read_text())
        seen["row"] = ImportBatch.objects.values_list("job_state", flat=True).get(pk=batch.pk)
        return write(self)

    monkeypatch.setattr(writer.Writer, "write", peek_then_write)
    services.batch_commit(batch=batch, actor=operator_desa_a)
    assert seen["row"] == "running"
    assert seen["file"]["stage"] == "check" and seen["file"]["done"] == seen["file"]["total"] == 1
    assert not tasks.progress_file(batch.pk).exists()  # removed at the end
    batch.refresh_from_db()
    assert batch.status == "committed"


def test_progress_is_written_at_most_every_interval_except_when_the_stage_changes(operator_desa_a, monkeypatch):
    batch = ImportBatch.objects.create(user=operator_desa_a, original_filename="x.csv", checksum="0" * 64)
    clock = iter([0.0, 0.1, 0.2, 0.7, 0.8, 0.9])
    monkeypatch.setattr(tasks, "monotonic", lambda: next(clock))
    written = []
    monkeypatch.setattr(tasks.ProgressRecorder, "record", lambda self, *args: written.append(args))
    recorder = tasks.ProgressRecorder(batch, interval=0.5)
    for done in (10, 20, 30, 40):  # at 0.0, 0.1, 0.2, 0.7
        recorder("read", done, 100)
    recorder("check", 1, 5)  # 0.8: a new stage is written at once
    recorder("check", 2, 5)  # 0.9: too soon
    assert written == [("read", 10, 100), ("read", 40, 100), ("check", 1, 5)]


def test_a_progress_file_that_cannot_be_written_never_aborts_the_commit(operator_desa_a, tmp_path):
    batch = ImportBatch.objects.create(user=operator_desa_a, original_filename="x.csv", checksum="0" * 64)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    recorder = tasks.ProgressRecorder(batch, side_file=blocker / "1.json")
    recorder("write", 5, 10)  # mkdir under a file fails: logged, not raised
    assert (batch.progress_stage, batch.progress_done) == ("write", 5)


def test_an_unexpected_error_in_a_dry_run_fails_the_batch_with_the_reason(settings, operator_desa_a, monkeypatch):
    from berdaya.imports import planner

    settings.TASKS = IMMEDIATE

    def boom(self):
        raise RuntimeError("memori habis")

    monkeypatch.setattr(planner.Planner, "run", boom)
    batch = _upload(operator_desa_a, family())
    assert (batch.status, batch.job_state, batch.stored_path) == ("failed", "failed", "")
    assert batch.error_message == "Pemeriksaan gagal: memori habis"
