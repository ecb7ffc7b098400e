"""The completeness check and the village's answers: proposal_return, proposal_pass_completeness, item_reject,
proposal_resubmit, proposal_withdraw. Letter-level actions move every item that can move, through item_transition."""

import pytest

from berdaya.core.errors import ApplicationError
from berdaya.core.models import Document
from berdaya.proposals import services
from berdaya.proposals.models import ItemStatus, ProposalStatusChange
from tests.proposals.conftest import EXE_BYTES, file_proposal, item, pdf, stored_files


@pytest.fixture
def letter(operator_desa_a, uep, household_a, household_a2):
    return file_proposal(actor=operator_desa_a, programme=uep, items=[item(household_a), item(household_a2)])


def _statuses(proposal) -> list[str]:
    return list(proposal.items.order_by("pk").values_list("status", flat=True))


def test_dinsos_returns_a_letter_with_a_reason_and_a_document_reference(staff_blora, letter):
    moved = services.proposal_return(actor=staff_blora, proposal=letter, reason="Surat belum ditandatangani",
                                     document_ref="470/55/2026")
    assert len(moved) == 2 and _statuses(letter) == [ItemStatus.RETURNED] * 2
    change = ProposalStatusChange.objects.filter(to_status=ItemStatus.RETURNED).first()
    assert (change.actor, change.reason, change.document_ref) == (staff_blora, "Surat belum ditandatangani",
                                                                  "470/55/2026")


def test_returning_needs_a_reason(staff_blora, letter):
    with pytest.raises(ApplicationError) as err:
        services.proposal_return(actor=staff_blora, proposal=letter, reason="")
    assert err.value.field == "reason" and _statuses(letter) == [ItemStatus.SUBMITTED] * 2


@pytest.mark.parametrize("persona", ["operator_desa_a", "kadis", "auditor_blora", "staff_pasuruan"])
def test_only_dinsos_staff_of_the_regency_return_or_pass(request, letter, persona):
    actor = request.getfixturevalue(persona)
    with pytest.raises(ApplicationError) as err:
        services.proposal_return(actor=actor, proposal=letter, reason="x")
    assert err.value.code == "forbidden"
    with pytest.raises(ApplicationError) as err:
        services.proposal_pass_completeness(actor=actor, proposal=letter)
    assert err.value.code == "forbidden"
    assert _statuses(letter) == [ItemStatus.SUBMITTED] * 2


def test_dinsos_rejects_one_item_then_passes_the_rest(staff_blora, letter):
    first, second = letter.items.order_by("pk")
    services.item_reject(actor=staff_blora, item=first, reason="Sudah pindah ke desa lain")
    moved = services.proposal_pass_completeness(actor=staff_blora, proposal=letter, document_ref="Lembar periksa 3")
    assert [m.pk for m in moved] == [second.pk]
    assert _statuses(letter) == [ItemStatus.REJECTED, ItemStatus.COMPLETE]


def test_a_letter_without_its_scan_cannot_pass(staff_blora, operator_desa_a, uep, household_a):
    proposal = file_proposal(actor=operator_desa_a, programme=uep, items=[item(household_a)], letter=False)
    with pytest.raises(ApplicationError) as err:
        services.proposal_pass_completeness(actor=staff_blora, proposal=proposal)
    assert err.value.code == "no_letter" and _statuses(proposal) == [ItemStatus.SUBMITTED]


def test_a_village_operator_cannot_reject(operator_desa_a, letter):
    with pytest.raises(ApplicationError) as err:
        services.item_reject(actor=operator_desa_a, item=letter.items.first(), reason="x")
    assert err.value.code == "forbidden"


def test_nothing_to_return_once_passed(staff_blora, letter):
    services.proposal_pass_completeness(actor=staff_blora, proposal=letter)
    with pytest.raises(ApplicationError) as err:
        services.proposal_return(actor=staff_blora, proposal=letter, reason="Terlambat")
    assert err.value.code == "transition"


def test_the_village_resubmits_with_a_corrected_letter(staff_blora, operator_desa_a, letter, private_root):
    services.proposal_return(actor=staff_blora, proposal=letter, reason="Tanda tangan kurang")
    old_letter = letter.letter
    services.proposal_resubmit(actor=operator_desa_a, proposal=letter,
                               letter_upload=pdf("surat_perbaikan.pdf", b"%PDF-1.4\n% perbaikan\n%%EOF\n"),
                               note="Sudah ditandatangani kepala desa")
    letter.refresh_from_db()
    assert letter.letter != old_letter and letter.letter.original_name == "surat_perbaikan.pdf"
    assert _statuses(letter) == [ItemStatus.SUBMITTED] * 2
    change = ProposalStatusChange.objects.filter(from_status=ItemStatus.RETURNED).first()
    assert (change.reason, change.document_ref) == ("Sudah ditandatangani kepala desa",
                                                    "surat baru: surat_perbaikan.pdf")
    assert letter.history.first().history_change_reason == "proposals.proposal.letter_replaced"


def test_a_resubmission_with_a_bad_file_changes_nothing(staff_blora, operator_desa_a, letter, private_root):
    services.proposal_return(actor=staff_blora, proposal=letter, reason="Tanda tangan kurang")
    files, documents = stored_files(private_root), Document.objects.count()
    with pytest.raises(ApplicationError) as err:
        services.proposal_resubmit(actor=operator_desa_a, proposal=letter, letter_upload=pdf("virus.pdf", EXE_BYTES))
    assert err.value.field == "letter"
    assert _statuses(letter) == [ItemStatus.RETURNED] * 2
    assert stored_files(private_root) == files and Document.objects.count() == documents


def test_only_returned_items_are_resubmitted(operator_desa_a, letter):
    with pytest.raises(ApplicationError) as err:
        services.proposal_resubmit(actor=operator_desa_a, proposal=letter)
    assert err.value.code == "transition"


def test_another_village_cannot_resubmit_or_withdraw(staff_blora, operator_desa_b, letter):
    services.proposal_return(actor=staff_blora, proposal=letter, reason="Kurang")
    for call in (lambda: services.proposal_resubmit(actor=operator_desa_b, proposal=letter),
                 lambda: services.proposal_withdraw(actor=operator_desa_b, proposal=letter, reason="x")):
        with pytest.raises(ApplicationError) as err:
            call()
        assert err.value.code == "forbidden"
    assert _statuses(letter) == [ItemStatus.RETURNED] * 2


def test_the_village_withdraws_what_dinsos_has_not_passed(staff_blora, operator_desa_a, letter):
    first, _second = letter.items.order_by("pk")
    services.item_reject(actor=staff_blora, item=first, reason="Tidak di desa ini")
    moved = services.proposal_withdraw(actor=operator_desa_a, proposal=letter, reason="Salah program")
    assert len(moved) == 1
    assert _statuses(letter) == [ItemStatus.REJECTED, ItemStatus.WITHDRAWN]
    with pytest.raises(ApplicationError):
        services.proposal_withdraw(actor=operator_desa_a, proposal=letter, reason="Lagi")


def test_withdrawing_needs_a_reason(operator_desa_a, letter):
    with pytest.raises(ApplicationError) as err:
        services.proposal_withdraw(actor=operator_desa_a, proposal=letter, reason=" ")
    assert err.value.field == "reason"
