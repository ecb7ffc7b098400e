"""programmes:budget — per programme and source, totals and realisation, the allocate/revise form, the history."""

import pytest
from django.urls import reverse

from berdaya.programmes import services
from berdaya.programmes.models import BudgetLine, BudgetRevision
from tests.programmes.conftest import YEAR, login

URL = reverse("programmes:budget", args=[YEAR])


def test_it_shows_each_line_the_totals_and_the_realisation(client, auditor_blora, kadis, staff_blora, programme,
                                                           baznas, line):
    services.budget_allocate(actor=staff_blora, programme=programme, source=baznas, year=YEAR,
                             amount=6_000_000, reason="Hibah Baznas")
    commitment = services.budget_commit(actor=kadis, line=line, amount=8_000_000, reference="enrolment:1")
    services.budget_disburse(actor=staff_blora, commitment=commitment, amount=4_000_000, reference="q1")
    page = login(client, auditor_blora).get(URL).content.decode()
    for text in ("BPNT", "APBN (Kementerian Sosial)", "Baznas", "Rp 10.000.000", "Rp 6.000.000",
                 "Rp 16.000.000", "Rp 4.000.000", "Rp 2.000.000", "Rp 8.000.000", "40,0%", "25,0%",
                 "Pagu awal: Hibah Baznas", "Pagu awal: DPA 2026"):
        assert text in page, text
    assert 'id="budget-form"' not in page  # the auditor reads only


def test_another_regencys_lines_are_not_shown(client, staff_pasuruan, line):
    page = login(client, staff_pasuruan).get(URL).content.decode()
    assert ">BPNT<" not in page and "Pagu awal: DPA 2026" not in page
    assert "Belum ada pagu untuk tahun ini." in page


def test_staff_allocate_a_new_line_through_the_form(client, staff_blora, programme, baznas):
    response = login(client, staff_blora).post(URL, {"programme": programme.pk, "source": baznas.pk,
                                                     "amount": "Rp 7.500.000", "reason": "Hibah Baznas 2026"})
    assert response.status_code == 302
    line = BudgetLine.objects.get(programme=programme, source=baznas)
    assert (line.allocated, line.fiscal_year.year) == (7_500_000, YEAR)


def test_the_same_form_revises_an_existing_line_and_records_the_revision(client, staff_blora, programme, apbn,
                                                                        line):
    response = login(client, staff_blora).post(URL, {"programme": programme.pk, "source": apbn.pk,
                                                     "amount": "12000000", "reason": "APBD-P 2026"})
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.allocated == 12_000_000
    revision = BudgetRevision.objects.filter(line=line).order_by("pk").last()
    assert (revision.old_allocated, revision.new_allocated, revision.reason, revision.actor) == (
        10_000_000, 12_000_000, "APBD-P 2026", staff_blora)
    page = client.get(URL).content.decode()
    assert "APBD-P 2026" in page and "+Rp 2.000.000" in page


def test_a_revision_below_what_is_committed_is_shown_as_an_error(client, staff_blora, kadis, programme, apbn, line):
    services.budget_commit(actor=kadis, line=line, amount=9_000_000, reference="enrolment:1")
    response = login(client, staff_blora).post(URL, {"programme": programme.pk, "source": apbn.pk,
                                                     "amount": "8000000", "reason": "Potong"})
    assert response.status_code == 400
    assert "kurang dari yang sudah terikat dan tersalurkan (Rp 9.000.000)" in response.content.decode()
    line.refresh_from_db()
    assert line.allocated == 10_000_000


def test_a_programme_of_another_regency_cannot_be_chosen(client, staff_blora, programme_pasuruan, apbn):
    response = login(client, staff_blora).post(URL, {"programme": programme_pasuruan.pk, "source": apbn.pk,
                                                     "amount": "1000", "reason": "x"})
    assert response.status_code == 400
    assert not BudgetLine.objects.exists()


@pytest.mark.parametrize("persona", ["kadis", "auditor_blora", "operator_desa_a"])
def test_posting_without_budget_manage_is_403(request, client, programme, apbn, persona):
    response = login(client, request.getfixturevalue(persona)).post(URL, {
        "programme": programme.pk, "source": apbn.pk, "amount": "1000", "reason": "x"})
    assert response.status_code == 403
    assert not BudgetLine.objects.exists()


def test_the_current_year_link_redirects_to_this_years_page(client, staff_blora):
    from django.utils import timezone

    response = login(client, staff_blora).get(reverse("programmes:budget_current"))
    assert response.url == reverse("programmes:budget", args=[timezone.localdate().year])


def test_a_national_administrator_closes_and_reopens_the_year(client, admin_user, staff_blora, kadis, line):
    url = reverse("programmes:fiscal_year_toggle", args=[YEAR])
    assert login(client, kadis).post(url, {"is_open": "0"}).status_code == 403
    assert login(client, admin_user).post(url, {"is_open": "0"}).status_code == 302
    line.refresh_from_db()
    assert not line.fiscal_year.is_open
    page = login(client, staff_blora).get(URL).content.decode()
    assert "Tahun anggaran ini sudah ditutup" in page
    login(client, admin_user).post(url, {"is_open": "1"})
    line.fiscal_year.refresh_from_db()
    assert line.fiscal_year.is_open


def test_a_year_out_of_range_is_404(client, staff_blora):
    assert login(client, staff_blora).get(reverse("programmes:budget", args=[1900])).status_code == 404
