"""The upload form: the file (type by name and by content, size), the village for an OpenSID file, the extraction
date and all-or-nothing. The rows themselves are checked by the dry run, in the background."""

from __future__ import annotations

import zipfile
from pathlib import Path

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from berdaya.core.permissions import Perm
from berdaya.imports import readers
from berdaya.regions.forms import RegionField
from berdaya.regions.models import Level
from berdaya.registry.forms import DateField

ALLOWED_SUFFIXES = (".xlsx", ".csv")
SNIFF_BYTES = 65536


def max_upload_bytes() -> int:
    return settings.BERDAYA_IMPORT_MAX_MB * 1024 * 1024


def _head(upload) -> bytes:
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    return head


def _has_encryption_stream(upload) -> bool:
    tail, needle = b"", readers.ENCRYPTION_STREAM
    for chunk in upload.chunks():
        if needle in tail + chunk:
            return True
        tail = chunk[-len(needle):]
    return False


def sniff(upload) -> str | None:
    """Why the bytes are not a spreadsheet the importer reads, or None. Cheap: the first 64 KB, a zip's directory.

    The name may lie either way (a CSV saved as .xlsx is read as CSV); what is refused is content no reader takes.
    """
    head = _head(upload)
    if not head.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        return _("File kosong: tidak ada judul kolom maupun data.")
    for magic, name in readers.BINARY_MAGIC.items():
        if head.startswith(magic):
            return _("File ini %(kind)s, bukan spreadsheet. Unggah file .xlsx atau .csv.") % {"kind": name}
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return _("File .xlsx rusak atau tidak lengkap (zip tidak terbaca). Simpan ulang dari Excel.")
        finally:
            upload.seek(0)
        if "xl/workbook.xml" in names or {"content.xml", "mimetype"} <= names:
            return None
        if "word/document.xml" in names:
            return _("File ini dokumen Word, bukan spreadsheet. Unggah file .xlsx atau .csv.")
        return _("File zip ini bukan spreadsheet Excel. Unggah file .xlsx atau .csv.")
    if head.startswith(readers.OLE_MAGIC):
        if _has_encryption_stream(upload):
            return _("File Excel ini dilindungi kata sandi (terenkripsi) sehingga tidak dapat dibaca. Buka di Excel, "
                     "hapus kata sandinya (File › Info › Proteksi Buku Kerja), simpan, lalu unggah lagi.")
        return None  # an old .xls renamed: the reader takes it
    if readers._encoding(head) is None:
        return _("File ini bukan spreadsheet atau CSV (berisi data biner). Unggah file .xlsx atau .csv.")
    return None


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File (.xlsx atau .csv)"),
        help_text=_("Template Berdaya atau ekspor penduduk OpenSID."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    village = RegionField(level=Level.VILLAGE, required=False, perm=Perm.REGISTRY_EDIT,
                          help_text=_("Wajib untuk file OpenSID (file itu tidak memuat kode desa); untuk template "
                                      "Berdaya, desa bagi baris yang KODE_DESA-nya kosong."))
    extracted_at = DateField(label=_("Tanggal ekstrak data"), required=False,
                             help_text=_("Perubahan di aplikasi setelah tanggal ini dilaporkan sebagai konflik, "
                                         "tidak ditimpa."))
    all_or_nothing = forms.BooleanField(label=_("Semua atau tidak sama sekali: jangan simpan apa pun bila ada baris "
                                                "yang ditolak"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].configure(user=user, perm=Perm.REGISTRY_EDIT)
        self.fields["file"].help_text = _("Template Berdaya atau ekspor penduduk OpenSID; paling besar %(mb)s MB.") % {
            "mb": settings.BERDAYA_IMPORT_MAX_MB}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in ALLOWED_SUFFIXES:
            raise forms.ValidationError(_("Hanya file .xlsx atau .csv yang dapat diimpor (file ini: %(name)s)."),
                                        code="type", params={"name": upload.name})
        if upload.size > max_upload_bytes():
            raise forms.ValidationError(
                _("File terlalu besar (%(size)s MB); batasnya %(max)s MB. Pecah file menjadi beberapa bagian."),
                code="size", params={"size": _megabytes(upload.size), "max": settings.BERDAYA_IMPORT_MAX_MB})
        problem = sniff(upload)
        if problem:
            raise forms.ValidationError(problem, code="content")
        return upload

    def clean_extracted_at(self):
        value = self.cleaned_data.get("extracted_at")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("Tanggal ekstrak tidak boleh di masa depan."), code="future")
        return value
