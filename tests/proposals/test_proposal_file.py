"""proposal_file: the village (or camat) files a letter for households or persons of its region; each item starts
"submitted" with its first status change; what is already enrolled or already proposed is pointed out, not refused."""

import re
from datetime import date, timedelta

import pytest

from berdaya.core.errors import ApplicationError
from berdaya.core.models import Document
from berdaya.enrolment.models import Enrolment, EnrolmentList, EnrolmentStatus
from berdaya.programmes import services as programme_services
from berdaya.programmes.models import FiscalYear
from berdaya.proposals import services
from berdaya.proposals.models import ItemStatus, Proposal, ProposalItem, ProposalStatusChange
from berdaya.registry import services as registry_services
from berdaya.registry.models import Household
from tests import factories
from tests.conftest import BLORA, DISTRICT_A, VILLAGE_A, VILLAGE_A2, VILLAGE_B
from tests.proposals.conftest import YEAR, file_proposal, item, stored_files


def _nothing_filed():
    assert not Proposal.objects.exists() and not ProposalItem.objects.exists()
    assert not Document.objects.exists()


def test_a_village_operator_files_a_letter_numbered_from_its_key(operator_desa_a, uep, household_a, household_a2,
                                                                 private_root):
    proposal = file_proposal(actor=operator_desa_a, programme=uep, items=[
        item(household_a, business_type="warung_kopi", has_business=False),
        item(household_a2, request="Mesin jahit", has_business=True)])
    assert re.fullmatch(r"USL-2026-\d{6}", proposal.number)
    assert proposal.number == f"USL-{YEAR}-{proposal.pk:06d}"
    assert (proposal.region_id, proposal.created_by, proposal.letter.kind) == (VILLAGE_A, operator_desa_a, "letter")
    assert (private_root / proposal.letter.path).is_file()
    items = list(proposal.items.order_by("pk"))
    assert [(i.household, i.request, i.business_type, i.has_business, i.status, i.duplicate_note) for i in items] == [
        (household_a, "Membuka warung kopi", "warung_kopi", False, ItemStatus.SUBMITTED, ""),
        (household_a2, "Mesin jahit", "", True, ItemStatus.SUBMITTED, "")]
    first = ProposalStatusChange.objects.get(item=items[0])
    assert (first.from_status, first.to_status, first.actor, first.document_ref) == (
        "", ItemStatus.SUBMITTED, operator_desa_a, "140/12/2026")


def test_the_filing_is_audited_with_the_final_number(operator_desa_a, uep, household_a):
    proposal = file_proposal(actor=operator_desa_a, programme=uep, items=[item(household_a)])
    record = proposal.history.get()
    assert (record.history_type, record.number, record.history_change_reason, record.history_user) == (
        "+", proposal.number, "proposals.proposal.filed", operator_desa_a)
    assert factories.audit_trail(ProposalItem, proposal=proposal) == [("proposals.item.filed", "operator_desa_a")]


def test_two_letters_get_two_numbers(operator_desa_a, uep, household_a, household_a2):
    first = file_proposal(actor=operator_desa_a, programme=uep, items=[item(household_a)])
    second = file_proposal(actor=operator_desa_a, programme=uep, items=[item(household_a2)])
    assert first.number != second.number


def test_a_letter_may_be_filed_without_the_scan_yet(operator_desa_a, uep, household_a):
    proposal = file_proposal(actor=operator_desa_a, programme=uep, items=[item(household_a)], letter=False)
    assert proposal.letter is None


def test_a_camat_files_for_households_of_several_villages_of_the_district(camat_a, uep, staff_blora):
    in_a = factories.household(actor=staff_blora, village=VILLAGE_A)
    in_a2 = factories.household(actor=staff_blora, village=VILLAGE_A2)
    proposal = file_proposal(actor=camat_a, programme=uep, region=DISTRICT_A, proposer_kind="camat",
                             items=[item(in_a), item(in_a2)])
    assert proposal.items.count() == 2


def test_it_refuses_a_household_outside_the_proposing_region(camat_a, uep, household_a, staff_blora):
    in_a2 = factories.household(actor=staff_blora, village=VILLAGE_A2)
    with pytest.raises(ApplicationError) as err:
        file_proposal(actor=camat_a, programme=uep, region=VILLAGE_A, items=[item(household_a), item(in_a2)])
    assert (err.value.field, err.value.extra["row"]) == ("items", 1)
    assert "tidak tinggal di wilayah pengusul" in err.value.message
    _nothing_filed()


def test_it_refuses_a_village_outside_the_operators_own(operator_desa_a, uep, household_b):
    with pytest.raises(ApplicationError) as err:
        file_proposal(actor=operator_desa_a, programme=uep, region=VILLAGE_B, items=[item(household_b)])
    assert err.value.code == "forbidden"
    _nothing_filed()


def test_dinsos_of_another_regency_cannot_file_here(staff_pasuruan, uep, household_a):
    with pytest.raises(ApplicationError) as err:
        file_proposal(actor=staff_pasuruan, programme=uep, items=[item(household_a)])
    assert err.value.code == "forbidden"


def test_the_proposing_region_must_be_a_village_or_a_district(staff_blora, uep, household_a):
    with pytest.raises(ApplicationError) as err:
        file_proposal(actor=staff_blora, programme=uep, region=BLORA, items=[item(household_a)])
    assert err.value.field == "region"


@pytest.mark.parametrize("status", ["draft", "inactive"])
def test_it_refuses_a_household_that_is_not_active(operator_desa_a, uep, household_a, status):
    Household.objects.filter(pk=household_a.pk).update(status=status)
    with pytest.raises(ApplicationError) as err:
        file_proposal(actor=operator_desa_a, programme=uep, items=[item(household_a)])
    assert err.value.field == "items" and "tidak aktif" in err.value.message
    _nothing_filed()


def test_it_refuses_the_same_household_twice_in_one_letter(operator_desa_a, uep, household_a, private_root):
    with pytest.raises(ApplicationError) as err:
        file_proposal(actor=operator_desa_a, programme=uep,
                      items=[item(household_a), item(household_a, request="Mesin jahit")])
    assert (err.value.field, err.value.extra["row"]) == ("items", 1)
    assert "dua kali" in err.value.message
    _nothing_filed()
    assert stored_files(private_root) == []


def test_it_refuses_an_empty_letter(operator_desa_a, uep):
    with pytest.raises(ApplicationError) as err:
        file_proposal(actor=operator_desa_a, programme=uep, items=[])
    assert err.value.field == "items"


def test_it_refuses_an_item_without_a_request(operator_desa_a, uep, household_a):
    with pytest.raises(ApplicationError) as err:
        file_proposal(actor=operator_desa_a, programme=uep, items=[item(household_a, request="  ")])
    assert err.value.field == "items"


def test_a_business_type_must_be_one_of_the_programmes_kits(operator_desa_a, uep, household_a):
    with pytest.raises(ApplicationError) as err:
        file_proposal(actor=operator_desa_a, programme=uep, items=[item(household_a, business_type="bengkel")])
    assert "bengkel" in err.value.message and "UEP" in err.value.message


def test_a_programme_of_another_regency_cannot_be_proposed_for(staff_blora, household_a, db):
    from tests.conftest import PASURUAN

    admin = factories.user_with_role(username="admin_x", role="admin", region=None)
    other = programme_services.programme_create(actor=admin, data={
        "office": PASURUAN, "code": "BLT-DD", "name": "BLT Dana Desa", "kind": "cash", "target_unit": "household",
        "frequency": "monthly", "duration_months": 12, "benefit_type": "amount", "benefit_amount": 300_000})
    with pytest.raises(ApplicationError) as err:
        file_proposal(actor=staff_blora, programme=other, items=[item(household_a)])
    assert err.value.field == "programme"


def test_an_inactive_programme_cannot_be_proposed_for(operator_desa_a, staff_blora, uep, household_a):
    programme_services.programme_update(actor=staff_blora, programme=uep, data={"is_active": False})
    with pytest.raises(ApplicationError) as err:
        file_proposal(actor=operator_desa_a, programme=uep, items=[item(household_a)])
    assert err.value.field == "programme"


def test_a_letter_dated_in_the_future_is_refused(operator_desa_a, uep, household_a):
    with pytest.raises(ApplicationError) as err:
        file_proposal(actor=operator_desa_a, programme=uep, items=[item(household_a)],
                      letter_date=date.today() + timedelta(days=1))
    assert err.value.field == "letter_date"


# --- person-targeted programmes ----------------------------------------------------------------------------------

def test_a_person_programme_needs_a_living_member_of_the_household(operator_desa_a, staff_blora, atensi,
                                                                   household_a, household_a2):
    with pytest.raises(ApplicationError) as err:
        file_proposal(actor=operator_desa_a, programme=atensi, items=[item(household_a)])
    assert "perorangan" in err.value.message
    stranger = household_a2.members.get()
    with pytest.raises(ApplicationError) as err:
        file_proposal(actor=operator_desa_a, programme=atensi, items=[item(household_a, person=stranger)])
    assert "bukan anggota" in err.value.message
    member = registry_services.person_add(actor=staff_blora, household=household_a, data=factories.person_data(
        village=VILLAGE_A, name="Sri Wahyuni", sex="P", relationship=3))
    registry_services.person_mark_deceased(actor=staff_blora, person=member, on=date(2026, 1, 5))
    with pytest.raises(ApplicationError) as err:
        file_proposal(actor=operator_desa_a, programme=atensi, items=[item(household_a, person=member)])
    assert "tidak lagi tercatat hidup" in err.value.message
    head = household_a.members.get(relationship=1)
    proposal = file_proposal(actor=operator_desa_a, programme=atensi, items=[item(household_a, person=head)])
    assert proposal.items.get().person == head


# --- duplicates are pointed out ------------------------------------------------------------------------------------

def _enrol(programme, household, *, year, status, person=None):
    fiscal_year, _created = FiscalYear.objects.get_or_create(
        year=year, defaults={"start_date": date(year, 1, 1), "end_date": date(year, 12, 31)})
    decision = EnrolmentList.objects.create(programme=programme, fiscal_year=fiscal_year, region_id=BLORA)
    return Enrolment.objects.create(enrolment_list=decision, programme=programme, fiscal_year=fiscal_year,
                                    household=household, person=person, village_code=household.village_id,
                                    status=status)


@pytest.mark.parametrize(("year", "status", "pointed_out"), [
    (YEAR, EnrolmentStatus.ACTIVE, True),
    (YEAR - 1, EnrolmentStatus.APPROVED, True),
    (YEAR, EnrolmentStatus.WAITLISTED, True),
    (YEAR - 1, EnrolmentStatus.SUSPENDED, True),
    (YEAR - 2, EnrolmentStatus.ACTIVE, False),
    (YEAR, EnrolmentStatus.EXITED, False),
    (YEAR, EnrolmentStatus.DRAFT, False),
])
def test_a_household_already_enrolled_is_pointed_out_but_filed(operator_desa_a, uep, household_a, year, status,
                                                              pointed_out):
    _enrol(uep, household_a, year=year, status=status)
    proposal = file_proposal(actor=operator_desa_a, programme=uep, items=[item(household_a)])
    note = proposal.items.get().duplicate_note
    assert ("Sudah menjadi penerima program ini" in note) is pointed_out
    if pointed_out:
        assert str(year) in note


def test_enrolment_in_another_programme_is_not_pointed_out(operator_desa_a, uep, atensi, household_a):
    _enrol(atensi, household_a, year=YEAR, status=EnrolmentStatus.ACTIVE)
    assert file_proposal(actor=operator_desa_a, programme=uep, items=[item(household_a)]).items.get(
    ).duplicate_note == ""


def test_a_household_proposed_twice_is_pointed_out_with_the_other_letter(operator_desa_a, uep, household_a,
                                                                        household_a2):
    first = file_proposal(actor=operator_desa_a, programme=uep, items=[item(household_a)])
    second = file_proposal(actor=operator_desa_a, programme=uep, items=[item(household_a2), item(household_a)])
    notes = dict(second.items.values_list("household_id", "duplicate_note"))
    assert notes[household_a2.pk] == ""
    assert notes[household_a.pk] == f"Sudah diusulkan dalam {first.number} (Diajukan)."
    assert second.items.count() == 2 and first.items.get().duplicate_note == ""


@pytest.mark.parametrize(("status", "pointed_out"), [
    (ItemStatus.RETURNED, True), (ItemStatus.VERIFIED, True), (ItemStatus.WAITLISTED, True),
    (ItemStatus.REJECTED, False), (ItemStatus.WITHDRAWN, False), (ItemStatus.APPROVED, False)])
def test_only_an_open_earlier_proposal_is_pointed_out(operator_desa_a, uep, household_a, status, pointed_out):
    first = file_proposal(actor=operator_desa_a, programme=uep, items=[item(household_a)])
    first.items.update(status=status)
    second = file_proposal(actor=operator_desa_a, programme=uep, items=[item(household_a)])
    assert (first.number in second.items.get().duplicate_note) is pointed_out


def test_a_proposal_for_another_year_is_not_pointed_out(operator_desa_a, uep, household_a):
    file_proposal(actor=operator_desa_a, programme=uep, items=[item(household_a)], fiscal_year=YEAR + 1)
    assert file_proposal(actor=operator_desa_a, programme=uep, items=[item(household_a)]).items.get(
    ).duplicate_note == ""


def test_for_persons_the_same_person_is_pointed_out_not_the_household(operator_desa_a, staff_blora, atensi,
                                                                      household_a):
    head = household_a.members.get(relationship=1)
    wife = registry_services.person_add(actor=staff_blora, household=household_a, data=factories.person_data(
        village=VILLAGE_A, name="Sri Wahyuni", sex="P", relationship=3))
    first = file_proposal(actor=operator_desa_a, programme=atensi, items=[item(household_a, person=head)])
    _enrol(atensi, household_a, year=YEAR, status=EnrolmentStatus.ACTIVE, person=head)
    for_wife = file_proposal(actor=operator_desa_a, programme=atensi, items=[item(household_a, person=wife)])
    assert for_wife.items.get().duplicate_note == ""
    again = file_proposal(actor=operator_desa_a, programme=atensi, items=[item(household_a, person=head)])
    note = again.items.get().duplicate_note
    assert first.number in note and "Sudah menjadi penerima program ini tahun 2026" in note


# --- batch ---------------------------------------------------------------------------------------------------------

def test_a_letter_may_carry_its_village_meeting_but_not_anothers(operator_desa_a, operator_desa_b, uep,
                                                                household_a):
    from tests.proposals.conftest import pdf

    own = services.batch_create(actor=operator_desa_a, region=VILLAGE_A, meeting_kind="musdes",
                                meeting_date=date(2026, 2, 20), minutes_upload=pdf("ba.pdf"))
    proposal = file_proposal(actor=operator_desa_a, programme=uep, items=[item(household_a)], batch=own)
    assert proposal.batch == own
    other = services.batch_create(actor=operator_desa_b, region=VILLAGE_B, meeting_kind="musdes",
                                  meeting_date=date(2026, 2, 21), minutes_upload=pdf("ba_b.pdf"))
    with pytest.raises(ApplicationError) as err:
        file_proposal(actor=operator_desa_a, programme=uep, items=[item(household_a)], batch=other)
    assert err.value.field == "batch"
