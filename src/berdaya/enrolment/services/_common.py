"""What the enrolment services share: constants, text and move checks, bulk transition rows, the budget lines."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from berdaya.core.errors import ApplicationError
from berdaya.enrolment import bulk
from berdaya.enrolment.models import TRANSITIONS, EnrolmentList, EnrolmentStatus, EnrolmentTransition
from berdaya.programmes.models import BudgetLine

S = EnrolmentStatus
KINDS = (EnrolmentList.Kind.MAIN, EnrolmentList.Kind.ADDITION)
# Moves decided for a whole list, never through enrolment_transition.
DECISIONS = frozenset({S.APPROVED, S.WAITLISTED, S.CARRIED_OVER})
REASON_REQUIRED = frozenset({S.SUSPENDED, S.EXITED, S.GRADUATED, S.DROPPED})
OPEN_STATUSES = [S.DRAFT, S.WAITLISTED]  # rows a draft list ranks
TAKEN_EXCEPT = [S.DROPPED, S.CARRIED_OVER]  # any other row this year keeps a household off another list
DECREE_MAX = 80
REASON_MAX = 255
SNAPSHOT_CHUNK = 5000
UNSET = object()
ROW_COLUMNS = ["enrolment_list_id", "programme_id", "fiscal_year_id", "household_id", "person_id",
               "proposal_item_id", "village_code", "rank", "fits", "wait_reason", "number", "priority_score",
               "welfare_score", "amount", "business_type", "status", "status_reason", "carried_over_from_id",
               "snapshot", "snapshot_hash", "created_at", "updated_at"]


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _text(value, *, field: str, limit: int, message: str) -> str:
    text = " ".join(str(value or "").split())
    if not text:
        raise ApplicationError(message, field=field)
    if len(text) > limit:
        raise ApplicationError(_("Paling banyak %(n)s karakter.") % {"n": limit}, field=field)
    return text


def check_move(from_status: str, to_status: str) -> None:
    """Refuse a move TRANSITIONS does not allow (code "transition")."""
    if to_status not in TRANSITIONS.get(from_status, ()):
        raise ApplicationError(
            _("Penerima berstatus “%(current)s” tidak dapat diubah menjadi “%(target)s”.")
            % {"current": S(from_status).label, "target": S(to_status).label}, field="status", code="transition")


def _inside(code: str, prefix: str) -> bool:
    return code == prefix or code.startswith(prefix + ".")


def _in_region_q(field: str, code: str) -> Q:
    return Q(**{field: code}) | Q(**{f"{field}__startswith": code + "."})


def _transitions(rows: list[tuple[int, str, str]], *, actor, reason: str = "", document_ref: str = "", at=None):
    """Write EnrolmentTransition rows (enrolment id, from, to) in bulk."""
    at = at or timezone.now()
    actor_id = getattr(_user(actor), "pk", None)
    bulk.insert_rows(EnrolmentTransition._meta.db_table,
                     ["enrolment_id", "from_status", "to_status", "reason", "document_ref", "actor_id", "at"],
                     [(pk, old, new, reason[:REASON_MAX], document_ref[:120], actor_id, at) for pk, old, new in rows])


def budget_lines_of(lst: EnrolmentList, *, lock: bool = False) -> list[BudgetLine]:
    """The line the list is built against, or every line of the programme and year (in id order)."""
    qs = BudgetLine.objects.filter(pk=lst.budget_line_id) if lst.budget_line_id else BudgetLine.objects.filter(
        programme_id=lst.programme_id, fiscal_year_id=lst.fiscal_year_id)
    if lock:
        qs = qs.select_for_update(of=("self",))
    return list(qs.order_by("pk"))


def _proposal_move(item_id: int, to_status: str, *, actor, reason: str = "", document_ref: str = "") -> None:
    from berdaya.proposals.models import TRANSITIONS as ITEM_TRANSITIONS
    from berdaya.proposals.models import ProposalItem
    from berdaya.proposals.services import item_transition

    item = ProposalItem.objects.filter(pk=item_id).only("pk", "status").first()
    if item is not None and to_status in ITEM_TRANSITIONS.get(item.status, ()):
        item_transition(item=item, to_status=to_status, actor=actor, reason=reason, document_ref=document_ref)
