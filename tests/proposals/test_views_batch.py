"""proposals:batch_list, batch_create, batch_detail — village meetings with minutes and BNBA; scoped."""

from datetime import date

from django.urls import reverse

from berdaya.core.models import Document
from berdaya.proposals import services
from berdaya.proposals.models import ProposalBatch
from tests.conftest import VILLAGE_A
from tests.proposals.conftest import EXE_BYTES, file_proposal, item, login, pdf, png, stored_files


def _batch(actor):
    return services.batch_create(actor=actor, region=VILLAGE_A, meeting_kind="musdes", meeting_date=date(2026, 2, 20),
                                 minutes_number="BA/04/2026", minutes_upload=pdf("ba.pdf"))


def test_a_village_operator_records_a_meeting(client, operator_desa_a, private_root):
    response = login(client, operator_desa_a).post(reverse("proposals:batch_create"), {
        "region": VILLAGE_A, "meeting_kind": "musdes", "meeting_date": "2026-02-20", "minutes_number": "BA/04/2026",
        "minutes": pdf("berita_acara.pdf"), "bnba": png("bnba.png"), "note": "RT/RW hadir"})
    batch = ProposalBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("proposals:batch_detail", args=[batch.pk])
    assert batch.minutes.original_name == "berita_acara.pdf" and batch.bnba.original_name == "bnba.png"


def test_a_wrong_minutes_file_is_refused_on_the_form(client, operator_desa_a, private_root):
    response = login(client, operator_desa_a).post(reverse("proposals:batch_create"), {
        "region": VILLAGE_A, "meeting_kind": "musdes", "meeting_date": "2026-02-20",
        "minutes": pdf("ba.pdf", EXE_BYTES)})
    assert response.status_code == 400 and "Jenis file tidak diterima" in response.content.decode()
    assert not ProposalBatch.objects.exists() and not Document.objects.exists() and stored_files(private_root) == []


def test_the_detail_shows_the_documents_and_the_letters(client, operator_desa_a, uep, household_a):
    batch = _batch(operator_desa_a)
    proposal = file_proposal(actor=operator_desa_a, programme=uep, items=[item(household_a)], batch=batch)
    page = login(client, operator_desa_a).get(reverse("proposals:batch_detail", args=[batch.pk])).content.decode()
    assert "BA/04/2026" in page and reverse("proposals:document", args=[batch.minutes.pk]) in page
    assert proposal.number in page
    listing = client.get(reverse("proposals:batch_list")).content.decode()
    assert reverse("proposals:batch_detail", args=[batch.pk]) in listing


def test_another_region_gets_404_and_an_empty_list(client, operator_desa_a, operator_desa_b, staff_pasuruan):
    batch = _batch(operator_desa_a)
    for user in (operator_desa_b, staff_pasuruan):
        client = login(client, user)
        assert client.get(reverse("proposals:batch_detail", args=[batch.pk])).status_code == 404
        assert reverse("proposals:batch_detail", args=[batch.pk]) not in client.get(
            reverse("proposals:batch_list")).content.decode()


def test_users_without_the_permissions_get_403(client, mentor_a, kadis, operator_desa_a):
    batch = _batch(operator_desa_a)
    assert login(client, mentor_a).get(reverse("proposals:batch_detail", args=[batch.pk])).status_code == 403
    assert login(client, mentor_a).get(reverse("proposals:batch_list")).status_code == 403
    assert login(client, kadis).get(reverse("proposals:batch_create")).status_code == 403  # views, does not file
    assert login(client, kadis).get(reverse("proposals:batch_detail", args=[batch.pk])).status_code == 200


def test_another_village_cannot_be_chosen(client, operator_desa_a):
    from tests.conftest import VILLAGE_B

    response = login(client, operator_desa_a).post(reverse("proposals:batch_create"), {
        "region": VILLAGE_B, "meeting_kind": "musdes", "meeting_date": "2026-02-20", "minutes": pdf()})
    assert response.status_code == 400 and not ProposalBatch.objects.exists()
