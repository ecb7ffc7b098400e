"""Every write to the registry: keyword-only functions, one transaction, permission checked, audited.

Audit: django-simple-history writes a historical row in the same transaction as each save, with the actor
(`_history_user`) and a namespaced action code (`_change_reason`, e.g. `registry.person.updated`).
Derived columns (counts, vulnerability, flags) are refreshed with queryset.update(): they are not audited
because they are recomputed from audited data.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from berdaya.core.audit import audit as _audit
from berdaya.core.errors import ApplicationError
from berdaya.core.permissions import Perm, require_perm
from berdaya.core.text import search_key
from berdaya.regions.models import Level, Region
from berdaya.registry import codes
from berdaya.registry.models import BPS_FIELDS, Household, Person, ReviewFlag
from berdaya.registry.validation import check_kk, check_person
from berdaya.registry.vulnerability import MemberFacts, household_vulnerabilities

HOUSEHOLD_FIELDS = [
    "kk_number", "village", "address", "dusun", "rt", "rw", "latitude", "longitude", *BPS_FIELDS,
    "floor_area_m2", "floor_material", "wall_material", "roof_material", "toilet", "lighting", "water_source",
    "cooking_fuel", "house_ownership", "has_motorcycle", "has_car", "has_refrigerator", "has_land",
    "has_livestock", "monthly_income", "official_desil",
]
PERSON_FIELDS = [
    "nik", "name", "sex", "birth_place", "birth_date", "relationship", "marital_status", "education",
    "occupation", "disability", "pregnant", "monthly_income", "phone",
]


def district_exists(code: str) -> bool:
    return Region.objects.filter(code=code, level=Level.DISTRICT).exists()


def _raise_if(errors: dict[str, str]) -> None:
    if errors:
        field, message = next(iter(errors.items()))
        raise ApplicationError(message, field=field, extra={"errors": errors})


def _village_or_error(village) -> Region:
    if isinstance(village, str):
        village = Region.objects.filter(code=village).first()
    if village is None or village.level != Level.VILLAGE:
        raise ApplicationError(_("Pilih desa/kelurahan (tingkat terendah) yang terdaftar."), field="village")
    return village


# The refusals below are shared with bulk writers (berdaya.imports), which check the same rules over many rows.
def nik_taken_error(nik: str, *, kk: str) -> ApplicationError:
    return ApplicationError(_("NIK %(nik)s sudah tercatat untuk orang lain yang masih hidup (KK %(kk)s).")
                            % {"nik": nik, "kk": kk}, field="nik", code="duplicate")


def two_heads_error() -> ApplicationError:
    return ApplicationError(
        _("KK ini sudah punya kepala keluarga. Gunakan 'Ganti kepala keluarga' untuk menggantinya."),
        field="relationship", code="two_heads")


def head_relationship_error() -> ApplicationError:
    return ApplicationError(
        _("Kepala keluarga tidak dapat diubah hubungannya di sini: gunakan 'Ganti kepala keluarga'."),
        field="relationship", code="head_change")


def _check_nik_free(nik: str, *, exclude_pk=None) -> None:
    if not nik:
        return
    clash = Person.objects.filter(nik=nik, status=codes.PersonStatus.ALIVE).exclude(pk=exclude_pk)
    other = clash.select_related("household").first()
    if other is not None:
        raise nik_taken_error(nik, kk=other.household.kk_number)


def _person_check(data: dict) -> dict:
    check = check_person(nik=data.get("nik"), sex=data.get("sex"), birth_date=data.get("birth_date"),
                         pregnant=bool(data.get("pregnant")))
    _raise_if(check.errors)
    data = {**data, "nik": check.cleaned["nik"]}
    data["_flags"] = check.flags
    return data


def _apply(instance, data: dict, fields: list[str]) -> list[str]:
    changed = []
    for name in fields:
        if name in data and getattr(instance, name) != data[name]:
            setattr(instance, name, data[name])
            changed.append(name)
    return changed


def _save_person(person: Person, *, actor, action: str) -> None:
    person.name = " ".join((person.name or "").split())
    person.name_key = search_key(person.name)
    _audit(person, actor, action)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        raise ApplicationError(_("NIK %(nik)s sudah tercatat untuk orang lain yang masih hidup.") % {"nik": person.nik},
                               field="nik", code="duplicate") from None


def _sync_person_flags(person: Person, flags: list[tuple[str, str]], *, actor) -> None:
    """Open the flags that apply now; close those that no longer do."""
    wanted = dict(flags) if person.is_alive else {}
    open_flags = {f.code: f for f in person.flags.filter(resolved_at__isnull=True)}
    for code, flag in open_flags.items():
        if code not in wanted:
            flag.resolved_at = timezone.now()
            flag.resolved_by = actor if getattr(actor, "pk", None) else None
            flag.resolution_note = ""  # empty = closed automatically because the data changed
            _audit(flag, actor, "registry.flag.resolved")
            flag.save()
    accepted = set(person.flags.filter(resolved_at__isnull=False).exclude(resolution_note="")
                   .values_list("code", "message"))
    for code, message in wanted.items():
        # A flag a person already reviewed and closed (same finding) is not reopened on every edit.
        if code not in open_flags and (code, message[:400]) not in accepted:
            flag = ReviewFlag(household_id=person.household_id, person=person, code=code, message=message[:400])
            _audit(flag, actor, "registry.flag.opened")
            flag.save()


def household_refresh(*, household: Household, actor=None, today: date | None = None) -> None:
    """Recompute the derived columns of one household from its members and indicators."""
    today = today or timezone.localdate()
    members = list(household.members.all())
    facts = [MemberFacts(birth_date=m.birth_date, sex=m.sex, relationship=m.relationship, disability=m.disability,
                         pregnant=m.pregnant, alive=m.is_alive) for m in members]
    met = sum(1 for f in BPS_FIELDS if getattr(household, f) is True)
    living_heads = [m for m in members if m.is_alive and m.relationship == codes.Relationship.HEAD]
    head_open = household.flags.filter(code=ReviewFlag.Code.HEAD_MISSING, resolved_at__isnull=True).first()
    if not living_heads and any(m.is_alive for m in members) and head_open is None:
        flag = ReviewFlag(household=household, code=ReviewFlag.Code.HEAD_MISSING,
                          message=_("Keluarga ini tidak punya kepala keluarga yang hidup: tetapkan yang baru."))
        _audit(flag, actor, "registry.flag.opened")
        flag.save()
    elif living_heads and head_open is not None:
        head_open.resolved_at = timezone.now()
        _audit(head_open, actor, "registry.flag.resolved")
        head_open.save()
    derived = household_vulnerabilities(facts, bps_criteria_met=met, today=today)
    derived.update(
        bps_criteria_met=met,
        member_count=sum(1 for m in members if m.is_alive),
        head_name=living_heads[0].name if living_heads else "",
        open_flag_count=household.flags.filter(resolved_at__isnull=True).count(),
    )
    Household.objects.filter(pk=household.pk).update(**derived)
    for key, value in derived.items():
        setattr(household, key, value)


@transaction.atomic
def household_create(*, actor, data: dict, head: dict, perm: str = Perm.REGISTRY_EDIT,
                     status: str = codes.HouseholdStatus.ACTIVE) -> Household:
    """Register a new family card with its head of family (exactly one head per KK from the start).

    `perm` and `status`: verval registers a family found in the field as a draft, under the verifier's own
    permission (Perm.VERVAL_VISIT), since verifiers do not hold REGISTRY_EDIT.
    """
    village = _village_or_error(data.get("village"))
    require_perm(actor, perm, village.code)
    kk = check_kk(data.get("kk_number"), district_exists=district_exists)
    _raise_if(kk.errors)
    if Household.objects.filter(kk_number=kk.cleaned["kk_number"]).exists():
        raise ApplicationError(_("Nomor KK %(kk)s sudah terdaftar.") % {"kk": kk.cleaned["kk_number"]},
                               field="kk_number", code="duplicate")
    head = _person_check({**head, "relationship": codes.Relationship.HEAD})
    _check_nik_free(head["nik"])
    household = Household(village=village, status=status)
    _apply(household, {**data, "village": village, "kk_number": kk.cleaned["kk_number"]}, HOUSEHOLD_FIELDS)
    _audit(household, actor, "registry.household.created")
    household.save()
    person = Person(household=household)
    _apply(person, head, PERSON_FIELDS + ["relationship"])
    _save_person(person, actor=actor, action="registry.person.created")
    _sync_person_flags(person, head["_flags"], actor=actor)
    household_refresh(household=household, actor=actor)
    return household


@transaction.atomic
def household_update(*, actor, household: Household, data: dict, perm: str = Perm.REGISTRY_EDIT) -> list[str]:
    """`perm`: verval applies the indicators a verifier saw under Perm.VERVAL_VISIT / VERVAL_CONFIRM."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    require_perm(actor, perm, household.village_id)
    if "village" in data:
        data = {**data, "village": _village_or_error(data["village"])}
        require_perm(actor, perm, data["village"].code)
    if "kk_number" in data:
        kk = check_kk(data["kk_number"], district_exists=district_exists)
        _raise_if(kk.errors)
        data = {**data, "kk_number": kk.cleaned["kk_number"]}
        if Household.objects.filter(kk_number=data["kk_number"]).exclude(pk=household.pk).exists():
            raise ApplicationError(_("Nomor KK %(kk)s sudah terdaftar.") % {"kk": data["kk_number"]},
                                   field="kk_number", code="duplicate")
    changed = _apply(household, data, HOUSEHOLD_FIELDS)
    if changed:
        _audit(household, actor, "registry.household.updated")
        household.save()
        household_refresh(household=household, actor=actor)
    return changed


def _ensure_single_head(household: Household, relationship: int, *, exclude_pk=None) -> None:
    if relationship != codes.Relationship.HEAD:
        return
    others = household.members.filter(relationship=codes.Relationship.HEAD, status=codes.PersonStatus.ALIVE)
    if others.exclude(pk=exclude_pk).exists():
        raise two_heads_error()


@transaction.atomic
def person_add(*, actor, household: Household, data: dict) -> Person:
    household = Household.objects.select_for_update().get(pk=household.pk)
    require_perm(actor, Perm.REGISTRY_EDIT, household.village_id)
    data = _person_check(data)
    _ensure_single_head(household, data.get("relationship"))
    _check_nik_free(data["nik"])
    person = Person(household=household)
    _apply(person, data, PERSON_FIELDS + ["relationship"])
    _save_person(person, actor=actor, action="registry.person.created")
    _sync_person_flags(person, data["_flags"], actor=actor)
    household_refresh(household=household, actor=actor)
    return person


@transaction.atomic
def person_update(*, actor, person: Person, data: dict) -> list[str]:
    person = Person.objects.select_for_update().select_related("household").get(pk=person.pk)
    require_perm(actor, Perm.REGISTRY_EDIT, person.household.village_id)
    merged = {name: data.get(name, getattr(person, name)) for name in PERSON_FIELDS + ["relationship"]}
    merged = _person_check(merged)
    if person.is_alive:
        _ensure_single_head(person.household, merged["relationship"], exclude_pk=person.pk)
        if person.relationship == codes.Relationship.HEAD and merged["relationship"] != codes.Relationship.HEAD:
            raise head_relationship_error()
        _check_nik_free(merged["nik"], exclude_pk=person.pk)
    changed = _apply(person, merged, PERSON_FIELDS + ["relationship"])
    if changed:
        _save_person(person, actor=actor, action="registry.person.updated")
    _sync_person_flags(person, merged["_flags"], actor=actor)
    household_refresh(household=person.household, actor=actor)
    return changed


@transaction.atomic
def household_set_head(*, actor, household: Household, new_head: Person, former_head_relationship: int) -> None:
    """Make `new_head` the head; the former living head (if any) takes `former_head_relationship`."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    require_perm(actor, Perm.REGISTRY_EDIT, household.village_id)
    # Saved below: a fresh row, or the caller's stale copy would undo edits made since it was loaded.
    new_head = Person.objects.select_for_update().get(pk=new_head.pk)
    if new_head.household_id != household.pk or not new_head.is_alive:
        raise ApplicationError(_("Kepala keluarga baru harus anggota hidup dari KK ini."), field="new_head")
    if former_head_relationship == codes.Relationship.HEAD:
        raise ApplicationError(_("Pilih hubungan baru untuk kepala keluarga lama."), field="former_head_relationship")
    for old in household.members.filter(relationship=codes.Relationship.HEAD).exclude(pk=new_head.pk):
        if old.is_alive:
            old.relationship = former_head_relationship
            _save_person(old, actor=actor, action="registry.person.head_replaced")
    new_head.relationship = codes.Relationship.HEAD
    _save_person(new_head, actor=actor, action="registry.person.head_assigned")
    household_refresh(household=household, actor=actor)


@transaction.atomic
def person_move(*, actor, person: Person, to_household: Household, relationship: int) -> Person:
    """Move a member to another KK (both must lie in the actor's scope)."""
    person = Person.objects.select_for_update().select_related("household").get(pk=person.pk)
    source = person.household
    require_perm(actor, Perm.REGISTRY_EDIT, source.village_id)
    require_perm(actor, Perm.REGISTRY_EDIT, to_household.village_id)
    if to_household.pk == source.pk:
        raise ApplicationError(_("Anggota sudah berada di KK ini."), field="to_household")
    if not person.is_alive:
        raise ApplicationError(_("Hanya anggota yang hidup dan masih tinggal yang dapat dipindah KK."))
    if person.relationship == codes.Relationship.HEAD and source.members.filter(
            status=codes.PersonStatus.ALIVE).exclude(pk=person.pk).exists():
        raise ApplicationError(
            _("Tetapkan kepala keluarga baru untuk KK asal sebelum memindahkan kepala keluarga."),
            field="person", code="head_move")
    _ensure_single_head(to_household, relationship)
    person.household = to_household
    person.relationship = relationship
    _save_person(person, actor=actor, action="registry.person.moved")
    ReviewFlag.objects.filter(person=person, resolved_at__isnull=True).update(household=to_household)
    household_refresh(household=source, actor=actor)
    household_refresh(household=to_household, actor=actor)
    return person


def _set_status(*, actor, person: Person, status: str, on: date, note: str, action: str,
                perm: str = Perm.REGISTRY_EDIT) -> Person:
    person = Person.objects.select_for_update().select_related("household").get(pk=person.pk)
    require_perm(actor, perm, person.household.village_id)
    if not person.is_alive:
        raise ApplicationError(_("Status anggota ini sudah %(s)s.") % {"s": person.get_status_display()})
    if on > timezone.localdate():
        raise ApplicationError(_("Tanggal tidak boleh di masa depan."), field="date")
    if on < person.birth_date:
        raise ApplicationError(_("Tanggal tidak boleh sebelum tanggal lahir."), field="date")
    person.status, person.status_date, person.status_note = status, on, note
    _save_person(person, actor=actor, action=action)
    _sync_person_flags(person, [], actor=actor)
    household_refresh(household=person.household, actor=actor)
    return person


@transaction.atomic
def person_mark_deceased(*, actor, person: Person, on: date, note: str = "",
                         perm: str = Perm.REGISTRY_EDIT) -> Person:
    """`perm`: a confirmed verval outcome "deceased" is applied under Perm.VERVAL_CONFIRM."""
    return _set_status(actor=actor, person=person, status=codes.PersonStatus.DECEASED, on=on, note=note,
                       action="registry.person.deceased", perm=perm)


@transaction.atomic
def person_mark_moved_out(*, actor, person: Person, on: date, note: str = "") -> Person:
    return _set_status(actor=actor, person=person, status=codes.PersonStatus.MOVED_OUT, on=on, note=note,
                       action="registry.person.moved_out")


@transaction.atomic
def household_activate(*, actor, household: Household, note: str = "") -> Household:
    """A draft family (found in the field by verval) becomes an active household once an operator has checked it:
    from then on it appears in lists, targeting and exports."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    require_perm(actor, Perm.REGISTRY_EDIT, household.village_id)
    if household.status != codes.HouseholdStatus.DRAFT:
        raise ApplicationError(_("Hanya keluarga berstatus draf yang dapat diaktifkan."), code="transition")
    if not household.members.filter(relationship=codes.Relationship.HEAD,
                                    status=codes.PersonStatus.ALIVE).exists():
        raise ApplicationError(_("Tetapkan kepala keluarga dulu sebelum mengaktifkan."), code="invalid")
    household.status = codes.HouseholdStatus.ACTIVE
    _audit(household, actor, "registry.household.activated")
    household.save()
    return household


@transaction.atomic
def flag_open(*, actor, household: Household, code: str, message: str, person: Person | None = None,
              perm: str = Perm.REGISTRY_EDIT) -> ReviewFlag:
    """Open a review flag someone must look at (verval: a move seen in the field, a suspected duplicate).

    An open flag with the same code on the same household and person is returned as it is (not opened twice).
    `perm`: verval opens flags under Perm.VERVAL_CONFIRM.
    """
    household = Household.objects.select_for_update().get(pk=household.pk)
    require_perm(actor, perm, household.village_id)
    if code not in ReviewFlag.Code.values:
        raise ApplicationError(_("Jenis tanda tinjau tidak dikenal."), field="code")
    if person is not None and person.household_id != household.pk:
        raise ApplicationError(_("Anggota ini bukan anggota KK tersebut."), field="person")
    existing = household.flags.filter(code=code, person=person, resolved_at__isnull=True).first()
    if existing is not None:
        return existing
    flag = ReviewFlag(household=household, person=person, code=code, message=message[:400])
    _audit(flag, actor, "registry.flag.opened")
    flag.save()
    household_refresh(household=household, actor=actor)
    return flag


@transaction.atomic
def flag_resolve(*, actor, flag: ReviewFlag, note: str) -> ReviewFlag:
    flag = ReviewFlag.objects.select_for_update().select_related("household").get(pk=flag.pk)
    require_perm(actor, Perm.REGISTRY_EDIT, flag.household.village_id)
    if flag.resolved_at:
        raise ApplicationError(_("Tanda ini sudah diselesaikan."))
    if not note.strip():
        raise ApplicationError(_("Tulis catatan penyelesaian (mis. dokumen yang diperiksa)."), field="note")
    flag.resolved_at, flag.resolved_by, flag.resolution_note = timezone.now(), actor, note.strip()
    _audit(flag, actor, "registry.flag.resolved")
    flag.save()
    household_refresh(household=flag.household, actor=actor)
    return flag
