"""Building and rebuilding a draft list (rank, amounts, allocation) and dropping a row from it."""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from berdaya.core.errors import ApplicationError
from berdaya.core.permissions import Perm, require_perm
from berdaya.enrolment import bulk
from berdaya.enrolment.allocation import Row, allocate, rank
from berdaya.enrolment.amounts import Pricing
from berdaya.enrolment.models import Enrolment, EnrolmentList, EnrolmentTransition
from berdaya.enrolment.services._common import (
    KINDS,
    OPEN_STATUSES,
    REASON_MAX,
    SNAPSHOT_CHUNK,
    TAKEN_EXCEPT,
    UNSET,
    S,
    _in_region_q,
    _inside,
    _proposal_move,
    _text,
    _transitions,
    _user,
    budget_lines_of,
    check_move,
)
from berdaya.programmes.models import BenefitType, BudgetLine, FiscalYear, Programme
from berdaya.programmes.services import fiscal_year_for
from berdaya.regions.models import Region


def _region(value) -> Region:
    region = Region.objects.filter(code=value).first() if isinstance(value, str) else value
    if region is None:
        raise ApplicationError(_("Pilih wilayah daftar."), field="region")
    return region


def _clean_quotas(quotas, region: Region) -> dict[str, int]:
    out: dict[str, int] = {}
    for code, places in (quotas or {}).items():
        code = str(code).strip()
        if not _inside(code, region.code) or code == region.code or not Region.objects.filter(code=code).exists():
            raise ApplicationError(_("Kuota %(code)s: harus kode kecamatan atau desa di dalam %(region)s.")
                                   % {"code": code, "region": region.display_name}, field="quotas")
        if isinstance(places, bool) or not isinstance(places, int) or places < 0:
            raise ApplicationError(_("Kuota %(code)s harus bilangan bulat 0 atau lebih.") % {"code": code},
                                   field="quotas")
        out[code] = places
    return out


def _set_settings(lst: EnrolmentList, *, quotas=UNSET, require_verval=UNSET, budget_line=UNSET, start_month=UNSET,
                  amount_per_unit=UNSET) -> None:
    if quotas is not UNSET:
        lst.quotas = _clean_quotas(quotas, lst.region)
    if require_verval is not UNSET:
        lst.require_verval = bool(require_verval)
    if budget_line is not UNSET:
        if budget_line is not None and (budget_line.programme_id != lst.programme_id
                                        or budget_line.fiscal_year_id != lst.fiscal_year_id):
            raise ApplicationError(_("Pos anggaran itu bukan milik program dan tahun ini."), field="budget_line")
        lst.budget_line = budget_line
    if start_month is not UNSET:
        if isinstance(start_month, bool) or not isinstance(start_month, int) or not 1 <= start_month <= 12:
            raise ApplicationError(_("Bulan mulai 1–12."), field="start_month")
        lst.start_month = start_month
    if amount_per_unit is not UNSET:
        if amount_per_unit is not None and (isinstance(amount_per_unit, bool) or not isinstance(amount_per_unit, int)
                                            or amount_per_unit <= 0):
            raise ApplicationError(_("Nominal harus bilangan bulat Rupiah lebih dari nol."), field="amount_per_unit")
        lst.amount_per_unit = amount_per_unit


def _check_buildable(lst: EnrolmentList, pricing: Pricing) -> None:
    if not budget_lines_of(lst):
        raise ApplicationError(_("Program ini belum punya pagu tahun %(year)s: tetapkan anggarannya dulu.")
                               % {"year": lst.fiscal_year.year}, field="budget_line", code="no_budget")
    programme = lst.programme
    if not pricing.payments:
        raise ApplicationError(_("Tidak ada lagi jadwal pembayaran program ini dari bulan mulai sampai Desember."),
                               field="start_month", code="no_payment")
    if pricing.given is None:
        if programme.benefit_type == BenefitType.AMOUNT and not programme.benefit_amount:
            raise ApplicationError(_("Program belum punya nominal bantuan: isi nominal per sasaran."),
                                   field="amount_per_unit")
        if programme.benefit_type == BenefitType.KIT and not pricing.kits:
            raise ApplicationError(_("Program belum punya paket bantuan: isi nominal per sasaran."),
                                   field="amount_per_unit")


def _check_no_open_list(programme: Programme, fiscal_year: FiscalYear, region: Region, kind: str) -> None:
    lists = EnrolmentList.objects.filter(programme=programme, fiscal_year=fiscal_year, region=region)
    draft = lists.filter(status=EnrolmentList.Status.DRAFT).first()
    if draft is not None:
        raise ApplicationError(_("Sudah ada daftar draf untuk program, tahun dan wilayah ini: susun ulang daftar "
                                 "itu."), code="exists", extra={"list": draft.pk})
    if kind == EnrolmentList.Kind.MAIN and lists.filter(kind=kind, status=EnrolmentList.Status.APPROVED).exists():
        raise ApplicationError(_("Penetapan awal tahun ini sudah ada: buat penambahan tengah tahun."),
                               field="kind", code="exists")


@transaction.atomic
def list_build(*, actor, programme: Programme, year: int, region, kind: str = EnrolmentList.Kind.MAIN,
               quotas: dict | None = None, require_verval: bool = True, budget_line: BudgetLine | None = None,
               start_month: int | None = None, amount_per_unit: int | None = None) -> EnrolmentList:
    """A new draft list: the eligible households of `region`, ranked, with their amounts, marked within the budget
    (and quotas) or waiting. A mid-year addition (kind "addition") starts in `start_month` (default: this month)
    and takes in the year's waitlisted households with the new ones."""
    region = _region(region)
    require_perm(actor, Perm.ENROLMENT_MANAGE, region.code)
    if not _inside(region.code, programme.office_id):
        raise ApplicationError(_("Wilayah daftar harus di dalam wilayah dinas pelaksana program."), field="region")
    if kind not in KINDS:
        raise ApplicationError(_("Jenis daftar tidak dikenal."), field="kind")
    programme = Programme.objects.select_for_update().get(pk=programme.pk)  # one build at a time per programme
    fiscal_year = fiscal_year_for(year)
    if not fiscal_year.is_open:
        raise ApplicationError(_("Tahun anggaran %(year)s sudah ditutup.") % {"year": year}, field="year",
                               code="closed")
    _check_no_open_list(programme, fiscal_year, region, kind)
    if start_month is None:
        today = timezone.localdate()
        start_month = today.month if kind == EnrolmentList.Kind.ADDITION and today.year == int(year) else 1
    lst = EnrolmentList(programme=programme, fiscal_year=fiscal_year, region=region, kind=kind,
                        created_by=_user(actor))
    _set_settings(lst, quotas=quotas, require_verval=require_verval, budget_line=budget_line,
                  start_month=start_month, amount_per_unit=amount_per_unit)
    lst.save()
    _fill(lst, actor=actor)
    return lst


@transaction.atomic
def list_rebuild(*, actor, enrolment_list: EnrolmentList, quotas=UNSET, require_verval=UNSET, budget_line=UNSET,
                 start_month=UNSET, amount_per_unit=UNSET) -> EnrolmentList:
    """Rank a draft list again (with changed settings, the rule and scores now in force); rows dropped by an officer
    stay dropped, households carried over or already waiting stay in it."""
    lst = _locked_draft(enrolment_list)
    require_perm(actor, Perm.ENROLMENT_MANAGE, lst.region_id)
    Programme.objects.select_for_update().get(pk=lst.programme_id)
    _set_settings(lst, quotas=quotas, require_verval=require_verval, budget_line=budget_line,
                  start_month=start_month, amount_per_unit=amount_per_unit)
    lst.save()
    _fill(lst, actor=actor)
    return lst


def _locked_draft(enrolment_list: EnrolmentList) -> EnrolmentList:
    lst = (EnrolmentList.objects.select_for_update(of=("self",))
           .select_related("programme", "fiscal_year", "region", "budget_line").get(pk=enrolment_list.pk))
    if lst.status != EnrolmentList.Status.DRAFT:
        raise ApplicationError(_("Daftar ini sudah ditetapkan dan tidak dapat diubah."), code="state")
    return lst


def _verval_passed(programme: Programme, year: int) -> set[int]:
    from berdaya.verification.models import Outcome, VervalTask

    return set(VervalTask.objects.filter(outcome=Outcome.ELIGIBLE, household__isnull=False,
                                         assignment__fiscal_year=year)
               .filter(Q(assignment__programme=programme) | Q(assignment__programme__isnull=True))
               .order_by().values_list("household_id", flat=True))


def _open_items(programme: Programme, year: int) -> dict[int, tuple[int, str, int | None]]:
    """{household id: (proposal item id, business type, person id)} of the items waiting for this decision."""
    from berdaya.proposals.models import ItemStatus, ProposalItem

    items: dict[int, tuple[int, str, int | None]] = {}
    rows = (ProposalItem.objects.filter(proposal__programme=programme, proposal__fiscal_year=year,
                                        status__in=[ItemStatus.VERIFIED, ItemStatus.WAITLISTED])
            .order_by("pk").values_list("household_id", "pk", "business_type", "person_id"))
    for household_id, pk, business_type, person_id in rows:
        items.setdefault(household_id, (pk, business_type, person_id))
    return items


def _rehome_waitlisted(lst: EnrolmentList) -> None:
    """A mid-year addition takes in the year's waitlisted households of its region from the lists decided before."""
    (Enrolment.objects.filter(programme_id=lst.programme_id, fiscal_year_id=lst.fiscal_year_id, status=S.WAITLISTED,
                              enrolment_list__status__in=[EnrolmentList.Status.APPROVED,
                                                          EnrolmentList.Status.CANCELLED])
     .filter(_in_region_q("village_code", lst.region_id)).update(enrolment_list=lst))


def _members(household_ids: list[int]) -> dict[int, list[dict]]:
    """Living members of the households, for per-component amounts (ids in chunks: the rule's SQL names the
    household table, so the candidates cannot be a subquery)."""
    from berdaya.registry.codes import PersonStatus
    from berdaya.registry.models import Person

    out: dict[int, list[dict]] = {}
    for start in range(0, len(household_ids), SNAPSHOT_CHUNK):
        rows = (Person.objects.filter(household_id__in=household_ids[start:start + SNAPSHOT_CHUNK],
                                      status=PersonStatus.ALIVE).order_by()
                .values_list("household_id", "birth_date", "pregnant", "disability"))
        for household_id, birth_date, pregnant, disability in rows:
            out.setdefault(household_id, []).append({"birth_date": birth_date, "pregnant": pregnant,
                                                     "disability": disability})
    return out


def _fill(lst: EnrolmentList, *, actor) -> None:
    """Rank and allocate the draft list `lst` (its settings saved): the heavy part of build and rebuild."""
    from berdaya.targeting.models import ScoreModel
    from berdaya.targeting.rules import parse_rule
    from berdaya.targeting.selectors import candidates, priority_rule, rule_active

    programme = lst.programme
    rule_row = rule_active(programme)
    if rule_row is None:
        raise ApplicationError(_("Program %(code)s belum punya aturan kelayakan yang berlaku.")
                               % {"code": programme.code}, code="no_rule")
    require_perm(actor, Perm.TARGETING_VIEW, lst.region_id)  # the candidates are read in the actor's scope
    pricing = Pricing(programme, start_month=lst.start_month, year=lst.fiscal_year.year, given=lst.amount_per_unit)
    _check_buildable(lst, pricing)
    lst.eligibility_rule = rule_row
    lst.score_model = ScoreModel.objects.filter(active=True).first()
    if lst.kind == EnrolmentList.Kind.ADDITION:
        _rehome_waitlisted(lst)
    with connection.cursor() as cursor:  # rows never decided: nothing refers to them (no transitions yet)
        cursor.execute(f"DELETE FROM {Enrolment._meta.db_table} WHERE enrolment_list_id = %s "  # noqa: S608
                       "AND status = %s AND carried_over_from_id IS NULL", [lst.pk, S.DRAFT])
    rows, gone = _candidate_rows(lst, actor=actor, pricing=pricing,
                                 qs=candidates(user=actor, rule=parse_rule(rule_row.expression), region=lst.region,
                                               priority=priority_rule(programme)))
    rows = rank(rows)
    for number, row in enumerate(rows, start=1):
        row.rank = number
    result = allocate(rows, available=sum(line.remaining for line in budget_lines_of(lst)), quotas=lst.quotas)
    _write_rows(lst, rows)
    if gone:
        _drop_many(gone, actor=actor, reason=_("Tidak lagi memenuhi aturan kelayakan versi %(v)s.")
                   % {"v": rule_row.version})
    lst.total_amount = result.total
    lst.save()


def _candidate_rows(lst: EnrolmentList, *, actor, pricing: Pricing, qs) -> tuple[list[Row], list[tuple[int, str]]]:
    """The rows to rank (kept rows first found by household) and the kept rows that no longer qualify."""
    kept = {row["household_id"]: row for row in Enrolment.objects.filter(
        enrolment_list=lst, status__in=OPEN_STATUSES).values(
        "id", "household_id", "status", "carried_over_from_id", "proposal_item_id", "person_id", "business_type")}
    taken = set(Enrolment.objects.filter(programme_id=lst.programme_id, fiscal_year_id=lst.fiscal_year_id)
                .exclude(status__in=TAKEN_EXCEPT).exclude(enrolment_list=lst).order_by()
                .values_list("household_id", flat=True))
    taken |= set(Enrolment.objects.filter(enrolment_list=lst, status=S.DROPPED).values_list("household_id",
                                                                                          flat=True))
    verval = _verval_passed(lst.programme, lst.fiscal_year.year) if lst.require_verval else None
    items = _open_items(lst.programme, lst.fiscal_year.year)
    found = list(qs.order_by().values_list("pk", "village_id", "priority_first", "score__priority_score",
                                           "score__welfare_score"))
    members = _members([r[0] for r in found]) if pricing.needs_members else {}
    rows, seen = [], set()
    for hid, village, first, priority, welfare in found:
        own = kept.get(hid)
        if own is not None:
            seen.add(hid)
            row = Row(hid, village, first, priority, welfare, carried=True, enrolment_id=own["id"],
                      proposal_item_id=own["proposal_item_id"], person_id=own["person_id"],
                      business_type=own["business_type"])
        elif hid in taken or (verval is not None and hid not in verval):
            continue
        else:
            item = items.get(hid)
            row = Row(hid, village, first, priority, welfare)
            if item is not None:
                row.proposal_item_id, row.business_type, row.person_id = item
        row.amount = pricing.amount(business_type=row.business_type, members=members.get(hid, ()))
        if row.amount > 0:
            rows.append(row)
        elif own is not None:
            seen.discard(hid)
    gone = [(own["id"], own["status"]) for hid, own in kept.items() if hid not in seen]
    return rows, gone


NEW_ROW_COLUMNS = ["enrolment_list_id", "programme_id", "fiscal_year_id", "household_id", "village_code", "rank",
                   "fits", "wait_reason", "priority_score", "welfare_score", "amount", "business_type", "status",
                   "status_reason", "snapshot_hash", "created_at", "updated_at"]  # the others start empty (NULL)


def _write_rows(lst: EnrolmentList, rows: list[Row]) -> None:
    now = timezone.now()
    fresh = [r for r in rows if r.enrolment_id is None]
    new = [(lst.pk, lst.programme_id, lst.fiscal_year_id, r.household_id, r.village_code, r.rank, r.fits,
            r.wait_reason, r.priority_score, r.welfare_score, r.amount, r.business_type, S.DRAFT, "", "", now, now)
           for r in fresh]
    bulk.insert_rows(Enrolment._meta.db_table, NEW_ROW_COLUMNS, new)
    linked = [(r.household_id, r.proposal_item_id, r.person_id) for r in fresh if r.proposal_item_id or r.person_id]
    if linked:  # few (proposal items are filed by hand): by household, within this list
        by_household = {household_id: (item, person) for household_id, item, person in linked}
        ids = dict(Enrolment.objects.filter(enrolment_list=lst, status=S.DRAFT, carried_over_from__isnull=True,
                                            household_id__in=list(by_household)).values_list("household_id", "pk"))
        bulk.update_rows(Enrolment._meta.db_table, ["proposal_item_id", "person_id"],
                         [(ids[h], item, person) for h, (item, person) in by_household.items()])
    bulk.update_rows(Enrolment._meta.db_table,
                     ["rank", "fits", "wait_reason", "amount", "priority_score", "welfare_score", "updated_at"],
                     [(r.enrolment_id, r.rank, r.fits, r.wait_reason, r.amount, r.priority_score, r.welfare_score,
                       now) for r in rows if r.enrolment_id is not None])


def _drop_many(rows: list[tuple[int, str]], *, actor, reason: str) -> None:
    for _pk, status in rows:
        check_move(status, S.DROPPED)
    _transitions([(pk, status, S.DROPPED) for pk, status in rows], actor=actor, reason=reason)
    Enrolment.objects.filter(pk__in=[pk for pk, _status in rows]).update(
        status=S.DROPPED, status_reason=reason[:REASON_MAX], fits=None, wait_reason="", updated_at=timezone.now())


def _reallocate(lst: EnrolmentList) -> None:
    """After a row is dropped: allocate the ranked rows again (no new query of the registry)."""
    rows, before = [], []
    for pk, hid, village, amount, fits, reason in (
            Enrolment.objects.filter(enrolment_list=lst, status__in=OPEN_STATUSES, rank__isnull=False)
            .order_by("rank").values_list("pk", "household_id", "village_code", "amount", "fits", "wait_reason")):
        rows.append(Row(hid, village, amount=amount, enrolment_id=pk))
        before.append((fits, reason))
    result = allocate(rows, available=sum(line.remaining for line in budget_lines_of(lst)), quotas=lst.quotas)
    now = timezone.now()
    bulk.update_rows(Enrolment._meta.db_table, ["fits", "wait_reason", "updated_at"],
                     [(r.enrolment_id, r.fits, r.wait_reason, now) for r, old in zip(rows, before, strict=True)
                      if (r.fits, r.wait_reason) != old])
    lst.total_amount = result.total
    lst.save(update_fields=["total_amount"])


@transaction.atomic
@transaction.atomic
def list_cancel(*, actor, enrolment_list: EnrolmentList, reason: str) -> EnrolmentList:
    """Give up a draft list: it stays, cancelled, as the record of who and why. Its ranked rows go (a ranking is not
    a decision, and they would keep the households from the next list); households taken off it stay off, with
    their reasons; households that were already waiting this year keep waiting (the next addition takes them in)."""
    lst = _locked_draft(enrolment_list)
    require_perm(actor, Perm.ENROLMENT_MANAGE, lst.region_id)
    reason = _text(reason, field="reason", limit=REASON_MAX, message=_("Tulis alasan pembatalan."))
    Enrolment.objects.filter(enrolment_list=lst, status=S.DRAFT).delete()
    lst.status, lst.cancelled_by, lst.cancelled_at, lst.cancel_reason = (
        EnrolmentList.Status.CANCELLED, _user(actor), timezone.now(), reason)
    lst.save(update_fields=["status", "cancelled_by", "cancelled_at", "cancel_reason"])
    return lst


def enrolment_drop(*, actor, enrolment: Enrolment, reason: str) -> Enrolment:
    """Take a household off a draft list (the officer's decision, kept across rebuilds); the rest is allocated
    again, so the next waiting household may move into the budget."""
    enrolment = Enrolment.objects.select_for_update(of=("self",)).get(pk=enrolment.pk)
    require_perm(actor, Perm.ENROLMENT_MANAGE, enrolment.village_code)
    check_move(enrolment.status, S.DROPPED)
    lst = _locked_draft(enrolment.enrolment_list)
    reason = _text(reason, field="reason", limit=REASON_MAX, message=_("Tulis alasan."))
    previous = enrolment.status
    enrolment.status, enrolment.status_reason, enrolment.fits, enrolment.wait_reason = S.DROPPED, reason, None, ""
    enrolment.save(update_fields=["status", "status_reason", "fits", "wait_reason", "updated_at"])
    EnrolmentTransition.objects.create(enrolment=enrolment, from_status=previous, to_status=S.DROPPED,
                                       reason=reason, actor=_user(actor))
    if enrolment.proposal_item_id:
        _proposal_move(enrolment.proposal_item_id, "rejected", actor=actor, reason=reason)
    _reallocate(lst)
    return enrolment
