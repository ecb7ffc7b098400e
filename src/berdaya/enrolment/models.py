"""Enrolment within budget: for a programme and fiscal year, eligible candidates (eligibility rule + verval outcome)
are ranked by priority score and approved until the budget line is used; the rest wait (and carry over to the next
fiscal year). The head of office approves a decision list (EnrolmentList) and its decree (SK penetapan).

An approved list is frozen: each enrolment keeps a snapshot of the household as approved, with the rule and score
versions and the amount, under a content hash, so later registry edits never change what was decided.

Enrolment states: draft -> approved -> active -> suspended / exited / graduated, and draft -> waitlisted ->
(carried over into the next year's draft list, or approved mid-year when money is left). services.enrolment_transition
is the only writer of Enrolment.status.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EnrolmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draf")
    WAITLISTED = "waitlisted", _("Daftar tunggu")
    APPROVED = "approved", _("Ditetapkan")
    ACTIVE = "active", _("Aktif")
    SUSPENDED = "suspended", _("Ditangguhkan")
    EXITED = "exited", pgettext_lazy("enrolment status", "Keluar")
    GRADUATED = "graduated", _("Graduasi")
    CARRIED_OVER = "carried_over", _("Dialihkan ke tahun berikutnya")
    DROPPED = "dropped", _("Dikeluarkan dari draf")


TRANSITIONS: dict[str, frozenset[str]] = {
    EnrolmentStatus.DRAFT: frozenset({EnrolmentStatus.APPROVED, EnrolmentStatus.WAITLISTED,
                                      EnrolmentStatus.DROPPED}),
    EnrolmentStatus.WAITLISTED: frozenset({EnrolmentStatus.APPROVED, EnrolmentStatus.CARRIED_OVER,
                                           EnrolmentStatus.DROPPED}),
    EnrolmentStatus.APPROVED: frozenset({EnrolmentStatus.ACTIVE, EnrolmentStatus.EXITED}),
    EnrolmentStatus.ACTIVE: frozenset({EnrolmentStatus.SUSPENDED, EnrolmentStatus.EXITED,
                                       EnrolmentStatus.GRADUATED}),
    EnrolmentStatus.SUSPENDED: frozenset({EnrolmentStatus.ACTIVE, EnrolmentStatus.EXITED}),
    EnrolmentStatus.EXITED: frozenset(),
    EnrolmentStatus.GRADUATED: frozenset(),
    EnrolmentStatus.CARRIED_OVER: frozenset(),
    EnrolmentStatus.DROPPED: frozenset(),
}
# States that hold a place (and money) in the programme for the year.
HOLDING = frozenset({EnrolmentStatus.APPROVED, EnrolmentStatus.ACTIVE, EnrolmentStatus.SUSPENDED})


class WaitReason(models.TextChoices):
    """Why a ranked row of a draft list does not fit (shown on the list; kept as the waitlisting reason)."""

    BUDGET = "budget", _("Anggaran tidak cukup")
    QUOTA = "quota", _("Kuota wilayah penuh")


class EnrolmentList(models.Model):
    """One decision: the main list of a programme's year, or a mid-year addition. Approved = frozen."""

    class Kind(models.TextChoices):
        MAIN = "main", _("Penetapan awal")
        ADDITION = "addition", _("Penambahan tengah tahun")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draf")
        APPROVED = "approved", _("Ditetapkan")
        CANCELLED = "cancelled", _("Dibatalkan")

    programme = models.ForeignKey("programmes.Programme", on_delete=models.PROTECT, related_name="enrolment_lists",
                                  verbose_name=_("program"))
    fiscal_year = models.ForeignKey("programmes.FiscalYear", on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("tahun anggaran"))
    budget_line = models.ForeignKey("programmes.BudgetLine", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("pos anggaran"))
    kind = models.CharField(_("jenis"), max_length=8, choices=Kind.choices, default=Kind.MAIN)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # The area the list covers (the office's regency, or a district for a district-level list).
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("wilayah"))
    # Optional quotas: {"33.16.01": 40, "33.16.02.2001": 5} — most places per district or village.
    quotas = models.JSONField(_("kuota per wilayah"), default=dict, blank=True)
    # First month paid (1–12): a mid-year addition costs only the months left to December.
    start_month = models.PositiveSmallIntegerField(_("bulan mulai"), default=1)
    eligibility_rule = models.ForeignKey("targeting.EligibilityRule", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+",
                                         verbose_name=_("aturan kelayakan"))
    score_model = models.ForeignKey("targeting.ScoreModel", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("model skor"))
    require_verval = models.BooleanField(_("wajib lolos verval"), default=True)
    # An amount per household (or person) for the list given by the officer, instead of the programme's own (PKH
    # without member data, a one-off decision); None = computed from the programme (services.amounts).
    amount_per_unit = models.BigIntegerField(_("nominal per sasaran dari petugas (Rp)"), null=True, blank=True)
    total_amount = models.BigIntegerField(_("jumlah ditetapkan (Rp)"), default=0)
    commitment = models.ForeignKey("programmes.BudgetCommitment", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("komitmen anggaran"))
    decree_number = models.CharField(_("nomor SK"), max_length=80, blank=True)
    decree_date = models.DateField(_("tanggal SK"), null=True, blank=True)
    decree = models.ForeignKey("core.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("SK penetapan (PDF)"))
    content_hash = models.CharField(_("sidik isi (sha256)"), max_length=64, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("ditetapkan oleh"))
    approved_at = models.DateTimeField(_("ditetapkan"), null=True, blank=True)
    # A draft given up (wrong region or settings, a decision postponed): kept as the record of who and why.
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("dibatalkan oleh"))
    cancelled_at = models.DateTimeField(_("dibatalkan"), null=True, blank=True)
    cancel_reason = models.CharField(_("alasan pembatalan"), max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("disusun oleh"))
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("daftar penetapan")
        verbose_name_plural = _("daftar penetapan")
        ordering = ["-fiscal_year__year", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.programme_id}/{self.fiscal_year_id} {self.get_kind_display()}"


class Enrolment(models.Model):
    # A list holds up to some 300,000 rows written in bulk, so every index costs: the foreign keys below without
    # their own index are served by a composite index that starts with them (Meta.indexes), the mostly empty ones
    # by a partial index over the rows that have them, and the fiscal year (never deleted) by none.
    enrolment_list = models.ForeignKey(EnrolmentList, on_delete=models.PROTECT, related_name="enrolments",
                                       verbose_name=_("daftar penetapan"), db_index=False)
    programme = models.ForeignKey("programmes.Programme", on_delete=models.PROTECT, related_name="enrolments",
                                  verbose_name=_("program"), db_index=False)
    fiscal_year = models.ForeignKey("programmes.FiscalYear", on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("tahun anggaran"), db_index=False)
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="enrolments",
                                  verbose_name=_("keluarga"), db_index=False)
    person = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="enrolments", verbose_name=_("orang"), db_index=False)
    proposal_item = models.ForeignKey("proposals.ProposalItem", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="enrolments", verbose_name=_("rincian usulan"), db_index=False)
    # Denormalised for quotas and the scope of a list's rows (read through the list's index, so no index of its own).
    village_code = models.CharField(_("kode desa"), max_length=13)
    rank = models.PositiveIntegerField(_("peringkat"), null=True, blank=True)
    # In a draft list: True = within the budget and the quotas (approved when the list is), False = waits.
    fits = models.BooleanField(_("masuk anggaran"), null=True, blank=True)
    wait_reason = models.CharField(_("alasan menunggu"), max_length=8, choices=WaitReason.choices, blank=True)
    number = models.PositiveIntegerField(_("nomor urut SK"), null=True, blank=True)
    priority_score = models.FloatField(_("skor prioritas"), null=True, blank=True)
    welfare_score = models.FloatField(_("skor kesejahteraan"), null=True, blank=True)
    amount = models.BigIntegerField(_("nilai manfaat tahun ini (Rp)"), default=0)
    business_type = models.CharField(_("jenis usaha/paket"), max_length=32, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=EnrolmentStatus.choices,
                              default=EnrolmentStatus.DRAFT)
    status_reason = models.CharField(_("alasan status"), max_length=255, blank=True)
    carried_over_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                          related_name="+", verbose_name=_("dialihkan dari"), db_index=False)
    # Frozen at approval: the household and members as approved, the rule and score versions, the amount.
    snapshot = models.JSONField(_("potret data saat ditetapkan"), null=True, blank=True)
    snapshot_hash = models.CharField(_("sidik potret"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("penerima")
        verbose_name_plural = _("penerima")
        ordering = ["enrolment_list_id", "rank", "id"]
        constraints = [
            # A household (or person) holds at most one place per programme and year.
            models.UniqueConstraint(
                fields=["programme", "fiscal_year", "household"],
                condition=Q(person__isnull=True, status__in=["draft", "waitlisted", "approved", "active",
                                                             "suspended"]),
                name="enrolment_household_once_per_year"),
            models.UniqueConstraint(
                fields=["programme", "fiscal_year", "person"],
                condition=Q(person__isnull=False, status__in=["draft", "waitlisted", "approved", "active",
                                                              "suspended"]),
                name="enrolment_person_once_per_year"),
        ]
        indexes = [models.Index(fields=["programme", "fiscal_year", "status"]),
                   models.Index(fields=["household", "status"]),
                   models.Index(fields=["enrolment_list", "rank"], name="enrolment_list_rank"),
                   models.Index(fields=["person"], condition=Q(person__isnull=False), name="enrolment_person"),
                   models.Index(fields=["proposal_item"], condition=Q(proposal_item__isnull=False),
                                name="enrolment_proposal_item"),
                   models.Index(fields=["carried_over_from"], condition=Q(carried_over_from__isnull=False),
                                name="enrolment_carried_over_from")]

    def __str__(self) -> str:
        return f"{self.programme_id}/{self.household_id}: {self.status}"


class EnrolmentTransition(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="transitions",
                                  verbose_name=_("penerima"))
    from_status = models.CharField(_("dari"), max_length=16, choices=EnrolmentStatus.choices, blank=True)
    to_status = models.CharField(_("menjadi"), max_length=16, choices=EnrolmentStatus.choices)
    reason = models.CharField(_("alasan"), max_length=255, blank=True)
    document_ref = models.CharField(_("rujukan dokumen"), max_length=120, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("oleh"))
    at = models.DateTimeField(_("waktu"), auto_now_add=True)

    class Meta:
        verbose_name = _("perubahan status penerima")
        verbose_name_plural = _("perubahan status penerima")
        ordering = ["enrolment_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} -> {self.to_status}"
