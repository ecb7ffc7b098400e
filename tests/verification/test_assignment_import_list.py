"""assignment_import_list: a ministry list (NIK, NAMA, ALAMAT) matched to the registry by any member's NIK."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from berdaya.core.errors import ApplicationError
from berdaya.core.identity import make_nik
from berdaya.verification import services
from berdaya.verification.lists import ERROR, MATCHED, SKIPPED, UNMATCHED
from berdaya.verification.models import Assignment, Source, VervalTask
from tests.factories import audit_trail
from tests.verification.conftest import add_member, make_assignment

UNKNOWN_NIK = make_nik(district_code="33.16.01", birth_date=date(1961, 8, 17), sex="P", serial=7001)


@pytest.fixture
def list_a(staff_blora, verifier_a):
    return make_assignment(actor=staff_blora, verifier=verifier_a, source=Source.LIST,
                           name="Kemiskinan ekstrem Jati")


def _csv(rows, header="NIK;NAMA;ALAMAT") -> SimpleUploadedFile:
    text = "\n".join([header, *(";".join(r) for r in rows)]) + "\n"
    return SimpleUploadedFile("daftar.csv", text.encode("utf-8"), content_type="text/csv")


def test_rows_are_matched_by_any_members_nik_and_the_rest_kept_as_listed(staff_blora, list_a, household_a):
    wife = add_member(household_a, actor=staff_blora)
    upload = _csv([(wife.nik, "SITI AMINAH", "Dukuh Krajan RT 1"),
                   (UNKNOWN_NIK, "Mbok Sarinah", "Dukuh Kidul RT 3")])
    report = services.assignment_import_list(actor=staff_blora, assignment=list_a, upload=upload)
    assert [(r.row, r.status) for r in report.results] == [(2, MATCHED), (3, UNMATCHED)]
    assert (report.matched, report.unmatched, report.errors) == (1, 1, 0)
    matched = VervalTask.objects.get(assignment=list_a, household=household_a)
    assert (matched.listed_nik, matched.listed_name) == (wife.nik, "SITI AMINAH")
    listed = VervalTask.objects.get(assignment=list_a, household__isnull=True)
    assert (listed.listed_nik, listed.listed_name, listed.listed_address) == (
        UNKNOWN_NIK, "Mbok Sarinah", "Dukuh Kidul RT 3")
    assert audit_trail(Assignment, id=list_a.pk)[-1] == ("verification.assignment.list_imported", "staf_blora")


def test_bad_rows_are_reported_by_row_and_column_and_the_rest_imported(staff_blora, list_a, household_a,
                                                                      household_b):
    head_a = household_a.members.get()
    head_b = household_b.members.get()
    upload = _csv([
        (head_a.nik, "Sutrisno", "Jl. Raya Jati"),  # row 2: matched
        ("331601170861", "Pendek", "x"),  # row 3: NIK of 12 digits
        (UNKNOWN_NIK, "", "x"),  # row 4: no name
        ("", "", ""),  # row 5: blank, ignored
        (UNKNOWN_NIK, "Sarinah", "x"),  # row 6: unmatched
        (UNKNOWN_NIK, "Sarinah lagi", "x"),  # row 7: the same NIK again
        (head_b.nik, "Warga Randu", "x"),  # row 8: a household of another district
    ])
    report = services.assignment_import_list(actor=staff_blora, assignment=list_a, upload=upload)
    by_row = {r.row: r for r in report.results}
    assert sorted(by_row) == [2, 3, 4, 6, 7, 8]
    assert [by_row[n].status for n in (2, 3, 4, 6, 7, 8)] == [MATCHED, ERROR, ERROR, UNMATCHED, ERROR, ERROR]
    assert by_row[3].message.startswith("Baris 3, kolom NIK (A3): NIK harus 16 digit")
    assert by_row[4].message.startswith("Baris 4, kolom NAMA (B4)")
    assert "baris 6" in by_row[7].message
    assert "di luar wilayah tugas" in by_row[8].message and household_b.kk_number not in by_row[8].message
    assert VervalTask.objects.filter(assignment=list_a).count() == 2
    assert not VervalTask.objects.filter(household=household_b).exists()


def test_importing_the_same_list_again_skips_what_is_already_there(staff_blora, list_a, household_a):
    rows = [(household_a.members.get().nik, "Sutrisno", ""), (UNKNOWN_NIK, "Sarinah", "")]
    services.assignment_import_list(actor=staff_blora, assignment=list_a, upload=_csv(rows))
    report = services.assignment_import_list(actor=staff_blora, assignment=list_a, upload=_csv(rows))
    assert [r.status for r in report.results] == [SKIPPED, SKIPPED]
    assert VervalTask.objects.filter(assignment=list_a).count() == 2


def test_an_xlsx_with_the_nik_stored_as_a_number_is_read(staff_blora, list_a):
    book = Workbook()
    sheet = book.active
    sheet.append(["No", "NIK", "Nama", "Alamat"])
    sheet.append([1, int(UNKNOWN_NIK), "Mbok Sarinah", "Dukuh Kidul"])
    out = io.BytesIO()
    book.save(out)
    upload = SimpleUploadedFile("daftar.xlsx", out.getvalue())
    report = services.assignment_import_list(actor=staff_blora, assignment=list_a, upload=upload)
    assert [(r.nik, r.status) for r in report.results] == [(UNKNOWN_NIK, UNMATCHED)]


def test_a_file_without_a_nik_column_is_refused_whole(staff_blora, list_a):
    with pytest.raises(ApplicationError) as exc:
        services.assignment_import_list(actor=staff_blora, assignment=list_a,
                                        upload=_csv([("Sarinah", "x")], header="NAMA;ALAMAT"))
    assert exc.value.field == "upload" and "NIK" in exc.value.message
    assert not VervalTask.objects.exists()


def test_a_pdf_is_not_a_list(staff_blora, list_a):
    upload = SimpleUploadedFile("daftar.pdf", b"%PDF-1.4\n%%EOF\n")
    with pytest.raises(ApplicationError) as exc:
        services.assignment_import_list(actor=staff_blora, assignment=list_a, upload=upload)
    assert exc.value.field == "upload"


def test_only_a_list_assignment_takes_a_list(staff_blora, assignment_a):
    with pytest.raises(ApplicationError):
        services.assignment_import_list(actor=staff_blora, assignment=assignment_a,
                                        upload=_csv([(UNKNOWN_NIK, "Sarinah", "")]))


def test_a_verifier_cannot_import(verifier_a, list_a):
    with pytest.raises(ApplicationError) as exc:
        services.assignment_import_list(actor=verifier_a, assignment=list_a, upload=_csv([(UNKNOWN_NIK, "S", "")]))
    assert exc.value.code == "forbidden"
