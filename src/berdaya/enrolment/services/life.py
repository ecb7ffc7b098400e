"""After the decision: carrying the waitlist into the next year, one enrolment's life (and the budget it gives
back), and what changed in the registry since the approval."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from berdaya.core.errors import ApplicationError
from berdaya.core.permissions import Perm, require_perm
from berdaya.enrolment import bulk
from berdaya.enrolment.amounts import payment_months, payments_in_year
from berdaya.enrolment.models import Enrolment, EnrolmentList, EnrolmentTransition
from berdaya.enrolment.services._common import (
    DECISIONS,
    REASON_MAX,
    REASON_REQUIRED,
    ROW_COLUMNS,
    TAKEN_EXCEPT,
    S,
    _transitions,
    _user,
    check_move,
)
from berdaya.enrolment.services.build import enrolment_drop
from berdaya.enrolment.snapshot import REGISTRY_KEYS, differences, registry_parts
from berdaya.programmes.models import BudgetCommitment, FiscalYear, Frequency, Programme
from berdaya.programmes.services import budget_release, fiscal_year_for


def _target_list(programme: Programme, fiscal_year: FiscalYear, region_code: str, *, actor) -> EnrolmentList:
    lists = EnrolmentList.objects.filter(programme=programme, fiscal_year=fiscal_year, region_id=region_code)
    draft = lists.filter(status=EnrolmentList.Status.DRAFT).first()
    if draft is not None:
        return draft
    main_done = lists.filter(kind=EnrolmentList.Kind.MAIN, status=EnrolmentList.Status.APPROVED).exists()
    return EnrolmentList.objects.create(
        programme=programme, fiscal_year=fiscal_year, region_id=region_code, created_by=_user(actor),
        kind=EnrolmentList.Kind.ADDITION if main_done else EnrolmentList.Kind.MAIN,
        start_month=timezone.localdate().month if main_done and timezone.localdate().year == fiscal_year.year else 1)


@transaction.atomic
def year_carry_over(*, actor, programme: Programme, from_year: int) -> int:
    """The waitlist of `from_year` moves to the next year: each waitlisted enrolment becomes CARRIED_OVER and a new
    draft enrolment (carried_over_from it) joins the next year's draft list of the same region (created when
    there is none). They are ranked when that list is (re)built. Returns how many were carried over."""
    require_perm(actor, Perm.ENROLMENT_MANAGE, programme.office_id)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    source = FiscalYear.objects.filter(year=from_year).first()
    if source is None:
        raise ApplicationError(_("Tahun anggaran %(year)s tidak ada.") % {"year": from_year}, field="year")
    waiting = Enrolment.objects.filter(programme=programme, fiscal_year=source, status=S.WAITLISTED)
    if waiting.filter(enrolment_list__status=EnrolmentList.Status.DRAFT).exists():
        raise ApplicationError(_("Masih ada daftar draf tahun %(year)s yang memuat daftar tunggu: tetapkan dulu.")
                               % {"year": from_year}, code="draft_open")
    rows = list(waiting.order_by("enrolment_list_id", "rank", "pk").values_list(
        "pk", "enrolment_list__region_id", "household_id", "person_id", "proposal_item_id", "village_code",
        "business_type", "priority_score", "welfare_score"))
    if not rows:
        return 0
    target_year = fiscal_year_for(from_year + 1)
    present = set(Enrolment.objects.filter(programme=programme, fiscal_year=target_year)
                  .exclude(status__in=TAKEN_EXCEPT).values_list("household_id", flat=True))
    targets: dict[str, EnrolmentList] = {}
    now, new = timezone.now(), []
    for pk, region_code, hid, person_id, item_id, village, business_type, priority, welfare in rows:
        if region_code not in targets:
            targets[region_code] = _target_list(programme, target_year, region_code, actor=actor)
        if hid in present:
            continue
        present.add(hid)
        lst = targets[region_code]
        new.append((lst.pk, programme.pk, target_year.pk, hid, person_id, item_id, village, None, None, "", None,
                    priority, welfare, 0, business_type, S.DRAFT, "", pk, None, "", now, now))
    reason = _("Dialihkan ke tahun anggaran %(year)s.") % {"year": from_year + 1}
    _transitions([(r[0], S.WAITLISTED, S.CARRIED_OVER) for r in rows], actor=actor, reason=reason, at=now)
    waiting.update(status=S.CARRIED_OVER, status_reason=reason, updated_at=now)
    bulk.insert_rows(Enrolment._meta.db_table, ROW_COLUMNS, new)
    return len(rows)


# --- one enrolment's life ---------------------------------------------------------------------------------------

def unpaid_amount(enrolment: Enrolment, *, previous: str, today: date | None = None) -> int:
    """What an enrolment leaving now will not be paid (see the module docstring)."""
    if previous == S.APPROVED:
        return enrolment.amount
    programme, lst = enrolment.programme, enrolment.enrolment_list
    if programme.frequency in (Frequency.ONE_OFF, Frequency.YEARLY):
        return 0
    total = payments_in_year(programme, lst.start_month)
    if not total:
        return 0
    today = today or timezone.localdate()
    year = enrolment.fiscal_year.year
    months = [m for m in payment_months(programme) if m >= lst.start_month][:total]
    if year != today.year:
        paid = len(months) if year < today.year else 0
    else:
        paid = sum(1 for m in months if m <= today.month)
    return enrolment.amount - (enrolment.amount // total) * paid


def _release(enrolment: Enrolment, *, previous: str, actor, reason: str) -> int:
    if not enrolment.fiscal_year.is_open:
        return 0
    left = unpaid_amount(enrolment, previous=previous)
    released = 0
    commitments = BudgetCommitment.objects.filter(
        reference=f"ENR-{enrolment.enrolment_list_id}", line__programme_id=enrolment.programme_id,
        line__fiscal_year_id=enrolment.fiscal_year_id).order_by("-pk")
    for commitment in commitments:
        take = min(left - released, commitment.outstanding)
        if take > 0:
            budget_release(actor=actor, commitment=commitment, reason=reason, amount=take)
            released += take
    return released


@transaction.atomic
def enrolment_transition(*, actor, enrolment: Enrolment, to_status: str, reason: str = "",
                         document_ref: str = "") -> Enrolment:
    """Move one enrolment along its life: approved -> active -> suspended / exited / graduated (models.TRANSITIONS).
    Exiting or graduating gives back to the budget what will not be paid."""
    if to_status not in S.values:
        raise ApplicationError(_("Status penerima tidak dikenal."), field="status")
    if to_status == S.DROPPED:
        return enrolment_drop(actor=actor, enrolment=enrolment, reason=reason)
    enrolment = (Enrolment.objects.select_for_update(of=("self",))
                 .select_related("programme", "fiscal_year", "enrolment_list").get(pk=enrolment.pk))
    require_perm(actor, Perm.ENROLMENT_MANAGE, enrolment.village_code)
    check_move(enrolment.status, to_status)
    if to_status in DECISIONS:
        raise ApplicationError(_("Status “%(target)s” ditetapkan untuk seluruh daftar (penetapan, "
                                 "pengalihan tahun), bukan per penerima.") % {"target": S(to_status).label},
                               field="status", code="decision")
    reason = " ".join((reason or "").split())[:REASON_MAX]
    if to_status in REASON_REQUIRED and not reason:
        raise ApplicationError(_("Alasan wajib diisi."), field="reason")
    previous = enrolment.status
    enrolment.status, enrolment.status_reason = to_status, reason
    enrolment.save(update_fields=["status", "status_reason", "updated_at"])
    EnrolmentTransition.objects.create(enrolment=enrolment, from_status=previous, to_status=to_status, reason=reason,
                                       document_ref=(document_ref or "").strip()[:120], actor=_user(actor))
    if to_status in (S.EXITED, S.GRADUATED):
        _release(enrolment, previous=previous, actor=actor, reason=reason or S(to_status).label)
    return enrolment


# --- frozen decisions vs the registry now -----------------------------------------------------------------------

CHUNK = 5000


@dataclass
class Change:
    enrolment_id: int
    household_id: int
    number: int | None
    head_name: str
    village_code: str
    fields: list[str]

    @property
    def labels(self) -> list[str]:
        """The changed fields as the registry names them."""
        from berdaya.registry.models import Household

        special = {"members": _("anggota keluarga"), "village": _("desa/kelurahan"), "household": _("keluarga")}
        return [str(special[f]) if f in special else str(Household._meta.get_field(f).verbose_name)
                for f in self.fields]


def registry_changed_since(enrolment_list: EnrolmentList, *, limit: int | None = None) -> list[Change]:
    """Approved households whose registry data (household, village, living members) differs now from their
    snapshot. Candidates come from the audit history after the approval (a household row saved, or a member saved
    — even one who moved to another family since); each is then compared field by field with its snapshot."""
    from berdaya.registry.models import Household, Person

    lst = enrolment_list
    if lst.status != EnrolmentList.Status.APPROVED or lst.approved_at is None:
        return []
    # Driven by the (indexed) history dates: what changed since is usually little, the list may be 300,000 rows.
    touched = set(Household.history.filter(history_date__gt=lst.approved_at).values_list("id", flat=True))
    people = list(set(Person.history.filter(history_date__gt=lst.approved_at).values_list("id", flat=True)))
    for start in range(0, len(people), CHUNK):
        touched |= set(Person.history.filter(id__in=people[start:start + CHUNK]).values_list("household_id",
                                                                                            flat=True))
    touched_ids, rows = sorted(touched), []
    for start in range(0, len(touched_ids), CHUNK):
        rows += Enrolment.objects.filter(enrolment_list=lst, snapshot__isnull=False,
                                         household_id__in=touched_ids[start:start + CHUNK]).values_list(
            "pk", "household_id", "number", "snapshot", "village_code")
    rows.sort(key=lambda r: r[2])
    current = registry_parts([r[1] for r in rows])
    changes = []
    for pk, hid, number, stored, village in rows:
        fields = differences({k: stored.get(k) for k in REGISTRY_KEYS}, current.get(hid))
        if fields:
            changes.append(Change(pk, hid, number, stored.get("household", {}).get("head_name", ""), village, fields))
            if limit and len(changes) >= limit:
                break
    return changes
