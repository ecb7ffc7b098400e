"""Verification and validation (verval): Dinsos assigns households to a verifier by area; the verifier visits and
records an outcome; outcomes that remove someone are confirmed by a second person before they touch the registry.

An Assignment is one verifier's work list over an area, from proposals or from a list (e.g. a ministry's
extreme-poverty list). Each household on it is a VervalTask; a visit to it is a Visit. A task's latest confirmed (or
not-needing-confirmation) visit is its outcome; services.visit_apply carries the outcome into the registry through
registry services (deceased -> member status, moved -> a pending move, duplicate -> kept for the duplicates review,
new family -> a draft household).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


class Source(models.TextChoices):
    PROPOSALS = "proposals", _("Usulan desa/kelurahan")
    LIST = "list", _("Daftar (mis. kemiskinan ekstrem dari Kemensos)")
    REGISTRY = "registry", _("Pilihan dari registri")


class Outcome(models.TextChoices):
    ELIGIBLE = "eligible", _("Layak")
    NOT_ELIGIBLE = "not_eligible", _("Tidak layak")
    NOT_FOUND = "not_found", _("Tidak ditemukan")
    MOVED = "moved", _("Pindah")
    DECEASED = "deceased", _("Meninggal")
    DUPLICATE = "duplicate", _("Ganda")
    NEW_FAMILY = "new_family", pgettext_lazy("verval outcome", "Keluarga baru")


class NotEligibleReason(models.TextChoices):
    WELL_OFF = "well_off", _("Sudah mampu")
    CIVIL_SERVANT = "civil_servant", _("Anggota PNS/TNI/POLRI")
    NO_COMPONENT = "no_component", _("Tidak ada komponen yang memenuhi syarat")
    OTHER = "other", _("Lainnya")


# Outcomes that take someone off a list: a second person must confirm them before they are applied.
NEEDS_CONFIRMATION = frozenset({Outcome.NOT_ELIGIBLE, Outcome.NOT_FOUND, Outcome.MOVED, Outcome.DECEASED,
                                Outcome.DUPLICATE})


class Assignment(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Berjalan")
        CLOSED = "closed", _("Selesai")

    name = models.CharField(_("nama penugasan"), max_length=160)
    programme = models.ForeignKey("programmes.Programme", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="verval_assignments", verbose_name=_("program"))
    fiscal_year = models.PositiveSmallIntegerField(_("tahun anggaran"), null=True, blank=True)
    source = models.CharField(_("sumber daftar"), max_length=16, choices=Source.choices)
    list_name = models.CharField(_("nama daftar"), max_length=160, blank=True,
                                 help_text=_("Misalnya: Data Kemiskinan Ekstrem Kemensos 2026."))
    # The area the verifier works in; every task's household lies inside it.
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("wilayah tugas"))
    verifier = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="verval_assignments",
                                 verbose_name=_("verifikator"))
    due_date = models.DateField(_("batas waktu"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("ditugaskan oleh"))
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("penugasan verval")
        verbose_name_plural = _("penugasan verval")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class VervalTask(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Belum dikunjungi")
        AWAITING_CONFIRMATION = "awaiting", _("Menunggu konfirmasi")
        DONE = "done", _("Selesai")

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="tasks",
                                   verbose_name=_("penugasan"))
    household = models.ForeignKey("registry.Household", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="verval_tasks", verbose_name=_("keluarga"))
    # A listed person who is not (yet) in the registry: the list's own identity columns, kept as received.
    listed_nik = models.CharField(_("NIK dalam daftar"), max_length=16, blank=True)
    listed_name = models.CharField(_("nama dalam daftar"), max_length=120, blank=True)
    listed_address = models.CharField(_("alamat dalam daftar"), max_length=255, blank=True)
    proposal_item = models.ForeignKey("proposals.ProposalItem", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="verval_tasks", verbose_name=_("rincian usulan"))
    state = models.CharField(_("keadaan"), max_length=8, choices=State.choices, default=State.PENDING,
                             db_index=True)
    # The outcome that stands (copied from the confirmed or self-standing visit) for fast funnel counts.
    outcome = models.CharField(_("hasil"), max_length=16, choices=Outcome.choices, blank=True, db_index=True)
    outcome_reason = models.CharField(_("alasan"), max_length=16, choices=NotEligibleReason.choices, blank=True)
    # What applying the outcome left for someone to do (e.g. the head of family died: a new head must be named).
    outcome_note = models.CharField(_("catatan hasil"), max_length=255, blank=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("sasaran verval")
        verbose_name_plural = _("sasaran verval")
        ordering = ["assignment_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "household"], condition=Q(household__isnull=False),
                                    name="verval_task_household_once"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id}/{self.household_id or self.listed_nik}"


class Visit(models.Model):
    class Confirmation(models.TextChoices):
        NOT_NEEDED = "not_needed", _("Tidak perlu")
        PENDING = "pending", _("Menunggu")
        CONFIRMED = "confirmed", _("Dikonfirmasi")
        REJECTED = "rejected", _("Ditolak, kunjungi ulang")

    task = models.ForeignKey(VervalTask, on_delete=models.CASCADE, related_name="visits", verbose_name=_("sasaran"))
    verifier = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("verifikator"))
    visited_on = models.DateField(_("tanggal kunjungan"))
    outcome = models.CharField(_("hasil"), max_length=16, choices=Outcome.choices)
    reason = models.CharField(_("alasan tidak layak"), max_length=16, choices=NotEligibleReason.choices, blank=True)
    notes = models.TextField(_("catatan"), blank=True)
    # Indicator fields the verifier changed on the form: {"c01_floor_area_small": true, "monthly_income": 900000}.
    indicator_changes = models.JSONField(_("perubahan indikator"), default=dict, blank=True)
    person = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("anggota yang dimaksud"),
                               help_text=_("Untuk hasil meninggal atau pindah: anggota keluarga yang dimaksud."))
    duplicate_of = models.ForeignKey("registry.Household", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("ganda dengan"))
    new_household = models.ForeignKey("registry.Household", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+", verbose_name=_("keluarga baru (draf)"))
    latitude = models.DecimalField(_("lintang"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("bujur"), max_digits=9, decimal_places=6, null=True, blank=True)
    location_accuracy_m = models.PositiveIntegerField(_("akurasi lokasi (m)"), null=True, blank=True)
    confirmation = models.CharField(_("konfirmasi"), max_length=16, choices=Confirmation.choices,
                                    default=Confirmation.NOT_NEEDED)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("dikonfirmasi oleh"))
    confirmed_at = models.DateTimeField(_("dikonfirmasi"), null=True, blank=True)
    confirmation_note = models.CharField(_("catatan konfirmasi"), max_length=255, blank=True)
    applied_at = models.DateTimeField(_("diterapkan ke registri"), null=True, blank=True)
    created_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kunjungan verval")
        verbose_name_plural = _("kunjungan verval")
        ordering = ["task_id", "-visited_on", "-id"]
        constraints = [
            # A second person confirms: never the verifier who made the visit.
            models.CheckConstraint(condition=Q(confirmed_by__isnull=True) | ~Q(confirmed_by=models.F("verifier")),
                                   name="visit_confirmed_by_other"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.outcome}"


class VisitPhoto(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos", verbose_name=_("kunjungan"))
    document = models.ForeignKey("core.Document", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("foto"))
    caption = models.CharField(_("keterangan"), max_length=160, blank=True)

    class Meta:
        verbose_name = _("foto kunjungan")
        verbose_name_plural = _("foto kunjungan")

    def __str__(self) -> str:
        return self.caption or str(self.document_id)
