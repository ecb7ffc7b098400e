"""The demo's casework goes through the real services: scores, village letters, verval, an approved UEP list."""

import pytest
from django.utils import timezone

from berdaya.demo.build import generate
from berdaya.demo.casework import seed_casework
from berdaya.enrolment.models import EnrolmentList, EnrolmentStatus
from berdaya.programmes.seed import seed_demo
from berdaya.proposals.models import ItemStatus, Proposal, ProposalStatusChange
from berdaya.targeting.models import HouseholdScore
from berdaya.verification.models import Visit


@pytest.fixture
def casework(db, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "documents"
    today = timezone.localdate()
    generate(households=3000, seed=11, today=today)
    seed_demo()
    lines = []
    result = seed_casework(today=today, echo=lines.append)
    return result, lines


def test_the_demo_casework_runs_from_letters_to_an_approved_list_with_its_decree(casework):
    result, lines = casework
    assert HouseholdScore.objects.count() > 2900
    first = Proposal.objects.get(letter_number="140/031/2026")
    assert first.letter is not None and first.letter.content_type == "application/pdf"
    assert ProposalStatusChange.objects.filter(to_status=ItemStatus.COMPLETE, item__proposal=first).exists()
    assert Visit.objects.filter(outcome="eligible").count() == min(5, first.items.count())
    approved = result["list"]
    assert approved.status == EnrolmentList.Status.APPROVED and approved.decree is not None
    enrolled = approved.enrolments.filter(status=EnrolmentStatus.APPROVED)
    assert enrolled.exists()
    assert {e.proposal_item.status for e in enrolled} == {ItemStatus.APPROVED}
    assert any("Penetapan demo" in line for line in lines)
