"""Reading files as they arrive: every kind of unusable file gets its own clear message; nothing is written."""

import io
import re
import zipfile

import pytest

from berdaya.imports.engine import dry_run
from berdaya.imports.models import ImportBatch
from berdaya.imports.readers import UnusableFile, open_table
from berdaya.registry.models import Household, Person
from tests.imports.conftest import HEADERS, csv_text, family, person_row, write_csv, write_xlsx


def _refused(path, actor) -> str:
    with pytest.raises(UnusableFile) as caught:
        dry_run(path, actor=actor)
    assert Household.objects.count() == 0 and Person.objects.count() == 0
    assert caught.value.batch.status == ImportBatch.Status.FAILED
    return caught.value.message


def test_it_refuses_an_empty_file(staff_blora, tmp_path):
    path = tmp_path / "kosong.csv"
    path.write_bytes(b"")
    assert "File kosong" in _refused(path, staff_blora)


def test_it_refuses_a_file_holding_only_a_bom_and_blank_lines(staff_blora, tmp_path):
    path = tmp_path / "kosong.csv"
    path.write_bytes(b"\xef\xbb\xbf\r\n\r\n")
    assert "File kosong" in _refused(path, staff_blora)


def test_it_refuses_a_file_with_only_headers(staff_blora, tmp_path):
    path = tmp_path / "judul.xlsx"
    write_xlsx(path, [], HEADERS)
    assert "hanya berisi judul kolom" in _refused(path, staff_blora)


def test_it_refuses_a_pdf_renamed_to_xlsx(staff_blora, tmp_path):
    path = tmp_path / "data.xlsx"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    assert "PDF, bukan spreadsheet" in _refused(path, staff_blora)


def test_it_refuses_binary_data_that_is_not_a_spreadsheet(staff_blora, tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(bytes(range(256)) * 8)
    assert "bukan spreadsheet atau CSV" in _refused(path, staff_blora)


def test_it_refuses_a_word_document(staff_blora, tmp_path):
    path = tmp_path / "data.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert "dokumen Word" in _refused(path, staff_blora)


def test_it_refuses_a_password_protected_xlsx_and_says_so(staff_blora, tmp_path):
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = write_xlsx(tmp_path / "plain.xlsx", family())
    encrypted = io.BytesIO()
    with plain.open("rb") as handle:
        OOXMLFile(handle).encrypt("rahasia", encrypted)
    path = tmp_path / "terkunci.xlsx"
    path.write_bytes(encrypted.getvalue())
    assert path.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"  # an OLE compound file, not a zip
    assert "dilindungi kata sandi" in _refused(path, staff_blora)


def test_it_refuses_headers_it_does_not_know(staff_blora, tmp_path):
    path = write_csv(tmp_path / "lain.csv", [{"Produk": "Beras", "Harga": "12000"}])
    message = _refused(path, staff_blora)
    assert "Judul kolom tidak dikenali" in message and "Produk" in message


def test_it_refuses_a_file_without_the_nik_column(staff_blora, tmp_path):
    rows = [{k: v for k, v in row.items() if k != "NIK"} for row in family()]
    message = _refused(write_csv(tmp_path / "tanpa_nik.csv", rows), staff_blora)
    assert "Kolom wajib tidak ada: NIK" in message


@pytest.mark.parametrize(("encoding", "bom"), [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b""),
                                               ("utf-16", b"")])
def test_it_detects_the_encoding(staff_blora, tmp_path, encoding, bom):
    rows = family(members=2)
    rows[0]["NAMA"] = "Siti Nur’aini Sé"
    path = tmp_path / "enc.csv"
    path.write_bytes(bom + csv_text(rows).encode(encoding))
    result = dry_run(path, actor=staff_blora)
    assert result.summary.rejected == 0, result.problems
    table = open_table(path)
    first = next(table.data)[1]
    assert first[table.headers.index("NAMA")] == "Siti Nur’aini Sé"


def test_it_refuses_text_that_is_neither_utf8_nor_windows_1252(staff_blora, tmp_path):
    path = tmp_path / "rusak.csv"
    # 0x81 and 0x8d are undefined in Windows-1252, and this is not valid UTF-8 either.
    path.write_bytes(csv_text(family(members=1)).encode() + b"\x81\x8d\x81,\x8d\n")
    assert "bukan spreadsheet atau CSV" in _refused(path, staff_blora)


def test_it_refuses_a_csv_whose_encoding_changes_halfway(staff_blora, tmp_path):
    rows = family(members=2) * 1
    text = csv_text(rows).encode("utf-8") + b"x" * 70_000 + b"\n" + "Sé".encode("cp1252") + b"\n"
    path = tmp_path / "campur.csv"
    path.write_bytes(text)
    assert "bercampur encoding" in _refused(path, staff_blora)


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_it_detects_the_delimiter(staff_blora, tmp_path, delimiter):
    path = write_csv(tmp_path / "d.csv", family(), delimiter=delimiter)
    assert open_table(path).delimiter == delimiter
    assert dry_run(path, actor=staff_blora).summary.new_persons == 3


def test_it_finds_the_header_below_a_merged_title_row(staff_blora, tmp_path):
    from openpyxl import Workbook

    rows = family()
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["DATA PENDUDUK DESA JATI"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([row[h] for h in HEADERS])
    path = tmp_path / "judul.xlsx"
    workbook.save(path)
    result = dry_run(path, actor=staff_blora)
    assert result.summary.new_persons == 3 and not result.problems
    assert open_table(path).header_row == 2


def test_it_reads_a_two_row_header_with_vertically_merged_cells(staff_blora, tmp_path):
    """Row 1: NIK, NO_KK, NAMA … merged over rows 1–2; 'WILAYAH' over RT/RW; row 2 holds RT and RW."""
    from openpyxl import Workbook

    rows = family()
    workbook = Workbook()
    sheet = workbook.active
    top = [h if h not in ("RT", "RW") else "" for h in HEADERS]
    rt = HEADERS.index("RT")
    top[rt] = "WILAYAH"
    sheet.append(top)
    sheet.append(["" if h not in ("RT", "RW") else h for h in HEADERS])
    for col, header in enumerate(HEADERS, start=1):
        if header not in ("RT", "RW"):
            sheet.merge_cells(start_row=1, start_column=col, end_row=2, end_column=col)
    sheet.merge_cells(start_row=1, start_column=rt + 1, end_row=1, end_column=rt + 2)
    for row in rows:
        sheet.append([row[h] for h in HEADERS])
    path = tmp_path / "dua_baris.xlsx"
    workbook.save(path)
    table = open_table(path)
    assert table.header_row == 2 and table.headers[:3] == ["NIK", "NO_KK", "NAMA"] and "RT" in table.headers
    result = dry_run(path, actor=staff_blora)
    assert result.summary.new_persons == 3, result.problems
    assert result.problems == []


def test_it_refuses_a_formula_cell_without_a_stored_value(staff_blora, tmp_path):
    rows = family()
    path = write_xlsx(tmp_path / "rumus.xlsx", rows)
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    workbook["Data"]["B3"] = "=B2"  # NO_KK of the second row copied by a formula; openpyxl stores no value
    workbook.save(path)
    result = dry_run(path, actor=staff_blora)
    [problem] = [p for p in result.problems if p.kind == "error"]
    assert problem.row == 3 and problem.column == "NO_KK"
    assert "rumus tanpa nilai tersimpan" in problem.message and "B3" in problem.message


def test_it_reads_the_cached_value_of_a_formula(staff_blora, tmp_path):
    rows = family()
    path = write_xlsx(tmp_path / "rumus.xlsx", rows)
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    workbook["Data"]["P2"] = "=1+1"
    workbook.save(path)
    # What Excel would have saved: the formula and its last calculated value.
    _rewrite_sheet(path, lambda xml: re.sub(rb"<f>1\+1</f>(<v\s*/>|<v></v>)?", b"<f>1+1</f><v>2</v>", xml))
    result = dry_run(path, actor=staff_blora)
    assert result.problems == [] and result.summary.new_persons == 3


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_it_refuses_a_10_mb_cell_with_a_message_and_keeps_the_other_rows(staff_blora, tmp_path, kind):
    rows = family() + family(members=2)
    path = tmp_path / f"besar.{kind}"
    if kind == "csv":
        rows[3]["TEMPAT_LAHIR"] = "x" * 10_000_000
        write_csv(path, rows)
    else:
        # openpyxl cuts strings at Excel's 32,767 characters; other programs write what they have.
        rows[3]["TEMPAT_LAHIR"] = "PLACEHOLDER"
        _rewrite_sheet(write_xlsx(path, rows), lambda xml: xml.replace(b"PLACEHOLDER", b"x" * 10_000_000))
    result = dry_run(path, actor=staff_blora)
    [problem] = [p for p in result.problems if p.kind == "error"]
    assert problem.row == 5 and problem.column == "TEMPAT_LAHIR"
    assert "terlalu besar" in problem.message and "10.000.000" in problem.message
    assert result.summary.new_persons == 3 and result.summary.rejected == 2


def test_row_numbers_are_those_the_spreadsheet_shows(staff_blora, tmp_path):
    rows = family(members=2)
    rows.insert(1, {h: "" for h in HEADERS})  # an empty row 3 is skipped but counted
    rows[2]["TANGGAL_LAHIR"] = "31/02/1980"
    result = dry_run(write_xlsx(tmp_path / "n.xlsx", rows), actor=staff_blora)
    [problem] = [p for p in result.problems if p.kind == "error"]
    assert problem.row == 4


def test_it_ignores_unknown_columns_and_says_which(staff_blora, tmp_path):
    rows = [dict(row, AGAMA="Islam", CATATAN="-") for row in family()]
    result = dry_run(write_csv(tmp_path / "extra.csv", rows), actor=staff_blora)
    assert result.summary.ignored_columns == ["AGAMA", "CATATAN"]
    assert result.summary.new_persons == 3


def test_it_matches_headers_ignoring_case_spaces_punctuation_and_aliases(staff_blora, tmp_path):
    renamed = {"NIK": "nik", "NO_KK": "No. KK", "NAMA": "Nama Lengkap", "JENIS_KELAMIN": "JK", "TANGGAL_LAHIR":
               "Tgl Lahir", "HUB_KELUARGA": "SHDK", "KODE_DESA": "kode desa"}
    rows = [{renamed.get(k, k): v for k, v in row.items()} for row in family()]
    result = dry_run(write_csv(tmp_path / "alias.csv", rows), actor=staff_blora)
    assert result.summary.new_persons == 3 and result.problems == []
    assert result.summary.ignored_columns == []


@pytest.mark.parametrize("header", ["NO KK", "NOMOR_KK", "KK", "NOMOR KK", "no_kk"])
def test_it_knows_the_kk_header_by_its_common_names(staff_blora, tmp_path, header):
    rows = [{(header if k == "NO_KK" else k): v for k, v in person_row("3316010000000123", name="Ani").items()}]
    result = dry_run(write_csv(tmp_path / "kk.csv", rows), actor=staff_blora)
    assert result.summary.new_households == 1, result.problems


def _rewrite_sheet(path, change) -> None:
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    sheet = members["xl/worksheets/sheet1.xml"]
    members["xl/worksheets/sheet1.xml"] = change(sheet)
    assert members["xl/worksheets/sheet1.xml"] != sheet
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
