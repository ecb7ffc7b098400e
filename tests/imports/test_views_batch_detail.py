"""imports:batch_detail — progress while the job waits or runs (htmx polling of the status fragment), then the
summary, the first problems, the error report and the commit button; who may see a batch."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from berdaya.imports import services
from berdaya.imports.models import ImportBatch
from berdaya.imports.tasks import progress_file
from tests.imports.conftest import csv_text, family
from tests.registry.conftest import login

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}


def _upload(actor, rows, *, name="data.csv", **options) -> ImportBatch:
    upload = SimpleUploadedFile(name, csv_text(rows).encode())
    return services.batch_upload(file=upload, actor=actor, **options)


def _url(batch) -> str:
    return reverse("imports:batch_detail", args=[batch.pk])


@pytest.fixture
def checked(settings, operator_desa_a):
    """A batch whose dry run has run: one good family, one refused (a NIK of 3 digits), one warning."""
    settings.TASKS = IMMEDIATE
    rows = family() + family(members=2, surname="Wibowo")
    rows[3]["NIK"] = "123"
    return _upload(operator_desa_a, rows)


@pytest.fixture
def queued(settings, operator_desa_a):
    """A batch waiting for the database worker (none runs in this test)."""
    settings.TASKS = DATABASE
    return _upload(operator_desa_a, family())


def test_a_queued_job_shows_an_indeterminate_progress_bar_polled_every_second(client, queued, operator_desa_a):
    page = login(client, operator_desa_a).get(_url(queued)).content.decode()
    assert "Menunggu giliran" in page
    assert '<progress aria-label="Kemajuan"></progress>' in page
    assert f'hx-get="{_url(queued)}" hx-trigger="every 1s" hx-swap="outerHTML"' in page
    assert "Simpan</button>" not in page
    assert "db_worker" not in page  # the hint comes only when the job waits long


def test_a_job_waiting_long_hints_that_the_worker_may_not_run(client, queued, operator_desa_a):
    ImportBatch.objects.filter(pk=queued.pk).update(progress_at=timezone.now() - timedelta(minutes=1))
    assert "berdaya manage db_worker" in login(client, operator_desa_a).get(_url(queued)).content.decode()


def test_htmx_polling_gets_only_the_status_fragment_with_the_stage_and_figures(client, queued, operator_desa_a):
    ImportBatch.objects.filter(pk=queued.pk).update(job_state="running", progress_stage="check", progress_done=1234,
                                                    progress_total=5000)
    response = login(client, operator_desa_a).get(_url(queued), HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="batch-status"')
    assert "<h1" not in page
    assert "Tahap 2 dari 2: Memeriksa data — 1.234 / 5.000" in page
    assert 'value="1234" max="5000">25%</progress>' in page
    assert 'hx-trigger="every 1s"' in page


def test_a_running_commit_shows_the_progress_its_task_writes_beside_the_database(client, queued, operator_desa_a):
    ImportBatch.objects.filter(pk=queued.pk).update(job="commit", job_state="running", progress_stage="read")
    path = progress_file(queued.pk)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"stage": "write", "done": 30, "total": 120, "at": "2026-11-25T10:00:00+07:00"}')
    page = login(client, operator_desa_a).get(_url(queued), HTTP_HX_REQUEST="true").content.decode()
    assert "Menyimpan…" in page and "Tahap 3 dari 3: Menyimpan ke registri — 30 / 120" in page


def test_when_the_dry_run_is_done_polling_stops_and_the_summary_and_problems_show(client, checked, operator_desa_a):
    response = login(client, operator_desa_a).get(_url(checked), HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "hx-trigger" not in page and "<progress" not in page
    assert "Uji coba selesai: belum ada data yang disimpan." in page
    checked.refresh_from_db()
    counts = {k: checked.summary[k] for k in ("new_households", "new_persons", "rejected")}
    assert counts == {"new_households": 1, "new_persons": 3, "rejected": 2}
    assert '<dd data-count="new_persons">3</dd>' in page and '<dd data-count="rejected">2</dd>' in page
    # The first problems: row, column, reason (errors before the family consequences).
    first = checked.problems_preview[0]
    assert (first["row"], first["column"], first["kind"]) == (5, "NIK", "error")
    assert '<td data-label="Baris">5</td>' in page and '<span class="badge">Ditolak</span>' in page
    assert reverse("imports:batch_report", args=[checked.pk]) in page
    assert "Simpan</button>" in page


def test_the_error_report_downloads_as_xlsx(client, checked, operator_desa_a):
    from openpyxl import load_workbook

    response = login(client, operator_desa_a).get(reverse("imports:batch_report", args=[checked.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="laporan-impor-{checked.pk}.xlsx"'
    import io

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)["Masalah"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Baris", "Kolom", "Jenis", "Masalah")
    assert (rows[1][0], rows[1][1]) == (5, "NIK")


def test_a_file_committed_before_is_pointed_out(client, settings, operator_desa_a):
    settings.TASKS = IMMEDIATE
    rows = family()
    first = _upload(operator_desa_a, rows)
    services.batch_commit(batch=first, actor=operator_desa_a)
    second = _upload(operator_desa_a, rows)
    page = login(client, operator_desa_a).get(_url(second)).content.decode()
    assert "File yang sama persis sudah pernah diimpor pada" in page and f"(impor #{first.pk})" in page
    assert second.summary["unchanged"] == 3


def test_a_user_of_another_region_gets_404(client, checked, operator_desa_b):
    login(client, operator_desa_b)
    for name in ("imports:batch_detail", "imports:batch_report"):
        assert client.get(reverse(name, args=[checked.pk])).status_code == 404
    assert client.post(reverse("imports:batch_commit", args=[checked.pk])).status_code == 404


def test_the_regency_office_sees_an_operators_batch_but_only_the_uploader_may_save_it(client, checked, staff_blora):
    page = login(client, staff_blora).get(_url(checked)).content.decode()
    assert "Uji coba selesai" in page
    assert "Simpan</button>" not in page
    assert "Hanya pengunggah file yang dapat menyimpan impor ini." in page
    assert client.post(reverse("imports:batch_commit", args=[checked.pk])).status_code == 403


def test_an_operator_does_not_see_a_batch_of_the_regency_office(client, settings, staff_blora, operator_desa_a):
    settings.TASKS = IMMEDIATE
    batch = _upload(staff_blora, family())
    assert batch.region_code == "33.16"
    assert login(client, operator_desa_a).get(_url(batch)).status_code == 404


def test_an_auditor_gets_403(client, checked, auditor_blora):
    assert login(client, auditor_blora).get(_url(checked)).status_code == 403
