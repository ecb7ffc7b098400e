"""Commit: good rows in one transaction (a refused family left out whole), or nothing at all; audited; idempotent."""

from datetime import date, timedelta

from django.utils import timezone

from berdaya.imports.engine import ImportOptions, commit, dry_run
from berdaya.imports.models import ImportBatch
from berdaya.registry import services
from berdaya.registry.history import ACTION_LABELS, household_history
from berdaya.registry.models import Household, Person, ReviewFlag
from tests import factories
from tests.imports.conftest import family, person_row, snapshot, write_csv, write_xlsx


def test_good_rows_are_written_and_a_family_with_a_bad_row_is_left_out_whole(staff_blora, tmp_path):
    good, bad = family(surname="Baik"), family(surname="Buruk")
    bad[2]["TANGGAL_LAHIR"] = "99/99/2000"
    result = commit(write_xlsx(tmp_path / "a.xlsx", good + bad), actor=staff_blora)
    assert result.summary.committed and result.exit_code == 1
    assert (result.summary.new_households, result.summary.new_persons, result.summary.rejected) == (1, 3, 3)
    assert set(Person.objects.values_list("name", flat=True)) == {r["NAMA"] for r in good}
    family_problems = [p for p in result.problems if p.kind == "family"]
    assert [p.row for p in family_problems] == [5, 6] and "baris 7 bermasalah" in family_problems[0].message
    assert result.batch.status == ImportBatch.Status.COMMITTED


def test_all_or_nothing_writes_nothing_when_one_row_is_bad(staff_blora, household_a, tmp_path):
    rows = family() + family(members=2)
    rows[4]["NIK"] = "3.31601E+15"
    before = snapshot()
    result = commit(write_csv(tmp_path / "a.csv", rows), actor=staff_blora,
                    options=ImportOptions(all_or_nothing=True))
    assert snapshot() == before
    assert result.summary.committed is False and result.exit_code == 1
    assert result.batch.status == ImportBatch.Status.DRY_RUN and result.batch.committed_at is None


def test_all_or_nothing_writes_everything_when_every_row_is_good(staff_blora, tmp_path):
    result = commit(write_csv(tmp_path / "a.csv", family() + family()), actor=staff_blora,
                    options=ImportOptions(all_or_nothing=True))
    assert result.summary.committed and Person.objects.count() == 6 and result.exit_code == 0


def test_importing_the_same_file_again_changes_nothing_and_points_it_out(staff_blora, tmp_path):
    rows = family() + family(members=2)
    rows[0]["TANGGAL_LAHIR"] = "18/05/1980"  # a flagged record too
    path = write_xlsx(tmp_path / "a.xlsx", rows)
    first = commit(path, actor=staff_blora)
    before = snapshot()
    again = commit(path, actor=staff_blora)
    assert snapshot() == before
    assert (again.summary.unchanged, again.summary.new_persons, again.summary.updated_persons) == (5, 0, 0)
    assert [b["id"] for b in again.summary.same_file_batches] == [first.batch.pk]


def test_an_update_changes_only_the_given_cells_and_is_audited_as_the_import(staff_blora, household_a, tmp_path):
    head = household_a.members.get()
    row = {"NIK": head.nik, "NO_KK": household_a.kk_number, "NAMA": head.name, "PEKERJAAN": "Pedagang",
           "TELEPON": "", "RT": "7", "K05_TANPA_LISTRIK": "Ya"}
    result = commit(write_csv(tmp_path / "ubah.csv", [row]), actor=staff_blora)
    assert (result.summary.updated_persons, result.summary.updated_households) == (1, 1), result.problems
    head.refresh_from_db()
    household_a.refresh_from_db()
    assert head.occupation == 84 and head.birth_date == date(1980, 5, 17) and head.education == 3
    assert household_a.rt == "007" and household_a.c05_no_electricity is True and household_a.bps_criteria_met == 1
    record = head.history.first()
    assert (record.history_change_reason, record.history_user, record.history_date) == (
        "imports.registry.updated", staff_blora, result.batch.committed_at)
    assert household_a.history.first().history_change_reason == "imports.registry.updated"
    entries = household_history(user=staff_blora, household=household_a)
    assert entries[0].action_label == str(ACTION_LABELS["imports.registry.updated"])
    assert any(c.field == "occupation" for e in entries for c in e.changes)


def test_new_records_are_audited_as_created_by_the_import(staff_blora, tmp_path):
    result = commit(write_csv(tmp_path / "a.csv", family()), actor=staff_blora)
    household = Household.objects.get()
    assert factories.audit_trail(Household, id=household.pk) == [("imports.registry.created", "staf_blora")]
    assert {r.history_date for r in Person.history.all()} == {result.batch.committed_at}
    assert household.member_count == 3 and household.head_name == "Budi Santoso"
    assert household.vul_pregnant_or_under6 is False and household.official_desil == 2


def test_review_flags_are_opened_like_the_services_do(staff_blora, tmp_path):
    rows = family(members=2)
    rows[1]["NIK"] = "0"
    rows[0]["TANGGAL_LAHIR"] = "18/05/1980"
    commit(write_csv(tmp_path / "a.csv", rows), actor=staff_blora)
    codes = set(ReviewFlag.objects.values_list("code", flat=True))
    assert codes == {"nik_missing", "nik_birthdate_mismatch"}
    assert Household.objects.get().open_flag_count == 2
    assert {r.history_change_reason for r in ReviewFlag.history.all()} == {"imports.registry.flag_opened"}


def test_correcting_a_birth_date_closes_its_flag(staff_blora, tmp_path):
    rows = family(members=1)
    good_date = rows[0]["TANGGAL_LAHIR"]
    rows[0]["TANGGAL_LAHIR"] = "18/05/1980"
    commit(write_csv(tmp_path / "a.csv", rows), actor=staff_blora)
    rows[0]["TANGGAL_LAHIR"] = good_date
    result = commit(write_csv(tmp_path / "b.csv", rows), actor=staff_blora)
    assert result.summary.updated_persons == 1
    flag = ReviewFlag.objects.get()
    assert flag.resolved_at is not None and Household.objects.get().open_flag_count == 0


def test_a_person_without_nik_is_matched_by_kk_name_and_birth_date(staff_blora, tmp_path):
    rows = family(members=2)
    rows[1]["NIK"] = ""
    path = write_csv(tmp_path / "a.csv", rows)
    commit(path, actor=staff_blora)
    again = commit(path, actor=staff_blora)
    assert again.summary.unchanged == 2 and Person.objects.count() == 2


def test_a_member_registered_without_nik_gets_the_nik_from_the_file(staff_blora, tmp_path):
    rows = family(members=2)
    nik = rows[1]["NIK"]
    rows[1]["NIK"] = "0"
    commit(write_csv(tmp_path / "a.csv", rows), actor=staff_blora)
    rows[1]["NIK"] = nik
    result = commit(write_csv(tmp_path / "b.csv", rows), actor=staff_blora)
    assert (result.summary.updated_persons, result.summary.new_persons) == (1, 0), result.problems
    assert Person.objects.get(name=rows[1]["NAMA"]).nik == nik and Person.objects.count() == 2
    assert not ReviewFlag.objects.filter(code="nik_missing", resolved_at__isnull=True).exists()


def test_a_row_changing_a_record_edited_in_the_app_after_the_extraction_date_is_a_conflict(staff_blora, household_a,
                                                                                         tmp_path):
    head = household_a.members.get()
    services.person_update(actor=staff_blora, person=head, data={"occupation": 19})  # edited in the app today
    row = {"NIK": head.nik, "NO_KK": household_a.kk_number, "NAMA": head.name, "PEKERJAAN": "9"}
    path = write_csv(tmp_path / "lama.csv", [row])
    last_week = timezone.localdate() - timedelta(days=7)
    before = snapshot()
    result = commit(path, actor=staff_blora, options=ImportOptions(extracted_at=last_week))
    assert snapshot() == before
    [conflict] = [p for p in result.problems if p.kind == "conflict"]
    assert conflict.column == "PEKERJAAN" and "Konflik" in conflict.message
    assert result.summary.conflicts == 1 and result.exit_code == 1
    # A file extracted after the edit is applied.
    result = commit(path, actor=staff_blora, options=ImportOptions(extracted_at=timezone.localdate()))
    assert result.summary.updated_persons == 1
    head.refresh_from_db()
    assert head.occupation == 9


def test_an_unchanged_row_is_no_conflict_and_import_changes_are_not_app_changes(staff_blora, tmp_path):
    rows = family()
    path = write_csv(tmp_path / "a.csv", rows)
    commit(path, actor=staff_blora)
    old = ImportOptions(extracted_at=date(2020, 1, 1))
    assert commit(path, actor=staff_blora, options=old).summary.unchanged == 3
    rows[2]["PEKERJAAN"] = "3"
    result = commit(write_csv(tmp_path / "b.csv", rows), actor=staff_blora, options=old)
    assert result.summary.updated_persons == 1 and result.summary.conflicts == 0


def test_a_new_member_refreshes_the_existing_households_derived_columns(staff_blora, household_a, tmp_path):
    baby = person_row(household_a.kk_number, name="Bayi", birth=timezone.localdate() - timedelta(days=200), rel="4",
                      sex="P", STATUS_KAWIN="1", PENDIDIKAN="", PEKERJAAN="", ALAMAT="")
    result = commit(write_csv(tmp_path / "bayi.csv", [baby]), actor=staff_blora)
    assert result.summary.new_persons == 1, result.problems
    household_a.refresh_from_db()
    assert household_a.member_count == 2 and household_a.vul_pregnant_or_under6 is True
    assert household_a.address == "Jl. Raya Jati No. 3"  # a blank cell changes nothing


def test_a_head_row_for_a_headless_household_closes_its_head_flag(staff_blora, household_a, tmp_path):
    head = household_a.members.get()
    member = services.person_add(actor=staff_blora, household=household_a,
                                 data=factories.person_data(village=household_a.village_id, name="Wati", sex="P",
                                                            birth_date=date(1990, 1, 1)))
    services.person_mark_deceased(actor=staff_blora, person=head, on=date(2026, 1, 2))
    assert ReviewFlag.objects.filter(code="head_missing", resolved_at__isnull=True).exists()
    row = {"NIK": member.nik, "NO_KK": household_a.kk_number, "NAMA": "Wati", "HUB_KELUARGA": "1"}
    result = commit(write_csv(tmp_path / "kepala.csv", [row]), actor=staff_blora)
    assert result.summary.updated_persons == 1, result.problems
    household_a.refresh_from_db()
    assert household_a.head_name == "Wati" and household_a.open_flag_count == 0
    assert not ReviewFlag.objects.filter(code="head_missing", resolved_at__isnull=True).exists()


def test_the_error_report_lists_row_column_reason_and_original_values(staff_blora, tmp_path):
    from openpyxl import load_workbook

    rows = family(members=2)
    rows[1]["NIK"] = "3.31601E+15"
    result = dry_run(write_csv(tmp_path / "a.csv", rows), actor=staff_blora)
    sheet = load_workbook(result.batch.report_path)["Masalah"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:5] == ("Baris", "Kolom", "Jenis", "Masalah", "NIK")
    [error] = [v for v in values[1:] if v[2] == "Ditolak"]
    assert error[:2] == (3, "NIK") and "angka ilmiah" in error[3] and error[4] == "3.31601E+15"
    assert error[4 + 2] == rows[1]["NAMA"]
