"""Every write to proposals. Keyword-only functions, one transaction each, permission checked over the proposing
region, audited (simple-history with `proposals.*` action codes, plus one ProposalStatusChange per status move).

Status moves go through `item_transition` only; other apps call it:
    verification: COMPLETE -> SCHEDULED when a task is created from the item; SCHEDULED -> VERIFIED when an
                  "eligible" outcome stands; SCHEDULED -> REJECTED (reason = the outcome) when a removal is confirmed.
    enrolment:    VERIFIED/WAITLISTED -> APPROVED or WAITLISTED when a list is approved; -> REJECTED when dropped.

The proposal pages call the rest:
    proposal_file(...)                     the village (or camat) files a letter with its items     PROPOSALS_FILE
    proposal_return / proposal_pass_completeness / item_reject      Dinsos' completeness check   PROPOSALS_REVIEW
    proposal_resubmit / proposal_withdraw / item_add / item_update / item_remove     the village PROPOSALS_FILE
    batch_create(...)                      a village meeting's minutes and BNBA list             PROPOSALS_FILE

Uploaded files are checked (type by content, size) by core.documents before anything is written; when a service
refuses after a file was stored, the file is removed again unless another document row shares it (files are
named by their content).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from berdaya.core import documents
from berdaya.core.audit import audit, audited_save
from berdaya.core.errors import ApplicationError
from berdaya.core.models import Document
from berdaya.core.permissions import Perm, has_perm, require_perm
from berdaya.enrolment.models import HOLDING, Enrolment, EnrolmentStatus
from berdaya.programmes.models import Programme, TargetUnit
from berdaya.proposals.models import (
    TRANSITIONS,
    ItemStatus,
    MeetingKind,
    Proposal,
    ProposalBatch,
    ProposalItem,
    ProposalStatusChange,
    ProposerKind,
)
from berdaya.regions.models import Level, Region
from berdaya.registry import codes
from berdaya.registry.models import Household, Person

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
# An item is "open" (still on its way) unless it ended: a second proposal of the same household is pointed out.
CLOSED = frozenset({ItemStatus.REJECTED, ItemStatus.WITHDRAWN, ItemStatus.APPROVED})
OPEN = frozenset(ItemStatus.values) - CLOSED
# The village may still change an item (request, kit) or take it out while Dinsos has not passed it.
EDITABLE = frozenset({ItemStatus.SUBMITTED, ItemStatus.RETURNED})
# Enrolment states that count as "already enrolled" (brief: HOLDING or waitlisted).
ENROLLED = frozenset(HOLDING | {EnrolmentStatus.WAITLISTED})
PROPOSING_LEVELS = (Level.DISTRICT, Level.VILLAGE)  # a camat proposes for a district, a village head for a village
REMOVED_REASON = gettext_noop("Dihapus dari usulan oleh pengusul.")  # stored translated at use


# --- helpers --------------------------------------------------------------------------------------------------------

def _require_transition_perm(actor, to_status: str, region_code: str) -> None:
    perms = TRANSITION_PERMS[to_status]
    if not any(has_perm(actor, perm, region_code) for perm in perms):
        require_perm(actor, perms[0], region_code)  # raises the standard refusal


def _inside(code: str, region_code: str) -> bool:
    """Does region `code` lie in (or is it) `region_code`? Codes nest by prefix."""
    return code == region_code or code.startswith(region_code + ".")


def _text(value, *, field: str, limit: int, required: str | None = None) -> str:
    text = " ".join(str(value or "").split())
    if not text and required:
        raise ApplicationError(required, field=field)
    if len(text) > limit:
        raise ApplicationError(_("Paling banyak %(n)s karakter.") % {"n": limit}, field=field)
    return text


def _actor_or_none(actor):
    return actor if getattr(actor, "pk", None) else None


@contextmanager
def _discard_files_on_failure() -> Iterator[list[str]]:
    """Collect the paths of files stored inside the block; if the block fails, remove those no row refers to.

    Use as `with _discard_files_on_failure() as stored, transaction.atomic():` so the rollback happens first.
    """
    stored: list[str] = []
    try:
        yield stored
    except BaseException:
        root = Path(settings.PRIVATE_MEDIA_ROOT)
        for path in stored:
            if not Document.objects.filter(path=path).exists():  # the same content may be another row's file
                with suppress(OSError):
                    (root / path).unlink()
        raise


def _store(upload, *, kind: str, region: Region, actor, field: str, stored: list[str]) -> Document:
    try:
        document = documents.document_store(upload=upload, kind=kind, region=region, actor=actor)
    except ApplicationError as exc:
        raise ApplicationError(exc.message, field=field, code=exc.code) from exc
    stored.append(document.path)
    return document


def _region(value) -> Region:
    if isinstance(value, Region):
        return value
    region = Region.objects.filter(code=str(value or "")).first()
    if region is None:
        raise ApplicationError(_("Wilayah tidak terdaftar."), field="region")
    return region


def _past_date(value, *, field: str, message: str) -> date:
    if not isinstance(value, date):
        raise ApplicationError(message, field=field)
    if value > timezone.localdate():
        raise ApplicationError(_("Tanggal tidak boleh di masa depan."), field=field)
    return value


# --- items: the checks shared by filing and adding -------------------------------------------------------------------

@dataclass
class _Line:
    household: Household
    person: Person | None
    request: str
    business_type: str
    has_business: bool | None


def _row_error(index: int | None, household, message) -> ApplicationError:
    """An error about one item, naming its row (1-based) and the head of the family, never the KK or NIK."""
    if index is None:
        return ApplicationError(message, field="items")
    name = getattr(household, "head_name", "") or "–"
    return ApplicationError(_("Baris %(n)s (%(name)s): %(message)s") % {"n": index + 1, "name": name,
                                                                           "message": message},
                            field="items", extra={"row": index})


def _kit_codes(programme: Programme) -> set[str]:
    return set(programme.kits.values_list("business_type", flat=True))


def _check_details(*, programme: Programme, kits: set[str], spec: dict, index: int | None,
                   household) -> tuple[str, str, bool | None]:
    request = " ".join(str(spec.get("request") or "").split())
    if not request:
        raise _row_error(index, household, _("Isi apa yang diminta (mis. membuka warung kopi)."))
    if len(request) > 255:
        raise _row_error(index, household, _("Permintaan paling banyak 255 karakter."))
    business_type = str(spec.get("business_type") or "").strip()
    if business_type and business_type not in kits:
        raise _row_error(index, household, _("Jenis usaha/paket “%(kit)s” tidak ada di program %(code)s.")
                         % {"kit": business_type, "code": programme.code})
    has_business = spec.get("has_business")
    if has_business not in (True, False, None):
        raise _row_error(index, household, _("Isi apakah sudah punya usaha dengan ya, tidak, atau kosong."))
    return request, business_type, has_business


def _check_line(*, programme: Programme, region: Region, kits: set[str], spec: dict, index: int | None,
                household: Household | None) -> _Line:
    if household is None:
        raise _row_error(index, None, _("Pilih keluarga dari registri."))
    if not _inside(household.village_id, region.code):
        raise _row_error(index, household, _("keluarga ini tidak tinggal di wilayah pengusul."))
    if household.status != codes.HouseholdStatus.ACTIVE:
        raise _row_error(index, household, _("keluarga ini tidak aktif di registri (status %(status)s).")
                         % {"status": household.get_status_display()})
    person = spec.get("person")
    if person is not None:
        person = Person.objects.filter(pk=getattr(person, "pk", person)).first()
        if person is None or person.household_id != household.pk:
            raise _row_error(index, household, _("orang yang diusulkan bukan anggota keluarga ini."))
        if person.status != codes.PersonStatus.ALIVE:
            raise _row_error(index, household, _("%(name)s tidak lagi tercatat hidup di keluarga ini.")
                             % {"name": person.name})
    elif programme.target_unit == TargetUnit.PERSON:
        raise _row_error(index, household, _("program ini untuk perorangan: pilih anggota keluarga yang diusulkan."))
    request, business_type, has_business = _check_details(programme=programme, kits=kits, spec=spec, index=index,
                                                          household=household)
    return _Line(household, person, request, business_type, has_business)


def _check_lines(*, programme: Programme, region: Region, items) -> list[_Line]:
    items = list(items or [])
    if not items:
        raise ApplicationError(_("Tambahkan paling sedikit satu keluarga."), field="items")
    wanted = [getattr(spec.get("household"), "pk", spec.get("household")) for spec in items]
    households = Household.objects.in_bulk([pk for pk in wanted if pk is not None])
    kits = _kit_codes(programme)
    lines, seen = [], set()
    for index, (spec, pk) in enumerate(zip(items, wanted, strict=True)):
        household = households.get(pk)
        if pk in seen:
            raise _row_error(index, household, _("keluarga yang sama dua kali dalam satu usulan."))
        seen.add(pk)
        lines.append(_check_line(programme=programme, region=region, kits=kits, spec=spec, index=index,
                                 household=household))
    return lines


def _duplicate_notes(*, programme: Programme, fiscal_year: int, lines: list[_Line]) -> list[str]:
    """Per line, what to point out: already enrolled (this year or last) or already proposed (open, same year).

    A person-targeted programme compares persons, a household-targeted one households.
    """
    key = "person_id" if programme.target_unit == TargetUnit.PERSON else "household_id"
    ids = [line.person.pk if key == "person_id" else line.household.pk for line in lines]
    notes: dict[int, list[str]] = {i: [] for i in ids}
    labels = dict(EnrolmentStatus.choices)
    enrolled = (Enrolment.objects.filter(programme=programme, status__in=ENROLLED,
                                         fiscal_year__year__in=(fiscal_year, fiscal_year - 1), **{f"{key}__in": ids})
                .order_by("-fiscal_year__year").values_list(key, "fiscal_year__year", "status"))
    for pk, year, status in enrolled:
        notes[pk].append(_("Sudah menjadi penerima program ini tahun %(year)s (%(status)s).")
                         % {"year": year, "status": labels.get(status, status)})
    proposed = (ProposalItem.objects.filter(proposal__programme=programme, proposal__fiscal_year=fiscal_year,
                                            status__in=OPEN, **{f"{key}__in": ids})
                .order_by("proposal__number").values_list(key, "proposal__number", "status"))
    for pk, number, status in proposed:
        notes[pk].append(_("Sudah diusulkan dalam %(number)s (%(status)s).")
                         % {"number": number, "status": ItemStatus(status).label})
    return ["; ".join(notes[pk])[:255] for pk in ids]


def _create_item(*, proposal: Proposal, line: _Line, note: str, actor, action: str) -> ProposalItem:
    item = ProposalItem(proposal=proposal, household=line.household, person=line.person, request=line.request,
                        business_type=line.business_type, has_business=line.has_business,
                        status=ItemStatus.SUBMITTED, duplicate_note=note)
    audited_save(item, actor, action)
    ProposalStatusChange.objects.create(item=item, from_status="", to_status=ItemStatus.SUBMITTED,
                                        document_ref=proposal.letter_number[:120], actor=_actor_or_none(actor))
    return item


# --- the one writer of ItemStatus -------------------------------------------------------------------------------------

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
                _("Usulan berstatus “%(current)s” tidak dapat diubah menjadi “%(target)s”.")
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
                                            actor=_actor_or_none(actor))
        return item


# --- filing ---------------------------------------------------------------------------------------------------------

def _check_programme(*, programme: Programme, region: Region, fiscal_year) -> int:
    programme = Programme.objects.get(pk=programme.pk)  # as it is now, not as the caller loaded it
    if not programme.is_active:
        raise ApplicationError(_("Program %(code)s tidak aktif.") % {"code": programme.code}, field="programme")
    if not _inside(region.code, programme.office_id):
        raise ApplicationError(_("Program %(code)s dijalankan dinas lain: wilayah pengusul berada di luar "
                                 "wilayahnya.") % {"code": programme.code}, field="programme")
    if isinstance(fiscal_year, bool) or not isinstance(fiscal_year, int) or not 2000 <= fiscal_year <= 2100:
        raise ApplicationError(_("Tahun anggaran tidak valid."), field="fiscal_year")
    return fiscal_year


def _check_batch(batch: ProposalBatch | None, region: Region) -> None:
    if batch is not None and not _inside(batch.region_id, region.code):
        raise ApplicationError(_("Berkas musyawarah ini milik wilayah lain."), field="batch")


def proposal_file(*, actor, programme: Programme, fiscal_year: int, region, proposer_kind: str, proposer_name: str,
                  letter_number: str, letter_date: date, letter_upload=None, batch: ProposalBatch | None = None,
                  summary: str = "", items=()) -> Proposal:
    """File a letter for one or more households (or persons): each item starts "submitted", duplicates noted.

    items: [{"household": Household, "person": Person | None, "request": str, "business_type": str,
             "has_business": bool | None}]
    """
    region = _region(region)
    require_perm(actor, Perm.PROPOSALS_FILE, region.code)
    if region.level not in PROPOSING_LEVELS:
        raise ApplicationError(_("Wilayah pengusul harus desa/kelurahan atau kecamatan."), field="region")
    fiscal_year = _check_programme(programme=programme, region=region, fiscal_year=fiscal_year)
    if proposer_kind not in ProposerKind.values:
        raise ApplicationError(_("Pilih pengusul."), field="proposer_kind")
    proposer_name = _text(proposer_name, field="proposer_name", limit=120,
                          required=_("Isi nama penanda tangan surat."))
    letter_number = _text(letter_number, field="letter_number", limit=80, required=_("Isi nomor surat."))
    letter_date = _past_date(letter_date, field="letter_date", message=_("Isi tanggal surat."))
    _check_batch(batch, region)
    with _discard_files_on_failure() as stored, transaction.atomic():
        lines = _check_lines(programme=programme, region=region, items=items)
        notes = _duplicate_notes(programme=programme, fiscal_year=fiscal_year, lines=lines)
        letter = (_store(letter_upload, kind=Document.Kind.LETTER, region=region, actor=actor, field="letter",
                         stored=stored) if letter_upload else None)
        proposal = Proposal(number=f"tmp-{uuid.uuid4().hex[:24]}", programme=programme, fiscal_year=fiscal_year,
                            region=region, proposer_kind=proposer_kind, proposer_name=proposer_name,
                            letter_number=letter_number, letter_date=letter_date, letter=letter, batch=batch,
                            summary=(summary or "").strip(), created_by=_actor_or_none(actor))
        # The number comes from the primary key, so two filings at once can never take the same one. The first
        # save is not recorded; the audit row is written once the real number is known.
        proposal.skip_history_when_saving = True
        proposal.save()
        del proposal.skip_history_when_saving
        proposal.number = f"USL-{fiscal_year}-{proposal.pk:06d}"
        Proposal.objects.filter(pk=proposal.pk).update(number=proposal.number)
        audit(proposal, actor, "proposals.proposal.filed")
        Proposal.history.bulk_history_create([proposal])
        for line, note in zip(lines, notes, strict=True):
            _create_item(proposal=proposal, line=line, note=note, actor=actor, action="proposals.item.filed")
    return proposal


# --- letter-level actions -------------------------------------------------------------------------------------------

def _locked(proposal: Proposal) -> Proposal:
    """The proposal row locked for the rest of the transaction: letter-level actions run one at a time."""
    return Proposal.objects.select_for_update().select_related("programme").get(pk=proposal.pk)


def _move_all(*, proposal: Proposal, actor, from_statuses, to_status: str, reason: str = "",
              document_ref: str = "", nothing: str) -> list[ProposalItem]:
    items = list(proposal.items.filter(status__in=from_statuses).order_by("pk"))
    if not items:
        raise ApplicationError(nothing, code="transition")
    return [item_transition(item=item, to_status=to_status, actor=actor, reason=reason, document_ref=document_ref)
            for item in items]


def _reason(reason: str) -> str:
    return _text(reason, field="reason", limit=255, required=_("Alasan wajib diisi."))


def proposal_return(*, actor, proposal: Proposal, reason: str, document_ref: str = "") -> list[ProposalItem]:
    """Dinsos sends the letter back for correction: every submitted item becomes "returned"."""
    require_perm(actor, Perm.PROPOSALS_REVIEW, proposal.region_id)
    reason = _reason(reason)
    with transaction.atomic():
        proposal = _locked(proposal)
        return _move_all(proposal=proposal, actor=actor, from_statuses=[ItemStatus.SUBMITTED],
                         to_status=ItemStatus.RETURNED, reason=reason, document_ref=document_ref,
                         nothing=_("Tidak ada rincian berstatus diajukan yang dapat dikembalikan."))


def proposal_pass_completeness(*, actor, proposal: Proposal, document_ref: str = "") -> list[ProposalItem]:
    """Dinsos finds the letter complete: every submitted item is ready to be scheduled for verification."""
    require_perm(actor, Perm.PROPOSALS_REVIEW, proposal.region_id)
    with transaction.atomic():
        proposal = _locked(proposal)
        if proposal.letter_id is None:
            raise ApplicationError(_("Surat usulan belum dilampirkan: kembalikan usulan untuk dilengkapi."),
                                   field="letter", code="no_letter")
        return _move_all(proposal=proposal, actor=actor, from_statuses=[ItemStatus.SUBMITTED],
                         to_status=ItemStatus.COMPLETE, document_ref=document_ref,
                         nothing=_("Tidak ada rincian berstatus diajukan yang dapat diloloskan."))


def proposal_resubmit(*, actor, proposal: Proposal, letter_upload=None, note: str = "") -> list[ProposalItem]:
    """The village sends the corrected letter back: every returned item is submitted again (new letter optional)."""
    require_perm(actor, Perm.PROPOSALS_FILE, proposal.region_id)
    note = _text(note, field="note", limit=255)
    with _discard_files_on_failure() as stored, transaction.atomic():
        proposal = _locked(proposal)
        if not proposal.items.filter(status=ItemStatus.RETURNED).exists():
            raise ApplicationError(_("Tidak ada rincian yang dikembalikan untuk diajukan ulang."), code="transition")
        document_ref = ""
        if letter_upload:
            proposal.letter = _store(letter_upload, kind=Document.Kind.LETTER, region=proposal.region, actor=actor,
                                     field="letter", stored=stored)
            audited_save(proposal, actor, "proposals.proposal.letter_replaced")
            document_ref = _("surat baru: %(name)s") % {"name": proposal.letter.original_name}
        return _move_all(proposal=proposal, actor=actor, from_statuses=[ItemStatus.RETURNED],
                         to_status=ItemStatus.SUBMITTED, reason=note, document_ref=document_ref,
                         nothing=_("Tidak ada rincian yang dikembalikan untuk diajukan ulang."))


def proposal_withdraw(*, actor, proposal: Proposal, reason: str) -> list[ProposalItem]:
    """The village takes its letter back: every item not yet passed by Dinsos is withdrawn."""
    require_perm(actor, Perm.PROPOSALS_FILE, proposal.region_id)
    reason = _reason(reason)
    with transaction.atomic():
        proposal = _locked(proposal)
        return _move_all(proposal=proposal, actor=actor, from_statuses=EDITABLE, to_status=ItemStatus.WITHDRAWN,
                         reason=reason, nothing=_("Tidak ada rincian yang masih dapat ditarik."))


def item_reject(*, actor, item: ProposalItem, reason: str, document_ref: str = "") -> ProposalItem:
    """Dinsos refuses one item at the completeness check (e.g. the family is not in the village)."""
    require_perm(actor, Perm.PROPOSALS_REVIEW, item.proposal.region_id)
    return item_transition(item=item, to_status=ItemStatus.REJECTED, actor=actor, reason=_reason(reason),
                           document_ref=document_ref)


# --- the village corrects its letter ----------------------------------------------------------------------------------

def proposal_is_editable(proposal: Proposal) -> bool:
    """Items may be added while nothing has passed the completeness check and something is still open."""
    statuses = set(proposal.items.values_list("status", flat=True))
    return bool(statuses & EDITABLE) and statuses <= EDITABLE | {ItemStatus.WITHDRAWN, ItemStatus.REJECTED}


def _editable_item(actor, item: ProposalItem) -> ProposalItem:
    item = ProposalItem.objects.select_for_update().select_related("proposal__programme").get(pk=item.pk)
    require_perm(actor, Perm.PROPOSALS_FILE, item.proposal.region_id)
    if item.status not in EDITABLE:
        raise ApplicationError(_("Rincian berstatus “%(status)s” tidak dapat diubah lagi.")
                               % {"status": ItemStatus(item.status).label}, code="locked")
    return item


def item_update(*, actor, item: ProposalItem, request: str, business_type: str = "",
                has_business: bool | None = None) -> list[str]:
    """Change what an item asks for while it is submitted or returned; returns the changed field names."""
    with transaction.atomic():
        item = _editable_item(actor, item)
        programme = item.proposal.programme
        request, business_type, has_business = _check_details(
            programme=programme, kits=_kit_codes(programme), index=None, household=item.household,
            spec={"request": request, "business_type": business_type, "has_business": has_business})
        changed = [name for name, value in (("request", request), ("business_type", business_type),
                                            ("has_business", has_business)) if getattr(item, name) != value]
        if changed:
            item.request, item.business_type, item.has_business = request, business_type, has_business
            audited_save(item, actor, "proposals.item.updated")
        return changed


def item_add(*, actor, proposal: Proposal, household: Household, person: Person | None = None, request: str,
             business_type: str = "", has_business: bool | None = None) -> ProposalItem:
    """Add a household (or person) to a letter that Dinsos has not passed yet."""
    require_perm(actor, Perm.PROPOSALS_FILE, proposal.region_id)
    with transaction.atomic():
        proposal = _locked(proposal)
        if not proposal_is_editable(proposal):
            raise ApplicationError(_("Rincian tidak dapat ditambah lagi: usulan ini sudah diperiksa Dinas Sosial atau "
                                     "sudah ditarik."),
                                   code="locked")
        household = Household.objects.filter(pk=household.pk).first()
        line = _check_line(programme=proposal.programme, region=proposal.region,
                           kits=_kit_codes(proposal.programme), index=None, household=household,
                           spec={"person": person, "request": request, "business_type": business_type,
                                 "has_business": has_business})
        if proposal.items.filter(household=household).exclude(status=ItemStatus.WITHDRAWN).exists():
            raise ApplicationError(_("Keluarga ini sudah ada dalam usulan ini."), field="items", code="duplicate")
        note = _duplicate_notes(programme=proposal.programme, fiscal_year=proposal.fiscal_year, lines=[line])[0]
        return _create_item(proposal=proposal, line=line, note=note, actor=actor, action="proposals.item.added")


def item_remove(*, actor, item: ProposalItem, reason: str = "") -> ProposalItem:
    """Take an item out of the letter. It is withdrawn, not deleted: its history stays."""
    with transaction.atomic():
        item = _editable_item(actor, item)
        return item_transition(item=item, to_status=ItemStatus.WITHDRAWN, actor=actor,
                               reason=(reason or "").strip() or _(REMOVED_REASON))


# --- village meetings -----------------------------------------------------------------------------------------------

def batch_create(*, actor, region, meeting_kind: str, meeting_date: date, minutes_number: str = "",
                 minutes_upload=None, bnba_upload=None, note: str = "") -> ProposalBatch:
    """Record a village meeting (musdes/muskel, or an SPTJM) with its signed minutes and its BNBA list."""
    region = _region(region)
    require_perm(actor, Perm.PROPOSALS_FILE, region.code)
    if region.level != Level.VILLAGE:
        raise ApplicationError(_("Musyawarah diadakan di desa/kelurahan: pilih desa/kelurahannya."), field="region")
    if meeting_kind not in MeetingKind.values:
        raise ApplicationError(_("Pilih jenis musyawarah."), field="meeting_kind")
    meeting_date = _past_date(meeting_date, field="meeting_date", message=_("Isi tanggal musyawarah."))
    minutes_number = _text(minutes_number, field="minutes_number", limit=80)
    if not minutes_upload:
        raise ApplicationError(_("Lampirkan berita acara musyawarah yang sudah ditandatangani."), field="minutes")
    with _discard_files_on_failure() as stored, transaction.atomic():
        minutes = _store(minutes_upload, kind=Document.Kind.MEETING_MINUTES, region=region, actor=actor,
                         field="minutes", stored=stored)
        bnba = (_store(bnba_upload, kind=Document.Kind.BNBA, region=region, actor=actor, field="bnba",
                       stored=stored) if bnba_upload else None)
        batch = ProposalBatch(region=region, meeting_kind=meeting_kind, meeting_date=meeting_date,
                              minutes_number=minutes_number, minutes=minutes, bnba=bnba,
                              note=(note or "").strip(), created_by=_actor_or_none(actor))
        audited_save(batch, actor, "proposals.batch.created")
    return batch
