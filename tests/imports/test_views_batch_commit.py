"""imports:batch_commit — the commit runs as a task: good rows written (audited to the uploader), all-or-nothing
honoured, a second click refused, only the uploader may save, others 404/403."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from berdaya.imports import services
from berdaya.imports.models import ImportBatch
from berdaya.registry.models import Person
from tests.imports.conftest import csv_text, family, snapshot
from tests.registry.conftest import login


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _checked(actor, rows, **options) -> ImportBatch:
    return services.batch_upload(file=SimpleUploadedFile("data.csv", csv_text(rows).encode()), actor=actor, **options)


def _commit(client, batch):
    return client.post(reverse("imports:batch_commit", args=[batch.pk]))


def _bad_and_good():
    rows = family() + family(members=2, surname="Wibowo")
    rows[3]["NIK"] = "123"
    return rows


def test_saving_writes_the_good_rows_and_shows_the_result(client, operator_desa_a):
    rows = _bad_and_good()
    batch = _checked(operator_desa_a, rows)
    response = _commit(login(client, operator_desa_a), batch)
    assert response.status_code == 302 and response["Location"] == reverse("imports:batch_detail", args=[batch.pk])
    batch.refresh_from_db()
    assert (batch.status, batch.job, batch.job_state) == ("committed", "commit", "finished")
    assert batch.committed_at is not None and batch.stored_path == ""  # the upload is removed once saved
    saved = set(Person.objects.filter(nik__in=[r["NIK"] for r in rows]).values_list("nik", flat=True))
    assert saved == {r["NIK"] for r in rows[:3]}  # the family with the refused row is left out whole
    person = Person.objects.get(nik=rows[0]["NIK"])
    record = person.history.get()
    assert (record.history_user, record.history_change_reason) == (operator_desa_a, "imports.registry.created")
    page = client.get(response["Location"]).content.decode()
    assert "Disimpan ke registri pada" in page and "Simpan</button>" not in page


def test_all_or_nothing_saves_nothing_when_a_row_is_refused(client, operator_desa_a):
    batch = _checked(operator_desa_a, _bad_and_good(), all_or_nothing=True)
    page = login(client, operator_desa_a).get(reverse("imports:batch_detail", args=[batch.pk])).content.decode()
    assert "menyimpan tidak akan menulis apa pun" in page
    before = snapshot()
    response = _commit(client, batch)
    assert snapshot() == before
    batch.refresh_from_db()
    assert (batch.status, batch.job, batch.job_state, batch.committed_at) == ("dry_run", "commit", "finished", None)
    assert "Tidak ada yang disimpan: ada baris yang ditolak" in client.get(response["Location"]).content.decode()


def test_all_or_nothing_saves_everything_when_every_row_is_good(client, operator_desa_a):
    rows = family()
    batch = _checked(operator_desa_a, rows, all_or_nothing=True)
    _commit(login(client, operator_desa_a), batch)
    assert Person.objects.filter(nik__in=[r["NIK"] for r in rows]).count() == 3


def test_a_second_click_is_refused_and_writes_nothing_more(client, operator_desa_a):
    batch = _checked(operator_desa_a, family())
    _commit(login(client, operator_desa_a), batch)
    before = snapshot()
    response = _commit(client, batch)
    assert snapshot() == before
    page = client.get(response["Location"]).content.decode()
    assert "Impor ini sudah disimpan atau sedang diproses." in page


def test_only_the_uploader_may_save(client, operator_desa_a, staff_blora):
    batch = _checked(operator_desa_a, family())
    assert _commit(login(client, staff_blora), batch).status_code == 403
    batch.refresh_from_db()
    assert (batch.status, batch.job) == ("dry_run", "dry_run")


def test_a_user_of_another_region_gets_404_and_an_auditor_403(client, operator_desa_a, operator_desa_b,
                                                             auditor_blora):
    batch = _checked(operator_desa_a, family())
    assert _commit(login(client, operator_desa_b), batch).status_code == 404
    assert _commit(login(client, auditor_blora), batch).status_code == 403
    assert client.get(reverse("imports:batch_commit", args=[batch.pk])).status_code == 405


def test_a_failing_commit_is_reported_and_leaves_the_registry_as_before(client, operator_desa_a, monkeypatch):
    from berdaya.imports import writer

    def boom(self):
        raise RuntimeError("disk penuh")

    batch = _checked(operator_desa_a, family())
    monkeypatch.setattr(writer.Writer, "write", boom)
    before = snapshot()
    response = _commit(login(client, operator_desa_a), batch)
    assert snapshot() == before
    batch.refresh_from_db()
    assert (batch.status, batch.job_state) == ("failed", "failed")
    page = client.get(response["Location"]).content.decode()
    assert "Impor gagal: tidak ada data yang disimpan." in page and "disk penuh" in page
