"""year_carry_over: the year's waitlist moves into the next year's draft list, ahead of new households at an equal
priority score, and is approved there like any other row."""

import pytest

from berdaya.core.errors import ApplicationError
from berdaya.enrolment import services
from berdaya.enrolment.models import Enrolment, EnrolmentList, EnrolmentStatus, EnrolmentTransition
from tests.conftest import VILLAGE_A, VILLAGE_B
from tests.enrolment.conftest import PER_YEAR, YEAR, allocate, approve, build, family, rows

S = EnrolmentStatus


@pytest.fixture(autouse=True)
def _no_decree(settings):
    settings.BERDAYA_DECREE_INLINE_MAX = 0


@pytest.fixture
def waitlist(staff_blora, kadis, blt, apbn, score_model):
    """2026: Ani is approved; Budi and Cici wait."""
    allocate(staff_blora, blt, apbn, PER_YEAR)
    made = {name: family(staff_blora, score_model, VILLAGE_A if name != "Cici" else VILLAGE_B, name, priority=p)
            for name, p in (("Ani", 9), ("Budi", 6), ("Cici", 4))}
    approve(kadis, build(staff_blora, blt))
    return made


def test_the_waitlist_is_carried_into_the_next_years_draft(staff_blora, blt, waitlist):
    assert services.year_carry_over(actor=staff_blora, programme=blt, from_year=YEAR) == 2
    old = Enrolment.objects.filter(fiscal_year__year=YEAR).order_by("rank")
    assert [(e.household.head_name, e.status) for e in old] == [("Ani", S.APPROVED), ("Budi", S.CARRIED_OVER),
                                                                ("Cici", S.CARRIED_OVER)]
    draft = EnrolmentList.objects.get(fiscal_year__year=YEAR + 1)
    assert (draft.status, draft.kind, draft.region_id) == ("draft", "main", "33.16")
    carried = {e.household.head_name: e for e in draft.enrolments.all()}
    assert set(carried) == {"Budi", "Cici"}
    assert carried["Budi"].carried_over_from == old.get(household=waitlist["Budi"])
    assert carried["Budi"].status == S.DRAFT and carried["Budi"].rank is None
    moves = EnrolmentTransition.objects.filter(to_status=S.CARRIED_OVER)
    assert moves.count() == 2 and moves.first().reason == f"Dialihkan ke tahun anggaran {YEAR + 1}."


def test_next_year_the_carried_households_are_ranked_first_at_an_equal_score_and_approved(
        staff_blora, kadis, blt, apbn, waitlist, score_model):
    services.year_carry_over(actor=staff_blora, programme=blt, from_year=YEAR)
    newcomer = family(staff_blora, score_model, VILLAGE_B, "Dewi", priority=6, welfare=1)  # poorer than Budi
    allocate(staff_blora, blt, apbn, 2 * PER_YEAR, year=YEAR + 1)
    draft = EnrolmentList.objects.get(fiscal_year__year=YEAR + 1)
    with pytest.raises(ApplicationError) as refused:
        approve(kadis, draft, number="400/001/2027")
    assert refused.value.code == "unranked"
    with pytest.raises(ApplicationError) as refused:
        build(staff_blora, blt, year=YEAR + 1)
    assert refused.value.code == "exists"
    assert draft.require_verval is True  # carried households need no new verval; newcomers would
    services.list_rebuild(actor=staff_blora, enrolment_list=draft, require_verval=False)
    # Ani holds 2026's place, not 2027's: she is a candidate again, first by her score.
    assert [(r[0], r[2]) for r in rows(draft)] == [("Ani", True), ("Budi", True), ("Dewi", False),
                                                   ("Cici", False)]
    approve(kadis, draft, number="400/001/2027")
    budi = draft.enrolments.get(household=waitlist["Budi"])
    assert (budi.status, budi.number, budi.carried_over_from.fiscal_year.year) == (S.APPROVED, 2, YEAR)
    assert Enrolment.objects.filter(household=newcomer, status=S.WAITLISTED).exists()


def test_a_carried_household_that_no_longer_qualifies_is_dropped_at_the_rebuild(staff_blora, blt, apbn, waitlist):
    from berdaya.targeting import services as targeting

    services.year_carry_over(actor=staff_blora, programme=blt, from_year=YEAR)
    targeting.rule_save(actor=staff_blora, programme=blt, expression=f'village_code == "{VILLAGE_A}"')
    allocate(staff_blora, blt, apbn, 2 * PER_YEAR, year=YEAR + 1)
    draft = EnrolmentList.objects.get(fiscal_year__year=YEAR + 1)
    services.list_rebuild(actor=staff_blora, enrolment_list=draft)
    cici = draft.enrolments.get(household=waitlist["Cici"])
    assert (cici.status, cici.status_reason) == (S.DROPPED, "Tidak lagi memenuhi aturan kelayakan versi 2.")


def test_only_the_managing_staff_carry_over(kadis, staff_pasuruan, blt, waitlist):
    for user in (kadis, staff_pasuruan):
        with pytest.raises(ApplicationError) as refused:
            services.year_carry_over(actor=user, programme=blt, from_year=YEAR)
        assert refused.value.code == "forbidden"
    assert not Enrolment.objects.filter(status=S.CARRIED_OVER).exists()


def test_carrying_over_twice_carries_nothing_more(staff_blora, blt, waitlist):
    assert services.year_carry_over(actor=staff_blora, programme=blt, from_year=YEAR) == 2
    assert services.year_carry_over(actor=staff_blora, programme=blt, from_year=YEAR) == 0
    assert Enrolment.objects.filter(fiscal_year__year=YEAR + 1).count() == 2
    with pytest.raises(ApplicationError) as refused:
        services.year_carry_over(actor=staff_blora, programme=blt, from_year=YEAR - 5)
    assert refused.value.field == "year"
