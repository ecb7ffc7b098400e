"""Registry forms: they parse and present; the domain rules (NIK, KK, heads, scope) live in the services.

Fields come from the model fields (labels, choices, lengths), but the forms are plain forms: views pass
cleaned_data to a service and attach its ApplicationError to the field it names.
"""

from __future__ import annotations

import re

from django import forms
from django.db import models
from django.forms.models import fields_for_model
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from berdaya.core.permissions import Perm
from berdaya.regions.forms import RegionField
from berdaya.regions.models import Level
from berdaya.registry import codes
from berdaya.registry.models import BPS_FIELDS, VULNERABILITIES, Household, Person
from berdaya.registry.selectors import HouseholdFilters

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
TRI_STATE_CHOICES = [("", _("Belum didata")), ("1", _("Ya")), ("0", _("Tidak"))]


class DateField(forms.DateField):
    """dd/mm/yyyy typed, or the browser's date input (yyyy-mm-dd)."""

    input_formats = DATE_INPUT_FORMATS

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date", "placeholder": "dd/mm/yyyy"},
                                                    format="%Y-%m-%d"))
        super().__init__(**kwargs)


def _yes(value) -> bool:
    return value == "1"


class TriStateField(forms.TypedChoiceField):
    """Ya / Tidak / Belum didata for a nullable boolean (the 14 criteria, assets)."""

    def __init__(self, **kwargs):
        super().__init__(choices=TRI_STATE_CHOICES, coerce=_yes, empty_value=None, required=False, **kwargs)

    def prepare_value(self, value):
        return {True: "1", False: "0", None: ""}.get(value, value)


class MoneyField(forms.IntegerField):
    """Whole Rupiah; 'Rp 1.500.000' and '1500000' both read as 1500000."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "1500000"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"(?i)^\s*rp\.?|[\s.]", "", value)
        return super().to_python(value)


def _formfield(db_field, **kwargs):
    label = capfirst(db_field.verbose_name)
    if isinstance(db_field, models.BooleanField) and db_field.null:
        return TriStateField(label=label)
    if isinstance(db_field, models.DateField):
        return DateField(label=label, required=not db_field.blank)
    if db_field.name == "monthly_income":
        return MoneyField(label=label, required=False)
    if db_field.name in ("nik", "kk_number"):  # people paste numbers with spaces; the service cleans them
        return forms.CharField(label=label, max_length=40, required=not db_field.blank, help_text=db_field.help_text,
                               widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    if db_field.name == "official_desil":
        return forms.IntegerField(label=label, required=False, min_value=1, max_value=10, help_text=db_field.help_text)
    return db_field.formfield(**kwargs)


def _model_fields_form(name: str, model, field_names: list[str]) -> type[forms.Form]:
    """A plain Form whose fields are built from the model's fields (never saved: services write)."""
    return type(name, (forms.Form,), dict(fields_for_model(model, fields=field_names, formfield_callback=_formfield)))


class SectionsMixin:
    """Fields grouped under headings for the templates: [{title, fields, has_errors}]."""

    sections: list[tuple[str, list[str]]] = []

    def section_list(self) -> list[dict]:
        out = []
        for title, names in self.sections:
            fields = [self[n] for n in names if n in self.fields]
            out.append({"title": title, "fields": fields, "has_errors": any(f.errors for f in fields)})
        return out


HOUSEHOLD_SECTIONS = [
    (_("Kartu keluarga dan alamat"), ["kk_number", "village", "address", "dusun", "rt", "rw", "latitude",
                                      "longitude"]),
    (_("14 kriteria rumah tangga miskin (BPS)"), BPS_FIELDS),
    (_("Rumah"), ["floor_area_m2", "floor_material", "wall_material", "roof_material", "toilet", "lighting",
                  "water_source", "cooking_fuel", "house_ownership"]),
    (_("Aset"), ["has_motorcycle", "has_car", "has_refrigerator", "has_land", "has_livestock"]),
    (_("Ekonomi"), ["monthly_income", "official_desil"]),
]
HOUSEHOLD_FORM_FIELDS = [name for _title, names in HOUSEHOLD_SECTIONS for name in names if name != "village"]
PERSON_FORM_FIELDS = ["nik", "name", "sex", "birth_place", "birth_date", "relationship", "marital_status",
                      "education", "occupation", "disability", "pregnant", "monthly_income", "phone"]


class HouseholdForm(SectionsMixin, _model_fields_form("_HouseholdFields", Household, HOUSEHOLD_FORM_FIELDS)):
    sections = HOUSEHOLD_SECTIONS
    village = RegionField(level=Level.VILLAGE, perm=Perm.REGISTRY_EDIT, label=_("Desa/kelurahan"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].configure(user=user, perm=Perm.REGISTRY_EDIT)


class PersonForm(SectionsMixin, _model_fields_form("_PersonFields", Person, PERSON_FORM_FIELDS)):
    """A member; `head=True` for the head of family in the household form (relationship fixed)."""

    def __init__(self, *args, head: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if head:
            del self.fields["relationship"]
        title = _("Kepala keluarga") if head else _("Data anggota")
        self.sections = [(title, list(self.fields))]


class MoveForm(forms.Form):
    kk_number = forms.CharField(label=_("Nomor KK tujuan"), max_length=40,
                                widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
                                help_text=_("KK tujuan harus berada di wilayah kerja Anda."))
    relationship = forms.TypedChoiceField(label=_("Hubungan dalam keluarga tujuan"), coerce=int,
                                          choices=[("", "—"), *codes.Relationship.choices])


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status baru"), widget=forms.RadioSelect, choices=[
        (codes.PersonStatus.DECEASED, _("Meninggal")), (codes.PersonStatus.MOVED_OUT, _("Pindah keluar"))])
    date = DateField(label=_("Tanggal"))
    note = forms.CharField(label=_("Keterangan"), max_length=255, required=False,
                           help_text=_("Mis. nomor akta kematian atau alamat tujuan pindah."))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"date": timezone.localdate()})
        super().__init__(*args, **kwargs)


class SetHeadForm(forms.Form):
    new_head = forms.ModelChoiceField(label=_("Kepala keluarga baru"), queryset=Person.objects.none())
    former_head_relationship = forms.TypedChoiceField(
        label=_("Hubungan baru kepala keluarga lama"), coerce=int, required=False,
        choices=[("", "—"), *[(v, lbl) for v, lbl in codes.Relationship.choices if v != codes.Relationship.HEAD]])

    def __init__(self, *args, household: Household, **kwargs):
        super().__init__(*args, **kwargs)
        living = household.members.filter(status=codes.PersonStatus.ALIVE)
        self.fields["new_head"].queryset = living.exclude(relationship=codes.Relationship.HEAD).order_by("birth_date")
        self.current_head = living.filter(relationship=codes.Relationship.HEAD).first()
        if self.current_head is None:
            del self.fields["former_head_relationship"]
        else:
            self.fields["former_head_relationship"].required = True


class FlagResolveForm(forms.Form):
    note = forms.CharField(label=_("Catatan penyelesaian"), max_length=255, required=False,
                           widget=forms.TextInput(attrs={"placeholder": _("Mis. sudah dicek dengan KTP asli")}))


def _status_filter(value: str | None) -> str:
    """Active unless asked: "all" means every status (selectors take "" for that); drafts are found by asking."""
    if value == "all":
        return ""
    return value or codes.HouseholdStatus.ACTIVE


class HouseholdFilterForm(forms.Form):
    q = forms.CharField(label=_("Cari"), max_length=120, required=False)
    region = RegionField(level=None, required=False, allow_ancestors=True, label=_("Wilayah"))
    vulnerability = forms.ChoiceField(label=_("Kerentanan"), required=False,
                                      choices=[("", _("Semua")), *VULNERABILITIES])
    flagged = forms.BooleanField(label=_("Hanya yang perlu ditinjau"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[*codes.HouseholdStatus.choices, ("all", _("Semua status"))])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].configure(user=user, perm=Perm.REGISTRY_VIEW)

    def filters(self) -> HouseholdFilters:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        region = data.get("region")
        return HouseholdFilters(q=data.get("q", ""), region=region.code if region else "",
                                vulnerability=data.get("vulnerability", ""), flagged=bool(data.get("flagged")),
                                status=_status_filter(data.get("status")))
