"""One row per import attempt (dry run or commit): who, which file, its checksum, options, outcome."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportBatch(models.Model):
    class Status(models.TextChoices):
        DRY_RUN = "dry_run", _("Uji coba (belum disimpan)")
        COMMITTED = "committed", _("Disimpan")
        FAILED = "failed", _("Gagal")

    class Layout(models.TextChoices):
        TEMPLATE = "template", _("Template Berdaya")
        OPENSID = "opensid", _("Ekspor penduduk OpenSID")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("pengguna"))
    created_at = models.DateTimeField(_("waktu"), auto_now_add=True)
    # Every audit record a commit writes carries this exact moment as its history_date (and the importing user):
    # that is how a change in the audit trail is traced back to its batch.
    committed_at = models.DateTimeField(_("disimpan"), null=True, blank=True, db_index=True)
    original_filename = models.CharField(_("nama file"), max_length=255)
    checksum = models.CharField(_("sha256"), max_length=64, db_index=True)
    size_bytes = models.PositiveBigIntegerField(_("ukuran (byte)"), default=0)
    kind = models.CharField(_("jenis file"), max_length=8, blank=True)  # xlsx, xls, ods, csv
    layout = models.CharField(_("format"), max_length=16, choices=Layout.choices, blank=True)
    options = models.JSONField(_("pilihan"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRY_RUN)
    summary = models.JSONField(_("ringkasan"), default=dict, blank=True)
    error_message = models.TextField(_("pesan kesalahan"), blank=True)
    report_path = models.CharField(_("laporan kesalahan"), max_length=500, blank=True)
    extracted_at = models.DateField(_("tanggal ekstrak data"), null=True, blank=True)
    village = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("desa/kelurahan"))

    class Meta:
        verbose_name = _("impor data")
        verbose_name_plural = _("impor data")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.original_filename} ({self.get_status_display()})"
