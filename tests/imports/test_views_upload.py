"""imports:upload — the form (file type by name and content, size, village, extraction date), who may use it, and
an accepted upload: stored under DATA_DIR/imports, the batch recorded, the dry run run as a task."""

import io
import zipfile
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from berdaya.imports.models import ImportBatch
from berdaya.registry.models import Person
from tests.conftest import VILLAGE_A, VILLAGE_B
from tests.imports.conftest import csv_text, family, write_xlsx
from tests.registry.conftest import login

URL = reverse("imports:upload")


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _csv(rows=None, name="data.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, csv_text(rows or family()).encode(), content_type="text/csv")


def _post(client, upload, **fields):
    return client.post(URL, {"file": upload, **fields})


def _file_errors(response) -> list[str]:
    return response.context["form"].errors.get("file", [])


def test_an_operator_sees_the_form_the_template_links_and_the_nav_link(client, operator_desa_a):
    page = login(client, operator_desa_a).get(URL).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'accept=".xlsx,.csv"' in page
    assert reverse("imports:template_xlsx") in page and reverse("imports:template_csv") in page
    assert f'href="{URL}">Impor</a>' in page
    assert "paling besar 200 MB" in page


def test_an_auditor_cannot_upload(client, auditor_blora):
    login(client, auditor_blora)
    assert client.get(URL).status_code == 403
    assert _post(client, _csv()).status_code == 403
    assert not ImportBatch.objects.exists()
    assert f'href="{URL}"' not in client.get(reverse("registry:household_list")).content.decode()


def test_it_refuses_a_file_that_is_not_xlsx_or_csv_by_name(client, operator_desa_a):
    response = _post(login(client, operator_desa_a), SimpleUploadedFile("data.pdf", b"%PDF-1.4 ..."))
    assert response.status_code == 200
    assert _file_errors(response) == ["Hanya file .xlsx atau .csv yang dapat diimpor (file ini: data.pdf)."]
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize(("name", "content", "message"), [
    ("data.csv", b"%PDF-1.7\n1 0 obj", "File ini PDF, bukan spreadsheet. Unggah file .xlsx atau .csv."),
    ("data.xlsx", b"\x89PNG\r\n\x1a\n....", "File ini PNG, bukan spreadsheet. Unggah file .xlsx atau .csv."),
    ("data.csv", b"\x00\x01\x02binary\x00\xff" * 50, "File ini bukan spreadsheet atau CSV (berisi data biner)."),
    ("data.xlsx", b"PK\x03\x04 broken zip", "File .xlsx rusak atau tidak lengkap"),
    ("data.csv", b" \r\n\r\n", "File kosong"),
])
def test_it_refuses_content_that_is_not_a_spreadsheet_whatever_its_name(client, operator_desa_a, name, content,
                                                                       message):
    response = _post(login(client, operator_desa_a), SimpleUploadedFile(name, content))
    [error] = _file_errors(response)
    assert error.startswith(message)
    assert not ImportBatch.objects.exists()


def test_it_refuses_a_word_document_renamed_to_xlsx(client, operator_desa_a):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    response = _post(login(client, operator_desa_a), SimpleUploadedFile("data.xlsx", buffer.getvalue()))
    assert _file_errors(response) == ["File ini dokumen Word, bukan spreadsheet. Unggah file .xlsx atau .csv."]


def test_it_refuses_a_password_protected_xlsx_and_says_how_to_fix_it(client, operator_desa_a, tmp_path):
    from msoffcrypto.format.ooxml import OOXMLFile

    encrypted = io.BytesIO()
    with write_xlsx(tmp_path / "plain.xlsx", family()).open("rb") as handle:
        OOXMLFile(handle).encrypt("rahasia", encrypted)
    response = _post(login(client, operator_desa_a), SimpleUploadedFile("terkunci.xlsx", encrypted.getvalue()))
    [error] = _file_errors(response)
    assert "dilindungi kata sandi" in error and "hapus kata sandinya" in error


def test_it_refuses_a_file_over_the_size_limit_with_its_size(client, operator_desa_a, settings):
    settings.BERDAYA_IMPORT_MAX_MB = 1
    rows = family() * 1
    big = csv_text(rows).encode() + b"\n" * (1024 * 1024 + 300_000)
    response = _post(login(client, operator_desa_a), SimpleUploadedFile("besar.csv", big))
    assert _file_errors(response) == [
        "File terlalu besar (1,3 MB); batasnya 1 MB. Pecah file menjadi beberapa bagian."]
    assert not ImportBatch.objects.exists()


def test_the_village_must_be_inside_the_users_scope(client, operator_desa_a):
    response = _post(login(client, operator_desa_a), _csv(), village=VILLAGE_B)
    assert "berada di luar wilayah kerja Anda" in response.context["form"].errors["village"][0]
    assert not ImportBatch.objects.exists()


def test_the_extraction_date_cannot_be_in_the_future(client, operator_desa_a):
    tomorrow = date.today() + timedelta(days=1)
    response = _post(login(client, operator_desa_a), _csv(), extracted_at=tomorrow.isoformat())
    assert response.context["form"].errors["extracted_at"] == ["Tanggal ekstrak tidak boleh di masa depan."]


def test_an_accepted_upload_is_stored_recorded_and_dry_run_in_the_background(client, operator_desa_a, settings):
    rows = family()
    response = _post(login(client, operator_desa_a), _csv(rows, name="Desa Bangkleyan.csv"), village=VILLAGE_A,
                     extracted_at="2026-11-01", all_or_nothing="on")
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("imports:batch_detail", args=[batch.pk])
    assert (batch.user, batch.original_filename, batch.village_id, batch.extracted_at) == (
        operator_desa_a, "Desa Bangkleyan.csv", VILLAGE_A, date(2026, 11, 1))
    assert batch.options == {"village": VILLAGE_A, "extracted_at": "2026-11-01", "all_or_nothing": True}
    assert batch.region_code == VILLAGE_A  # the uploader's scope
    # The dry run ran (immediate backend): summary counted, nothing written to the registry.
    assert (batch.job, batch.job_state, batch.status) == ("dry_run", "finished", "dry_run")
    assert batch.summary["new_persons"] == 3 and batch.summary["new_households"] == 1
    assert batch.task_id
    assert not Person.objects.filter(nik__in=[r["NIK"] for r in rows]).exists()
    # The file is kept (for the commit) under DATA_DIR/imports, with the checksum of its bytes.
    import hashlib

    stored = settings.DATA_DIR / "imports" / "uploads"
    assert batch.stored_path.startswith(str(stored)) and batch.stored_path.endswith(".csv")
    content = csv_text(rows).encode()
    assert batch.checksum == hashlib.sha256(content).hexdigest() and batch.size_bytes == len(content)


def test_an_unusable_file_that_passes_the_form_fails_its_dry_run_with_the_readers_message(client, operator_desa_a):
    only_headers = SimpleUploadedFile("kosong.csv", b"NIK,NO_KK,NAMA\r\n")
    response = _post(login(client, operator_desa_a), only_headers)
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.job_state, batch.stored_path) == ("failed", "failed", "")
    page = client.get(response["Location"]).content.decode()
    assert "File tidak dapat diimpor." in page and "hanya berisi judul kolom" in page


def test_the_region_pickers_choose_button_without_javascript_re_renders_and_uploads_nothing(client, staff_blora):
    response = _post(login(client, staff_blora), _csv(), village=["33", "33.16", "33.16.01"], _pick="1")
    assert response.status_code == 200 and not response.context["form"].is_bound
    assert '<option value="33.16.01.2001"' in response.content.decode()  # the villages of the district chosen
    assert not ImportBatch.objects.exists()
