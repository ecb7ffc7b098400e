"""proposals:document — a letter, minutes or BNBA list streamed only to users who may see its proposal or batch."""

from datetime import date

from django.urls import reverse

from berdaya.core.documents import document_store
from berdaya.core.models import Document
from berdaya.proposals import services
from berdaya.regions.models import Region
from tests.conftest import VILLAGE_A
from tests.proposals.conftest import PDF_BYTES, login, pdf, png


def _url(document):
    return reverse("proposals:document", args=[document.pk])


def test_the_village_and_dinsos_download_the_letter(client, operator_desa_a, staff_blora, auditor_blora, proposal):
    for user in (operator_desa_a, staff_blora, auditor_blora):
        response = login(client, user).get(_url(proposal.letter))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF_BYTES
        assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"


def test_another_village_or_regency_gets_404(client, operator_desa_b, staff_pasuruan, proposal):
    for user in (operator_desa_b, staff_pasuruan):
        assert login(client, user).get(_url(proposal.letter)).status_code == 404


def test_users_without_proposal_permission_get_403(client, mentor_a, proposal):
    assert login(client, mentor_a).get(_url(proposal.letter)).status_code == 403


def test_minutes_and_bnba_are_served_through_their_batch(client, operator_desa_a, operator_desa_b):
    batch = services.batch_create(actor=operator_desa_a, region=VILLAGE_A, meeting_kind="musdes",
                                  meeting_date=date(2026, 2, 20), minutes_upload=pdf("ba.pdf"),
                                  bnba_upload=png("bnba.png"))
    for document in (batch.minutes, batch.bnba):
        assert login(client, operator_desa_a).get(_url(document)).status_code == 200
        assert login(client, operator_desa_b).get(_url(document)).status_code == 404


def test_a_document_of_another_app_is_never_served_here(client, staff_blora):
    photo = document_store(upload=png("rumah.png"), kind=Document.Kind.PHOTO,
                           region=Region.objects.get(code=VILLAGE_A), actor=staff_blora)
    assert login(client, staff_blora).get(_url(photo)).status_code == 404


def test_an_unknown_document_is_404(client, staff_blora):
    assert login(client, staff_blora).get(reverse("proposals:document", args=[999999])).status_code == 404
