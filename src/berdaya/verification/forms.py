"""Verval forms: they parse and present; the rules (areas, outcomes, who may act) live in services.py."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from berdaya.core.permissions import Perm
from berdaya.programmes.selectors import programmes_visible
from berdaya.regions.forms import RegionField
from berdaya.regions.models import Level, Region
from berdaya.registry import codes
from berdaya.registry.forms import DateField, MoneyField
from berdaya.registry.models import BPS_CRITERIA, Household
from berdaya.verification import selectors
from berdaya.verification.models import NotEligibleReason, Outcome, Source

YES_NO = [("1", _("Ya")), ("0", _("Tidak"))]
# Form fields that matter only for some outcomes: without JavaScript every section shows, and what does not apply
# to the chosen outcome is dropped here rather than refused.
RELEVANT = {"reason": {Outcome.NOT_ELIGIBLE}, "person": {Outcome.DECEASED, Outcome.MOVED},
            "duplicate_kk": {Outcome.DUPLICATE}}
WITH_INDICATORS = {Outcome.ELIGIBLE, Outcome.NOT_ELIGIBLE, Outcome.NEW_FAMILY}


class VerifierChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        roles = ", ".join(str(a) for a in user.role_assignments.all())
        return f"{user} ({user.username}) — {roles}"


class AssignmentForm(forms.Form):
    name = forms.CharField(label=_("Nama penugasan"), max_length=160,
                           help_text=_("Misalnya: Verval UEP 2026 Kecamatan Randublatung."))
    region = RegionField(level=None, perm=Perm.VERVAL_ASSIGN, label=_("Wilayah tugas"))
    verifier = VerifierChoiceField(label=_("Verifikator"), queryset=None)
    source = forms.ChoiceField(label=_("Sumber daftar"), choices=Source.choices, widget=forms.RadioSelect)
    list_name = forms.CharField(label=_("Nama daftar"), max_length=160, required=False,
                                help_text=_("Misalnya: Data Kemiskinan Ekstrem Kemensos 2026."))
    programme = forms.ModelChoiceField(label=_("Program"), queryset=None, required=False,
                                       empty_label=_("— Tanpa program (daftar umum) —"))
    fiscal_year = forms.IntegerField(label=_("Tahun anggaran"), min_value=2000, max_value=2100, required=False)
    due_date = DateField(label=_("Batas waktu"), required=False)

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {"fiscal_year": timezone.localdate().year})
        super().__init__(*args, **kwargs)
        self.fields["region"].configure(user=user, perm=Perm.VERVAL_ASSIGN)
        self.fields["verifier"].queryset = selectors.verifier_choices(user=user)
        self.fields["programme"].queryset = programmes_visible(user=user).order_by("office_id", "code")


class ReassignForm(forms.Form):
    verifier = VerifierChoiceField(label=_("Verifikator baru"), queryset=None)
    reason = forms.CharField(label=_("Alasan"), max_length=255,
                             help_text=_("Misalnya: verifikator sebelumnya cuti sakit."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["verifier"].queryset = selectors.verifier_choices(user=user)


class AddItemsForm(forms.Form):
    items = forms.ModelMultipleChoiceField(label=_("Rincian usulan yang lolos cek kelengkapan"), queryset=None,
                                           widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = queryset
        self.fields["items"].label_from_instance = lambda item: (
            f"{item.household.head_name} · {item.household.village.name} · {item.proposal.number} · {item.request}")


class AddHouseholdsForm(forms.Form):
    kk_numbers = forms.CharField(
        label=_("Nomor KK"), widget=forms.Textarea(attrs={"rows": 4, "inputmode": "numeric"}),
        help_text=_("Satu nomor KK per baris (boleh ditempel dari ekspor daftar calon penargetan)."))

    def numbers(self) -> list[str]:
        text = self.cleaned_data.get("kk_numbers", "")
        return [n for n in (p.strip().strip("'") for p in text.replace(",", "\n").replace(";", "\n").split()) if n]


class ImportListForm(forms.Form):
    upload = forms.FileField(label=_("File daftar (.xlsx atau .csv)"),
                             help_text=_("Kolom: NIK, NAMA, ALAMAT. Baris yang salah dilaporkan; sisanya dimuat."))


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*", "capture": "environment",
                                                             "multiple": True}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files if f]


def _indicator_field(label) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, choices=YES_NO, coerce=lambda v: v == "1", empty_value=None,
                                  required=False, widget=forms.RadioSelect(attrs={"class": "yes-no"}))


class VisitForm(forms.Form):
    """The phone form for one task. Sections that only matter for some outcomes are marked with data-for and
    hidden by visit.js when another outcome is chosen; without JavaScript every section shows."""

    visited_on = DateField(label=_("Tanggal kunjungan"))
    outcome = forms.ChoiceField(label=_("Hasil kunjungan"), choices=Outcome.choices, widget=forms.RadioSelect)
    reason = forms.ChoiceField(label=_("Alasan tidak layak"), required=False,
                               choices=[("", "—"), *NotEligibleReason.choices])
    person = forms.ModelChoiceField(label=_("Anggota yang meninggal/pindah"), queryset=None, required=False,
                                    empty_label=_("— Seluruh keluarga (pindah) —"))
    duplicate_kk = forms.CharField(label=_("Nomor KK data yang sama"), max_length=40, required=False,
                                   widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    new_kk_number = forms.CharField(label=_("Nomor KK"), max_length=40, required=False,
                                    widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    new_village = forms.ChoiceField(label=_("Desa/kelurahan"), required=False)
    new_address = forms.CharField(label=_("Alamat"), max_length=255, required=False)
    new_rt = forms.CharField(label=_("RT"), max_length=3, required=False)
    new_rw = forms.CharField(label=_("RW"), max_length=3, required=False)
    new_nik = forms.CharField(label=_("NIK kepala keluarga"), max_length=40, required=False,
                              widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    new_name = forms.CharField(label=_("Nama kepala keluarga"), max_length=120, required=False)
    new_sex = forms.ChoiceField(label=_("Jenis kelamin"), required=False, choices=[("", "—"), *codes.Sex.choices])
    new_birth_date = DateField(label=_("Tanggal lahir"), required=False)
    monthly_income = MoneyField(label=_("Penghasilan rumah tangga per bulan (Rp)"), required=False)
    notes = forms.CharField(label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    photos = MultipleFileField(label=_("Foto (rumah, dokumen)"))
    latitude = forms.CharField(required=False, widget=forms.HiddenInput)
    longitude = forms.CharField(required=False, widget=forms.HiddenInput)
    accuracy = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, task, **kwargs):
        household = task.household
        initial = {"visited_on": timezone.localdate()}
        if household is not None:
            initial.update({name: _as_choice(getattr(household, name)) for name, _label in BPS_CRITERIA})
            initial["monthly_income"] = household.monthly_income
        if task.proposal_item_id and task.proposal_item.person_id:
            initial["person"] = task.proposal_item.person_id
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.task = task
        for name, label in BPS_CRITERIA:
            self.fields[name] = _indicator_field(label)
        self.indicator_names = [name for name, _label in BPS_CRITERIA]
        if household is None:
            self.fields["outcome"].choices = [(v, lbl) for v, lbl in Outcome.choices
                                              if v not in (Outcome.ELIGIBLE, Outcome.DUPLICATE)]
            for name in ("person", "duplicate_kk", "monthly_income", *self.indicator_names):
                del self.fields[name]
            self.indicator_names = []
        else:
            self.fields["person"].queryset = household.members.filter(
                status=codes.PersonStatus.ALIVE).order_by("relationship", "birth_date")
        area = task.assignment.region
        villages = (Region.objects.filter(level=Level.VILLAGE, code__startswith=area.code + ".")
                    if area.level < Level.VILLAGE else Region.objects.filter(code=area.code))
        self.fields["new_village"].choices = [("", "—"), *((v.code, v.name) for v in villages.order_by("name"))]

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        for name, outcomes in RELEVANT.items():
            if name in data and outcome not in outcomes:
                data[name] = None if name == "person" else ""
        return data

    def indicator_fields(self):
        return [self[name] for name in self.indicator_names]

    def new_family_fields(self):
        return [self[n] for n in ("new_kk_number", "new_village", "new_address", "new_rt", "new_rw", "new_nik",
                                  "new_name", "new_sex", "new_birth_date")]

    def indicator_changes(self, household: Household | None) -> dict:
        """Answers that differ from the registry (all answers for a new family: there is nothing to differ from)."""
        data = self.cleaned_data
        if data.get("outcome") not in WITH_INDICATORS:
            return {}
        every = household is None or data.get("outcome") == Outcome.NEW_FAMILY
        changes = {}
        for name in [*self.indicator_names, "monthly_income"]:
            if name not in self.fields:
                continue
            value = data.get(name)
            if value is None:
                continue
            if every or getattr(household, name) != value:
                changes[name] = value
        return changes

    def new_household(self) -> dict | None:
        data = self.cleaned_data
        if data.get("outcome") != Outcome.NEW_FAMILY:
            return None
        return {"kk_number": data.get("new_kk_number", ""), "village": data.get("new_village", ""),
                "address": data.get("new_address", ""), "rt": data.get("new_rt", ""), "rw": data.get("new_rw", ""),
                "nik": data.get("new_nik", ""), "name": data.get("new_name", ""), "sex": data.get("new_sex", ""),
                "birth_date": data.get("new_birth_date")}


def _as_choice(value):
    return {True: "1", False: "0"}.get(value, "")


class ConfirmForm(forms.Form):
    note = forms.CharField(label=_("Catatan"), max_length=255, required=False)


class RejectForm(forms.Form):
    note = forms.CharField(label=_("Alasan penolakan"), max_length=255,
                           widget=forms.TextInput(attrs={"placeholder": _("Mis. cek ulang ke ketua RT")}))


class FunnelFilterForm(forms.Form):
    programme = forms.ModelChoiceField(label=_("Program"), queryset=None, required=False,
                                       empty_label=_("— Semua (tanpa tahap penetapan) —"))
    year = forms.IntegerField(label=_("Tahun anggaran"), min_value=2000, max_value=2100, required=False)
    region = RegionField(level=None, required=False, allow_ancestors=True, label=_("Wilayah"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes_visible(user=user).order_by("office_id", "code")
        self.fields["region"].configure(user=user, perm=Perm.VERVAL_VIEW)
