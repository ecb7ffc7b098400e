"""The template: xlsx with instructions and code lists, csv with the headers; a filled template imports as is."""

import pytest
from openpyxl import load_workbook

from berdaya.imports.engine import UnusableFile, commit, dry_run
from berdaya.imports.template import COLUMNS, HEADERS, norm, write_template_csv, write_template_xlsx
from berdaya.registry.models import Household
from tests.imports.conftest import family


def test_the_xlsx_template_has_the_headers_instructions_and_codes(tmp_path):
    path = tmp_path / "template.xlsx"
    write_template_xlsx(path)
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["Data", "Petunjuk", "Kode"]
    headers = [c.value for c in workbook["Data"][1]]
    assert headers[:16] == ["NIK", "NO_KK", "NAMA", "JENIS_KELAMIN", "TEMPAT_LAHIR", "TANGGAL_LAHIR",
                            "HUB_KELUARGA", "STATUS_KAWIN", "PENDIDIKAN", "PEKERJAAN", "DISABILITAS", "HAMIL",
                            "PENGHASILAN_PRIBADI", "TELEPON", "STATUS_DASAR", "ALAMAT"]
    assert "K01_LUAS_LANTAI_KURANG_8M2" in headers and "DESIL" in headers and "KODE_DESA" in headers
    assert workbook["Data"]["A2"].number_format == "@"  # NIK typed as text
    guide = {row[0]: row[1] for row in workbook["Petunjuk"].iter_rows(values_only=True) if row and row[0]}
    assert all(guide.get(c.header) for c in COLUMNS)
    codes = list(workbook["Kode"].iter_rows(values_only=True))
    assert ("HUB_KELUARGA", "1", "Kepala Keluarga") in codes and ("PEKERJAAN", "89", "Lainnya") in codes


def test_every_template_header_and_alias_is_recognised():
    for column in COLUMNS:
        for name in (column.header, *column.aliases):
            assert HEADERS[norm(name)].header == column.header or norm(name) in {"penghasilan"}, name


def test_a_filled_xlsx_template_imports_and_its_other_sheets_are_ignored(staff_blora, tmp_path):
    path = tmp_path / "isi.xlsx"
    write_template_xlsx(path)
    workbook = load_workbook(path)
    sheet = workbook["Data"]
    headers = [c.value for c in sheet[1]]
    for row in family():
        sheet.append([row.get(h, "") for h in headers])
    workbook.save(path)
    result = commit(path, actor=staff_blora)
    assert result.summary.new_persons == 3 and result.problems == []
    assert Household.objects.get().official_desil == 2


def test_the_csv_template_is_the_header_row_with_a_bom(staff_blora, tmp_path):
    path = tmp_path / "template.csv"
    write_template_csv(path)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfNIK,NO_KK,NAMA,")
    with pytest.raises(UnusableFile) as caught:
        dry_run(path, actor=staff_blora)
    assert "hanya berisi judul kolom" in caught.value.message
