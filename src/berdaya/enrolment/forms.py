"""Enrolment forms: they parse and present; the rules (scope, budget, transitions) live in services.py, whose
ApplicationError the views attach to the field it names."""

from __future__ import annotations

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from berdaya.core.formatting import MONTHS_SHORT, rupiah
from berdaya.core.permissions import Perm, has_perm
from berdaya.enrolment.models import TRANSITIONS, EnrolmentList, EnrolmentStatus
from berdaya.enrolment.selectors import RowFilters
from berdaya.programmes.models import BudgetLine
from berdaya.regions.models import Level, Region
from berdaya.registry.forms import MoneyField

MONTH_CHOICES = [(i, str(MONTHS_SHORT[i - 1])) for i in range(1, 13)]
_QUOTA_LINE = re.compile(r"^\s*([0-9.]+)\s*[=:]\s*(\d+)\s*$")


class QuotasField(forms.CharField):
    """One quota a line, "33.16.01 = 40" (district or village code, most places); empty = no quotas."""

    widget = forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "placeholder": "33.16.01 = 40"})

    def to_python(self, value):
        out: dict[str, int] = {}
        for number, line in enumerate((value or "").splitlines(), start=1):
            if not line.strip():
                continue
            match = _QUOTA_LINE.match(line)
            if not match:
                raise forms.ValidationError(_("Baris %(n)s: tulis kode wilayah = kuota, mis. 33.16.01 = 40.")
                                            % {"n": number})
            out[match.group(1)] = int(match.group(2))
        return out

    def prepare_value(self, value):
        if isinstance(value, dict):
            return "\n".join(f"{code} = {places}" for code, places in sorted(value.items()))
        return value


def quotas_text(quotas: dict) -> str:
    return QuotasField().prepare_value(quotas or {})


class ListSettingsForm(forms.Form):
    """What a draft list is built with (the build form adds the year, the region and the kind)."""

    budget_line = forms.ModelChoiceField(label=_("Pos anggaran"), queryset=BudgetLine.objects.none(), required=False,
                                         empty_label=_("— Semua pos anggaran program tahun ini —"))
    require_verval = forms.BooleanField(label=_("Hanya keluarga yang lolos verval"), required=False, initial=True)
    start_month = forms.TypedChoiceField(
        label=_("Bulan mulai dibayar"), choices=[("", _("— otomatis —")), *MONTH_CHOICES], coerce=int,
        empty_value=None, required=False,
        help_text=_("Otomatis: Januari untuk penetapan awal, bulan ini untuk penambahan tengah tahun; nilai bantuan "
                    "dihitung sampai Desember."))
    quotas = QuotasField(label=_("Kuota per kecamatan/desa"), required=False,
                         help_text=_("Satu baris per wilayah: kode = jumlah tempat paling banyak."))
    amount_per_unit = MoneyField(label=_("Nominal per sasaran (Rp)"), required=False, min_value=1,
                                 help_text=_("Kosongkan untuk memakai nominal program."))

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        lines = (BudgetLine.objects.filter(programme=programme, fiscal_year__is_open=True)
                 .select_related("source", "fiscal_year").order_by("-fiscal_year__year", "pk"))
        self.fields["budget_line"].queryset = lines
        self.fields["budget_line"].label_from_instance = lambda line: (
            f"{line.fiscal_year.year} · {line.source.name} · {_('sisa')} {rupiah(line.remaining)}")


class BuildForm(ListSettingsForm):
    year = forms.IntegerField(label=_("Tahun anggaran"), min_value=2000, max_value=2100)
    region = forms.ChoiceField(label=_("Wilayah daftar"))
    kind = forms.ChoiceField(label=_("Jenis"), choices=EnrolmentList.Kind.choices, widget=forms.RadioSelect,
                             initial=EnrolmentList.Kind.MAIN)

    field_order = ["year", "kind", "region", "budget_line", "require_verval", "start_month", "quotas",
                   "amount_per_unit"]

    def __init__(self, *args, programme, user, **kwargs):
        super().__init__(*args, programme=programme, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        office = programme.office
        regions = [office, *Region.objects.filter(parent=office, level=Level.DISTRICT).order_by("code")]
        self.fields["region"].choices = [(r.code, f"{r.display_name} ({r.code})") for r in regions
                                         if has_perm(user, Perm.ENROLMENT_MANAGE, r.code)]
        self.order_fields(self.field_order)

    def clean_region(self):
        return Region.objects.get(code=self.cleaned_data["region"])


class ApproveForm(forms.Form):
    decree_number = forms.CharField(label=_("Nomor SK"), max_length=80,
                                    widget=forms.TextInput(attrs={"placeholder": "400.9/123/2026"}))
    decree_date = forms.DateField(label=_("Tanggal SK"), widget=forms.DateInput(attrs={"type": "date"}),
                                  input_formats=["%Y-%m-%d", "%d/%m/%Y"])


class RowFilterForm(forms.Form):
    SHOW = [("", _("Semua")), ("fits", _("Masuk anggaran / ditetapkan")), ("waiting", _("Daftar tunggu")),
            (EnrolmentStatus.DROPPED, _("Dikeluarkan"))]
    show = forms.ChoiceField(label=_("Tampilkan"), choices=SHOW, required=False)
    q = forms.CharField(label=_("Cari nama kepala keluarga atau nomor KK"), required=False, max_length=80,
                        widget=forms.TextInput(attrs={"type": "search"}))

    def filters(self) -> RowFilters:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return RowFilters(show=data.get("show", ""), q=data.get("q", ""))


# Moves an officer makes on one enrolment (the others are decided for the whole list).
ONE_BY_ONE = {EnrolmentStatus.ACTIVE, EnrolmentStatus.SUSPENDED, EnrolmentStatus.EXITED, EnrolmentStatus.GRADUATED}


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("Ubah status menjadi"))
    reason = forms.CharField(label=_("Alasan"), max_length=255, required=False,
                             help_text=_("Wajib untuk ditangguhkan, keluar dan graduasi (mis. graduasi mandiri)."))
    document_ref = forms.CharField(label=_("Rujukan dokumen"), max_length=120, required=False,
                                   help_text=_("Nomor surat atau berita acara, bila ada."))

    def __init__(self, *args, enrolment, **kwargs):
        super().__init__(*args, **kwargs)
        targets = [s for s in EnrolmentStatus if s in TRANSITIONS[enrolment.status] and s in ONE_BY_ONE]
        self.fields["to_status"].choices = [(s.value, s.label) for s in targets]

    @property
    def has_choices(self) -> bool:
        return bool(self.fields["to_status"].choices)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Alasan pembatalan"), max_length=255)


class DropForm(forms.Form):
    reason = forms.CharField(label=_("Alasan dikeluarkan dari daftar"), max_length=255)
