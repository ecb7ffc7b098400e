"""Every write to proposals. Keyword-only functions, one transaction each, permission checked over the proposing
region, audited (simple-history with `proposals.*` action codes, plus one ProposalStatusChange per status move).

Status moves go through `item_transition` only; other apps call it:
    verification: COMPLETE -> SCHEDULED when a task is created from the item; SCHEDULED -> VERIFIED when an
                  "eligible" outcome stands; SCHEDULED -> REJECTED (reason = the outcome) when a removal is confirmed.
    enrolment:    VERIFIED/WAITLISTED -> APPROVED or WAITLISTED when a list is approved; -> REJECTED when dropped.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from berdaya.core.audit import audited_save
from berdaya.core.errors import ApplicationError
from berdaya.core.permissions import Perm, has_perm, require_perm
from berdaya.proposals.models import TRANSITIONS, ItemStatus, ProposalItem, ProposalStatusChange

# Who may move an item INTO each status: any one of these permissions over the proposing region.
TRANSITION_PERMS: dict[str, tuple[str, ...]] = {
    ItemStatus.SUBMITTED: (Perm.PROPOSALS_FILE,),
    ItemStatus.WITHDRAWN: (Perm.PROPOSALS_FILE,),
    ItemStatus.RETURNED: (Perm.PROPOSALS_REVIEW,),
    ItemStatus.COMPLETE: (Perm.PROPOSALS_REVIEW,),
    ItemStatus.SCHEDULED: (Perm.VERVAL_ASSIGN,),
    ItemStatus.VERIFIED: (Perm.VERVAL_VISIT, Perm.VERVAL_CONFIRM),
    ItemStatus.REJECTED: (Perm.PROPOSALS_REVIEW, Perm.VERVAL_CONFIRM, Perm.ENROLMENT_APPROVE),
    ItemStatus.APPROVED: (Perm.ENROLMENT_APPROVE,),
    ItemStatus.WAITLISTED: (Perm.ENROLMENT_APPROVE, Perm.ENROLMENT_MANAGE),
}
REASON_REQUIRED = frozenset({ItemStatus.RETURNED, ItemStatus.REJECTED, ItemStatus.WITHDRAWN})


def _require_transition_perm(actor, to_status: str, region_code: str) -> None:
    perms = TRANSITION_PERMS[to_status]
    if not any(has_perm(actor, perm, region_code) for perm in perms):
        require_perm(actor, perms[0], region_code)  # raises the standard refusal


def item_transition(*, item: ProposalItem, to_status: str, actor, reason: str = "",
                    document_ref: str = "") -> ProposalItem:
    """Move one item to `to_status` if the move is allowed and the actor may make it; keep who, when, why."""
    with transaction.atomic():
        item = ProposalItem.objects.select_for_update().select_related("proposal").get(pk=item.pk)
        if to_status not in TRANSITION_PERMS:
            raise ApplicationError(_("Status usulan tidak dikenal."), field="status")
        _require_transition_perm(actor, to_status, item.proposal.region_id)
        if to_status not in TRANSITIONS[item.status]:
            raise ApplicationError(
                _("Usulan berstatus \u201c%(current)s\u201d tidak dapat diubah menjadi \u201c%(target)s\u201d.")
                % {"current": ItemStatus(item.status).label, "target": ItemStatus(to_status).label},
                field="status", code="transition")
        reason = (reason or "").strip()
        if to_status in REASON_REQUIRED and not reason:
            raise ApplicationError(_("Alasan wajib diisi."), field="reason")
        previous = item.status
        item.status = to_status
        item.status_changed_at = timezone.now()
        audited_save(item, actor, f"proposals.item.{to_status}")
        ProposalStatusChange.objects.create(item=item, from_status=previous, to_status=to_status,
                                            reason=reason[:255], document_ref=(document_ref or "")[:120],
                                            actor=actor if getattr(actor, "pk", None) else None)
        return item
