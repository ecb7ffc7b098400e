"""enrolment:index and enrolment:build — the programmes and their lists of a year; the build form."""

from django.urls import reverse

from berdaya.enrolment.models import EnrolmentList
from tests.conftest import DISTRICT_A
from tests.enrolment.conftest import YEAR

INDEX = reverse("enrolment:index")


def _build_url(programme):
    return reverse("enrolment:build", args=[programme.pk])


def test_the_index_shows_the_programmes_lists_with_their_counts(client, auditor_blora, draft):
    client.force_login(auditor_blora)
    page = client.get(INDEX, {"year": YEAR}).content.decode()
    assert "BLT-DD" in page and "Penetapan awal" in page and "Rp 10.800.000" in page
    assert reverse("enrolment:list_detail", args=[draft.pk]) in page
    assert "Susun daftar" not in page  # the auditor reads only


def test_the_index_offers_the_carry_over_of_an_approved_waitlist(client, staff_blora, approved):
    client.force_login(staff_blora)
    page = client.get(INDEX, {"year": YEAR}).content.decode()
    assert "Alihkan 1 daftar tunggu ke 2027" in page
    response = client.post(reverse("enrolment:carry_over", args=[approved.programme_id]), {"year": YEAR})
    assert response.status_code == 302
    assert EnrolmentList.objects.filter(fiscal_year__year=YEAR + 1).get().enrolments.count() == 1


def test_staff_build_a_list_through_the_form(client, staff_blora, blt, line, families):
    client.force_login(staff_blora)
    assert client.get(_build_url(blt)).status_code == 200
    response = client.post(_build_url(blt), {"year": YEAR, "kind": "main", "region": DISTRICT_A,
                                             "start_month": 1, "quotas": "33.16.01.2001 = 1", "budget_line": line.pk})
    lst = EnrolmentList.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("enrolment:list_detail", args=[lst.pk])
    assert (lst.region_id, lst.require_verval, lst.quotas, lst.budget_line) == (
        DISTRICT_A, False, {"33.16.01.2001": 1}, line)
    assert lst.enrolments.count() == 2


def test_a_refusal_is_shown_on_the_form(client, staff_blora, blt, line, families):
    client.force_login(staff_blora)
    response = client.post(_build_url(blt), {"year": YEAR, "kind": "main", "region": "33.16", "start_month": 1,
                                             "quotas": "33.16 = 1", "require_verval": "on"})
    assert response.status_code == 400
    assert "harus kode kecamatan atau desa" in response.content.decode()
    response = client.post(_build_url(blt), {"year": YEAR, "kind": "main", "region": "33.16", "start_month": 1,
                                             "quotas": "Jati: banyak"})
    assert response.status_code == 400 and "Baris 1" in response.content.decode()
    assert not EnrolmentList.objects.exists()


def test_the_build_page_refuses_other_regions_and_roles(client, staff_pasuruan, auditor_blora, mentor_blora, blt):
    client.force_login(staff_pasuruan)
    assert client.get(_build_url(blt)).status_code == 404
    client.force_login(auditor_blora)
    assert client.get(_build_url(blt)).status_code == 403
    assert client.post(_build_url(blt), {"year": YEAR}).status_code == 403
    client.force_login(mentor_blora)
    assert client.get(INDEX).status_code == 403
    assert client.get(_build_url(blt)).status_code == 403


def test_another_regencys_programmes_are_not_listed(client, staff_pasuruan, draft):
    client.force_login(staff_pasuruan)
    page = client.get(INDEX, {"year": YEAR}).content.decode()
    assert "BLT-DD" not in page
    assert client.post(reverse("enrolment:carry_over", args=[draft.programme_id]), {"year": YEAR}).status_code == 404


def test_an_addition_built_without_a_month_starts_this_month(client, staff_blora, kadis, approved):
    from django.utils import timezone

    client.force_login(staff_blora)
    response = client.post(_build_url(approved.programme), {"year": YEAR, "kind": "addition", "region": "33.16"})
    assert response.status_code == 302
    addition = EnrolmentList.objects.get(kind="addition")
    today = timezone.localdate()
    assert addition.start_month == (today.month if today.year == YEAR else 1)
