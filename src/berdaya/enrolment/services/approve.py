"""Approving a draft list: the budget commitment, the frozen snapshots and hashes, the proposal items, the SK."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from berdaya.core.errors import ApplicationError
from berdaya.core.formatting import rupiah
from berdaya.core.permissions import Perm, require_perm
from berdaya.enrolment import bulk
from berdaya.enrolment.models import Enrolment, EnrolmentList, EnrolmentTransition
from berdaya.enrolment.services._common import (
    DECREE_MAX,
    OPEN_STATUSES,
    S,
    _proposal_move,
    _text,
    _user,
    budget_lines_of,
    check_move,
)
from berdaya.enrolment.services.build import _locked_draft
from berdaya.enrolment.snapshot import VERSION, Reader, canonical_sorted, content_hash_of, sha256
from berdaya.programmes.models import BudgetCommitment
from berdaya.programmes.services import budget_commit


def _commit(lst: EnrolmentList, *, actor, total: int) -> BudgetCommitment | None:
    """Commit `total` from the list's line(s) under their row locks; refuse when less is left than at the build."""
    if total <= 0:
        return None
    lines = budget_lines_of(lst, lock=True)
    left = sum(line.remaining for line in lines)
    if total > left:
        raise ApplicationError(
            _("Sisa anggaran %(left)s tidak cukup untuk %(total)s yang masuk daftar: susun ulang daftar.")
            % {"left": rupiah(left), "total": rupiah(total)}, code="insufficient", extra={"remaining": left})
    first, need = None, total
    for line in lines:
        take = min(need, line.remaining)
        if take > 0:
            commitment = budget_commit(actor=actor, line=line, amount=take, reference=f"ENR-{lst.pk}")
            first = first or commitment
            need -= take
    return first


WINDOW = 10_000  # ranks per round of the freeze: bounded memory whatever the list's size


def _common(lst: EnrolmentList) -> dict:
    """What every snapshot of the list shares (dicts in sorted key order: see snapshot.canonical_sorted)."""
    rule, model = lst.eligibility_rule, lst.score_model
    return {
        "list": lst.pk, "programme": lst.programme.code,
        "rule": {"expression_sha256": sha256(rule.expression), "id": rule.pk, "version": rule.version}
        if rule else None,
        "score_model": {"id": model.pk, "version": model.version} if model else None,
        "start_month": lst.start_month, "v": VERSION, "year": lst.fiscal_year.year,
    }


def _snapshots(reader: Reader, common: dict, rows, member_rows, first: int, now) -> tuple[list[tuple], list[str]]:
    """The update rows (id, status, number, snapshot text, hash, time) and hashes of one window (no database)."""
    parts = dict(reader.part(row, offset=7) for row in rows)
    reader.members_into(member_rows, parts)
    updates, hashes = [], []
    for number, (pk, rank_, person_id, priority, welfare, amount, business_type, household_id, *_rest) in enumerate(
            rows, start=first):
        part = parts[household_id]
        text = canonical_sorted({
            "amount": amount, "business_type": business_type, "household": part["household"],
            "list": common["list"], "members": part["members"], "number": number, "person": person_id,
            "programme": common["programme"], "rank": rank_, "rule": common["rule"],
            "score_model": common["score_model"], "scores": {"priority": priority, "welfare": welfare},
            "start_month": common["start_month"], "v": common["v"], "village": part["village"],
            "year": common["year"]})
        digest = sha256(text)
        hashes.append(digest)
        updates.append((pk, S.APPROVED, number, text, digest, now))
    return updates, hashes


def _freeze(lst: EnrolmentList, *, now) -> list[str]:
    """Number the rows within the budget 1..n in rank order, store each one's snapshot and hash and make it
    APPROVED, a window of ranks at a time (two queries each); returns the hashes in number order.

    The snapshots of a window are built in a second thread while this one writes the previous window and reads
    the next (the database drivers let go of the interpreter while they wait), so on two cores the Python work
    hides behind the database's."""
    reader, common, quote = Reader(), _common(lst), connection.ops.quote_name
    table = quote(Enrolment._meta.db_table)
    where = ("e.enrolment_list_id = %s AND e.fits = %s AND e.status IN (%s, %s) AND e.rank > %s "
             "AND e.rank <= %s")
    last = lst.enrolments.filter(status__in=OPEN_STATUSES, fits=True).aggregate(m=Max("rank"))["m"] or 0
    hashes: list[str] = []
    writer = bulk.Updates(Enrolment._meta.db_table, ["status", "number", "snapshot", "snapshot_hash", "updated_at"])

    def write(future) -> None:
        updates, window_hashes = future.result()
        hashes.extend(window_hashes)
        writer.add(updates)

    with connection.cursor() as cursor, ThreadPoolExecutor(max_workers=1) as pool:
        pending, first = None, 1
        for low in range(0, last, WINDOW):
            params = [lst.pk, True, S.DRAFT, S.WAITLISTED, low, low + WINDOW]
            cursor.execute(f"SELECT e.id, e.rank, e.person_id, e.priority_score, e.welfare_score, e.amount, "  # noqa: S608
                           f"e.business_type, {reader.household_cols} FROM {table} e "
                           f"JOIN {reader.household_table} h ON h.id = e.household_id "
                           f"JOIN {reader.region_table} r ON r.code = h.village_id WHERE {where} ORDER BY e.rank",
                           params)
            rows = cursor.fetchall()
            cursor.execute(f"SELECT {reader.member_cols} FROM {table} e "  # noqa: S608
                           f"JOIN {reader.person_table} p ON p.household_id = e.household_id "
                           f"WHERE {where} AND p.status = %s ORDER BY e.rank, {reader.member_order()}",
                           [*params, reader.alive])
            future = pool.submit(_snapshots, reader, common, rows, cursor.fetchall(), first, now)
            first += len(rows)
            if pending is not None:
                write(pending)
            pending = future
        if pending is not None:
            write(pending)
    writer.finish()
    return hashes


def _decide_transitions(lst: EnrolmentList, *, actor, number: str, now) -> None:
    """One transition row per decided row, set-based: DRAFT -> APPROVED or WAITLISTED, WAITLISTED -> APPROVED."""
    for old, new in ((S.DRAFT, S.APPROVED), (S.DRAFT, S.WAITLISTED), (S.WAITLISTED, S.APPROVED)):
        check_move(old, new)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(EnrolmentTransition._meta.db_table)} "  # noqa: S608
            "(enrolment_id, from_status, to_status, reason, document_ref, actor_id, at) "
            "SELECT id, status, CASE WHEN fits = %s THEN %s ELSE %s END, '', %s, %s, %s "
            f"FROM {quote(Enrolment._meta.db_table)} WHERE enrolment_list_id = %s "
            "AND (status = %s OR (status = %s AND fits = %s))",
            [True, S.APPROVED, S.WAITLISTED, number[:120], getattr(_user(actor), "pk", None), now, lst.pk,
             S.DRAFT, S.WAITLISTED, True])


def _check_decree(lst: EnrolmentList, number, when) -> tuple[str, date]:
    number = _text(number, field="decree_number", limit=DECREE_MAX, message=_("Isi nomor SK."))
    if not isinstance(when, date):
        raise ApplicationError(_("Isi tanggal SK."), field="decree_date")
    clash = EnrolmentList.objects.filter(programme__office_id=lst.programme.office_id, decree_number=number,
                                         status=EnrolmentList.Status.APPROVED).exclude(pk=lst.pk)
    if clash.exists():
        raise ApplicationError(_("Nomor SK %(number)s sudah dipakai.") % {"number": number}, field="decree_number",
                               code="duplicate")
    return number, when


@transaction.atomic
def list_approve(*, actor, enrolment_list: EnrolmentList, decree_number: str, decree_date: date) -> EnrolmentList:
    """The head of office approves a draft list: its rows within the budget become APPROVED (numbered 1..n for the
    decree, frozen with a snapshot and hash), the others WAITLISTED; the total is committed from the budget under
    the line's lock; proposal items follow; the SK PDF is produced (here for a small list, else by a background
    job once this transaction has committed)."""
    lst = _locked_draft(enrolment_list)
    require_perm(actor, Perm.ENROLMENT_APPROVE, lst.region_id)
    number, when = _check_decree(lst, decree_number, decree_date)
    if lst.enrolments.filter(status__in=OPEN_STATUSES, rank__isnull=True).exists():
        raise ApplicationError(_("Ada penerima yang belum diberi peringkat: susun ulang daftar dulu."),
                               code="unranked")
    fitting = lst.enrolments.filter(status__in=OPEN_STATUSES, fits=True).aggregate(n=Count("pk"), total=Sum("amount"))
    total = fitting["total"] or 0
    lst.commitment = _commit(lst, actor=actor, total=total)
    now = timezone.now()
    _decide_transitions(lst, actor=actor, number=number, now=now)
    lst.enrolments.filter(status=S.DRAFT, fits=False).update(status=S.WAITLISTED, updated_at=now)
    hashes = _freeze(lst, now=now)
    lst.status, lst.approved_by, lst.approved_at = EnrolmentList.Status.APPROVED, _user(actor), now
    lst.decree_number, lst.decree_date = number, when
    lst.total_amount, lst.content_hash = total, content_hash_of(hashes)
    lst.save()
    _move_items(lst, actor=actor, number=number)
    if fitting["n"] <= getattr(settings, "BERDAYA_DECREE_INLINE_MAX", 1000):
        decree_render(enrolment_list=lst, actor=actor)
    else:
        transaction.on_commit(lambda: _enqueue_decree(lst.pk))
    return lst


def _move_items(lst: EnrolmentList, *, actor, number: str) -> None:
    """Proposal items follow the decision: approved, or waiting (one call each: items are few, filed by hand)."""
    from berdaya.proposals.models import ItemStatus

    rows = (Enrolment.objects.filter(enrolment_list=lst, proposal_item__isnull=False,
                                     status__in=[S.APPROVED, S.WAITLISTED])
            .values_list("proposal_item_id", "status"))
    for item_id, status in rows:
        target = ItemStatus.APPROVED if status == S.APPROVED else ItemStatus.WAITLISTED
        _proposal_move(item_id, target, actor=actor, document_ref=number)


def _enqueue_decree(list_id: int) -> None:
    from berdaya.enrolment.tasks import render_decree_job

    render_decree_job.enqueue(list_id)


def decree_render(*, enrolment_list: EnrolmentList, actor=None):
    """Render the approved list's SK PDF (enrolment/sk.html, from the frozen snapshots) and store it."""
    from berdaya.core.documents import PDF, document_store_bytes
    from berdaya.core.models import Document
    from berdaya.enrolment.decree import decree_pdf

    lst = EnrolmentList.objects.select_related("programme__office", "fiscal_year", "approved_by").get(
        pk=enrolment_list.pk)
    if lst.status != EnrolmentList.Status.APPROVED:
        raise ApplicationError(_("SK hanya untuk daftar yang sudah ditetapkan."), code="state")
    data = decree_pdf(lst)
    name = f"SK-{lst.programme.code}-{lst.fiscal_year.year}-{lst.pk}.pdf"
    document = document_store_bytes(data=data, name=name, content_type=PDF, kind=Document.Kind.DECREE,
                                    region=lst.region, actor=actor)
    EnrolmentList.objects.filter(pk=lst.pk).update(decree=document)
    enrolment_list.decree = document
    return document
