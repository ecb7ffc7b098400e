"""item_transition: the only writer of ProposalItem.status. Every (from, to) pair of ItemStatus is tried: the pairs
TRANSITIONS lists move and leave a status change with who, when, why; every other pair is refused and changes
nothing. Then who may make each move, persona by persona, over the proposing region."""

import itertools

import pytest

from berdaya.core.errors import ApplicationError
from berdaya.proposals import services
from berdaya.proposals.models import TRANSITIONS, ItemStatus, ProposalItem, ProposalStatusChange
from tests import factories

# A persona holding one of the permissions each target status needs, over village A.
MOVER = {
    ItemStatus.SUBMITTED: "operator_desa_a",
    ItemStatus.WITHDRAWN: "operator_desa_a",
    ItemStatus.RETURNED: "staff_blora",
    ItemStatus.COMPLETE: "staff_blora",
    ItemStatus.SCHEDULED: "staff_blora",
    ItemStatus.VERIFIED: "verifier_kecamatan_a",
    ItemStatus.REJECTED: "staff_blora",
    ItemStatus.APPROVED: "kadis",
    ItemStatus.WAITLISTED: "kadis",
}
PAIRS = list(itertools.product(ItemStatus.values, ItemStatus.values))


def _put(item: ProposalItem, status: str) -> ProposalItem:
    """Place the item in `status` for the test (the service is what is under test, not how it got there)."""
    ProposalItem.objects.filter(pk=item.pk).update(status=status)
    item.refresh_from_db()
    return item


def test_the_table_of_moves_covers_every_status():
    assert set(TRANSITIONS) == set(ItemStatus.values) == set(MOVER)


@pytest.mark.parametrize(("from_status", "to_status"), PAIRS)
def test_each_move_is_made_exactly_when_the_table_allows_it(request, proposal, from_status, to_status):
    item = _put(proposal.items.get(), from_status)
    actor = request.getfixturevalue(MOVER[to_status])
    before = ProposalStatusChange.objects.filter(item=item).count()
    if to_status in TRANSITIONS[from_status]:
        moved = services.item_transition(item=item, to_status=to_status, actor=actor, reason="Alasan uji",
                                         document_ref="BA-01")
        assert moved.status == to_status
        assert ProposalItem.objects.get(pk=item.pk).status == to_status
        change = ProposalStatusChange.objects.filter(item=item).latest("at", "pk")
        assert (change.from_status, change.to_status, change.actor, change.reason, change.document_ref) == (
            from_status, to_status, actor, "Alasan uji", "BA-01")
        assert factories.audit_trail(ProposalItem, id=item.pk)[-1] == (f"proposals.item.{to_status}", actor.username)
    else:
        with pytest.raises(ApplicationError) as err:
            services.item_transition(item=item, to_status=to_status, actor=actor, reason="Alasan uji")
        assert err.value.code == "transition"
        assert ProposalItem.objects.get(pk=item.pk).status == from_status
        assert ProposalStatusChange.objects.filter(item=item).count() == before


# One allowed starting point per target status, and who may make the move over village A (True) or not (False).
START = {
    ItemStatus.SUBMITTED: ItemStatus.RETURNED,
    ItemStatus.WITHDRAWN: ItemStatus.SUBMITTED,
    ItemStatus.RETURNED: ItemStatus.SUBMITTED,
    ItemStatus.COMPLETE: ItemStatus.SUBMITTED,
    ItemStatus.SCHEDULED: ItemStatus.COMPLETE,
    ItemStatus.VERIFIED: ItemStatus.SCHEDULED,
    ItemStatus.REJECTED: ItemStatus.SUBMITTED,
    ItemStatus.APPROVED: ItemStatus.VERIFIED,
    ItemStatus.WAITLISTED: ItemStatus.VERIFIED,
}
PERSONAS = ["operator_desa_a", "operator_desa_b", "camat_a", "staff_blora", "kadis", "verifier_kecamatan_a",
            "verifier_kecamatan_b", "auditor_blora", "staff_pasuruan"]
MAY = {
    # the village (and its camat) files, resubmits and withdraws; Dinsos staff may act for it
    ItemStatus.SUBMITTED: {"operator_desa_a", "camat_a", "staff_blora"},
    ItemStatus.WITHDRAWN: {"operator_desa_a", "camat_a", "staff_blora"},
    # the completeness check is Dinsos' alone
    ItemStatus.RETURNED: {"staff_blora"},
    ItemStatus.COMPLETE: {"staff_blora"},
    ItemStatus.SCHEDULED: {"staff_blora"},
    # the verifier of the district (or whoever confirms verval) records the field check
    ItemStatus.VERIFIED: {"staff_blora", "kadis", "verifier_kecamatan_a"},
    ItemStatus.REJECTED: {"staff_blora", "kadis"},
    # the head of office approves; the staff may put on the waiting list
    ItemStatus.APPROVED: {"kadis"},
    ItemStatus.WAITLISTED: {"staff_blora", "kadis"},
}
CASES = [(to, persona) for to in ItemStatus.values for persona in PERSONAS]


@pytest.mark.parametrize(("to_status", "persona"), CASES)
def test_who_may_make_each_move_over_the_proposing_village(request, proposal, to_status, persona):
    item = _put(proposal.items.get(), START[to_status])
    actor = request.getfixturevalue(persona)
    if persona in MAY[to_status]:
        assert services.item_transition(item=item, to_status=to_status, actor=actor, reason="ok").status == to_status
    else:
        with pytest.raises(ApplicationError) as err:
            services.item_transition(item=item, to_status=to_status, actor=actor, reason="ok")
        assert err.value.code == "forbidden"
        assert ProposalItem.objects.get(pk=item.pk).status == START[to_status]


@pytest.mark.parametrize("to_status", [ItemStatus.RETURNED, ItemStatus.REJECTED, ItemStatus.WITHDRAWN])
def test_returning_rejecting_and_withdrawing_need_a_reason(request, proposal, to_status):
    item = proposal.items.get()
    with pytest.raises(ApplicationError) as err:
        services.item_transition(item=item, to_status=to_status, actor=request.getfixturevalue(MOVER[to_status]),
                                 reason="   ")
    assert err.value.field == "reason"
    assert ProposalItem.objects.get(pk=item.pk).status == ItemStatus.SUBMITTED


def test_an_unknown_status_is_refused(staff_blora, proposal):
    with pytest.raises(ApplicationError) as err:
        services.item_transition(item=proposal.items.get(), to_status="paid", actor=staff_blora)
    assert err.value.field == "status"
