"""OpenSID's population export, read as it is (column names and codes from OpenSID's own importer)."""

from datetime import date

import pytest

from berdaya.imports import opensid
from berdaya.imports.engine import ImportOptions, UnusableFile, commit, dry_run
from berdaya.registry.models import Household, Person, ReviewFlag
from tests.conftest import VILLAGE_A
from tests.imports.conftest import new_kk, new_nik, write_xlsx


def _opensid_row(kk: str, **values) -> dict:
    row = dict.fromkeys(opensid.COLUMNS, "")
    row.update({"alamat": "Dk. Krajan", "dusun": "DUSUN_KRAJAN", "rw": "-", "rt": "002", "no_kk": f"'{kk}",
                "agama_id": 1, "warganegara_id": 1, "golongan_darah_id": 13, "status_dasar": 1, "cacat_id": 7,
                "hamil": 0, "ktp_el": 2, "status_rekam": 4, "tempatlahir": "BLORA", "status_kawin": 2,
                "pendidikan_kk_id": 5, "pekerjaan_id": 9})
    row.update(values)
    return row


@pytest.fixture
def opensid_file(tmp_path):
    kk = new_kk()
    head_nik = new_nik(birth=date(1975, 8, 17), sex="L")
    rows = [
        _opensid_row(kk, nama="SUPARDI", nik=f"'{head_nik}", sex=1, tanggallahir="17-08-1975", kk_level=1),
        _opensid_row(kk, nama="SITI AMINAH", nik=f"'{new_nik(birth=date(1978, 1, 2), sex='P')}", sex=2,
                     tanggallahir="1978-01-02", kk_level=3, hamil=1, pekerjaan_id="MENGURUS RUMAH TANGGA"),
        _opensid_row(kk, nama="BAYU", nik="0", sex="L", tanggallahir="05/06/2012", kk_level=4, status_kawin="BK",
                     pendidikan_kk_id="TIDAK / BELUM SEKOLAH", cacat_id=2, pekerjaan_id=3),
        _opensid_row(kk, nama="MBAH KARTO", nik=f"'{new_nik(birth=date(1940, 1, 1), sex='L')}", sex=1,
                     tanggallahir="01-01-1940", kk_level=7, status_dasar=2),
        _opensid_row(kk, dusun="###"),
        _opensid_row(kk, nama="SETELAH PENANDA AKHIR", nik="x"),
    ]
    return write_xlsx(tmp_path / "penduduk_opensid.xlsx", rows, headers=opensid.COLUMNS), kk, head_nik


def test_an_opensid_file_needs_the_village_it_came_from(staff_blora, opensid_file):
    path, _kk, _nik = opensid_file
    with pytest.raises(UnusableFile) as caught:
        dry_run(path, actor=staff_blora)
    assert "File OpenSID tidak memuat kode desa" in caught.value.message


def test_an_opensid_export_is_imported_as_it_is(staff_blora, opensid_file):
    path, kk, head_nik = opensid_file
    result = commit(path, actor=staff_blora, options=ImportOptions(village=VILLAGE_A))
    s = result.summary
    assert s.layout == "opensid"
    assert (s.new_households, s.new_persons, s.skipped, s.rejected) == (1, 3, 1, 0), result.problems
    assert "agama_id" in s.ignored_columns
    household = Household.objects.get()
    assert (household.kk_number, household.village_id, household.dusun, household.rt, household.rw) == (
        kk, VILLAGE_A, "KRAJAN", "002", "")
    head = Person.objects.get(nik=head_nik)
    assert (head.name, head.sex, head.relationship, head.education, head.occupation, head.marital_status) == (
        "SUPARDI", "L", 1, 5, 9, 2)
    wife = Person.objects.get(name="SITI AMINAH")
    assert (wife.sex, wife.relationship, wife.pregnant, wife.occupation) == ("P", 3, True, 2)
    child = Person.objects.get(name="BAYU")
    assert (child.nik, child.disability, child.marital_status, child.education) == ("", "netra", 1, 1)
    assert ReviewFlag.objects.filter(person=child, code="nik_missing").exists()
    [skipped] = [p for p in result.problems if p.row == 5]
    assert skipped.kind == "warning" and "tidak diimpor" in skipped.message
    assert not Person.objects.filter(name="MBAH KARTO").exists()
    assert not Person.objects.filter(name="SETELAH PENANDA AKHIR").exists()


def test_reimporting_the_opensid_export_changes_nothing(staff_blora, opensid_file):
    path, _kk, _nik = opensid_file
    options = ImportOptions(village=VILLAGE_A)
    commit(path, actor=staff_blora, options=options)
    again = commit(path, actor=staff_blora, options=options)
    assert (again.summary.unchanged, again.summary.new_persons, again.summary.updated_persons) == (3, 0, 0)
