"""services.list_cancel and enrolment:list_cancel — a draft list given up: kept, cancelled, with who and why; its
ranking goes so that a new list can be built; households taken off it stay recorded; households already waiting
this year keep waiting; an approved list cannot be cancelled; only the staff who manage the list may."""

import pytest
from django.urls import reverse

from berdaya.core.errors import ApplicationError
from berdaya.enrolment import services
from berdaya.enrolment.models import Enrolment, EnrolmentList, EnrolmentStatus
from berdaya.programmes import services as programmes
from tests.conftest import VILLAGE_A
from tests.enrolment.conftest import PER_YEAR, allocate, approve, build, family, rows

S = EnrolmentStatus


@pytest.fixture(autouse=True)
def _no_decree(settings):
    settings.BERDAYA_DECREE_INLINE_MAX = 0


def test_a_cancelled_draft_keeps_who_and_why_and_frees_its_households_for_a_new_list(staff_blora, blt, draft,
                                                                                      families):
    budi = draft.enrolments.get(household=families[1])
    services.enrolment_drop(actor=staff_blora, enrolment=budi, reason="Sudah menerima bantuan Baznas")
    with pytest.raises(ApplicationError) as refused:
        build(staff_blora, blt)
    assert refused.value.code == "exists"  # one draft at a time

    cancelled = services.list_cancel(actor=staff_blora, enrolment_list=draft, reason="Kuota desa belum disepakati")
    cancelled.refresh_from_db()
    assert cancelled.status == EnrolmentList.Status.CANCELLED
    assert (cancelled.cancelled_by, cancelled.cancel_reason) == (staff_blora, "Kuota desa belum disepakati")
    assert cancelled.cancelled_at is not None
    assert list(cancelled.enrolments.values_list("household__head_name", "status", "status_reason")) == [
        ("Budi", S.DROPPED, "Sudah menerima bantuan Baznas")]

    fresh = build(staff_blora, blt)
    assert [r[0] for r in rows(fresh)] == ["Ani", "Budi", "Cici", "Dedi"]
    assert fresh.pk != cancelled.pk


def test_households_already_waiting_keep_waiting_when_an_addition_is_cancelled(staff_blora, kadis, blt, apbn,
                                                                               score_model):
    line = allocate(staff_blora, blt, apbn, PER_YEAR)
    for name, priority in (("Ani", 9), ("Budi", 8)):
        family(staff_blora, score_model, VILLAGE_A, name, priority=priority)
    main = approve(kadis, build(staff_blora, blt))
    programmes.budget_revise(actor=staff_blora, line=line, amount=PER_YEAR + 6 * 300_000, reason="APBD-P")
    addition = build(staff_blora, blt, kind="addition", start_month=7)
    assert [(r[0], r[4]) for r in rows(addition)] == [("Budi", S.WAITLISTED)]

    services.list_cancel(actor=staff_blora, enrolment_list=addition, reason="Menunggu APBD-P disahkan")
    budi = Enrolment.objects.get(household__head_name="Budi")
    assert (budi.status, budi.enrolment_list_id) == (S.WAITLISTED, addition.pk)
    again = build(staff_blora, blt, kind="addition", start_month=8)
    assert [(r[0], r[4]) for r in rows(again)] == [("Budi", S.WAITLISTED)]
    assert main.enrolments.get().status == S.APPROVED


def test_an_approved_list_or_an_empty_reason_is_refused(staff_blora, kadis, draft):
    with pytest.raises(ApplicationError) as empty:
        services.list_cancel(actor=staff_blora, enrolment_list=draft, reason="  ")
    assert empty.value.field == "reason"
    approve(kadis, draft)
    with pytest.raises(ApplicationError) as approved:
        services.list_cancel(actor=staff_blora, enrolment_list=draft, reason="Salah wilayah")
    assert approved.value.code == "state"
    draft.refresh_from_db()
    assert draft.status == EnrolmentList.Status.APPROVED


def test_the_page_offers_the_cancel_to_staff_and_shows_the_record_afterwards(client, staff_blora, kadis, draft):
    url = reverse("enrolment:list_detail", args=[draft.pk])
    cancel = reverse("enrolment:list_cancel", args=[draft.pk])
    client.force_login(kadis)
    assert cancel not in client.get(url).content.decode()  # the head approves; the staff manage the draft
    assert client.post(cancel, {"reason": "Salah"}).status_code == 403

    client.force_login(staff_blora)
    assert cancel in client.get(url).content.decode()
    response = client.post(cancel, {"reason": "Salah memilih pos anggaran"}, follow=True)
    page = response.content.decode()
    assert "Daftar draf dibatalkan" in page
    assert "Salah memilih pos anggaran" in page and "Dibatalkan" in page
    assert cancel not in page and reverse("enrolment:list_approve", args=[draft.pk]) not in page
    assert draft.enrolments.count() == 0


def test_a_post_without_a_reason_changes_nothing(client, staff_blora, draft):
    client.force_login(staff_blora)
    response = client.post(reverse("enrolment:list_cancel", args=[draft.pk]), {"reason": ""}, follow=True)
    assert "Tulis alasan pembatalan." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == EnrolmentList.Status.DRAFT and draft.enrolments.count() == 4


def test_another_regency_does_not_find_the_list(client, staff_pasuruan, draft):
    client.force_login(staff_pasuruan)
    assert client.post(reverse("enrolment:list_cancel", args=[draft.pk]), {"reason": "x"}).status_code == 404
    draft.refresh_from_db()
    assert draft.status == EnrolmentList.Status.DRAFT
