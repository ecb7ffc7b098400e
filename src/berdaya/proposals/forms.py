"""Proposal forms: they parse and present; the rules (scope, households, kits, duplicates, uploads) live in
services.py, whose ApplicationError the views attach to the field it names."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from berdaya.core.permissions import Perm
from berdaya.proposals.models import ItemStatus, MeetingKind, ProposalBatch, ProposerKind
from berdaya.proposals.selectors import ProposalFilters
from berdaya.regions.forms import RegionField
from berdaya.regions.models import Level
from berdaya.registry.forms import DateField

YES_NO_UNKNOWN = [("", _("Belum diketahui")), ("1", _("Ya")), ("0", _("Tidak"))]
FILE_HELP = _("PDF atau foto (JPG, PNG, WebP), paling besar %(mb)s MB.")


def yes_no(value: str) -> bool | None:
    return {"1": True, "0": False}.get(value or "")


def yes_no_value(value: bool | None) -> str:
    return {True: "1", False: "0"}.get(value, "")


def fiscal_year_choices() -> list[tuple[int, int]]:
    year = timezone.localdate().year
    return [(y, y) for y in (year, year + 1)]


def file_help() -> str:
    from django.conf import settings

    return FILE_HELP % {"mb": settings.BERDAYA_DOCUMENT_MAX_MB}


class DocumentField(forms.FileField):
    """An upload the service checks (type by content, size); the browser is only hinted what to pick."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.webp"}))
        super().__init__(**kwargs)
        self.help_text = file_help()


class ProposalFilterForm(forms.Form):
    q = forms.CharField(label=_("Cari"), required=False, max_length=120)
    status = forms.ChoiceField(label=_("Status rincian"), required=False,
                               choices=[("", _("Semua status")), *ItemStatus.choices])
    programme = forms.TypedChoiceField(label=_("Program"), required=False, coerce=int, empty_value=None)
    fiscal_year = forms.TypedChoiceField(label=_("Tahun anggaran"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, programmes, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [("", _("Semua program")), *((p.pk, p.code) for p in programmes)]
        self.fields["fiscal_year"].choices = [("", _("Semua tahun")), *((y, y) for y in years)]

    def filters(self) -> ProposalFilters:
        if not self.is_bound or not self.is_valid():
            return ProposalFilters()
        data = self.cleaned_data
        return ProposalFilters(status=data["status"], programme=data["programme"], fiscal_year=data["fiscal_year"],
                               q=data["q"])


class ProposalForm(forms.Form):
    """The letter: who proposes, its number and date, the scan, the village meeting it comes from."""

    region = RegionField(level=None, perm=Perm.PROPOSALS_FILE, label=_("Wilayah pengusul"),
                         help_text=_("Desa/kelurahan; untuk surat camat pilih kecamatannya saja."))
    fiscal_year = forms.TypedChoiceField(label=_("Tahun anggaran"), coerce=int)
    proposer_kind = forms.ChoiceField(label=_("Pengusul"), choices=ProposerKind.choices)
    proposer_name = forms.CharField(label=_("Nama penanda tangan"), max_length=120)
    letter_number = forms.CharField(label=_("Nomor surat"), max_length=80)
    letter_date = DateField(label=_("Tanggal surat"))
    letter = DocumentField(label=_("Surat usulan (pindaian/foto)"), required=False)
    batch = forms.ModelChoiceField(label=_("Berkas musyawarah (berita acara dan BNBA)"), required=False,
                                   queryset=ProposalBatch.objects.none(), empty_label=_("— Tanpa berkas musyawarah —"))
    summary = forms.CharField(label=_("Isi usulan"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, batches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].configure(user=user, perm=Perm.PROPOSALS_FILE)
        self.fields["fiscal_year"].choices = fiscal_year_choices()
        self.fields["batch"].queryset = batches
        self.fields["batch"].label_from_instance = lambda b: f"{b.region.name} · {b}"

    def clean_region(self):
        region = self.cleaned_data["region"]
        if region is not None and region.level not in (Level.DISTRICT, Level.VILLAGE):
            raise forms.ValidationError(_("Pilih desa/kelurahan, atau kecamatan untuk surat camat."))
        return region


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Alasan"), max_length=255)
    document_ref = forms.CharField(label=_("Rujukan dokumen"), max_length=120, required=False,
                                   help_text=_("Mis. nomor surat pengembalian."))


class PassForm(forms.Form):
    document_ref = forms.CharField(label=_("Rujukan dokumen"), max_length=120, required=False,
                                   help_text=_("Mis. nomor lembar periksa kelengkapan."))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Alasan"), max_length=255)


class ResubmitForm(forms.Form):
    letter = DocumentField(label=_("Surat perbaikan (bila ada)"), required=False)
    note = forms.CharField(label=_("Catatan perbaikan"), max_length=255, required=False)


class ItemDetailsForm(forms.Form):
    request = forms.CharField(label=_("Yang diminta"), max_length=255,
                              help_text=_("Misalnya: membuka warung kopi, mesin jahit."))
    business_type = forms.ChoiceField(label=_("Jenis usaha/paket"), required=False)
    has_business = forms.TypedChoiceField(label=_("Sudah punya usaha"), required=False, choices=YES_NO_UNKNOWN,
                                          coerce=yes_no, empty_value=None)

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        kits = [(k.business_type, k.name) for k in programme.kits.all()]
        if kits:
            self.fields["business_type"].choices = [("", _("— Belum dipilih —")), *kits]
        else:
            del self.fields["business_type"]


class ItemAddForm(ItemDetailsForm):
    identity = forms.CharField(label=_("Nomor KK atau NIK"), max_length=32,
                               help_text=_("16 digit; untuk program perorangan isi NIK orangnya."))

    field_order = ["identity", "request", "business_type", "has_business"]


class BatchForm(forms.Form):
    region = RegionField(level=Level.VILLAGE, perm=Perm.PROPOSALS_FILE)
    meeting_kind = forms.ChoiceField(label=_("Jenis musyawarah"), choices=MeetingKind.choices)
    meeting_date = DateField(label=_("Tanggal musyawarah"))
    minutes_number = forms.CharField(label=_("Nomor berita acara"), max_length=80, required=False)
    minutes = DocumentField(label=_("Berita acara (ditandatangani, RT/RW hadir)"))
    bnba = DocumentField(label=_("Daftar BNBA (by name by address)"), required=False)
    note = forms.CharField(label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].configure(user=user, perm=Perm.PROPOSALS_FILE)
