"""list_approve: the head of office decides; the total is committed from the budget (never more than is left); rows
within the budget are APPROVED and numbered, frozen with a snapshot and hashes; the others wait; proposal items
follow; the SK PDF is stored."""

from datetime import date

import pytest

from berdaya.core.errors import ApplicationError
from berdaya.enrolment.models import EnrolmentList, EnrolmentStatus, EnrolmentTransition
from berdaya.enrolment.snapshot import canonical, content_hash_of, sha256, snapshot_hash_of
from berdaya.programmes import services as programmes
from berdaya.programmes.models import BudgetCommitment
from tests.conftest import VILLAGE_A, VILLAGE_B
from tests.enrolment.conftest import PER_YEAR, allocate, approve, build, family

A, W = EnrolmentStatus.APPROVED, EnrolmentStatus.WAITLISTED


@pytest.fixture
def four(staff_blora, score_model):
    return [family(staff_blora, score_model, VILLAGE_A if i % 2 else VILLAGE_B, name, priority=10 - i)
            for i, name in enumerate(["Ani", "Budi", "Cici", "Dedi"])]


def test_approval_commits_the_total_and_decides_every_row(staff_blora, kadis, blt, line, four):
    lst = approve(kadis, build(staff_blora, blt))
    line.refresh_from_db()
    assert (line.committed, line.remaining) == (3 * PER_YEAR, 0)
    commitment = BudgetCommitment.objects.get(line=line)
    assert (commitment.reference, commitment.amount, lst.commitment) == (f"ENR-{lst.pk}", 3 * PER_YEAR, commitment)
    assert (lst.status, lst.approved_by, lst.decree_number, lst.decree_date, lst.total_amount) == (
        EnrolmentList.Status.APPROVED, kadis, "400/001/2026", date(2026, 1, 20), 3 * PER_YEAR)
    decided = [(e.household.head_name, e.status, e.number) for e in lst.enrolments.order_by("rank")]
    assert decided == [("Ani", A, 1), ("Budi", A, 2), ("Cici", A, 3), ("Dedi", W, None)]
    moves = sorted(EnrolmentTransition.objects.values_list("enrolment__household__head_name", "from_status",
                                                           "to_status", "actor__username", "document_ref"))
    assert moves == [("Ani", "draft", A, "kadis_blora", "400/001/2026"),
                     ("Budi", "draft", A, "kadis_blora", "400/001/2026"),
                     ("Cici", "draft", A, "kadis_blora", "400/001/2026"),
                     ("Dedi", "draft", W, "kadis_blora", "400/001/2026")]


def test_each_approved_row_is_frozen_with_a_snapshot_and_the_list_with_a_content_hash(staff_blora, kadis, blt,
                                                                                     line, four):
    lst = approve(kadis, build(staff_blora, blt))
    first = lst.enrolments.get(number=1)
    snap = first.snapshot
    assert snap["household"]["kk_number"] == four[0].kk_number and snap["household"]["head_name"] == "Ani"
    assert snap["village"]["code"] == VILLAGE_B and snap["amount"] == PER_YEAR and snap["number"] == 1
    assert [m["name"] for m in snap["members"]] == ["Ani"] and len(snap["members"][0]["nik"]) == 16
    assert snap["rule"] == {"id": lst.eligibility_rule.pk, "version": 1,
                            "expression_sha256": sha256("member_count >= 1")}
    assert snap["score_model"]["version"] == lst.score_model.version
    assert snap["scores"] == {"priority": 10.0, "welfare": 50.0}
    assert first.snapshot_hash == snapshot_hash_of(snap) == sha256(canonical(snap))
    hashes = list(lst.enrolments.filter(number__isnull=False).order_by("number").values_list("snapshot_hash",
                                                                                             flat=True))
    assert lst.content_hash == content_hash_of(hashes) and len(set(hashes)) == 3
    assert lst.enrolments.get(number=None, status=W).snapshot is None


def test_the_sk_pdf_is_stored_with_the_names_and_the_total(staff_blora, kadis, blt, line, four):
    from pypdf import PdfReader

    from berdaya.core.documents import document_path

    lst = approve(kadis, build(staff_blora, blt))
    assert lst.decree is not None and lst.decree.kind == "decree" and lst.decree.region_id == "33.16"
    text = "\n".join(page.extract_text() for page in PdfReader(document_path(lst.decree)).pages)
    for expected in ("Ani", "Budi", "Cici", "Rp 10.800.000", "400/001/2026", "BLT DANA DESA",
                     "KABUPATEN BLORA", "Ditetapkan di Blora", "Jumlah: 3 penerima", lst.content_hash[:32]):
        assert expected in text, expected
    assert "Dedi" not in text  # waiting: not on the decree
    nik = four[0].members.get().nik
    assert nik not in text and f"************{nik[-4:]}" in text


def test_only_the_head_of_office_approves(staff_blora, auditor_blora, blt, line, four):
    lst = build(staff_blora, blt)
    for user in (staff_blora, auditor_blora):
        with pytest.raises(ApplicationError) as refused:
            approve(user, lst)
        assert refused.value.code == "forbidden"
    lst.refresh_from_db()
    assert lst.status == EnrolmentList.Status.DRAFT and not BudgetCommitment.objects.exists()


def test_the_head_of_another_regency_is_refused(staff_blora, kadis_pasuruan, blt, line, four):
    with pytest.raises(ApplicationError) as refused:
        approve(kadis_pasuruan, build(staff_blora, blt))
    assert refused.value.code == "forbidden"


def test_money_spent_since_the_build_is_checked_again_under_the_lock(staff_blora, kadis, blt, line, four):
    lst = build(staff_blora, blt)
    programmes.budget_commit(actor=kadis, line=line, amount=PER_YEAR, reference="elsewhere")
    with pytest.raises(ApplicationError) as refused:
        approve(kadis, lst)
    assert refused.value.code == "insufficient" and "susun ulang" in refused.value.message
    line.refresh_from_db()
    assert line.committed == PER_YEAR
    lst.refresh_from_db()
    assert lst.status == EnrolmentList.Status.DRAFT
    assert set(lst.enrolments.values_list("status", flat=True)) == {EnrolmentStatus.DRAFT}


def test_a_list_built_on_every_line_commits_from_each_in_turn(staff_blora, kadis, blt, apbn, dana_desa, four):
    first = allocate(staff_blora, blt, apbn, PER_YEAR + 100)
    second = allocate(staff_blora, blt, dana_desa, 2 * PER_YEAR)
    lst = approve(kadis, build(staff_blora, blt))
    assert lst.total_amount == 3 * PER_YEAR
    amounts = {c.line_id: c.amount for c in BudgetCommitment.objects.filter(reference=f"ENR-{lst.pk}")}
    assert amounts == {first.pk: PER_YEAR + 100, second.pk: 2 * PER_YEAR - 100}


def test_a_list_cannot_be_approved_twice_and_decree_numbers_are_unique(staff_blora, kadis, blt, apbn, four):
    from tests.conftest import DISTRICT_A, DISTRICT_B

    allocate(staff_blora, blt, apbn, 10 * PER_YEAR)
    lst = approve(kadis, build(staff_blora, blt, region=DISTRICT_A))
    with pytest.raises(ApplicationError) as refused:
        approve(kadis, lst, number="400/002/2026")
    assert refused.value.code == "state"
    with pytest.raises(ApplicationError) as refused:
        approve(kadis, build(staff_blora, blt, region=DISTRICT_B), number="400/001/2026")
    assert refused.value.code == "duplicate"


def test_proposal_items_follow_the_decision(staff_blora, kadis, blt, line, four):
    from berdaya.proposals.models import ItemStatus, ProposalStatusChange
    from tests.enrolment.test_list_build import _proposal_item

    approved_item = _proposal_item(four[0], blt)
    waiting_item = _proposal_item(four[3], blt)
    approve(kadis, build(staff_blora, blt))
    approved_item.refresh_from_db()
    waiting_item.refresh_from_db()
    assert (approved_item.status, waiting_item.status) == (ItemStatus.APPROVED, ItemStatus.WAITLISTED)
    change = ProposalStatusChange.objects.get(item=approved_item)
    assert (change.actor, change.document_ref) == (kadis, "400/001/2026")


def test_a_large_list_gets_its_decree_from_a_background_job(staff_blora, kadis, blt, line, four, settings,
                                                            django_capture_on_commit_callbacks):
    settings.BERDAYA_DECREE_INLINE_MAX = 2
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        lst = approve(kadis, build(staff_blora, blt))
        assert lst.decree is None
    lst.refresh_from_db()
    assert lst.decree is not None and lst.decree.content_type == "application/pdf"


def test_dropping_a_proposed_household_rejects_its_proposal_item(staff_blora, blt, line, four):
    from berdaya.enrolment import services
    from berdaya.proposals.models import ItemStatus, ProposalStatusChange
    from tests.enrolment.test_list_build import _proposal_item

    item = _proposal_item(four[1], blt)
    lst = build(staff_blora, blt)
    services.enrolment_drop(actor=staff_blora, enrolment=lst.enrolments.get(household=four[1]),
                            reason="Sudah menerima bantuan lain")
    item.refresh_from_db()
    change = ProposalStatusChange.objects.get(item=item)
    assert (item.status, change.reason, change.actor) == (ItemStatus.REJECTED, "Sudah menerima bantuan lain",
                                                          staff_blora)
