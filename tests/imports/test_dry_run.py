"""The dry run: the registry's own rules on every row, rules across rows, a summary, and nothing written."""

from datetime import date

from berdaya.imports.engine import dry_run
from berdaya.registry.models import Household, Person, ReviewFlag
from tests import factories
from tests.conftest import VILLAGE_A, VILLAGE_B, VILLAGE_P
from tests.imports.conftest import family, person_row, snapshot, write_csv, write_xlsx


def _errors(result):
    return [p for p in result.problems if p.kind == "error"]


def test_a_dry_run_writes_nothing_to_the_registry(staff_blora, household_a, tmp_path):
    before = snapshot()
    rows = family() + family(members=2)
    rows[0]["NIK"] = "123"  # one bad row as well
    result = dry_run(write_xlsx(tmp_path / "a.xlsx", rows), actor=staff_blora)
    assert result.summary.new_persons == 2 and result.summary.rejected == 3
    assert snapshot() == before


def test_the_summary_counts_what_a_commit_would_do(staff_blora, tmp_path):
    result = dry_run(write_csv(tmp_path / "a.csv", family() + family(members=4)), actor=staff_blora)
    s = result.summary
    assert (s.rows, s.new_households, s.new_persons, s.updated_persons, s.unchanged, s.rejected) == (7, 2, 7, 0, 0, 0)
    assert s.committed is False and result.exit_code == 0


def test_the_same_nik_twice_in_the_file_refuses_both_rows(staff_blora, tmp_path):
    rows = family() + family(members=2)
    rows[4]["NIK"] = rows[1]["NIK"]
    result = dry_run(write_csv(tmp_path / "dup.csv", rows), actor=staff_blora)
    errors = _errors(result)
    assert {(p.row, p.column) for p in errors} == {(3, "NIK"), (6, "NIK")}
    assert all("muncul lebih dari sekali di file (baris 3, 6)" in p.message for p in errors)
    assert result.summary.rejected == 5 and result.exit_code == 1  # both families are left out whole


def test_two_heads_in_one_kk_are_refused(staff_blora, tmp_path):
    rows = family()
    rows[2]["HUB_KELUARGA"] = "1"
    result = dry_run(write_csv(tmp_path / "dua_kepala.csv", rows), actor=staff_blora)
    errors = _errors(result)
    assert {(p.row, p.column) for p in errors} == {(2, "HUB_KELUARGA"), (4, "HUB_KELUARGA")}
    assert "lebih dari satu kepala keluarga di file (baris 2, 4)" in errors[0].message


def test_a_head_for_a_kk_that_already_has_one_is_refused_with_the_services_message(staff_blora, household_a,
                                                                                  tmp_path):
    row = person_row(household_a.kk_number, name="Kepala Baru", rel="1")
    result = dry_run(write_csv(tmp_path / "kepala.csv", [row]), actor=staff_blora)
    [error] = _errors(result)
    assert error.column == "HUB_KELUARGA" and "sudah punya kepala keluarga" in error.message


def test_an_unknown_village_code_is_refused_naming_row_and_column(staff_blora, tmp_path):
    rows = family()
    for row in rows:
        row["KODE_DESA"] = "33.16.01.2999"
    result = dry_run(write_csv(tmp_path / "desa.csv", rows), actor=staff_blora)
    errors = _errors(result)
    assert [(p.row, p.column) for p in errors] == [(2, "KODE_DESA"), (3, "KODE_DESA"), (4, "KODE_DESA")]
    assert "33.16.01.2999 tidak terdaftar" in errors[0].message


def test_a_new_kk_without_a_head_row_is_refused(staff_blora, tmp_path):
    rows = family()[1:]
    result = dry_run(write_csv(tmp_path / "tanpa_kepala.csv", rows), actor=staff_blora)
    errors = _errors(result)
    assert [p.row for p in errors] == [2, 3]
    assert "tidak ada baris kepala keluarganya" in errors[0].message


def test_members_may_be_added_to_an_existing_kk_without_its_head_row(staff_blora, household_a, tmp_path):
    row = person_row(household_a.kk_number, name="Anak Baru", birth=date(2015, 6, 1), rel="4", STATUS_KAWIN="1")
    result = dry_run(write_csv(tmp_path / "anak.csv", [row]), actor=staff_blora)
    assert result.problems == [] and result.summary.new_persons == 1 and result.summary.new_households == 0


def test_a_nik_living_in_another_kk_is_refused(staff_blora, household_a, tmp_path):
    head = household_a.members.get()
    rows = family(members=1)
    rows[0]["NIK"] = head.nik
    result = dry_run(write_csv(tmp_path / "pindah.csv", rows), actor=staff_blora)
    [error] = _errors(result)
    assert error.column == "NIK" and f"KK {household_a.kk_number}" in error.message


def test_rows_outside_the_users_region_are_refused(operator_desa_a, tmp_path):
    rows = family(village=VILLAGE_A) + family(village=VILLAGE_B, members=2)
    result = dry_run(write_csv(tmp_path / "wilayah.csv", rows), actor=operator_desa_a)
    errors = _errors(result)
    assert [p.row for p in errors] == [5] and "tidak berwenang" in errors[0].message
    assert result.summary.new_persons == 3 and result.summary.rejected == 2


def test_an_existing_household_outside_the_users_region_is_refused(operator_desa_a, staff_blora, tmp_path):
    other = factories.household(actor=staff_blora, village=VILLAGE_B)
    row = person_row(other.kk_number, name="Anak", birth=date(2012, 1, 1), rel="4", village=VILLAGE_A)
    result = dry_run(write_csv(tmp_path / "luar.csv", [row]), actor=operator_desa_a)
    [error] = _errors(result)
    assert "di luar wilayah kerja Anda" in error.message


def test_a_kk_whose_district_does_not_exist_is_refused(staff_blora, tmp_path):
    rows = family(members=1, kk="9999990000000001")
    result = dry_run(write_csv(tmp_path / "kk.csv", rows), actor=staff_blora)
    [error] = _errors(result)
    assert error.column == "NO_KK" and "bukan kode kecamatan" in error.message


def test_a_new_person_missing_required_values_is_refused_per_column(staff_blora, tmp_path):
    rows = family(members=2)
    rows[1]["TANGGAL_LAHIR"] = ""
    rows[1]["JENIS_KELAMIN"] = ""
    result = dry_run(write_csv(tmp_path / "wajib.csv", rows), actor=staff_blora)
    assert {p.column for p in _errors(result)} == {"TANGGAL_LAHIR", "JENIS_KELAMIN"}


def test_a_nik_whose_birth_date_disagrees_is_a_warning_not_a_refusal(staff_blora, tmp_path):
    rows = family(members=1)
    rows[0]["TANGGAL_LAHIR"] = "18/05/1980"
    result = dry_run(write_csv(tmp_path / "warn.csv", rows), actor=staff_blora)
    [warning] = [p for p in result.problems if p.kind == "warning"]
    assert warning.column == "NIK" and "tidak sama dengan tanggal lahir" in warning.message
    assert result.summary.warnings == 1 and result.summary.rejected == 0 and result.exit_code == 0
    assert ReviewFlag.objects.count() == 0


def test_a_pregnant_man_and_a_birth_in_the_future_are_refused(staff_blora, tmp_path):
    rows = family(members=2)
    rows[0]["HAMIL"] = "Ya"
    rows[1]["TANGGAL_LAHIR"] = "01/01/2999"
    result = dry_run(write_csv(tmp_path / "aneh.csv", rows), actor=staff_blora)
    assert {(p.row, p.column) for p in _errors(result)} == {(2, "HAMIL"), (3, "TANGGAL_LAHIR")}


def test_a_village_option_fills_a_file_without_village_codes(staff_blora, tmp_path):
    rows = [{k: v for k, v in row.items() if k != "KODE_DESA"} for row in family()]
    path = write_csv(tmp_path / "tanpa_desa.csv", rows)
    from berdaya.imports.engine import ImportOptions

    without = dry_run(path, actor=staff_blora)
    assert "KODE_DESA kosong" in _errors(without)[0].message
    with_option = dry_run(path, actor=staff_blora, options=ImportOptions(village=VILLAGE_A))
    assert with_option.problems == []


def test_a_village_option_outside_the_users_region_makes_the_file_unusable(operator_desa_a, tmp_path):
    import pytest

    from berdaya.imports.engine import ImportOptions, UnusableFile

    with pytest.raises(UnusableFile) as caught:
        dry_run(write_csv(tmp_path / "a.csv", family()), actor=operator_desa_a,
                options=ImportOptions(village=VILLAGE_P))
    assert "tidak berwenang" in caught.value.message
    assert Household.objects.count() == Person.objects.count() == 0
