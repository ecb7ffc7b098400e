"""Every status move of models.TRANSITIONS, allowed (through the service that makes it) and refused (every move the
table does not list), with the permission and the audit row; exiting gives back the unpaid part of the budget."""

from datetime import date

import pytest

from berdaya.core.errors import ApplicationError
from berdaya.enrolment import services
from berdaya.enrolment.models import TRANSITIONS, Enrolment, EnrolmentStatus, EnrolmentTransition
from tests.conftest import VILLAGE_A, VILLAGE_B
from tests.enrolment.conftest import PER_YEAR, YEAR, allocate, approve, build, family

S = EnrolmentStatus
ALLOWED = [(old, new) for old, targets in TRANSITIONS.items() for new in sorted(targets)]
REFUSED = {old: [new for new in S.values if new not in targets] for old, targets in TRANSITIONS.items()}


@pytest.fixture(autouse=True)
def _no_decree(settings):
    settings.BERDAYA_DECREE_INLINE_MAX = 0  # decrees are tested elsewhere; here they would only cost time


class Story:
    """Ani (priority 9) fits the budget of one family a year; Budi (priority 5) waits."""

    def __init__(self, staff, kadis, programme, source, score_model):
        self.staff, self.kadis, self.programme, self.source = staff, kadis, programme, source
        self.line = allocate(staff, programme, source, PER_YEAR)
        self.ani = family(staff, score_model, VILLAGE_A, "Ani", priority=9)
        self.budi = family(staff, score_model, VILLAGE_B, "Budi", priority=5)
        self.list = build(staff, programme)

    def row(self, household) -> Enrolment:
        return Enrolment.objects.filter(household=household).order_by("-pk").first()

    def approved(self):
        approve(self.kadis, self.list)
        return self.row(self.ani)

    def waitlisted(self):
        approve(self.kadis, self.list)
        return self.row(self.budi)

    def move(self, enrolment, status, reason="alasan"):
        return services.enrolment_transition(actor=self.staff, enrolment=enrolment, to_status=status, reason=reason)

    def in_status(self, status) -> Enrolment:
        if status == S.DRAFT:
            return self.row(self.ani)
        if status == S.DROPPED:
            return services.enrolment_drop(actor=self.staff, enrolment=self.row(self.ani), reason="pindah")
        if status == S.WAITLISTED:
            return self.waitlisted()
        if status == S.CARRIED_OVER:
            budi = self.waitlisted()
            services.year_carry_over(actor=self.staff, programme=self.programme, from_year=YEAR)
            return Enrolment.objects.get(pk=budi.pk)
        enrolment = self.approved()
        path = {S.APPROVED: [], S.ACTIVE: [S.ACTIVE], S.SUSPENDED: [S.ACTIVE, S.SUSPENDED],
                S.EXITED: [S.EXITED], S.GRADUATED: [S.ACTIVE, S.GRADUATED]}[status]
        for step in path:
            enrolment = self.move(enrolment, step)
        return enrolment

    def addition_for_budi(self):
        """The waitlisted Budi is taken into a mid-year addition once money is added to the line."""
        from berdaya.programmes import services as programmes

        self.waitlisted()
        programmes.budget_revise(actor=self.staff, line=self.line, amount=3 * PER_YEAR, reason="APBD-P")
        return build(self.staff, self.programme, kind="addition", start_month=7)


@pytest.fixture
def story(staff_blora, kadis, blt, apbn, score_model):
    return Story(staff_blora, kadis, blt, apbn, score_model)


def _make(story, old, new) -> Enrolment:
    """Make the move old -> new through the service responsible for it; returns the enrolment after it."""
    if (old, new) == (S.DRAFT, S.APPROVED):
        return story.approved()
    if (old, new) == (S.DRAFT, S.WAITLISTED):
        return story.waitlisted()
    if (old, new) == (S.WAITLISTED, S.APPROVED):
        addition = story.addition_for_budi()
        approve(story.kadis, addition, number="400/002/2026", when=date(2026, 7, 1))
        return story.row(story.budi)
    if (old, new) == (S.WAITLISTED, S.CARRIED_OVER):
        budi = story.waitlisted()
        services.year_carry_over(actor=story.staff, programme=story.programme, from_year=YEAR)
        return Enrolment.objects.get(pk=budi.pk)
    if (old, new) == (S.WAITLISTED, S.DROPPED):
        story.addition_for_budi()
        return services.enrolment_drop(actor=story.staff, enrolment=story.row(story.budi), reason="menolak")
    enrolment = story.in_status(old)
    return story.move(enrolment, new)


@pytest.mark.parametrize(("old", "new"), ALLOWED)
def test_each_allowed_move_is_made_and_recorded(story, old, new):
    enrolment = _make(story, old, new)
    enrolment.refresh_from_db()
    assert enrolment.status == new
    last = EnrolmentTransition.objects.filter(enrolment=enrolment).order_by("pk").last()
    assert (last.from_status, last.to_status) == (old, new)
    assert last.actor in (story.staff, story.kadis)


@pytest.mark.parametrize("old", list(REFUSED))
def test_every_move_the_table_does_not_list_is_refused(story, old):
    enrolment = story.in_status(old)
    before = EnrolmentTransition.objects.count()
    for new in REFUSED[old]:
        with pytest.raises(ApplicationError) as refused:
            story.move(enrolment, new)
        assert refused.value.code == "transition", (old, new, refused.value.message)
        enrolment.refresh_from_db()
        assert enrolment.status == old
    assert EnrolmentTransition.objects.count() == before


@pytest.mark.parametrize("new", [S.APPROVED, S.WAITLISTED, S.CARRIED_OVER])
def test_decisions_are_not_made_one_enrolment_at_a_time(story, new):
    enrolment = story.in_status(S.DRAFT if new != S.CARRIED_OVER else S.WAITLISTED)
    with pytest.raises(ApplicationError) as refused:
        story.move(enrolment, new)
    assert refused.value.code == "decision"


def test_a_suspension_needs_a_reason_and_the_managing_right(story, kadis, operator_desa_a, staff_blora):
    enrolment = story.move(story.approved(), S.ACTIVE)
    with pytest.raises(ApplicationError) as refused:
        story.move(enrolment, S.SUSPENDED, reason="  ")
    assert refused.value.field == "reason"
    for user in (kadis, operator_desa_a):
        with pytest.raises(ApplicationError) as refused:
            services.enrolment_transition(actor=user, enrolment=enrolment, to_status=S.SUSPENDED, reason="x")
        assert refused.value.code == "forbidden"
    services.enrolment_transition(actor=staff_blora, enrolment=enrolment, to_status=S.SUSPENDED,
                                  reason="Tidak memenuhi kewajiban", document_ref="BA-12/2026")
    last = EnrolmentTransition.objects.filter(enrolment=enrolment).order_by("pk").last()
    assert (last.reason, last.document_ref) == ("Tidak memenuhi kewajiban", "BA-12/2026")


def test_leaving_before_becoming_active_gives_back_the_whole_amount(story):
    enrolment = story.approved()
    story.move(enrolment, S.EXITED, reason="Meninggal dunia")
    story.line.refresh_from_db()
    assert (story.line.committed, story.line.remaining) == (0, PER_YEAR)


def test_leaving_mid_year_gives_back_the_months_after_this_one(story):
    enrolment = story.move(story.approved(), S.ACTIVE)
    assert services.unpaid_amount(enrolment, previous=S.ACTIVE, today=date(YEAR, 8, 15)) == 4 * 300_000
    assert services.unpaid_amount(enrolment, previous=S.ACTIVE, today=date(YEAR + 1, 1, 5)) == 0
    assert services.unpaid_amount(enrolment, previous=S.ACTIVE, today=date(YEAR - 1, 12, 1)) == PER_YEAR
