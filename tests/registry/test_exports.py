"""registry.exports and registry:household_export — rows and headers, masking per role and village, region
scope, chunked iteration, and the round trip: an export re-imports through the importer with zero changes."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from berdaya.core.identity import mask_number
from berdaya.core.permissions import Role
from berdaya.imports.engine import dry_run
from berdaya.imports.template import COLUMNS
from berdaya.imports.values import parse_value
from berdaya.registry import exports, services
from berdaya.registry.selectors import HouseholdFilters
from tests import factories
from tests.conftest import BLORA, VILLAGE_A, VILLAGE_B
from tests.registry.conftest import login

URL = reverse("registry:household_export")
HEADERS = [c.header for c in COLUMNS]


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"  # the importer's reports


@pytest.fixture
def rich_household(staff_blora):
    """A household using every kind of column: codes, yes/no, decimals, money, a member without NIK, a deceased one."""
    household = factories.household(
        actor=staff_blora, village=VILLAGE_A, head_name="Sutrisno Wiryo", dusun="Krajan", latitude=Decimal("-6.9698"),
        longitude=Decimal("111.4183"), official_desil=2, c01_floor_area_small=True, c02_floor_poor=False,
        floor_area_m2=36, floor_material="tanah", toilet="bersama", has_motorcycle=True, has_car=False)
    add = services.person_add
    add(actor=staff_blora, household=household, data=factories.person_data(
        village=VILLAGE_A, name="Siti Nur’aini", sex="P", birth_date=date(1985, 2, 3), relationship=3,
        disability="netra", pregnant=True, education=None, monthly_income=None))
    add(actor=staff_blora, household=household, data=factories.person_data(
        village=VILLAGE_A, name="Bayu", nik="", birth_date=date(2024, 6, 1), relationship=4, marital_status=1,
        occupation=None))
    grandfather = add(actor=staff_blora, household=household, data=factories.person_data(
        village=VILLAGE_A, name="Mbah Karto", birth_date=date(1940, 1, 1), relationship=7))
    services.person_mark_deceased(actor=staff_blora, person=grandfather, on=date(2025, 3, 1))
    household.refresh_from_db()
    return household


def _rows(user, **filters) -> list[dict]:
    export = exports.HouseholdExport(user=user, filters=HouseholdFilters(**filters))
    return [dict(zip(export.headers, row, strict=True)) for row in export.rows()]


def _csv(content: bytes) -> list[dict]:
    assert content.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


# --- rows ----------------------------------------------------------------------------------------------------------
def test_it_writes_one_row_per_member_under_the_import_templates_headers(staff_blora, rich_household):
    export = exports.HouseholdExport(user=staff_blora, filters=HouseholdFilters())
    assert export.headers == HEADERS
    rows = _rows(staff_blora)
    assert [r["NAMA"] for r in rows] == ["Sutrisno Wiryo", "Siti Nur’aini", "Bayu", "Mbah Karto"]
    assert {r["NO_KK"] for r in rows} == {rich_household.kk_number}
    head, wife, baby, grandfather = rows
    assert (head["HUB_KELUARGA"], head["JENIS_KELAMIN"], head["STATUS_DASAR"]) == ("Kepala Keluarga", "Laki-laki",
                                                                                  "Hidup")
    assert head["TANGGAL_LAHIR"] == date(1980, 5, 17)
    assert (wife["DISABILITAS"], wife["HAMIL"], wife["PENDIDIKAN"]) == ("Netra", "Ya", None)
    assert (head["DISABILITAS"], head["HAMIL"]) == ("Tidak ada", "Tidak")
    assert (baby["NIK"], grandfather["STATUS_DASAR"]) == ("", "Mati")
    assert (head["KODE_DESA"], head["DUSUN"], head["LINTANG"], head["DESIL"]) == (VILLAGE_A, "Krajan",
                                                                                  Decimal("-6.969800"), 2)
    assert (head["K01_LUAS_LANTAI_KURANG_8M2"], head["K02_LANTAI_TANAH_BAMBU"], head["K03_DINDING_BURUK"]) == (
        "Ya", "Tidak", None)
    assert (head["JENIS_LANTAI"], head["JAMBAN"], head["PUNYA_MOTOR"]) == ("Tanah", "Bersama/umum", "Ya")
    assert (head["PENGHASILAN_PRIBADI"], head["PENGHASILAN_KELUARGA"]) == (900_000, 1_500_000)


@pytest.mark.parametrize("column", [c for c in COLUMNS if c.choices], ids=lambda c: c.header)
def test_every_value_the_export_writes_reads_back_as_it_was(column):
    if column.kind == "bool" or column.key == "pregnant":
        assert (parse_value(column, "Ya"), parse_value(column, "Tidak")) == (True, False)
    elif column.key == "basic_status":
        assert {parse_value(column, v) for v in exports.BASIC_STATUS.values()} == {"hidup", "mati", "pindah"}
    else:
        plan = exports._column_plan(column)
        labels = plan[3][1] if plan[2] == exports._PRIVATE else plan[3]
        for code, label in column.choices:
            assert labels[code] == label
            assert parse_value(column, label) == code, (column.header, code, label)


# --- privacy and scope ---------------------------------------------------------------------------------------------
def test_nik_kk_disability_and_incomes_are_masked_for_a_role_without_identity(rich_household):
    mentor = factories.user_without_password(username="pendamping", role=Role.MENTOR, region=BLORA)
    rows = _rows(mentor)
    head, wife = rows[0], rows[1]
    member = rich_household.members.get(name="Siti Nur’aini")
    assert head["NO_KK"] == mask_number(rich_household.kk_number) != rich_household.kk_number
    assert wife["NIK"] == mask_number(member.nik) != member.nik
    assert all(r["DISABILITAS"] is None and r["PENGHASILAN_PRIBADI"] is None and r["PENGHASILAN_KELUARGA"] is None
               for r in rows)
    assert wife["NAMA"] == "Siti Nur’aini" and wife["HAMIL"] == "Ya"


def test_masking_follows_the_village_where_the_user_may_see_identities(staff_blora, household_a, household_b):
    user = factories.user_without_password(username="campuran", role=Role.VILLAGE_OPERATOR, region=VILLAGE_A)
    services_role = user.role_assignments.model
    services_role.objects.create(user=user, role=Role.MENTOR, region_id=BLORA)
    kks = {r["KODE_DESA"]: r["NO_KK"] for r in _rows(user)}
    assert kks == {VILLAGE_A: household_a.kk_number, VILLAGE_B: mask_number(household_b.kk_number)}


def test_households_of_another_region_are_never_exported(operator_desa_a, household_a, household_b):
    assert {r["NO_KK"] for r in _rows(operator_desa_a)} == {household_a.kk_number}
    assert {r["NO_KK"] for r in _rows(operator_desa_a, region=VILLAGE_B)} == set()


def test_the_lists_filters_apply(staff_blora, household_a, household_b):
    assert {r["NO_KK"] for r in _rows(staff_blora, region=VILLAGE_B)} == {household_b.kk_number}
    assert {r["NO_KK"] for r in _rows(staff_blora, q=household_a.kk_number)} == {household_a.kk_number}


# --- memory --------------------------------------------------------------------------------------------------------
def test_it_reads_households_a_chunk_at_a_time_never_the_whole_list(staff_blora):
    for _ in range(5):
        factories.household(actor=staff_blora, village=VILLAGE_A)
    export = exports.HouseholdExport(user=staff_blora, filters=HouseholdFilters(), chunk_size=2)
    with CaptureQueriesContext(connection) as queries:
        rows = export.rows()
        next(rows)
        members_queries = [q for q in queries.captured_queries if 'FROM "registry_person"' in q["sql"]]
        assert len(members_queries) == 1  # the members of the first 2 households only
        rest = sum(1 for _row in rows)
    members_queries = [q for q in queries.captured_queries if 'FROM "registry_person"' in q["sql"]]
    assert (rest, len(members_queries)) == (4, 3)  # 5 households: chunks of 2, 2 and 1


# --- round trip ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", exports.FORMATS)
def test_an_export_re_imports_through_the_importer_with_zero_changes(staff_blora, rich_household, household_b,
                                                                     tmp_path, fmt):
    path = tmp_path / f"export.{fmt}"
    count = exports.export_households_to_file(user_id=staff_blora.pk, filters={}, fmt=fmt, path=path)
    assert count == 5
    result = dry_run(path, actor=staff_blora)
    s = result.summary
    assert (s.rows, s.new_households, s.updated_households, s.new_persons, s.updated_persons) == (5, 0, 0, 0, 0)
    assert (s.unchanged, s.skipped, s.rejected, s.conflicts) == (4, 1, 0, 0)  # the deceased member is skipped
    assert s.ignored_columns == []


def test_the_csv_is_semicolon_separated_utf8_with_bom_and_decimal_commas(staff_blora, rich_household, tmp_path):
    path = tmp_path / "export.csv"
    exports.export_households_to_file(user_id=staff_blora.pk, filters={"q": "wiryo"}, fmt="csv", path=path)
    rows = _csv(path.read_bytes())
    assert list(rows[0]) == HEADERS
    assert (rows[0]["LINTANG"], rows[0]["BUJUR"], rows[0]["TANGGAL_LAHIR"]) == ("-6,969800", "111,418300",
                                                                               "17/05/1980")
    assert rows[1]["NAMA"] == "Siti Nur’aini"


def test_export_to_file_reports_progress_for_a_background_task(staff_blora, household_a, tmp_path):
    calls = []
    exports.export_households_to_file(user_id=staff_blora.pk, filters={"region": VILLAGE_A, "unknown": 1},
                                      fmt="xlsx", path=tmp_path / "out" / "e.xlsx",
                                      progress=lambda *args: calls.append(args))
    assert calls[-1] == ("export", 1, 1)
    assert (tmp_path / "out" / "e.xlsx").exists()


# --- the view ------------------------------------------------------------------------------------------------------
def test_it_requires_a_login(client, household_a):
    response = client.get(URL, {"format": "csv"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_the_view_streams_the_filtered_list_as_csv(client, staff_blora, household_a, household_b):
    response = login(client, staff_blora).get(URL, {"format": "csv", "region": VILLAGE_B})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'attachment; filename="registri-keluarga-' in response["Content-Disposition"]
    rows = _csv(b"".join(response.streaming_content))
    assert {r["NO_KK"] for r in rows} == {household_b.kk_number}


def test_the_view_sends_an_xlsx_with_nik_and_kk_as_text_cells(client, operator_desa_a, household_a, household_b):
    response = login(client, operator_desa_a).get(URL, {"format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=False)["Data"]
    assert [c.value for c in sheet[1]] == HEADERS
    nik, kk, birth = sheet.cell(2, 1), sheet.cell(2, 2), sheet.cell(2, HEADERS.index("TANGGAL_LAHIR") + 1)
    assert (kk.value, kk.number_format, nik.number_format) == (household_a.kk_number, "@", "@")
    assert birth.number_format == "DD/MM/YYYY" and birth.value.date() == date(1980, 5, 17)
    assert sheet.max_row == 2  # household_b (another village) is not there


def test_the_view_refuses_an_unknown_format(client, staff_blora):
    assert login(client, staff_blora).get(URL, {"format": "pdf"}).status_code == 400


def test_the_list_page_links_to_the_export_with_its_filters(client, staff_blora, household_a):
    page = login(client, staff_blora).get(reverse("registry:household_list"), {"region": VILLAGE_A}).content.decode()
    assert f'{URL}?format=xlsx&amp;region={VILLAGE_A}' in page
    assert f'{URL}?format=csv&amp;region={VILLAGE_A}' in page
