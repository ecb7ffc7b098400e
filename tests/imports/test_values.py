"""Cell values as offices write them: dates in every format, NIK/KK stored as numbers, codes by label."""

from datetime import date, datetime

import pytest

from berdaya.imports.engine import commit, dry_run
from berdaya.imports.template import COLUMNS
from berdaya.imports.values import BLANK, CellError, parse_cell, parse_date
from berdaya.registry.models import Household, Person
from tests.imports.conftest import family, person_row, write_csv, write_xlsx


@pytest.mark.parametrize("text", ["17/05/1980", "17-05-1980", "1980-05-17", "17/5/1980", "29358", "17.05.1980",
                                  "17/05/1980 00:00:00", "'17/05/1980"])
def test_it_reads_dates_in_every_written_format(text):
    assert parse_date(text) == date(1980, 5, 17)


@pytest.mark.parametrize("value", [29358, 29358.0, date(1980, 5, 17), datetime(1980, 5, 17, 0, 0)])
def test_it_reads_excel_dates_and_serial_numbers(value):
    assert parse_date(value) == date(1980, 5, 17)


@pytest.mark.parametrize(("text", "expected"), [
    ("05/17/1980", "format Amerika"), ("31/02/1980", "tidak ada di kalender"), ("17 Mei 80", "tidak dikenali"),
    (12, "bukan tanggal"), ("12", "tidak dikenali"),
])
def test_it_explains_a_date_it_cannot_read(text, expected):
    with pytest.raises(CellError) as caught:
        parse_date(text)
    assert expected in caught.value.message


def _column(header):
    return next(c for c in COLUMNS if c.header == header)


@pytest.mark.parametrize(("header", "value", "expected"), [
    ("HUB_KELUARGA", "Kepala Keluarga", 1), ("HUB_KELUARGA", "KEPALA KELUARGA", 1), ("HUB_KELUARGA", 4.0, 4),
    ("HUB_KELUARGA", "istri", 3), ("JENIS_KELAMIN", "Perempuan", "P"), ("JENIS_KELAMIN", "LK", "L"),
    ("JENIS_KELAMIN", 2, "P"), ("STATUS_KAWIN", "Cerai Mati", 4), ("STATUS_KAWIN", "BK", 1),
    ("PENDIDIKAN", "Tamat SD / Sederajat", 3), ("PENDIDIKAN", "SMA", 5), ("PENDIDIKAN", "Diploma IV/Strata I", 8),
    ("PEKERJAAN", "petani/pekebun", 9), ("PEKERJAAN", "Buruh Harian Lepas", 19), ("DISABILITAS", "Netra", "netra"),
    ("DISABILITAS", "CACAT RUNGU/WICARA", "rungu_wicara"), ("DISABILITAS", "Tidak ada", ""),
    ("JENIS_LANTAI", "Tanah", "tanah"), ("K05_TANPA_LISTRIK", "Ya", True), ("K05_TANPA_LISTRIK", "tidak", False),
    ("PENGHASILAN_KELUARGA", "Rp 1.500.000", 1_500_000), ("RT", 1.0, "001"), ("RT", "-", BLANK),
    ("KODE_DESA", "3316012001", "33.16.01.2001"), ("DESIL", "3", 3), ("HAMIL", "2", False),
])
def test_it_reads_coded_and_typed_cells(header, value, expected):
    assert parse_cell(_column(header), value) == expected


def test_an_unknown_code_names_the_choices():
    with pytest.raises(CellError) as caught:
        parse_cell(_column("STATUS_KAWIN"), "Menikah siri")
    assert "'Menikah siri' bukan kode atau label" in caught.value.message
    assert "1 = Belum Kawin" in caught.value.message


def test_a_desil_outside_1_to_10_is_refused():
    with pytest.raises(CellError) as caught:
        parse_cell(_column("DESIL"), 11)
    assert "antara 1 dan 10" in caught.value.message


def test_a_nik_and_kk_stored_as_numbers_keep_their_digits(staff_blora, tmp_path):
    rows = family(members=2)
    numeric = [{**row, "NIK": int(row["NIK"]), "NO_KK": int(row["NO_KK"])} for row in rows]
    result = commit(write_xlsx(tmp_path / "angka.xlsx", numeric), actor=staff_blora)
    assert result.summary.new_persons == 2
    assert set(Person.objects.values_list("nik", flat=True)) == {r["NIK"] for r in rows}
    assert Household.objects.get().kk_number == rows[0]["NO_KK"]


def test_a_nik_destroyed_by_excel_is_refused_with_the_explanation(staff_blora, tmp_path):
    rows = family(members=2)
    rows[1]["NIK"] = "3.31601E+15"
    result = dry_run(write_csv(tmp_path / "rusak.csv", rows), actor=staff_blora)
    [problem] = [p for p in result.problems if p.kind == "error"]
    assert (problem.row, problem.column) == (3, "NIK")
    assert "angka ilmiah" in problem.message and "Excel sudah menghilangkan digitnya" in problem.message


def test_a_number_too_large_for_excel_to_keep_exactly_is_refused(staff_blora, tmp_path):
    rows = family(members=1)
    rows[0]["NIK"] = 9_171_014_505_900_001.0  # a Papua NIK: beyond 2**53, Excel and floats lose its last digits
    result = dry_run(write_xlsx(tmp_path / "papua.xlsx", rows), actor=staff_blora)
    [problem] = [p for p in result.problems if p.kind == "error"]
    assert problem.column == "NIK" and "digitnya sudah hilang" in problem.message


def test_a_numeric_nik_ending_in_zero_is_accepted_with_a_warning(staff_blora, tmp_path):
    rows = family(members=1)
    rows[0]["NIK"] = int(rows[0]["NIK"][:-1] + "0")
    result = dry_run(write_xlsx(tmp_path / "nol.xlsx", rows), actor=staff_blora)
    assert result.summary.rejected == 0
    assert any("Excel hanya menyimpan 15 digit" in p.message for p in result.problems if p.kind == "warning")


def test_codes_written_as_labels_are_imported(staff_blora, tmp_path):
    kk = "3316010000099999"
    rows = [
        person_row(kk, name="Wahyu", rel="Kepala Keluarga", JENIS_KELAMIN="Laki-laki", STATUS_KAWIN="Kawin",
                   PENDIDIKAN="SLTA/Sederajat", PEKERJAAN="Wiraswasta", DISABILITAS="Fisik"),
        person_row(kk, name="Rina", sex="P", birth=date(1985, 3, 4), rel="ISTRI", JENIS_KELAMIN="perempuan",
                   STATUS_KAWIN="K", PENDIDIKAN="S1", PEKERJAAN="Mengurus Rumah Tangga"),
    ]
    result = commit(write_csv(tmp_path / "label.csv", rows), actor=staff_blora)
    assert result.summary.new_persons == 2, result.problems
    head = Person.objects.get(name="Wahyu")
    assert (head.relationship, head.sex, head.marital_status, head.education, head.occupation, head.disability) == (
        1, "L", 2, 5, 88, "fisik")
    wife = Person.objects.get(name="Rina")
    assert (wife.relationship, wife.education, wife.occupation) == (3, 8, 2)
    assert Household.objects.get().vul_disability is True


@pytest.mark.parametrize("written", ["17/05/1980", "17-05-1980", "1980-05-17", 29358, date(1980, 5, 17)])
def test_birth_dates_in_every_format_are_imported(staff_blora, tmp_path, written):
    rows = family(members=1)
    rows[0]["TANGGAL_LAHIR"] = written
    result = commit(write_xlsx(tmp_path / "tgl.xlsx", rows), actor=staff_blora)
    assert result.problems == []
    assert Person.objects.get().birth_date == date(1980, 5, 17)
