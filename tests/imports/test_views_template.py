"""imports:template_xlsx / template_csv — the template files download from the import page."""

import io

from django.urls import reverse

from berdaya.imports.template import COLUMNS
from tests.registry.conftest import login


def test_the_xlsx_template_downloads_with_its_three_sheets(client, operator_desa_a):
    from openpyxl import load_workbook

    response = login(client, operator_desa_a).get(reverse("imports:template_xlsx"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="template-impor-berdaya.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Data", "Petunjuk", "Kode"]
    assert [c.value for c in workbook["Data"][1]][:3] == ["NIK", "NO_KK", "NAMA"]


def test_the_csv_template_is_the_header_row_in_utf8_with_bom(client, operator_desa_a):
    response = login(client, operator_desa_a).get(reverse("imports:template_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode("utf-8-sig").strip() == ",".join(c.header for c in COLUMNS)


def test_an_auditor_gets_403(client, auditor_blora):
    assert login(client, auditor_blora).get(reverse("imports:template_csv")).status_code == 403
