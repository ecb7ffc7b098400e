"""proposals:detail and the actions on it: letter data, items with status and duplicate notes, the timeline (who,
when, from, to, why, document), Dinsos' completeness check and the village's answers; scoped (404) and
permission-checked (403)."""

import pytest
from django.urls import reverse

from berdaya.core.permissions import ROLE_PERMISSIONS, Perm, Role
from berdaya.proposals import services
from berdaya.proposals.models import ItemStatus, ProposalItem
from tests.proposals.conftest import EXE_BYTES, file_proposal, item, login, pdf


def _url(name, pk):
    return reverse(f"proposals:{name}", args=[pk])


def _status(proposal):
    return list(proposal.items.values_list("status", flat=True))


def test_the_page_shows_the_letter_and_its_items(client, staff_blora, proposal, household_a):
    page = login(client, staff_blora).get(_url("detail", proposal.pk)).content.decode()
    assert proposal.number in page and "140/12/2026" in page and "2 Mar 2026" in page and "Sumarno" in page
    assert _url("document", proposal.letter.pk) in page
    assert household_a.kk_number in page and "Warung kopi" in page and "Diajukan" in page
    assert _url("return", proposal.pk) in page and _url("pass", proposal.pk) in page  # Dinsos' actions
    assert _url("withdraw", proposal.pk) in page  # staff may also act for the village


def test_the_village_sees_the_history_with_who_when_why(client, staff_blora, operator_desa_a, proposal):
    services.proposal_return(actor=staff_blora, proposal=proposal, reason="Cap desa belum ada",
                             document_ref="470/55/2026")
    page = login(client, operator_desa_a).get(_url("detail", proposal.pk)).content.decode()
    assert "Diajukan → Dikembalikan untuk perbaikan" in page
    assert "Cap desa belum ada" in page and "470/55/2026" in page and "staf blora" in page
    assert _url("resubmit", proposal.pk) in page and _url("return", proposal.pk) not in page


def test_identity_numbers_are_masked_for_a_viewer_without_the_identity_permission(client, monkeypatch, auditor_blora,
                                                                                  proposal, household_a):
    monkeypatch.setitem(ROLE_PERMISSIONS, Role.AUDITOR,
                        ROLE_PERMISSIONS[Role.AUDITOR] - {Perm.REGISTRY_VIEW_IDENTITY})
    page = login(client, auditor_blora).get(_url("detail", proposal.pk)).content.decode()
    assert household_a.kk_number not in page and household_a.kk_number[-4:] in page


def test_duplicate_notes_are_shown(client, operator_desa_a, uep, proposal, household_a):
    again = file_proposal(actor=operator_desa_a, programme=uep, items=[item(household_a)])
    page = login(client, operator_desa_a).get(_url("detail", again.pk)).content.decode()
    assert f"Sudah diusulkan dalam {proposal.number}" in page


@pytest.mark.parametrize("persona", ["operator_desa_b", "staff_pasuruan", "verifier_kecamatan_b"])
def test_another_region_gets_404_on_every_page(client, request, persona, proposal):
    client = login(client, request.getfixturevalue(persona))
    line = proposal.items.get()
    assert client.get(_url("detail", proposal.pk)).status_code == 404
    for name in ("return", "pass", "resubmit", "withdraw", "item_add"):
        assert client.post(_url(name, proposal.pk), {"return-reason": "x", "withdraw-reason": "x"}).status_code == 404
    for name in ("item_edit", "item_reject", "item_remove"):
        assert client.post(_url(name, line.pk), {"request": "x"}).status_code == 404
    assert _status(proposal) == [ItemStatus.SUBMITTED]


def test_users_without_proposal_permission_get_403(client, mentor_a, proposal):
    assert login(client, mentor_a).get(_url("detail", proposal.pk)).status_code == 403


# --- Dinsos ---------------------------------------------------------------------------------------------------------

def test_dinsos_returns_the_letter(client, staff_blora, proposal):
    response = login(client, staff_blora).post(_url("return", proposal.pk), {
        "return-reason": "Surat belum bercap", "return-document_ref": "470/1"})
    assert response.status_code == 302 and _status(proposal) == [ItemStatus.RETURNED]


def test_returning_without_a_reason_shows_the_form_error(client, staff_blora, proposal):
    response = login(client, staff_blora).post(_url("return", proposal.pk), {"return-reason": ""})
    assert response.status_code == 400 and _status(proposal) == [ItemStatus.SUBMITTED]


def test_dinsos_passes_the_completeness_check(client, staff_blora, proposal):
    response = login(client, staff_blora).post(_url("pass", proposal.pk), {"pass-document_ref": "LP-3"})
    assert response.status_code == 302 and _status(proposal) == [ItemStatus.COMPLETE]
    assert proposal.items.get().changes.last().document_ref == "LP-3"


def test_passing_a_letter_without_its_scan_shows_why(client, staff_blora, operator_desa_a, uep, household_a):
    proposal = file_proposal(actor=operator_desa_a, programme=uep, items=[item(household_a)], letter=False)
    response = login(client, staff_blora).post(_url("pass", proposal.pk), {})
    assert response.status_code == 400 and "Surat usulan belum dilampirkan" in response.content.decode()


def test_dinsos_rejects_one_item(client, staff_blora, proposal):
    line = proposal.items.get()
    response = login(client, staff_blora).post(_url("item_reject", line.pk), {f"reject{line.pk}-reason": "Pindah"})
    assert response.status_code == 302 and _status(proposal) == [ItemStatus.REJECTED]


@pytest.mark.parametrize("persona", ["operator_desa_a", "kadis", "auditor_blora"])
def test_those_who_are_not_dinsos_staff_get_403_on_the_check(client, request, persona, proposal):
    client = login(client, request.getfixturevalue(persona))
    line = proposal.items.get()
    assert client.post(_url("return", proposal.pk), {"return-reason": "x"}).status_code == 403
    assert client.post(_url("pass", proposal.pk), {}).status_code == 403
    assert client.post(_url("item_reject", line.pk), {f"reject{line.pk}-reason": "x"}).status_code == 403
    assert _status(proposal) == [ItemStatus.SUBMITTED]


# --- the village -----------------------------------------------------------------------------------------------------

def test_the_village_resubmits_with_a_new_letter(client, staff_blora, operator_desa_a, proposal):
    services.proposal_return(actor=staff_blora, proposal=proposal, reason="Cap")
    response = login(client, operator_desa_a).post(_url("resubmit", proposal.pk), {
        "resubmit-letter": pdf("perbaikan.pdf", b"%PDF-1.4\n%perbaikan\n%%EOF\n"), "resubmit-note": "Sudah dicap"})
    assert response.status_code == 302 and _status(proposal) == [ItemStatus.SUBMITTED]
    proposal.refresh_from_db()
    assert proposal.letter.original_name == "perbaikan.pdf"


def test_a_wrong_file_at_resubmission_is_shown_on_the_form(client, staff_blora, operator_desa_a, proposal):
    services.proposal_return(actor=staff_blora, proposal=proposal, reason="Cap")
    response = login(client, operator_desa_a).post(_url("resubmit", proposal.pk), {
        "resubmit-letter": pdf("surat.pdf", EXE_BYTES)})
    assert response.status_code == 400
    assert "Jenis file tidak diterima" in response.content.decode()
    assert _status(proposal) == [ItemStatus.RETURNED]


def test_the_village_withdraws(client, operator_desa_a, proposal):
    response = login(client, operator_desa_a).post(_url("withdraw", proposal.pk), {"withdraw-reason": "Salah"})
    assert response.status_code == 302 and _status(proposal) == [ItemStatus.WITHDRAWN]


def test_the_village_edits_an_item(client, operator_desa_a, proposal):
    line = proposal.items.get()
    client = login(client, operator_desa_a)
    assert "Warung kopi" in client.get(_url("item_edit", line.pk)).content.decode()
    response = client.post(_url("item_edit", line.pk), {"request": "Warung kelontong", "business_type": "kiosk",
                                                        "has_business": "1"})
    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.request, line.business_type, line.has_business) == ("Warung kelontong", "kiosk", True)


def test_an_item_passed_by_dinsos_cannot_be_edited(client, staff_blora, operator_desa_a, proposal):
    services.proposal_pass_completeness(actor=staff_blora, proposal=proposal)
    line = proposal.items.get()
    response = login(client, operator_desa_a).post(_url("item_edit", line.pk), {"request": "Lain"})
    assert response.status_code == 400 and ProposalItem.objects.get(pk=line.pk).request == "Membuka warung kopi"


def test_the_village_adds_a_household_by_kk_and_removes_it(client, operator_desa_a, proposal, household_a2):
    client = login(client, operator_desa_a)
    response = client.post(_url("item_add", proposal.pk), {"add-identity": household_a2.kk_number,
                                                           "add-request": "Ternak ayam"})
    assert response.status_code == 302
    added = proposal.items.get(household=household_a2)
    assert client.post(_url("item_remove", added.pk)).status_code == 302
    added.refresh_from_db()
    assert added.status == ItemStatus.WITHDRAWN


def test_an_unknown_kk_is_shown_on_the_add_form(client, operator_desa_a, proposal, household_b):
    response = login(client, operator_desa_a).post(_url("item_add", proposal.pk), {
        "add-identity": household_b.kk_number, "add-request": "x"})  # another village's KK
    assert response.status_code == 400
    assert "tidak ditemukan" in response.content.decode() and proposal.items.count() == 1


@pytest.mark.parametrize("persona", ["kadis", "auditor_blora", "verifier_kecamatan_a"])
def test_viewers_who_may_not_file_get_403_on_the_village_actions(client, request, persona, proposal, household_a2):
    client = login(client, request.getfixturevalue(persona))
    line = proposal.items.get()
    assert client.post(_url("withdraw", proposal.pk), {"withdraw-reason": "x"}).status_code == 403
    assert client.post(_url("resubmit", proposal.pk), {}).status_code == 403
    assert client.post(_url("item_add", proposal.pk), {"add-identity": household_a2.kk_number,
                                                       "add-request": "x"}).status_code == 403
    assert client.get(_url("item_edit", line.pk)).status_code == 403
    assert client.post(_url("item_remove", line.pk)).status_code == 403
    assert _status(proposal) == [ItemStatus.SUBMITTED]
