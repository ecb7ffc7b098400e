"""list_build: the eligible households ranked by priority, approved-to-be until the budget is used, the rest waiting;
verval, households already holding a place, proposal items, quotas, amounts for kits and components."""

from datetime import date

import pytest

from berdaya.core.errors import ApplicationError
from berdaya.enrolment.models import Enrolment, EnrolmentList, EnrolmentStatus, WaitReason
from berdaya.programmes import services as programmes
from berdaya.programmes.models import BenefitType, Frequency
from berdaya.registry import services as registry
from tests import factories
from tests.conftest import DISTRICT_A, DISTRICT_B, VILLAGE_A, VILLAGE_A2, VILLAGE_B
from tests.enrolment.conftest import PER_YEAR, YEAR, allocate, build, family, programme_data, rows, verval_eligible

B, Q = WaitReason.BUDGET, WaitReason.QUOTA
D = EnrolmentStatus.DRAFT


@pytest.fixture
def five(staff_blora, score_model):
    """Five families; by priority: Ani 9, Cici 7 (poorer), Budi 7, Dedi 5, Eko unscored."""
    return {
        "Ani": family(staff_blora, score_model, VILLAGE_A, "Ani", priority=9),
        "Budi": family(staff_blora, score_model, VILLAGE_B, "Budi", priority=7, welfare=50),
        "Cici": family(staff_blora, score_model, VILLAGE_A2, "Cici", priority=7, welfare=10),
        "Dedi": family(staff_blora, score_model, VILLAGE_A, "Dedi", priority=5),
        "Eko": factories.household(actor=staff_blora, village=VILLAGE_B, head_name="Eko"),
    }


def test_it_ranks_by_priority_and_fills_the_budget_in_rank_order(staff_blora, blt, line, five):
    lst = build(staff_blora, blt)
    assert rows(lst) == [("Ani", 1, True, "", D, PER_YEAR), ("Cici", 2, True, "", D, PER_YEAR),
                         ("Budi", 3, True, "", D, PER_YEAR), ("Dedi", 4, False, B, D, PER_YEAR),
                         ("Eko", 5, False, B, D, PER_YEAR)]
    assert (lst.status, lst.kind, lst.total_amount) == (EnrolmentList.Status.DRAFT, "main", 3 * PER_YEAR)
    assert lst.eligibility_rule.expression == "member_count >= 1" and lst.score_model is not None
    first = lst.enrolments.get(rank=1)
    assert (first.village_code, first.priority_score, first.welfare_score) == (VILLAGE_A, 9.0, 50.0)


def test_a_household_the_budget_cannot_pay_stops_the_allocation_for_everyone_below(staff_blora, blt, apbn, five):
    allocate(staff_blora, blt, apbn, 2 * PER_YEAR + PER_YEAR // 2)  # two and a half families
    lst = build(staff_blora, blt)
    assert [(name, fits) for name, _r, fits, *_ in rows(lst)] == [
        ("Ani", True), ("Cici", True), ("Budi", False), ("Dedi", False), ("Eko", False)]
    assert lst.total_amount == 2 * PER_YEAR


def test_households_meeting_the_priority_rule_come_first(staff_blora, blt, line, five, score_model):
    poor = family(staff_blora, score_model, VILLAGE_B, "Fitri", priority=1, monthly_income=400_000)
    programmes.programme_update(actor=staff_blora, programme=blt, data={"priority_rule": "monthly_income < 500000"})
    lst = build(staff_blora, blt)
    assert [r[0] for r in rows(lst)][:3] == ["Fitri", "Ani", "Cici"]
    assert lst.enrolments.get(household=poor).fits is True


def test_only_households_that_passed_verval_for_the_programme_or_any_programme_are_taken(
        staff_blora, verifier_kecamatan_b, blt, line, five):
    verval_eligible(verifier_kecamatan_b, [five["Budi"]], programme=blt)
    verval_eligible(verifier_kecamatan_b, [five["Dedi"]], programme=None)
    verval_eligible(verifier_kecamatan_b, [five["Ani"]], programme=blt, year=YEAR - 1)  # another year
    verval_eligible(verifier_kecamatan_b, [five["Cici"]], programme=blt, outcome="not_eligible")
    lst = build(staff_blora, blt, require_verval=True)
    assert [r[0] for r in rows(lst)] == ["Budi", "Dedi"]
    assert lst.require_verval is True


def test_households_holding_a_place_this_year_are_left_out(staff_blora, kadis, blt, apbn, five):
    allocate(staff_blora, blt, apbn, 10 * PER_YEAR)
    first = build(staff_blora, blt, region=DISTRICT_A)
    assert sorted(r[0] for r in rows(first)) == ["Ani", "Cici", "Dedi"]
    with pytest.raises(ApplicationError) as refused:
        build(staff_blora, blt, region=DISTRICT_A)
    assert refused.value.code == "exists"
    second = build(staff_blora, blt)  # the whole regency: district A's households are in the other draft
    assert sorted(r[0] for r in rows(second)) == ["Budi", "Eko"]


def test_an_inactive_household_is_not_a_candidate(staff_blora, blt, line, five):
    from berdaya.registry.models import Household

    Household.objects.filter(pk=five["Ani"].pk).update(status="inactive")  # no service sets it yet
    assert "Ani" not in [r[0] for r in rows(build(staff_blora, blt))]


def test_quotas_cap_the_places_of_a_district_and_a_village(staff_blora, blt, apbn, five, score_model):
    allocate(staff_blora, blt, apbn, 10 * PER_YEAR)
    lst = build(staff_blora, blt, quotas={DISTRICT_A: 2, VILLAGE_B: 1})
    assert [(r[0], r[2], r[3]) for r in rows(lst)] == [
        ("Ani", True, ""), ("Cici", True, ""), ("Budi", True, ""), ("Dedi", False, Q), ("Eko", False, Q)]
    assert lst.quotas == {DISTRICT_A: 2, VILLAGE_B: 1}


def test_a_quota_outside_the_list_region_is_refused(staff_blora, blt, line):
    with pytest.raises(ApplicationError) as refused:
        build(staff_blora, blt, region=DISTRICT_A, quotas={DISTRICT_B: 3})
    assert refused.value.field == "quotas"
    assert not EnrolmentList.objects.exists()


def test_an_open_proposal_item_is_linked_and_its_kit_priced(staff_blora, apbn, score_model, five):
    uep = programmes.programme_create(actor=staff_blora, data=programme_data(
        code="UEP", name="Usaha Ekonomi Produktif", kind="business_capital", frequency=Frequency.ONE_OFF,
        duration_months=1, benefit_type=BenefitType.KIT, benefit_amount=2_500_000, funding_sources=[apbn]))
    from berdaya.targeting import services as targeting

    targeting.rule_save(actor=staff_blora, programme=uep, expression="member_count >= 1")
    kiosk = programmes.kit_create(actor=staff_blora, programme=uep, business_type="kiosk", name="Warung")
    programmes.kit_item_add(actor=staff_blora, kit=kiosk, name="Etalase", quantity=1, unit="unit",
                            unit_price=2_350_000)
    coffee = programmes.kit_create(actor=staff_blora, programme=uep, business_type="warung_kopi", name="Kopi")
    programmes.kit_item_add(actor=staff_blora, kit=coffee, name="Gelas", quantity=48, unit="buah", unit_price=5_000)
    allocate(staff_blora, uep, apbn, 5_000_000)
    item = _proposal_item(five["Cici"], uep, business_type="warung_kopi")
    lst = build(staff_blora, uep)
    cici = lst.enrolments.get(household=five["Cici"])
    assert (cici.proposal_item, cici.business_type, cici.amount) == (item, "warung_kopi", 240_000)
    assert lst.enrolments.get(household=five["Ani"]).amount == 2_350_000  # no kit asked: the dearest
    assert [(r[0], r[2]) for r in rows(lst)][:3] == [("Ani", True), ("Cici", True), ("Budi", True)]
    assert lst.total_amount == 2_350_000 + 240_000 + 2_350_000


def _proposal_item(household, programme, *, business_type="", status="verified"):
    from berdaya.proposals.models import Proposal, ProposalItem

    proposal = Proposal.objects.create(number=f"USL-{YEAR}-{household.pk:06d}", programme=programme,
                                       fiscal_year=YEAR, region_id=household.village_id,
                                       proposer_kind="village_head", proposer_name="Kades",
                                       letter_number="140/01", letter_date=date(YEAR, 1, 5))
    return ProposalItem.objects.create(proposal=proposal, household=household, request="usaha",
                                       business_type=business_type, status=status)


def test_a_per_component_programme_pays_each_family_for_its_members(staff_blora, apbn, score_model):
    pkh = programmes.programme_create(actor=staff_blora, data=programme_data(
        code="PKH", name="PKH", frequency=Frequency.QUARTERLY, benefit_type=BenefitType.COMPONENTS,
        benefit_amount=None, funding_sources=[apbn]))
    for code, amount, cap in (("anak_usia_dini", 3_000_000, 2), ("sd", 900_000, None), ("lansia", 2_400_000, 1)):
        programmes.component_save(actor=staff_blora, programme=pkh, code=code, name=code, amount_per_year=amount,
                                  cap_per_family=cap)
    from berdaya.targeting import services as targeting

    targeting.rule_save(actor=staff_blora, programme=pkh, expression="member_count >= 1")
    allocate(staff_blora, pkh, apbn, 50_000_000)
    big = family(staff_blora, score_model, VILLAGE_A, "Keluarga Besar", priority=9)
    for born in (date(2022, 3, 1), date(2023, 3, 1), date(2024, 3, 1), date(2017, 3, 1)):  # 3 under 7, 1 at SD
        registry.person_add(actor=staff_blora, household=big, data=factories.person_data(
            village=VILLAGE_A, name=f"Anak {born.year}", birth_date=born))
    for born in (date(1950, 1, 1), date(1951, 1, 1)):  # two aged 75+: one counts
        registry.person_add(actor=staff_blora, household=big, data=factories.person_data(
            village=VILLAGE_A, name=f"Lansia {born.year}", birth_date=born, relationship=7))
    family(staff_blora, score_model, VILLAGE_A, "Tanpa Komponen", priority=8)  # an adult alone: nothing to pay
    lst = build(staff_blora, pkh)
    assert [(r[0], r[5]) for r in rows(lst)] == [("Keluarga Besar", 2 * 3_000_000 + 900_000 + 2_400_000)]


def test_the_list_needs_an_active_rule_and_a_budget(staff_blora, apbn, score_model):
    programme = programmes.programme_create(actor=staff_blora, data=programme_data(funding_sources=[apbn]))
    with pytest.raises(ApplicationError) as refused:
        build(staff_blora, programme)
    assert refused.value.code == "no_rule"
    from berdaya.targeting import services as targeting

    targeting.rule_save(actor=staff_blora, programme=programme, expression="member_count >= 1")
    with pytest.raises(ApplicationError) as refused:
        build(staff_blora, programme)
    assert refused.value.code == "no_budget"
    assert not EnrolmentList.objects.exists()


def test_it_refuses_an_officer_without_the_right_or_of_another_office(kadis, operator_desa_a, staff_pasuruan, blt,
                                                                      line):
    for user in (kadis, operator_desa_a, staff_pasuruan):
        with pytest.raises(ApplicationError) as refused:
            build(user, blt)
        assert refused.value.code == "forbidden"
    assert not Enrolment.objects.exists()


def test_a_list_region_outside_the_programmes_office_is_refused(admin_user, blt, line):
    from tests.conftest import PASURUAN

    with pytest.raises(ApplicationError) as refused:
        build(admin_user, blt, region=PASURUAN)
    assert refused.value.field == "region"
