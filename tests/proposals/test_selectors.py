"""proposal_list, status_counts, proposal_get, document_get: scoped by PROPOSALS_VIEW over the proposing region."""

import pytest
from django.http import Http404

from berdaya.proposals import selectors, services
from berdaya.proposals.models import ItemStatus
from berdaya.proposals.selectors import ProposalFilters
from tests import factories
from tests.conftest import VILLAGE_B
from tests.proposals.conftest import YEAR, file_proposal, item


@pytest.fixture
def letters(operator_desa_a, operator_desa_b, uep, atensi, household_a, household_a2, household_b):
    in_a = file_proposal(actor=operator_desa_a, programme=uep, items=[item(household_a), item(household_a2)],
                         letter_number="140/01/DS-A")
    in_b = file_proposal(actor=operator_desa_b, programme=uep, region=VILLAGE_B, items=[item(household_b)],
                         letter_number="140/07/DS-B", fiscal_year=YEAR + 1)
    head = household_a.members.get(relationship=1)
    person = file_proposal(actor=operator_desa_a, programme=atensi, items=[item(household_a, person=head)],
                           letter_number="140/02/DS-A")
    return in_a, in_b, person


def _numbers(user, **filters):
    return {p.number for p in selectors.proposal_list(user=user, filters=ProposalFilters(**filters))}


def test_each_user_sees_the_letters_of_their_region(letters, operator_desa_a, operator_desa_b, staff_blora,
                                                    verifier_kecamatan_b, staff_pasuruan, auditor_blora):
    in_a, in_b, person = letters
    assert _numbers(operator_desa_a) == {in_a.number, person.number}
    assert _numbers(operator_desa_b) == {in_b.number}
    assert _numbers(verifier_kecamatan_b) == {in_b.number}
    assert _numbers(staff_blora) == _numbers(auditor_blora) == {in_a.number, in_b.number, person.number}
    assert _numbers(staff_pasuruan) == set()


def test_filters_by_programme_year_and_item_status(letters, staff_blora, uep, atensi):
    in_a, in_b, person = letters
    assert _numbers(staff_blora, programme=atensi.pk) == {person.number}
    assert _numbers(staff_blora, fiscal_year=YEAR + 1) == {in_b.number}
    services.item_reject(actor=staff_blora, item=in_a.items.first(), reason="Pindah")
    assert _numbers(staff_blora, status=ItemStatus.REJECTED) == {in_a.number}
    assert _numbers(staff_blora, status=ItemStatus.SUBMITTED) == {in_a.number, in_b.number, person.number}


def test_text_finds_letter_numbers_kk_nik_and_names(letters, staff_blora, household_a, household_b):
    in_a, in_b, person = letters
    assert _numbers(staff_blora, q="07/ds-b") == {in_b.number}
    assert _numbers(staff_blora, q=in_a.number) == {in_a.number}
    assert _numbers(staff_blora, q=household_b.kk_number) == {in_b.number}
    assert _numbers(staff_blora, q=household_b.kk_number[:8]) == {in_b.number}
    nik = household_a.members.get(relationship=1).nik
    assert _numbers(staff_blora, q=nik) == {in_a.number, person.number}
    household = factories.household(actor=staff_blora, village=VILLAGE_B, head_name="Wiryo Sudarmo")
    assert _numbers(staff_blora, q="wiryo") == set()
    later = file_proposal(actor=staff_blora, programme=in_a.programme, region=VILLAGE_B, items=[item(household)])
    assert _numbers(staff_blora, q="WIRYO sudarmo") == {later.number}


def test_status_counts_count_items_and_ignore_the_status_filter(letters, staff_blora, operator_desa_a):
    in_a, _in_b, _person = letters
    services.item_reject(actor=staff_blora, item=in_a.items.first(), reason="Pindah")
    counts = {value: n for value, _label, n in selectors.status_counts(
        user=staff_blora, filters=ProposalFilters(status=ItemStatus.REJECTED))}
    assert (counts[ItemStatus.SUBMITTED], counts[ItemStatus.REJECTED], counts[ItemStatus.APPROVED]) == (3, 1, 0)
    village = {value: n for value, _label, n in selectors.status_counts(user=operator_desa_a)}
    assert (village[ItemStatus.SUBMITTED], village[ItemStatus.REJECTED]) == (2, 1)


def test_a_letter_outside_the_scope_does_not_exist(letters, operator_desa_b, staff_pasuruan):
    in_a = letters[0]
    for user in (operator_desa_b, staff_pasuruan):
        with pytest.raises(Http404):
            selectors.proposal_get(user=user, pk=in_a.pk)


def test_a_replaced_letter_stays_reachable_for_those_who_see_the_proposal(letters, staff_blora, operator_desa_a,
                                                                         operator_desa_b):
    from tests.proposals.conftest import pdf

    in_a = letters[0]
    old = in_a.letter
    services.proposal_return(actor=staff_blora, proposal=in_a, reason="Kurang cap")
    services.proposal_resubmit(actor=operator_desa_a, proposal=in_a, letter_upload=pdf(
        "baru.pdf", b"%PDF-1.4\n% baru\n%%EOF\n"))
    assert selectors.document_get(user=operator_desa_a, pk=old.pk) == old
    with pytest.raises(Http404):
        selectors.document_get(user=operator_desa_b, pk=old.pk)
