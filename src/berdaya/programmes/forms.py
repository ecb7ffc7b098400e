"""Programme and budget forms: they parse and present; the rules (scope, caps, the budget invariant) live in
services.py, whose ApplicationError the views attach to the field it names."""

from __future__ import annotations

from django import forms
from django.forms.models import fields_for_model
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from berdaya.core.permissions import Perm
from berdaya.programmes.models import (
    BenefitComponent,
    BenefitKit,
    FundingSource,
    Kind,
    KitItem,
    Partner,
    Programme,
)
from berdaya.programmes.selectors import ProgrammeFilters
from berdaya.regions.forms import RegionField
from berdaya.regions.models import Level
from berdaya.registry.forms import MoneyField

PROGRAMME_FORM_FIELDS = [
    "code", "name", "description", "kind", "target_unit", "frequency", "duration_months", "benefit_type",
    "benefit_amount", "group_size_min", "group_size_max", "is_active", "priority_rule",
]
MONEY_FIELDS = {"benefit_amount", "amount_per_year", "unit_price"}


def _formfield(db_field, **kwargs):
    label = capfirst(db_field.verbose_name)
    if db_field.name in MONEY_FIELDS:
        return MoneyField(label=label, required=not db_field.blank, help_text=db_field.help_text)
    if db_field.name in ("priority_rule", "description"):
        return forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": 3}),
                               help_text=db_field.help_text)
    return db_field.formfield(**kwargs)


def _fields(model, names: list[str]) -> dict:
    return dict(fields_for_model(model, fields=names, formfield_callback=_formfield))


class ProgrammeForm(forms.Form):
    """Create or edit a programme; the office is a regency inside the user's PROGRAMMES_MANAGE scope."""

    office = RegionField(level=Level.REGENCY, perm=Perm.PROGRAMMES_MANAGE, label=_("Dinas pelaksana (kabupaten/kota)"))
    funding_sources = forms.ModelMultipleChoiceField(
        label=_("Sumber dana"), required=False, queryset=FundingSource.objects.all(),
        widget=forms.CheckboxSelectMultiple)
    partners = forms.ModelMultipleChoiceField(label=_("Mitra"), required=False, queryset=Partner.objects.all(),
                                              widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(_fields(Programme, PROGRAMME_FORM_FIELDS))
        self.order_fields(["office", *PROGRAMME_FORM_FIELDS, "funding_sources", "partners"])
        self.fields["office"].configure(user=user, perm=Perm.PROGRAMMES_MANAGE)
        self.fields["code"].widget.attrs.update({"autocapitalize": "characters", "autocomplete": "off"})
        self.fields["code"].help_text = _("Unik di dinas ini, mis. PKH, BPNT, BLT-DD.")

    def clean_code(self):
        return (self.cleaned_data.get("code") or "").strip().upper()

    @staticmethod
    def initial_for(programme: Programme) -> dict:
        initial = {name: getattr(programme, name) for name in PROGRAMME_FORM_FIELDS}
        initial.update(office=programme.office_id, funding_sources=list(programme.funding_sources.all()),
                       partners=list(programme.partners.all()))
        return initial


class ProgrammeFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis bantuan"), required=False, choices=[("", _("Semua jenis")), *Kind.choices])
    active = forms.ChoiceField(label=_("Status"), required=False, initial="1", choices=[
        ("1", _("Aktif")), ("0", _("Tidak aktif")), ("", _("Semua"))])

    def filters(self) -> ProgrammeFilters:
        if not self.is_bound:
            return ProgrammeFilters()
        data = self.cleaned_data if self.is_valid() else {}
        return ProgrammeFilters(kind=data.get("kind", ""), active=data.get("active", "1"))


class ComponentForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(_fields(BenefitComponent, ["code", "name", "amount_per_year", "cap_per_family"]))
        self.fields["code"].help_text = _("Huruf kecil, mis. hamil, anak_usia_dini, sd.")


class KitForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(_fields(BenefitKit, ["business_type", "name", "description"]))
        self.fields["business_type"].help_text = _("Huruf kecil, mis. kiosk, warung_kopi, tambal_ban.")


class KitItemForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(_fields(KitItem, ["name", "quantity", "unit", "unit_price"]))


class BudgetForm(forms.Form):
    """Allocate a new line or revise an existing one (the view picks the service)."""

    programme = forms.ModelChoiceField(label=_("Program"), queryset=Programme.objects.none())
    source = forms.ModelChoiceField(label=_("Sumber dana"), queryset=FundingSource.objects.all())
    amount = MoneyField(label=_("Pagu (Rp)"), help_text=_("Pagu baru seluruhnya, bukan tambahannya."))
    reason = forms.CharField(label=_("Alasan/dasar"), max_length=255,
                             widget=forms.TextInput(attrs={"placeholder": _("Mis. DPA 2026, APBD-P 2026")}))

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes.order_by("code")
