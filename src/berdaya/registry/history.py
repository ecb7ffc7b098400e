"""The household's history tab: every audited change to the household, its members and its review flags,
newest first, each with who, when, the action code and the fields changed from what to what."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from berdaya.core.formatting import date_long, date_short, rupiah
from berdaya.core.identity import mask_number
from berdaya.core.permissions import Perm, has_perm
from berdaya.registry.models import Household, Person, ReviewFlag

SENSITIVE = {"nik", "kk_number", "disability", "monthly_income", "phone"}
ACTION_LABELS = {
    "registry.household.created": _("Keluarga didaftarkan"),
    "registry.household.updated": _("Data keluarga diubah"),
    "registry.person.created": _("Anggota ditambahkan"),
    "registry.person.updated": _("Data anggota diubah"),
    "registry.person.moved": _("Anggota pindah KK"),
    "registry.person.deceased": _("Anggota meninggal"),
    "registry.person.moved_out": _("Anggota pindah keluar"),
    "registry.person.head_assigned": _("Ditetapkan sebagai kepala keluarga"),
    "registry.person.head_replaced": _("Kepala keluarga diganti"),
    "registry.household.activated": _("Keluarga draf diaktifkan"),
    "registry.flag.opened": _("Tanda tinjau dibuka"),
    "registry.flag.resolved": _("Tanda tinjau diselesaikan"),
    "demo.generated": _("Dibuat oleh generator data demo"),
    # Written by berdaya.imports (the batch: ImportBatch.committed_at == history_date, same user).
    "imports.registry.created": _("Didaftarkan lewat impor file"),
    "imports.registry.updated": _("Diubah lewat impor file"),
    "imports.registry.flag_opened": _("Tanda tinjau dibuka (impor file)"),
    "imports.registry.flag_resolved": _("Tanda tinjau diselesaikan (impor file)"),
}


@dataclass
class Change:
    field: str
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime
    who: str
    action: str
    action_label: str
    subject: str
    kind: str
    changes: list[Change] = field(default_factory=list)


def _display(record, name: str, value, *, masked: bool) -> str:
    if value is None or value == "":
        return "–"
    if masked and name in SENSITIVE:
        return mask_number(str(value)) if name in {"nik", "kk_number", "phone"} else "•••"
    model_field = record.instance_type._meta.get_field(name)
    if model_field.is_relation:  # the diff holds the id: show the household's KK, the person, the village
        target = model_field.related_model._default_manager.filter(pk=value).first()
        if isinstance(target, Household):
            return f"KK {mask_number(target.kk_number) if masked else target.kk_number}"
        return str(target) if target is not None else str(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("Ya") if value else _("Tidak"))
    if isinstance(value, datetime):
        return date_long(value)
    if isinstance(value, date):
        return date_short(value)
    if name == "monthly_income":
        return rupiah(value)
    return str(value)


def _entries(records, *, subject_of, kind: str, masked: bool) -> list[HistoryEntry]:
    out = []
    previous = {}
    for rec in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        prev = previous.get(rec.id)
        changes = []
        if prev is not None:
            delta = rec.diff_against(prev)
            for ch in delta.changes:
                if ch.field in ("updated_at", "name_key"):
                    continue
                label = str(rec.instance_type._meta.get_field(ch.field).verbose_name)
                changes.append(Change(ch.field, label, _display(rec, ch.field, ch.old, masked=masked),
                                      _display(rec, ch.field, ch.new, masked=masked)))
        previous[rec.id] = rec
        action = rec.history_change_reason or {"+": "created", "~": "updated", "-": "deleted"}[rec.history_type]
        if prev is not None and not changes and rec.history_type == "~":
            continue
        out.append(HistoryEntry(
            when=rec.history_date,
            who=str(rec.history_user) if rec.history_user_id else str(_("Sistem")),
            action=action,
            action_label=str(ACTION_LABELS.get(action, action)),
            subject=subject_of(rec),
            kind=kind,
            changes=changes,
        ))
    return out


def household_history(*, user, household: Household) -> list[HistoryEntry]:
    masked = not has_perm(user, Perm.REGISTRY_VIEW_IDENTITY, household.village_id)
    member_ids = list(Person.history.filter(household_id=household.pk).values_list("id", flat=True).distinct())
    hh = Household.history.filter(id=household.pk).select_related("history_user")
    people = Person.history.filter(Q(id__in=member_ids)).select_related("history_user")
    flags = ReviewFlag.history.filter(household_id=household.pk).select_related("history_user")
    entries = (
        _entries(hh, subject_of=lambda r: str(_("Keluarga")), kind="household", masked=masked)
        + _entries(people, subject_of=lambda r: r.name, kind="person", masked=masked)
        + _entries(flags, subject_of=lambda r: r.get_code_display(), kind="flag", masked=masked)
    )
    return sorted(entries, key=lambda e: e.when, reverse=True)
