"""Every write to the programme catalogue and the budgets: keyword-only functions, one transaction each, the
actor's permission checked over the programme's office, audited (django-simple-history with a namespaced action
code in `_change_reason`, BudgetRevision rows for allocations).

Budget services (called by enrolment and distribution; amounts are whole Rupiah, always > 0 unless said):

    budget_allocate(*, actor, programme, source, year, amount, reason) -> BudgetLine        BUDGET_MANAGE
    budget_revise(*, actor, line, amount, reason) -> BudgetLine                             BUDGET_MANAGE
    budget_commit(*, actor, line, amount, reference) -> BudgetCommitment     BUDGET_MANAGE or BUDGET_APPROVE
    budget_release(*, actor, commitment, reason, amount=None) -> BudgetCommitment            (same)
    budget_disburse(*, actor, commitment, amount, reference) -> BudgetDisbursement           (same)
    fiscal_year_set_open(*, actor, year, is_open) -> FiscalYear         BUDGET_APPROVE over the whole country

Each raises core.errors.ApplicationError (with .code) when it refuses: "forbidden", "closed" (fiscal year closed),
"insufficient" (not enough left), "invalid", "exists", "duplicate", "unchanged".

Concurrency: the budget services lock the BudgetLine row (SELECT … FOR UPDATE on PostgreSQL; on SQLite every
transaction starts with BEGIN IMMEDIATE — settings' transaction_mode — so writers run one at a time) and check
the invariant committed + disbursed <= allocated on the fresh row. The database's CHECK constraints
(models.BudgetLine) refuse anything that slips past. Lock order is always line, then commitment.
"""

from __future__ import annotations

import re
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from berdaya.core.audit import audit as _audit
from berdaya.core.errors import ApplicationError
from berdaya.core.formatting import rupiah
from berdaya.core.permissions import NATIONAL, Perm, has_perm, require_perm
from berdaya.programmes.models import (
    BenefitComponent,
    BenefitKit,
    BenefitType,
    BudgetCommitment,
    BudgetDisbursement,
    BudgetLine,
    BudgetRevision,
    FiscalYear,
    FundingSource,
    KitItem,
    Programme,
)
from berdaya.regions.models import Region

PROGRAMME_FIELDS = [
    "code", "name", "description", "kind", "target_unit", "frequency", "duration_months", "benefit_type",
    "benefit_amount", "group_size_min", "group_size_max", "is_active", "priority_rule",
]
REFERENCE_MAX = 64
REASON_MAX = 255
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]*$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


# --- helpers --------------------------------------------------------------------------------------------------------

def _save(instance, actor, action: str) -> None:
    _audit(instance, actor, action)
    instance.save()


def _require_budget_actor(actor, office_code: str) -> None:
    """Commitments follow approvals (the head of office) and payments (the staff): either permission will do."""
    if not (has_perm(actor, Perm.BUDGET_MANAGE, office_code) or has_perm(actor, Perm.BUDGET_APPROVE, office_code)):
        require_perm(actor, Perm.BUDGET_MANAGE, office_code)  # raises the standard refusal


def _whole_rupiah(value, *, field: str = "amount", allow_zero: bool = False) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApplicationError(_("Nominal harus bilangan bulat Rupiah."), field=field)
    if value < 0 or (value == 0 and not allow_zero):
        raise ApplicationError(_("Nominal harus lebih dari nol.") if not allow_zero
                               else _("Nominal tidak boleh negatif."), field=field)
    return value


def _text(value, *, field: str, limit: int, message: str) -> str:
    text = " ".join(str(value or "").split())
    if not text:
        raise ApplicationError(message, field=field)
    if len(text) > limit:
        raise ApplicationError(_("Paling banyak %(n)s karakter.") % {"n": limit}, field=field)
    return text


# --- catalogue ------------------------------------------------------------------------------------------------------

def _clean_programme(data: dict) -> dict:
    data = dict(data)
    if "code" in data:
        data["code"] = (data["code"] or "").strip().upper()
        if not _CODE.match(data["code"]):
            raise ApplicationError(_("Kode program: huruf besar, angka, - atau _ (mis. PKH, BLT-DD)."), field="code")
    if "name" in data:
        data["name"] = _text(data["name"], field="name", limit=160, message=_("Isi nama program."))
    return data


def _check_programme(programme: Programme) -> None:
    if programme.benefit_type == BenefitType.AMOUNT and not programme.benefit_amount:
        raise ApplicationError(_("Isi nominal bantuan per periode."), field="benefit_amount")
    low, high = programme.group_size_min, programme.group_size_max
    if (low is None) != (high is None):
        raise ApplicationError(_("Isi jumlah anggota kelompok paling sedikit dan paling banyak, atau kosongkan "
                                 "keduanya."), field="group_size_max")
    if low is not None and (low < 1 or low > high):
        raise ApplicationError(_("Jumlah anggota paling sedikit harus 1 atau lebih dan tidak melebihi yang paling "
                                 "banyak."), field="group_size_min")
    if not 1 <= programme.duration_months <= 120:
        raise ApplicationError(_("Lama program 1–120 bulan."), field="duration_months")
    _check_priority_rule(programme)
    clash = Programme.objects.filter(office_id=programme.office_id, code=programme.code).exclude(pk=programme.pk)
    if clash.exists():
        raise ApplicationError(_("Kode program %(code)s sudah dipakai di dinas ini.") % {"code": programme.code},
                               field="code", code="duplicate")


def _check_priority_rule(programme: Programme) -> None:
    """The priority rule is written in the eligibility rule language: refuse it here, with the parser's message."""
    from berdaya.targeting.rules import RuleError, parse_rule

    programme.priority_rule = (programme.priority_rule or "").replace("\r\n", "\n").strip()
    if not programme.priority_rule:
        return
    try:
        parse_rule(programme.priority_rule)
    except RuleError as exc:
        raise ApplicationError(_("Aturan prioritas tidak valid: %(error)s") % {"error": exc.message},
                               field="priority_rule") from None


def _office(value) -> Region:
    office = Region.objects.filter(code=value).first() if isinstance(value, str) else value
    if office is None:
        raise ApplicationError(_("Pilih kabupaten/kota pelaksana."), field="office")
    return office


def _save_programme(programme: Programme, *, actor, action: str, data: dict) -> None:
    _check_programme(programme)
    _audit(programme, actor, action)
    try:
        with transaction.atomic():
            programme.save()
    except IntegrityError:
        raise ApplicationError(_("Kode program %(code)s sudah dipakai di dinas ini.") % {"code": programme.code},
                               field="code", code="duplicate") from None
    for name in ("funding_sources", "partners"):
        if name in data:
            _audit(programme, actor, action)
            getattr(programme, name).set(data[name])


@transaction.atomic
def programme_create(*, actor, data: dict) -> Programme:
    """Add a programme to the catalogue of `data["office"]` (a Region or its code)."""
    office = _office(data.get("office"))
    require_perm(actor, Perm.PROGRAMMES_MANAGE, office.code)
    data = _clean_programme(data)
    programme = Programme(office=office)
    for name in PROGRAMME_FIELDS:
        if name in data:
            setattr(programme, name, data[name])
    _save_programme(programme, actor=actor, action="programmes.programme.created", data=data)
    return programme


@transaction.atomic
def programme_update(*, actor, programme: Programme, data: dict) -> list[str]:
    """Change a programme; returns the names of the fields that changed (sources and partners included)."""
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    require_perm(actor, Perm.PROGRAMMES_MANAGE, programme.office_id)
    data = _clean_programme(data)
    changed = []
    if "office" in data:
        office = _office(data["office"])
        if office.code != programme.office_id:
            require_perm(actor, Perm.PROGRAMMES_MANAGE, office.code)
            programme.office = office
            changed.append("office")
    for name in PROGRAMME_FIELDS:
        if name in data and getattr(programme, name) != data[name]:
            setattr(programme, name, data[name])
            changed.append(name)
    relations = {}
    for name in ("funding_sources", "partners"):
        if name in data and {o.pk for o in getattr(programme, name).all()} != {o.pk for o in data[name]}:
            relations[name] = data[name]
            changed.append(name)
    if changed:
        _save_programme(programme, actor=actor, action="programmes.programme.updated", data=relations)
    return changed


def _lock_programme(programme: Programme, actor) -> Programme:
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    require_perm(actor, Perm.PROGRAMMES_MANAGE, programme.office_id)
    return programme


def _slug(value, *, field: str) -> str:
    slug = (value or "").strip().lower()
    if not _SLUG.match(slug) or len(slug) > 32:
        raise ApplicationError(_("Kode: huruf kecil, angka, - atau _ (mis. kiosk), paling banyak 32 karakter."),
                               field=field)
    return slug


@transaction.atomic
def component_save(*, actor, programme: Programme, code: str, name: str, amount_per_year: int,
                   cap_per_family: int | None = None, order: int | None = None) -> BenefitComponent:
    """Add a component, or change the one with this code (amounts are per year; caps per family)."""
    programme = _lock_programme(programme, actor)
    code = _slug(code, field="code")
    name = _text(name, field="name", limit=120, message=_("Isi nama komponen."))
    amount = _whole_rupiah(amount_per_year, field="amount_per_year")
    if cap_per_family is not None and cap_per_family < 1:
        raise ApplicationError(_("Batas per keluarga paling sedikit 1, atau kosongkan."), field="cap_per_family")
    component = programme.components.filter(code=code).first()
    action = "programmes.component.updated"
    if component is None:
        action = "programmes.component.created"
        component = BenefitComponent(programme=programme, code=code,
                                     order=programme.components.count() + 1 if order is None else order)
    elif order is not None:
        component.order = order
    component.name, component.amount_per_year, component.cap_per_family = name, amount, cap_per_family
    _save(component, actor, action)
    return component


@transaction.atomic
def component_delete(*, actor, component: BenefitComponent) -> None:
    _lock_programme(component.programme, actor)
    _audit(component, actor, "programmes.component.deleted")
    component.delete()


@transaction.atomic
def kit_create(*, actor, programme: Programme, business_type: str, name: str, description: str = "") -> BenefitKit:
    programme = _lock_programme(programme, actor)
    business_type = _slug(business_type, field="business_type")
    name = _text(name, field="name", limit=120, message=_("Isi nama paket."))
    if programme.kits.filter(business_type=business_type).exists():
        raise ApplicationError(_("Paket untuk jenis usaha %(type)s sudah ada.") % {"type": business_type},
                               field="business_type", code="duplicate")
    kit = BenefitKit(programme=programme, business_type=business_type, name=name,
                     description=" ".join((description or "").split())[:255], order=programme.kits.count() + 1)
    _save(kit, actor, "programmes.kit.created")
    return kit


@transaction.atomic
def kit_delete(*, actor, kit: BenefitKit) -> None:
    _lock_programme(kit.programme, actor)
    for item in kit.items.all():
        _audit(item, actor, "programmes.kit_item.deleted")
        item.delete()
    _audit(kit, actor, "programmes.kit.deleted")
    kit.delete()


def kit_total(kit: BenefitKit) -> int:
    return sum(i.quantity * i.unit_price for i in KitItem.objects.filter(kit=kit).only("quantity", "unit_price"))


@transaction.atomic
def kit_item_add(*, actor, kit: BenefitKit, name: str, quantity: int, unit: str, unit_price: int) -> KitItem:
    """Add an item; a kit may not cost more than the programme's value per unit, when the programme sets one."""
    programme = _lock_programme(kit.programme, actor)
    name = _text(name, field="name", limit=120, message=_("Isi nama barang."))
    unit = _text(unit, field="unit", limit=24, message=_("Isi satuan (mis. unit, kg, buah)."))
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise ApplicationError(_("Jumlah paling sedikit 1."), field="quantity")
    unit_price = _whole_rupiah(unit_price, field="unit_price")
    if kit.items.filter(name__iexact=name).exists():
        raise ApplicationError(_("Barang %(name)s sudah ada di paket ini.") % {"name": name}, field="name",
                               code="duplicate")
    total = kit_total(kit) + quantity * unit_price
    if programme.benefit_type == BenefitType.KIT and programme.benefit_amount and total > programme.benefit_amount:
        raise ApplicationError(
            _("Nilai paket menjadi %(total)s, melebihi nilai bantuan per sasaran %(cap)s.")
            % {"total": rupiah(total), "cap": rupiah(programme.benefit_amount)}, field="unit_price",
            code="over_cap")
    item = KitItem(kit=kit, name=name, quantity=quantity, unit=unit, unit_price=unit_price)
    _save(item, actor, "programmes.kit_item.created")
    return item


@transaction.atomic
def kit_item_remove(*, actor, item: KitItem) -> None:
    _lock_programme(item.kit.programme, actor)
    _audit(item, actor, "programmes.kit_item.deleted")
    item.delete()


# --- fiscal years and budget lines --------------------------------------------------------------------------------

def fiscal_year_for(year: int) -> FiscalYear:
    """The fiscal year `year`, created open (1 Jan – 31 Dec) the first time money is allocated in it."""
    if not 2000 <= int(year) <= 2100:
        raise ApplicationError(_("Tahun anggaran tidak sah."), field="year")
    fiscal_year, _created = FiscalYear.objects.get_or_create(
        year=year, defaults={"start_date": date(year, 1, 1), "end_date": date(year, 12, 31)})
    return fiscal_year


def _require_open(fiscal_year_id: int) -> FiscalYear:
    # A fresh read (its own statement): a close committed while we waited for the line lock is seen.
    fiscal_year = FiscalYear.objects.get(pk=fiscal_year_id)
    if not fiscal_year.is_open:
        raise ApplicationError(_("Tahun anggaran %(year)s sudah ditutup.") % {"year": fiscal_year.year},
                               code="closed")
    return fiscal_year


def _locked_line(line: BudgetLine | int) -> BudgetLine:
    pk = line if isinstance(line, int) else line.pk
    return (BudgetLine.objects.select_for_update(of=("self",)).select_related("programme", "source")
            .get(pk=pk))


def _save_line(line: BudgetLine, actor, action: str) -> None:
    _audit(line, actor, action)
    try:
        with transaction.atomic():
            line.save()
    except IntegrityError:
        # Only reachable if a caller bypassed the checks above: the CHECK constraints hold the invariant.
        raise ApplicationError(_("Perubahan ini melanggar batas anggaran."), code="insufficient") from None


@transaction.atomic
def budget_allocate(*, actor, programme: Programme, source: FundingSource, year: int, amount: int,
                    reason: str) -> BudgetLine:
    """Open the budget line programme × source × year with `amount` allocated (records the first revision).

    Refuses with code "exists" when the line is already there: change it with budget_revise.
    """
    require_perm(actor, Perm.BUDGET_MANAGE, programme.office_id)
    amount = _whole_rupiah(amount, allow_zero=True)
    reason = _text(reason, field="reason", limit=REASON_MAX, message=_("Tulis alasan atau dasar (mis. DPA 2026)."))
    if not programme.funding_sources.filter(pk=source.pk).exists():
        raise ApplicationError(_("%(source)s belum tercatat sebagai sumber dana %(programme)s: tambahkan di halaman "
                                 "ubah program.") % {"source": source.name, "programme": programme.code},
                               field="source")
    fiscal_year = fiscal_year_for(year)
    _require_open(fiscal_year.pk)
    exists_error = ApplicationError(
        _("Anggaran %(programme)s dari %(source)s tahun %(year)s sudah ada: gunakan revisi.")
        % {"programme": programme.code, "source": source.name, "year": year}, code="exists")
    if BudgetLine.objects.filter(programme=programme, source=source, fiscal_year=fiscal_year).exists():
        raise exists_error
    line = BudgetLine(programme=programme, source=source, fiscal_year=fiscal_year, allocated=amount)
    _audit(line, actor, "programmes.budget.allocated")
    try:
        with transaction.atomic():
            line.save()
    except IntegrityError:  # the same line opened at the same moment by someone else
        raise exists_error from None
    BudgetRevision.objects.create(line=line, action=BudgetRevision.Action.ALLOCATED, old_allocated=0,
                                  new_allocated=amount, reason=reason, actor=_user(actor))
    return line


@transaction.atomic
def budget_revise(*, actor, line: BudgetLine, amount: int, reason: str) -> BudgetLine:
    """Set the allocation of a line to `amount` (never below what is already committed and disbursed)."""
    amount = _whole_rupiah(amount, allow_zero=True)
    reason = _text(reason, field="reason", limit=REASON_MAX, message=_("Tulis alasan revisi (mis. APBD-P)."))
    line = _locked_line(line)
    require_perm(actor, Perm.BUDGET_MANAGE, line.programme.office_id)
    _require_open(line.fiscal_year_id)
    bound = line.committed + line.disbursed
    if amount < bound:
        raise ApplicationError(_("Pagu baru %(new)s kurang dari yang sudah terikat dan tersalurkan (%(bound)s).")
                               % {"new": rupiah(amount), "bound": rupiah(bound)}, field="amount", code="insufficient")
    if amount == line.allocated:
        raise ApplicationError(_("Pagu tidak berubah."), field="amount", code="unchanged")
    old = line.allocated
    line.allocated = amount
    _save_line(line, actor, "programmes.budget.revised")
    BudgetRevision.objects.create(line=line, action=BudgetRevision.Action.REVISED, old_allocated=old,
                                  new_allocated=amount, reason=reason, actor=_user(actor))
    return line


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _reference(value) -> str:
    reference = str(value or "").strip()
    if not reference:
        raise ApplicationError(_("Rujukan wajib diisi (mis. enrolment:123)."), field="reference")
    if len(reference) > REFERENCE_MAX:
        raise ApplicationError(_("Rujukan paling banyak %(n)s karakter.") % {"n": REFERENCE_MAX}, field="reference")
    return reference


@transaction.atomic
def budget_commit(*, actor, line: BudgetLine, amount: int, reference: str) -> BudgetCommitment:
    """Promise `amount` from `line` for `reference` (e.g. "enrolment:123").

    Refuses ("insufficient") when less than `amount` remains. Safe to retry: while a commitment with the same
    reference is active on the line, the same call returns it instead of committing twice (a different amount
    is refused with "duplicate").
    """
    amount = _whole_rupiah(amount)
    reference = _reference(reference)
    line = _locked_line(line)
    _require_budget_actor(actor, line.programme.office_id)
    _require_open(line.fiscal_year_id)
    active = [c for c in line.commitments.filter(reference=reference) if c.released < c.amount]
    if active:
        if active[0].amount == amount:
            return active[0]
        raise ApplicationError(_("Rujukan %(ref)s sudah mengikat %(amount)s dari pos anggaran ini.")
                               % {"ref": reference, "amount": rupiah(active[0].amount)}, field="reference",
                               code="duplicate")
    if amount > line.remaining:
        raise ApplicationError(_("Sisa anggaran %(left)s tidak cukup untuk %(amount)s.")
                               % {"left": rupiah(line.remaining), "amount": rupiah(amount)}, field="amount",
                               code="insufficient", extra={"remaining": line.remaining})
    line.committed += amount
    _save_line(line, actor, "programmes.budget.committed")
    commitment = BudgetCommitment(line=line, reference=reference, amount=amount, created_by=_user(actor))
    _save(commitment, actor, "programmes.commitment.created")
    return commitment


def _locked_commitment(commitment: BudgetCommitment) -> tuple[BudgetLine, BudgetCommitment]:
    line = _locked_line(commitment.line_id)
    return line, BudgetCommitment.objects.select_for_update().get(pk=commitment.pk)


@transaction.atomic
def budget_release(*, actor, commitment: BudgetCommitment, reason: str, amount: int | None = None
                   ) -> BudgetCommitment:
    """Give back what a commitment still holds (all of it, or `amount`): an enrolment cancelled or ended early."""
    reason = _text(reason, field="reason", limit=REASON_MAX, message=_("Tulis alasan pelepasan."))
    line, commitment = _locked_commitment(commitment)
    _require_budget_actor(actor, line.programme.office_id)
    _require_open(line.fiscal_year_id)
    amount = commitment.outstanding if amount is None else _whole_rupiah(amount)
    if amount <= 0 or amount > commitment.outstanding:
        raise ApplicationError(_("Yang masih terikat pada komitmen ini %(left)s.")
                               % {"left": rupiah(commitment.outstanding)}, field="amount", code="insufficient")
    line.committed -= amount
    _save_line(line, actor, "programmes.budget.released")
    commitment.released += amount
    commitment.release_reason = reason
    _save(commitment, actor, "programmes.commitment.released")
    return commitment


@transaction.atomic
def budget_disburse(*, actor, commitment: BudgetCommitment, amount: int, reference: str) -> BudgetDisbursement:
    """Move `amount` of a commitment from committed to disbursed (a payment made, e.g. one PKH quarter).

    Safe to retry: the same (commitment, reference) returns the first disbursement (a different amount is refused).
    """
    amount = _whole_rupiah(amount)
    reference = _reference(reference)
    line, commitment = _locked_commitment(commitment)
    _require_budget_actor(actor, line.programme.office_id)
    _require_open(line.fiscal_year_id)
    done = commitment.disbursements.filter(reference=reference).first()
    if done is not None:
        if done.amount == amount:
            return done
        raise ApplicationError(_("Penyaluran %(ref)s sudah tercatat sebesar %(amount)s.")
                               % {"ref": reference, "amount": rupiah(done.amount)}, field="reference",
                               code="duplicate")
    if amount > commitment.outstanding:
        raise ApplicationError(_("Yang masih terikat pada komitmen ini %(left)s.")
                               % {"left": rupiah(commitment.outstanding)}, field="amount", code="insufficient")
    line.committed -= amount
    line.disbursed += amount
    _save_line(line, actor, "programmes.budget.disbursed")
    commitment.disbursed += amount
    _save(commitment, actor, "programmes.commitment.disbursed")
    return BudgetDisbursement.objects.create(commitment=commitment, reference=reference, amount=amount,
                                             created_by=_user(actor))


def can_close_years(actor) -> bool:
    return has_perm(actor, Perm.BUDGET_MANAGE, NATIONAL) or has_perm(actor, Perm.BUDGET_APPROVE, NATIONAL)


@transaction.atomic
def fiscal_year_set_open(*, actor, year: int, is_open: bool) -> FiscalYear:
    """Close (or reopen) a fiscal year for every office: no allocation, commitment or payment while closed.

    The year is shared by every office, so only a holder of BUDGET_MANAGE or BUDGET_APPROVE over the whole country
    (a national administrator) may do it. Every line of the year is locked first, so no budget movement is half-way
    when the year closes.
    """
    if not can_close_years(actor):
        raise ApplicationError(_("Hanya pejabat tingkat nasional yang dapat membuka atau menutup tahun anggaran."),
                               code="forbidden")
    fiscal_year = FiscalYear.objects.select_for_update().get(pk=fiscal_year_for(year).pk)
    list(BudgetLine.objects.select_for_update().filter(fiscal_year=fiscal_year).values_list("pk", flat=True))
    fiscal_year.is_open = is_open
    fiscal_year.closed_at = None if is_open else timezone.now()
    fiscal_year.closed_by = None if is_open else _user(actor)
    fiscal_year.save()
    return fiscal_year

