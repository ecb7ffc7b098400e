"""item_update, item_add, item_remove: the village corrects its letter while Dinsos has not passed it."""

import pytest

from berdaya.core.errors import ApplicationError
from berdaya.proposals import services
from berdaya.proposals.models import ItemStatus, ProposalItem
from tests import factories
from tests.conftest import VILLAGE_B
from tests.proposals.conftest import file_proposal, item


def test_the_village_changes_the_request_and_kit_of_a_submitted_item(operator_desa_a, proposal):
    line = proposal.items.get()
    changed = services.item_update(actor=operator_desa_a, item=line, request="Membuka warung kelontong",
                                   business_type="kiosk", has_business=True)
    assert changed == ["request", "business_type", "has_business"]
    line.refresh_from_db()
    assert (line.request, line.business_type, line.has_business) == ("Membuka warung kelontong", "kiosk", True)
    assert factories.audit_trail(ProposalItem, id=line.pk)[-1] == ("proposals.item.updated", "operator_desa_a")


def test_an_unchanged_item_is_not_saved_again(operator_desa_a, proposal):
    line = proposal.items.get()
    assert services.item_update(actor=operator_desa_a, item=line, request=line.request,
                                business_type=line.business_type, has_business=line.has_business) == []
    assert len(factories.audit_trail(ProposalItem, id=line.pk)) == 1


def test_an_item_passed_by_dinsos_cannot_be_changed(operator_desa_a, staff_blora, proposal):
    services.proposal_pass_completeness(actor=staff_blora, proposal=proposal)
    with pytest.raises(ApplicationError) as err:
        services.item_update(actor=operator_desa_a, item=proposal.items.get(), request="Lain")
    assert err.value.code == "locked"


def test_a_returned_item_can_be_changed(operator_desa_a, staff_blora, proposal):
    services.proposal_return(actor=staff_blora, proposal=proposal, reason="Jenis usaha belum jelas")
    services.item_update(actor=operator_desa_a, item=proposal.items.get(), request="Warung kopi di pasar",
                         business_type="warung_kopi")
    assert proposal.items.get().request == "Warung kopi di pasar"


def test_another_village_cannot_change_an_item(operator_desa_b, proposal):
    with pytest.raises(ApplicationError) as err:
        services.item_update(actor=operator_desa_b, item=proposal.items.get(), request="Lain")
    assert err.value.code == "forbidden"


def test_a_kit_of_another_programme_is_refused_on_edit(operator_desa_a, proposal):
    with pytest.raises(ApplicationError):
        services.item_update(actor=operator_desa_a, item=proposal.items.get(), request="x", business_type="bengkel")


def test_the_village_adds_a_household_with_its_duplicate_note(operator_desa_a, uep, proposal, household_a2):
    earlier = file_proposal(actor=operator_desa_a, programme=uep, items=[item(household_a2)])
    added = services.item_add(actor=operator_desa_a, proposal=proposal, household=household_a2,
                              request="Ternak ayam")
    assert (added.status, added.proposal) == (ItemStatus.SUBMITTED, proposal)
    assert earlier.number in added.duplicate_note
    assert added.changes.get().to_status == ItemStatus.SUBMITTED
    assert factories.audit_trail(ProposalItem, id=added.pk) == [("proposals.item.added", "operator_desa_a")]


def test_a_household_already_in_the_letter_cannot_be_added_again(operator_desa_a, proposal, household_a):
    with pytest.raises(ApplicationError) as err:
        services.item_add(actor=operator_desa_a, proposal=proposal, household=household_a, request="Lagi")
    assert err.value.code == "duplicate"


def test_a_household_of_another_village_cannot_be_added(operator_desa_a, proposal, staff_blora):
    elsewhere = factories.household(actor=staff_blora, village=VILLAGE_B)
    with pytest.raises(ApplicationError) as err:
        services.item_add(actor=operator_desa_a, proposal=proposal, household=elsewhere, request="x")
    assert err.value.field == "items"


def test_nothing_is_added_once_dinsos_has_passed_the_letter(operator_desa_a, staff_blora, proposal, household_a2):
    services.proposal_pass_completeness(actor=staff_blora, proposal=proposal)
    with pytest.raises(ApplicationError) as err:
        services.item_add(actor=operator_desa_a, proposal=proposal, household=household_a2, request="x")
    assert err.value.code == "locked"


def test_removing_an_item_withdraws_it_and_keeps_its_history(operator_desa_a, uep, household_a, household_a2):
    proposal = file_proposal(actor=operator_desa_a, programme=uep, items=[item(household_a), item(household_a2)])
    line = proposal.items.get(household=household_a)
    services.item_remove(actor=operator_desa_a, item=line)
    line.refresh_from_db()
    assert line.status == ItemStatus.WITHDRAWN
    assert [c.to_status for c in line.changes.order_by("at", "pk")] == [ItemStatus.SUBMITTED, ItemStatus.WITHDRAWN]
    assert line.changes.last().reason == "Dihapus dari usulan oleh pengusul."
    # the household may be added back while the letter is still open
    back = services.item_add(actor=operator_desa_a, proposal=proposal, household=household_a, request="Lagi")
    assert back.status == ItemStatus.SUBMITTED


def test_a_letter_whose_every_item_was_withdrawn_takes_no_new_item(operator_desa_a, proposal, household_a2):
    services.proposal_withdraw(actor=operator_desa_a, proposal=proposal, reason="Salah program")
    with pytest.raises(ApplicationError) as err:
        services.item_add(actor=operator_desa_a, proposal=proposal, household=household_a2, request="x")
    assert err.value.code == "locked"


def test_an_item_passed_by_dinsos_cannot_be_removed(operator_desa_a, staff_blora, proposal):
    services.proposal_pass_completeness(actor=staff_blora, proposal=proposal)
    with pytest.raises(ApplicationError) as err:
        services.item_remove(actor=operator_desa_a, item=proposal.items.get())
    assert err.value.code == "locked"
