"""Every write to verval: keyword-only functions, one transaction each, permission checked over the area, audited.

Audit: Assignment and Visit keep django-simple-history rows with the actor and a `verification.*` action code
(`verification.assignment.created`, `.tasks_added`, `verification.visit.recorded`, `.confirmed`, `.rejected`,
`.applied`); the registry and proposal changes an outcome causes are audited by those apps' services, which are the
only writers of their rows (registry services are called with perm=VERVAL_VISIT / VERVAL_CONFIRM: verifiers and
the head of office do not hold REGISTRY_EDIT).

Who may do what: see access.py. Outcome rules (../shared/domain.md "Verification (verval) outcomes"):
eligible and new family stand at once; not eligible, not found, moved, deceased and duplicate take someone off a
list and stand only once a second person confirms them (models.NEEDS_CONFIRMATION).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from berdaya.core.audit import audited_save
from berdaya.core.documents import PHOTO_TYPES, document_path, document_store
from berdaya.core.errors import ApplicationError
from berdaya.core.identity import mask_number
from berdaya.core.models import Document
from berdaya.core.permissions import Perm, has_perm, require_perm
from berdaya.proposals.models import ItemStatus, ProposalItem
from berdaya.proposals.services import item_transition
from berdaya.regions.models import Region
from berdaya.registry import codes
from berdaya.registry import services as registry
from berdaya.registry.models import BPS_FIELDS, Household, Person, ReviewFlag
from berdaya.verification import lists
from berdaya.verification.access import may_confirm, may_record_visit
from berdaya.verification.models import (
    NEEDS_CONFIRMATION,
    Assignment,
    NotEligibleReason,
    Outcome,
    Source,
    VervalTask,
    Visit,
    VisitPhoto,
)

INDICATOR_FIELDS = (*BPS_FIELDS, "monthly_income")
MAX_PHOTOS = 6
NEW_FAMILY_FIELDS = ("village", "kk_number", "address", "rt", "rw", "nik", "name", "sex", "birth_date")


def _inside(code: str, area: str) -> bool:
    return code == area or code.startswith(area + ".")


def _region(value) -> Region:
    region = Region.objects.filter(code=value).first() if isinstance(value, str) else value
    if region is None:
        raise ApplicationError(_("Pilih wilayah tugas."), field="region")
    return region


def _open_assignment(assignment: Assignment) -> Assignment:
    assignment = Assignment.objects.select_for_update().select_related("region").get(pk=assignment.pk)
    if assignment.status != Assignment.Status.OPEN:
        raise ApplicationError(_("Penugasan ini sudah selesai."), code="closed")
    return assignment


# --- assignments --------------------------------------------------------------------------------------------------

@transaction.atomic
def assignment_create(*, actor, name: str, region, verifier, source: str, programme=None, fiscal_year=None,
                      list_name: str = "", due_date: date | None = None) -> Assignment:
    """Give a verifier a work list over an area; the area must lie inside the verifier's own (VERVAL_VISIT)."""
    region = _region(region)
    require_perm(actor, Perm.VERVAL_ASSIGN, region.code)
    name = " ".join((name or "").split())
    if not name:
        raise ApplicationError(_("Isi nama penugasan."), field="name")
    if source not in Source.values:
        raise ApplicationError(_("Pilih sumber daftar."), field="source")
    _check_verifier(verifier, region)
    if programme is not None:
        if not _inside(region.code, programme.office_id):
            raise ApplicationError(_("Wilayah tugas berada di luar wilayah dinas pelaksana program %(code)s.")
                                   % {"code": programme.code}, field="programme")
        if not fiscal_year:
            raise ApplicationError(_("Isi tahun anggaran untuk penugasan sebuah program."), field="fiscal_year")
    if fiscal_year is not None and not 2000 <= int(fiscal_year) <= 2100:
        raise ApplicationError(_("Tahun anggaran tidak valid."), field="fiscal_year")
    assignment = Assignment(name=name[:160], region=region, verifier=verifier, source=source, programme=programme,
                            fiscal_year=fiscal_year, list_name=(list_name or "").strip()[:160], due_date=due_date,
                            created_by=actor)
    audited_save(assignment, actor, "verification.assignment.created")
    return assignment


def _check_verifier(verifier, region: Region) -> None:
    if verifier is None or not verifier.is_active or not has_perm(verifier, Perm.VERVAL_VISIT, region.code):
        raise ApplicationError(
            _("%(who)s tidak bertugas sebagai verifikator di %(area)s: pilih verifikator yang wilayah kerjanya "
              "mencakup wilayah tugas.") % {"who": verifier or "–", "area": region.name},
            field="verifier", code="verifier_area")


@transaction.atomic
def assignment_reassign(*, actor, assignment: Assignment, verifier, reason: str) -> Assignment:
    """Hand an open assignment's remaining visits to another verifier of the area (leave, illness, workload).
    Visits already recorded keep the verifier who made them."""
    assignment = _open_assignment(assignment)
    require_perm(actor, Perm.VERVAL_ASSIGN, assignment.region_id)
    _check_verifier(verifier, assignment.region)
    if verifier.pk == assignment.verifier_id:
        raise ApplicationError(_("Verifikator itu sudah memegang penugasan ini."), field="verifier", code="unchanged")
    if not (reason or "").strip():
        raise ApplicationError(_("Alasan wajib diisi."), field="reason")
    assignment.verifier = verifier
    audited_save(assignment, actor, "verification.assignment.reassigned")
    return assignment


@transaction.atomic
def assignment_set_open(*, actor, assignment: Assignment, is_open: bool) -> Assignment:
    """Close an assignment (no more visits or tasks; what was not visited stays "not visited" in the funnel), or
    open it again."""
    assignment = Assignment.objects.select_for_update().select_related("region").get(pk=assignment.pk)
    require_perm(actor, Perm.VERVAL_ASSIGN, assignment.region_id)
    status = Assignment.Status.OPEN if is_open else Assignment.Status.CLOSED
    if assignment.status == status:
        raise ApplicationError(_("Status penugasan tidak berubah."), code="unchanged")
    assignment.status = status
    audited_save(assignment, actor, f"verification.assignment.{'reopened' if is_open else 'closed'}")
    return assignment


def _item_problem(assignment: Assignment, item: ProposalItem, present: set[int]) -> str | None:
    if item.status != ItemStatus.COMPLETE:
        return _("berstatus “%(s)s”; hanya usulan yang lolos cek kelengkapan yang dapat dijadwalkan.") % {
            "s": item.get_status_display()}
    if not _inside(item.household.village_id, assignment.region_id):
        return _("keluarganya di luar wilayah tugas.")
    if assignment.programme_id and item.proposal.programme_id != assignment.programme_id:
        return _("untuk program lain.")
    if assignment.fiscal_year and item.proposal.fiscal_year != assignment.fiscal_year:
        return _("untuk tahun anggaran lain.")
    if not has_perm(assignment.verifier, Perm.VERVAL_VISIT, item.proposal.region_id):
        return _("wilayah pengusulnya di luar wilayah kerja verifikator.")
    if item.household_id in present:
        return _("keluarganya sudah ada di penugasan ini.")
    return None


@transaction.atomic
def assignment_add_proposal_items(*, actor, assignment: Assignment, items) -> list[VervalTask]:
    """Schedule complete proposal items of the area for this verifier (each item COMPLETE -> SCHEDULED)."""
    assignment = _open_assignment(assignment)
    require_perm(actor, Perm.VERVAL_ASSIGN, assignment.region_id)
    if assignment.source != Source.PROPOSALS:
        raise ApplicationError(_("Penugasan ini tidak bersumber dari usulan."), field="items")
    items = list(ProposalItem.objects.filter(pk__in=[i.pk for i in items])
                 .select_related("proposal", "household").order_by("pk"))
    if not items:
        raise ApplicationError(_("Pilih paling sedikit satu rincian usulan."), field="items")
    present = set(assignment.tasks.filter(household__isnull=False).values_list("household_id", flat=True))
    for item in items:
        problem = _item_problem(assignment, item, present)
        if problem:
            raise ApplicationError(_("Usulan %(number)s, keluarga %(head)s: %(problem)s") % {
                "number": item.proposal.number, "head": item.household.head_name, "problem": problem},
                field="items")
        present.add(item.household_id)
    tasks = []
    for item in items:
        item_transition(item=item, to_status=ItemStatus.SCHEDULED, actor=actor, document_ref=f"VERVAL-{assignment.pk}",
                        reason=_("Verval: %(name)s") % {"name": assignment.name})
        tasks.append(VervalTask.objects.create(assignment=assignment, household_id=item.household_id,
                                               proposal_item=item))
    audited_save(assignment, actor, "verification.assignment.tasks_added")
    return tasks


@transaction.atomic
def assignment_add_households(*, actor, assignment: Assignment, households) -> list[VervalTask]:
    """Registry households (e.g. a rule's candidates) to visit; those already on the list are left as they are."""
    assignment = _open_assignment(assignment)
    require_perm(actor, Perm.VERVAL_ASSIGN, assignment.region_id)
    if assignment.source == Source.PROPOSALS:
        raise ApplicationError(_("Penugasan dari usulan hanya menerima rincian usulan."), field="households")
    households = list(Household.objects.filter(pk__in=[h.pk for h in households]).order_by("village_id", "pk"))
    if not households:
        raise ApplicationError(_("Pilih paling sedikit satu keluarga."), field="households")
    for household in households:
        if not _inside(household.village_id, assignment.region_id):
            raise ApplicationError(_("KK %(kk)s berada di luar wilayah tugas.") % {"kk": household.kk_number},
                                   field="households")
        if household.status != codes.HouseholdStatus.ACTIVE:
            raise ApplicationError(_("KK %(kk)s berstatus %(s)s, bukan aktif.")
                                   % {"kk": household.kk_number, "s": household.get_status_display()},
                                   field="households")
    present = set(assignment.tasks.filter(household__isnull=False).values_list("household_id", flat=True))
    tasks = VervalTask.objects.bulk_create([VervalTask(assignment=assignment, household=h)
                                            for h in households if h.pk not in present], batch_size=500)
    if tasks:
        audited_save(assignment, actor, "verification.assignment.tasks_added")
    return tasks


def _owners_by_nik(niks: list[str]) -> dict[str, tuple[int, str]]:
    """NIK -> (household id, village code), the living person's household first."""
    owners: dict[str, tuple[int, str, bool]] = {}
    for start in range(0, len(niks), 500):
        rows = (Person.objects.filter(nik__in=niks[start:start + 500])
                .values_list("nik", "household_id", "household__village_id", "status"))
        for nik, household_id, village, status in rows:
            alive = status == codes.PersonStatus.ALIVE
            if nik not in owners or (alive and not owners[nik][2]):
                owners[nik] = (household_id, village, alive)
    return {nik: (h, v) for nik, (h, v, _alive) in owners.items()}


@transaction.atomic
def assignment_import_list(*, actor, assignment: Assignment, upload) -> lists.ListImportReport:
    """A list to verify (csv/xlsx with NIK, NAMA, ALAMAT): rows matched to registry households by any member's NIK;
    unmatched rows become tasks holding the list's own identity (found later as a new family, or not found).

    Bad rows are reported with the row and the column and left out; the good rows are written together.
    """
    assignment = _open_assignment(assignment)
    require_perm(actor, Perm.VERVAL_ASSIGN, assignment.region_id)
    if assignment.source != Source.LIST:
        raise ApplicationError(_("Penugasan ini tidak bersumber dari daftar."), field="upload")
    rows, bad = lists.read_list(upload)
    report = lists.ListImportReport(results=list(bad))
    owners = _owners_by_nik([r.nik for r in rows])
    present = set(assignment.tasks.filter(household__isnull=False).values_list("household_id", flat=True))
    listed = set(assignment.tasks.exclude(listed_nik="").values_list("listed_nik", flat=True))
    tasks = []
    for row in rows:
        owner = owners.get(row.nik)
        result = lists.RowResult(row=row.row, nik=row.nik, name=row.name, status=lists.UNMATCHED)
        if owner is not None and not _inside(owner[1], assignment.region_id):
            result.status = lists.ERROR
            result.message = _("Baris %(row)s, kolom NIK: NIK ini tercatat pada keluarga di luar wilayah tugas.") % {
                "row": row.row}
        elif (owner is not None and owner[0] in present) or row.nik in listed:
            result.status = lists.SKIPPED
            result.message = _("Sudah ada di penugasan ini.")
        else:
            if owner is not None:
                result.status = lists.MATCHED
                present.add(owner[0])
            listed.add(row.nik)
            tasks.append(VervalTask(assignment=assignment, household_id=owner[0] if owner else None,
                                    listed_nik=row.nik, listed_name=row.name, listed_address=row.address))
        report.results.append(result)
    report.results.sort(key=lambda r: r.row)
    VervalTask.objects.bulk_create(tasks, batch_size=500)
    if tasks:
        audited_save(assignment, actor, "verification.assignment.list_imported")
    return report


# --- visits -------------------------------------------------------------------------------------------------------

def _coordinates(latitude, longitude, accuracy) -> tuple[Decimal | None, Decimal | None, int | None]:
    if latitude in (None, "") and longitude in (None, ""):
        return None, None, None
    try:
        lat = Decimal(str(latitude)).quantize(Decimal("0.000001"))
        lon = Decimal(str(longitude)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        raise ApplicationError(_("Lokasi tidak terbaca: ambil ulang lokasi."), field="latitude") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ApplicationError(_("Lokasi di luar jangkauan koordinat bumi: ambil ulang lokasi."), field="latitude")
    acc = None
    if accuracy not in (None, ""):
        try:
            acc = max(0, round(float(accuracy)))
        except (TypeError, ValueError):
            acc = None
    return lat, lon, acc


def _clean_indicators(changes: dict) -> dict:
    cleaned = {}
    for name, value in (changes or {}).items():
        if name not in INDICATOR_FIELDS:
            raise ApplicationError(_("Indikator %(name)s tidak dikenal.") % {"name": name}, field="indicators")
        if name == "monthly_income":
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise ApplicationError(_("Penghasilan harus angka rupiah tanpa desimal."), field="monthly_income")
        elif value not in (True, False, None):
            raise ApplicationError(_("Kriteria %(name)s harus Ya atau Tidak.") % {"name": name}, field="indicators")
        cleaned[name] = value
    return cleaned


def _check_outcome(*, task: VervalTask, actor, outcome: str, reason: str, notes: str, person, duplicate_of,
                   new_household) -> None:
    if outcome not in Outcome.values:
        raise ApplicationError(_("Pilih hasil kunjungan."), field="outcome")
    if outcome == Outcome.NOT_ELIGIBLE:
        if reason not in NotEligibleReason.values:
            raise ApplicationError(_("Pilih alasan tidak layak."), field="reason")
        if reason == NotEligibleReason.OTHER and not notes:
            raise ApplicationError(_("Tulis alasan tidak layak di catatan."), field="notes")
    elif reason:
        raise ApplicationError(_("Alasan hanya untuk hasil tidak layak."), field="reason")
    if task.household_id is None and outcome in (Outcome.ELIGIBLE, Outcome.DUPLICATE):
        raise ApplicationError(_("Orang ini belum ada di registri: catat sebagai keluarga baru (atau tidak "
                                 "ditemukan)."), field="outcome")
    if person is not None:
        if outcome not in (Outcome.DECEASED, Outcome.MOVED):
            raise ApplicationError(_("Anggota keluarga hanya dipilih untuk hasil meninggal atau pindah."),
                                   field="person")
        if person.household_id != task.household_id:
            raise ApplicationError(_("Pilih anggota dari keluarga ini."), field="person")
        if not person.is_alive:
            raise ApplicationError(_("%(name)s sudah tercatat %(status)s.")
                                   % {"name": person.name, "status": person.get_status_display()}, field="person")
    if outcome == Outcome.DECEASED and task.household_id is not None and person is None:
        raise ApplicationError(_("Pilih anggota keluarga yang meninggal."), field="person")
    if outcome == Outcome.DUPLICATE:
        if duplicate_of is None:
            raise ApplicationError(_("Isi nomor KK data yang sama (ganda)."), field="duplicate_of")
        if duplicate_of.pk == task.household_id:
            raise ApplicationError(_("KK ganda harus KK lain, bukan KK ini."), field="duplicate_of")
        if not has_perm(actor, Perm.REGISTRY_VIEW, duplicate_of.village_id):
            raise ApplicationError(_("KK ini tidak ditemukan di wilayah kerja Anda."), field="duplicate_of")
    elif duplicate_of is not None:
        raise ApplicationError(_("KK ganda hanya diisi untuk hasil ganda."), field="duplicate_of")
    if outcome == Outcome.NEW_FAMILY and not new_household:
        raise ApplicationError(_("Isi data keluarga baru."), field="new_kk_number")


@transaction.atomic
def visit_record(*, actor, task: VervalTask, visited_on: date, outcome: str, reason: str = "", notes: str = "",
                 indicator_changes: dict | None = None, person: Person | None = None,
                 duplicate_of: Household | None = None, new_household: dict | None = None, latitude=None,
                 longitude=None, accuracy=None, photos=()) -> Visit:
    """The verifier's visit. Removal outcomes wait for a second person; eligible and new family apply at once."""
    # of=("self",): PostgreSQL cannot lock the nullable side of the outer join to the household.
    task = (VervalTask.objects.select_for_update(of=("self",)).select_related("assignment", "household")
            .get(pk=task.pk))
    if not may_record_visit(actor, task):
        raise ApplicationError(_("Anda tidak berwenang melakukan tindakan ini di wilayah ini."), code="forbidden")
    if task.assignment.status != Assignment.Status.OPEN:
        raise ApplicationError(_("Penugasan ini sudah selesai."), code="closed")
    if task.state != VervalTask.State.PENDING:
        raise ApplicationError(_("Sasaran ini sudah dikunjungi (%(state)s).") % {"state": task.get_state_display()},
                               code="state")
    if visited_on is None or visited_on > timezone.localdate():
        raise ApplicationError(_("Tanggal kunjungan tidak boleh di masa depan."), field="visited_on")
    notes, reason = (notes or "").strip(), (reason or "").strip()
    _check_outcome(task=task, actor=actor, outcome=outcome, reason=reason, notes=notes, person=person,
                   duplicate_of=duplicate_of, new_household=new_household)
    indicators = _clean_indicators(indicator_changes)
    lat, lon, acc = _coordinates(latitude, longitude, accuracy)
    photos = [p for p in photos or () if p]
    if len(photos) > MAX_PHOTOS:
        raise ApplicationError(_("Paling banyak %(n)s foto per kunjungan.") % {"n": MAX_PHOTOS}, field="photos")
    needs_confirmation = outcome in NEEDS_CONFIRMATION
    visit = Visit(task=task, verifier=actor, visited_on=visited_on, outcome=outcome, reason=reason, notes=notes,
                  indicator_changes=indicators, person=person, duplicate_of=duplicate_of, latitude=lat,
                  longitude=lon, location_accuracy_m=acc,
                  confirmation=Visit.Confirmation.PENDING if needs_confirmation else Visit.Confirmation.NOT_NEEDED)
    audited_save(visit, actor, "verification.visit.recorded")
    if needs_confirmation:
        task.state = VervalTask.State.AWAITING_CONFIRMATION
        task.save(update_fields=["state", "updated_at"])
    else:
        visit_apply(visit=visit, actor=actor, perm=Perm.VERVAL_VISIT, new_household=new_household)
    _store_photos(visit=visit, photos=photos, actor=actor)
    return visit


def _store_photos(*, visit: Visit, photos: list, actor) -> None:
    """Last step of a visit: a refused photo rolls the visit back, and the files already written by this visit are
    removed again (unless an earlier document shares the file: files are named by their content)."""
    task = visit.task
    region = task.household.village if task.household_id else task.assignment.region
    stored: list[Document] = []
    try:
        for upload in photos:
            try:
                document = document_store(upload=upload, kind=Document.Kind.PHOTO, region=region, actor=actor,
                                          allowed=PHOTO_TYPES)
            except ApplicationError as exc:
                name = getattr(upload, "name", "") or _("foto")
                raise ApplicationError(f"{name}: {exc.message}", field="photos", code=exc.code) from None
            stored.append(document)
            VisitPhoto.objects.create(visit=visit, document=document)
    except ApplicationError:
        mine = [d.pk for d in stored]
        for document in stored:
            if not Document.objects.filter(path=document.path).exclude(pk__in=mine).exists():
                document_path(document).unlink(missing_ok=True)
        raise


def _load_visit(visit: Visit) -> Visit:
    return (Visit.objects.select_for_update(of=("self", "task"))
            .select_related("task", "task__assignment", "task__household", "person", "duplicate_of")
            .get(pk=visit.pk))


@transaction.atomic
def visit_confirm(*, actor, visit: Visit, note: str = "") -> Visit:
    """A second person confirms a removal outcome: it now stands and is carried into the registry."""
    visit = _load_visit(visit)
    if visit.verifier_id == getattr(actor, "pk", None):
        raise ApplicationError(_("Hasil kunjungan harus dikonfirmasi orang lain, bukan verifikator yang "
                                 "mencatatnya."), code="same_person")
    if not may_confirm(actor, visit):
        raise ApplicationError(_("Anda tidak berwenang melakukan tindakan ini di wilayah ini."), code="forbidden")
    if visit.confirmation != Visit.Confirmation.PENDING:
        raise ApplicationError(_("Kunjungan ini tidak sedang menunggu konfirmasi."), code="state")
    visit.confirmation = Visit.Confirmation.CONFIRMED
    visit.confirmed_by, visit.confirmed_at = actor, timezone.now()
    visit.confirmation_note = (note or "").strip()[:255]
    audited_save(visit, actor, "verification.visit.confirmed")
    visit_apply(visit=visit, actor=actor, perm=Perm.VERVAL_CONFIRM)
    return visit


@transaction.atomic
def visit_reject(*, actor, visit: Visit, note: str) -> Visit:
    """A second person sends a removal back: the task is pending again for another visit."""
    visit = _load_visit(visit)
    if visit.verifier_id == getattr(actor, "pk", None):
        raise ApplicationError(_("Hasil kunjungan harus diperiksa orang lain, bukan verifikator yang mencatatnya."),
                               code="same_person")
    if not may_confirm(actor, visit):
        raise ApplicationError(_("Anda tidak berwenang melakukan tindakan ini di wilayah ini."), code="forbidden")
    if visit.confirmation != Visit.Confirmation.PENDING:
        raise ApplicationError(_("Kunjungan ini tidak sedang menunggu konfirmasi."), code="state")
    note = (note or "").strip()
    if not note:
        raise ApplicationError(_("Tulis alasan penolakan agar verifikator tahu apa yang perlu dicek ulang."),
                               field="note")
    visit.confirmation = Visit.Confirmation.REJECTED
    visit.confirmed_by, visit.confirmed_at, visit.confirmation_note = actor, timezone.now(), note[:255]
    audited_save(visit, actor, "verification.visit.rejected")
    task = visit.task
    task.state = VervalTask.State.PENDING
    task.save(update_fields=["state", "updated_at"])
    return visit


# --- applying an outcome ------------------------------------------------------------------------------------------

def outcome_label(outcome: str, reason: str = "") -> str:
    label = str(Outcome(outcome).label)
    if reason:
        label = f"{label}: {NotEligibleReason(reason).label}"
    return label


def _new_family(*, visit: Visit, actor, perm: str, data: dict) -> Household:
    village = data.get("village")
    village_code = getattr(village, "code", village) or ""
    if not _inside(village_code, visit.task.assignment.region_id):
        raise ApplicationError(_("Desa/kelurahan keluarga baru harus di dalam wilayah tugas."), field="new_village")
    household_data = {"kk_number": data.get("kk_number"), "village": village_code,
                      "address": (data.get("address") or "").strip(), "rt": data.get("rt") or "",
                      "rw": data.get("rw") or "", **visit.indicator_changes}
    if not household_data["address"]:
        raise ApplicationError(_("Isi alamat keluarga baru."), field="new_address")
    if visit.latitude is not None:
        household_data.update(latitude=visit.latitude, longitude=visit.longitude)
    head = {"nik": data.get("nik"), "name": " ".join((data.get("name") or "").split()), "sex": data.get("sex"),
            "birth_date": data.get("birth_date")}
    if not head["name"]:
        raise ApplicationError(_("Isi nama kepala keluarga."), field="new_name")
    if head["birth_date"] is None:
        raise ApplicationError(_("Isi tanggal lahir kepala keluarga."), field="new_birth_date")
    try:
        return registry.household_create(actor=actor, data=household_data, head=head, perm=perm,
                                         status=codes.HouseholdStatus.DRAFT)
    except ApplicationError as exc:
        field = f"new_{exc.field}" if exc.field in NEW_FAMILY_FIELDS else "new_kk_number"
        raise ApplicationError(exc.message, field=field, code=exc.code) from None


def _deceased(*, visit: Visit, actor, perm: str) -> str:
    person, household = visit.person, visit.task.household
    if person is None or household is None:
        return ""
    registry.person_mark_deceased(actor=actor, person=person, on=visit.visited_on, perm=perm,
                                  note=_("Verval, kunjungan %(d)s") % {"d": visit.visited_on.strftime("%d/%m/%Y")})
    if not household.members.filter(status=codes.PersonStatus.ALIVE).exists():
        return _("Tidak ada lagi anggota keluarga yang hidup: keluarga ini perlu dinonaktifkan di registri.")
    if person.relationship == codes.Relationship.HEAD:
        return _("Kepala keluarga meninggal: tetapkan kepala keluarga baru di registri.")
    return ""


def _flag(*, visit: Visit, actor, perm: str, code: str, message: str, person=None) -> None:
    registry.flag_open(actor=actor, household=visit.task.household, code=code, person=person, perm=perm,
                       message=message)


def visit_apply(*, visit: Visit, actor, perm: str, new_household: dict | None = None) -> None:
    """Carry a standing outcome into the task, the registry (through its services) and the proposal item.

    Called by visit_record (eligible, new family) and visit_confirm (the rest), inside their transaction.
    """
    task, outcome = visit.task, visit.outcome
    household = task.household
    on = visit.visited_on.strftime("%d/%m/%Y")
    note = ""
    if outcome in (Outcome.ELIGIBLE, Outcome.NOT_ELIGIBLE) and household is not None and visit.indicator_changes:
        registry.household_update(actor=actor, household=household, data=visit.indicator_changes, perm=perm)
    if outcome == Outcome.DECEASED:
        note = _deceased(visit=visit, actor=actor, perm=perm)
    elif outcome == Outcome.MOVED and household is not None:
        who = visit.person.name if visit.person else _("seluruh keluarga")
        _flag(visit=visit, actor=actor, perm=perm, code=ReviewFlag.Code.MOVE_PENDING, person=visit.person,
              message=_("Verval %(d)s: %(who)s pindah. %(notes)s") % {"d": on, "who": who, "notes": visit.notes})
        note = _("Operator desa melengkapi kepindahan (tujuan, tanggal) di registri.")
    elif outcome == Outcome.DUPLICATE:
        other = visit.duplicate_of
        _flag(visit=visit, actor=actor, perm=perm, code=ReviewFlag.Code.DUPLICATE_SUSPECTED,
              message=_("Verval %(d)s: diduga ganda dengan KK %(kk)s (%(head)s). %(notes)s") % {
                  "d": on, "kk": other.kk_number, "head": other.head_name, "notes": visit.notes})
        if household is not None and has_perm(actor, perm, other.village_id):
            # Both records wait for the duplicates review, whichever of them the reviewer keeps.
            registry.flag_open(actor=actor, household=other, code=ReviewFlag.Code.DUPLICATE_SUSPECTED, perm=perm,
                               message=_("Verval %(d)s: diduga ganda dengan KK %(kk)s (%(head)s).") % {
                                   "d": on, "kk": household.kk_number, "head": household.head_name})
        note = _("Menunggu tinjauan data ganda (KK %(kk)s).") % {"kk": mask_number(other.kk_number)}
    elif outcome == Outcome.NEW_FAMILY:
        created = _new_family(visit=visit, actor=actor, perm=perm, data=new_household or {})
        visit.new_household = created
        note = _("Keluarga baru tercatat sebagai draf: operator desa melengkapi dan mengaktifkannya.")
    visit.applied_at = timezone.now()
    audited_save(visit, actor, "verification.visit.applied")
    task.outcome = outcome
    task.outcome_reason = visit.reason
    task.outcome_note = note[:255]
    task.state = VervalTask.State.DONE
    task.save(update_fields=["outcome", "outcome_reason", "outcome_note", "state", "updated_at"])
    _move_item(task=task, outcome=outcome, reason=visit.reason, actor=actor, visit=visit)


def _move_item(*, task: VervalTask, outcome: str, reason: str, actor, visit: Visit) -> None:
    if task.proposal_item_id is None:
        return
    ref = f"VERVAL-{task.assignment_id}/{visit.pk}"
    if outcome == Outcome.ELIGIBLE:
        item_transition(item=task.proposal_item, to_status=ItemStatus.VERIFIED, actor=actor, document_ref=ref,
                        reason=outcome_label(outcome))
    elif outcome in NEEDS_CONFIRMATION:
        item_transition(item=task.proposal_item, to_status=ItemStatus.REJECTED, actor=actor, document_ref=ref,
                        reason=outcome_label(outcome, reason))
    # New family: the item's household was not the one found; the item stays scheduled for the office to decide.
