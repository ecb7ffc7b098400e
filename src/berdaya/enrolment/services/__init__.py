"""Every enrolment write: keyword-only functions, one transaction each, the actor's permission checked over the list's
region (or the household's village), every status move kept as an EnrolmentTransition row (who, when, why).

    list_build(*, actor, programme, year, region, kind="main", quotas=None, require_verval=True, budget_line=None,
               start_month=None, amount_per_unit=None) -> EnrolmentList                      ENROLMENT_MANAGE
    list_rebuild(*, actor, enrolment_list, <the same settings, each optional>) -> EnrolmentList    ENROLMENT_MANAGE
    list_cancel(*, actor, enrolment_list, reason) -> EnrolmentList      (a draft list)        ENROLMENT_MANAGE
    enrolment_drop(*, actor, enrolment, reason) -> Enrolment           (a draft list's row)   ENROLMENT_MANAGE
    list_approve(*, actor, enrolment_list, decree_number, decree_date) -> EnrolmentList    ENROLMENT_APPROVE (+ budget)
    year_carry_over(*, actor, programme, from_year) -> int                                  ENROLMENT_MANAGE
    enrolment_transition(*, actor, enrolment, to_status, reason="", document_ref="") -> Enrolment  ENROLMENT_MANAGE
    decree_render(*, enrolment_list, actor=None) -> Document         (the SK PDF; also a background job)
    registry_changed_since(enrolment_list) -> list[Change]                                         (a read)

Status moves follow models.TRANSITIONS, checked by `check_move` in every service. Decisions are taken for a whole
list: DRAFT -> APPROVED / WAITLISTED and WAITLISTED -> APPROVED by list_approve, WAITLISTED -> CARRIED_OVER by
year_carry_over, DRAFT/WAITLISTED -> DROPPED by enrolment_drop (in a draft list); enrolment_transition moves one
approved enrolment along its life (active, suspended, exited, graduated) and refuses the decisions.

A draft list holds ranked rows (status DRAFT, or WAITLISTED for households already waiting this year): `rank`, and
`fits` (within the budget and the quotas) or `wait_reason`. See allocation.py for the order and the allocation and
amounts.py for the amounts. Bulk work (300,000 rows) is set-based SQL and bulk.py's COPY/executemany, never one
service call per row.

Budget (programmes.services): approval commits the list's total under the budget line's row lock, as one commitment
per line with the reference "ENR-<list id>" (a list built against all of the programme's lines takes them in id
order). An enrolment that exits or graduates gives back what it will no longer be paid: all of it if it never became
active; else the payments falling after the current month (one-off and yearly benefits count as paid once active).
"""

from berdaya.enrolment.services._common import UNSET, budget_lines_of, check_move
from berdaya.enrolment.services.approve import decree_render, list_approve
from berdaya.enrolment.services.build import enrolment_drop, list_build, list_cancel, list_rebuild
from berdaya.enrolment.services.life import (
    Change,
    enrolment_transition,
    registry_changed_since,
    unpaid_amount,
    year_carry_over,
)

__all__ = ["UNSET", "Change", "budget_lines_of", "check_move", "decree_render", "enrolment_drop",
           "enrolment_transition", "list_approve", "list_build", "list_cancel", "list_rebuild",
           "registry_changed_since", "unpaid_amount", "year_carry_over"]
