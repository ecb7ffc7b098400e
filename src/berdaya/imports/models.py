"""One row per import attempt (dry run or commit): who, which file, its checksum, options, outcome."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportBatch(models.Model):
    class Status(models.TextChoices):
        DRY_RUN = "dry_run", _("Uji coba (belum disimpan)")
        COMMITTED = "committed", _("Disimpan")
        FAILED = "failed", _("Gagal")

    class Job(models.TextChoices):
        DRY_RUN = "dry_run", _("Uji coba")
        COMMIT = "commit", _("Simpan")

    class JobState(models.TextChoices):
        QUEUED = "queued", _("Menunggu giliran")
        RUNNING = "running", _("Berjalan")
        FINISHED = "finished", _("Selesai")
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

    # Set by the import page (imports/services.py, tasks.py): the uploader's region (who may see the batch), the
    # stored upload, and the background job that ran last with its state and progress. CLI batches leave them blank.
    region_code = models.CharField(_("wilayah pengunggah"), max_length=13, blank=True, db_index=True,
                                   help_text=_("Wilayah terkecil yang mencakup wilayah kerja pengunggah; "
                                               "kosong = nasional."))
    stored_path = models.CharField(_("file tersimpan"), max_length=500, blank=True)
    job = models.CharField(_("pekerjaan"), max_length=16, choices=Job.choices, blank=True)
    job_state = models.CharField(_("keadaan pekerjaan"), max_length=16, choices=JobState.choices, blank=True)
    task_id = models.CharField(_("id tugas"), max_length=64, blank=True)
    progress_stage = models.CharField(_("tahap"), max_length=8, blank=True)  # read, check, write
    progress_done = models.PositiveBigIntegerField(_("selesai"), default=0)
    progress_total = models.PositiveBigIntegerField(_("jumlah"), null=True, blank=True)
    progress_at = models.DateTimeField(_("kemajuan terakhir"), null=True, blank=True)
    problems_preview = models.JSONField(_("masalah pertama"), default=list, blank=True)
    problems_count = models.PositiveIntegerField(_("jumlah masalah"), default=0)

    class Meta:
        verbose_name = _("impor data")
        verbose_name_plural = _("impor data")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.original_filename} ({self.get_status_display()})"


class ExportJob(models.Model):
    """A registry export run as a background job (imports/tasks.py run_export_job): the file is written under
    DATA_DIR/exports (never served as a static file) and downloaded by the user who asked until `expires_at`.

    The filters are the registry list's (registry.selectors.HouseholdFilters as a dict); the worker applies them
    with the requesting user's region scope and masking as they stand when it runs.
    """

    class Format(models.TextChoices):
        XLSX = "xlsx", "xlsx"
        CSV = "csv", "csv"

    class State(models.TextChoices):
        QUEUED = "queued", _("Menunggu giliran")
        RUNNING = "running", _("Berjalan")
        FINISHED = "finished", _("Selesai")
        FAILED = "failed", _("Gagal")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("pengguna"))
    created_at = models.DateTimeField(_("waktu"), auto_now_add=True)
    format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    filters = models.JSONField(_("saringan"), default=dict, blank=True)
    state = models.CharField(_("keadaan"), max_length=16, choices=State.choices, default=State.QUEUED)
    task_id = models.CharField(_("id tugas"), max_length=64, blank=True)
    progress_done = models.PositiveBigIntegerField(_("selesai"), default=0)  # households written
    progress_total = models.PositiveBigIntegerField(_("jumlah"), null=True, blank=True)
    progress_at = models.DateTimeField(_("kemajuan terakhir"), null=True, blank=True)
    row_count = models.PositiveBigIntegerField(_("jumlah baris"), default=0)
    file_path = models.CharField(_("file"), max_length=500, blank=True)  # cleared when the file is deleted
    file_size = models.PositiveBigIntegerField(_("ukuran (byte)"), default=0)
    filename = models.CharField(_("nama file unduhan"), max_length=120, blank=True)
    finished_at = models.DateTimeField(_("selesai pada"), null=True, blank=True)
    error = models.TextField(_("pesan kesalahan"), blank=True)
    expires_at = models.DateTimeField(_("kedaluwarsa"), db_index=True)

    class Meta:
        verbose_name = _("ekspor data")
        verbose_name_plural = _("ekspor data")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="imports_export_user_recent")]

    def __str__(self) -> str:
        return f"{self.filename or self.format} ({self.get_state_display()})"
