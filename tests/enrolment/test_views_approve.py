"""enrolment:list_approve, decree, decree_render — the head of office approves with the decree number and date; the
SK PDF is streamed to those who see the list."""

from django.urls import reverse

from berdaya.enrolment.models import EnrolmentList
from berdaya.programmes import services as programmes
from tests.enrolment.conftest import PER_YEAR


def _url(name, lst):
    return reverse(f"enrolment:{name}", args=[lst.pk])


def test_the_head_approves_through_the_form_and_downloads_the_sk(client, kadis, draft):
    client.force_login(kadis)
    page = client.get(_url("list_approve", draft)).content.decode()
    assert "3 penerima akan ditetapkan dengan jumlah Rp 10.800.000" in page
    response = client.post(_url("list_approve", draft), {"decree_number": "400.9/12/2026",
                                                         "decree_date": "2026-01-20"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.decree_number, str(draft.decree_date)) == ("approved", "400.9/12/2026", "2026-01-20")
    sk = client.get(_url("decree", draft))
    assert sk.status_code == 200 and sk["Content-Type"] == "application/pdf"
    assert b"".join(sk.streaming_content).startswith(b"%PDF-")
    assert sk["Cache-Control"] == "private, no-store"


def test_a_budget_spent_meanwhile_is_shown_as_an_error(client, kadis, draft, line):
    programmes.budget_commit(actor=kadis, line=line, amount=PER_YEAR, reference="lain")
    client.force_login(kadis)
    response = client.post(_url("list_approve", draft), {"decree_number": "1/2026", "decree_date": "2026-01-20"})
    assert response.status_code == 400
    assert "tidak cukup" in response.content.decode() and "susun ulang" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == EnrolmentList.Status.DRAFT


def test_only_the_head_of_the_region_approves(client, staff_blora, kadis_pasuruan, mentor_blora, draft):
    client.force_login(staff_blora)
    assert client.get(_url("list_approve", draft)).status_code == 403
    assert client.post(_url("list_approve", draft), {"decree_number": "1", "decree_date": "2026-01-20"}
                       ).status_code == 403
    client.force_login(kadis_pasuruan)
    assert client.get(_url("list_approve", draft)).status_code == 404
    client.force_login(mentor_blora)
    assert client.get(_url("list_approve", draft)).status_code == 403
    draft.refresh_from_db()
    assert draft.status == EnrolmentList.Status.DRAFT


def test_the_sk_is_not_served_outside_the_region_or_before_approval(client, staff_blora, staff_pasuruan,
                                                                    mentor_blora, draft, kadis):
    client.force_login(staff_blora)
    assert client.get(_url("decree", draft)).status_code == 404  # no decree yet
    from tests.enrolment.conftest import approve

    approve(kadis, draft)
    assert client.get(_url("decree", draft)).status_code == 200
    client.force_login(staff_pasuruan)
    assert client.get(_url("decree", draft)).status_code == 404
    client.force_login(mentor_blora)
    assert client.get(_url("decree", draft)).status_code == 403


def test_a_missing_sk_can_be_made_again(client, staff_blora, auditor_blora, kadis, draft, settings):
    from tests.enrolment.conftest import approve

    settings.BERDAYA_DECREE_INLINE_MAX = 0  # left to the background job, which has not run
    approve(kadis, draft)
    client.force_login(auditor_blora)
    assert "SK sedang dibuat." in client.get(_url("list_detail", draft)).content.decode()
    assert client.post(_url("decree_render", draft)).status_code == 403
    client.force_login(staff_blora)
    assert client.post(_url("decree_render", draft)).status_code == 302
    draft.refresh_from_db()
    assert draft.decree is not None
