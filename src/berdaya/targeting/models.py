"""Targeting: versioned eligibility rules per programme, versioned score models, each household's scores, and the
scoring runs (background jobs) that compute them.

Rules and score models are never edited in place: a change is a new version (the old one stays, inactive), so a
past dry run or ranking can always be traced to the exact text and weights it used.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from berdaya.core.fields import RowidOneToOneField


class EligibilityRule(models.Model):
    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="eligibility_rules",
                                  verbose_name=_("program"))
    version = models.PositiveIntegerField(_("versi"))
    expression = models.TextField(_("aturan"))
    note = models.CharField(_("catatan perubahan"), max_length=255, blank=True)
    active = models.BooleanField(_("berlaku"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("dibuat oleh"))
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        ordering = ["programme_id", "-version"]
        verbose_name = _("aturan kelayakan")
        verbose_name_plural = _("aturan kelayakan")
        constraints = [
            models.UniqueConstraint(fields=["programme", "version"], name="eligibility_rule_version_unique"),
            models.UniqueConstraint(fields=["programme"], condition=Q(active=True),
                                    name="eligibility_rule_one_active"),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} v{self.version}"


class ScoreModel(models.Model):
    """Weights of the welfare (proxy-means-test) score and of the priority score; see scoring.py for the shape."""

    version = models.PositiveIntegerField(_("versi"), unique=True)
    weights = models.JSONField(_("bobot"))
    note = models.CharField(_("catatan perubahan"), max_length=255, blank=True)
    active = models.BooleanField(_("berlaku"), default=True)
    # Set when a household or member changes after scores were computed with this model (signals.py); cleared
    # when a scoring run starts.
    scores_stale_since = models.DateTimeField(_("skor usang sejak"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("dibuat oleh"))
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("model skor")
        verbose_name_plural = _("model skor")
        constraints = [models.UniqueConstraint(fields=["active"], condition=Q(active=True),
                                               name="score_model_one_active")]

    def __str__(self) -> str:
        return f"v{self.version}"


class DesilSource(models.TextChoices):
    OFFICIAL = "official", _("Resmi (DTSEN)")
    COMPUTED = "computed", _("Hasil hitung")


class HouseholdScore(models.Model):
    """The latest scores of one household (written in bulk by a scoring run).

    Keyed by the household: rules and lists join it to every household they read. On SQLite the key is the rowid
    (core.fields.RowidOneToOneField): a join is one lookup where a separate unique index costs two (a quarter of
    a `desil <= 5` dry run at a million households)."""

    household = RowidOneToOneField("registry.Household", on_delete=models.CASCADE, related_name="score",
                                   primary_key=True, verbose_name=_("keluarga"))
    score_model = models.ForeignKey(ScoreModel, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("model skor"))
    welfare_score = models.FloatField(_("skor kesejahteraan"))
    computed_desil = models.PositiveSmallIntegerField(_("desil hasil hitung"), null=True, blank=True)
    desil_region = models.CharField(_("wilayah peringkat desil"), max_length=13, blank=True)
    desil_source = models.CharField(_("sumber desil"), max_length=8, choices=DesilSource.choices)
    priority_score = models.FloatField(_("skor prioritas"))
    computed_at = models.DateTimeField(_("dihitung"))

    class Meta:
        verbose_name = _("skor keluarga")
        verbose_name_plural = _("skor keluarga")
        # No index on the scores: the candidate list ranks after a rule-dependent key and over a LEFT JOIN, so no
        # query can use one, and keeping one up to date doubled the cost of writing a scoring run's results.

    def __str__(self) -> str:
        return f"{self.household_id}: {self.welfare_score:.1f}"

    @property
    def desil(self) -> int | None:
        official = self.household.official_desil
        return official if official is not None else self.computed_desil


class ScoringRun(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Menunggu")
        RUNNING = "running", _("Berjalan")
        FINISHED = "finished", _("Selesai")
        FAILED = "failed", _("Gagal")

    score_model = models.ForeignKey(ScoreModel, on_delete=models.PROTECT, related_name="runs",
                                    verbose_name=_("model skor"))
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("wilayah"), help_text=_("Kosong: seluruh wilayah kerja."))
    state = models.CharField(_("keadaan"), max_length=16, choices=State.choices, default=State.QUEUED)
    task_id = models.CharField(_("id tugas"), max_length=64, blank=True)
    progress_stage = models.CharField(_("tahap"), max_length=16, blank=True)  # extract, score, write
    progress_done = models.PositiveBigIntegerField(_("selesai"), default=0)
    progress_total = models.PositiveBigIntegerField(_("jumlah"), null=True, blank=True)
    households = models.PositiveIntegerField(_("keluarga dihitung"), default=0)
    seconds = models.FloatField(_("lama (detik)"), null=True, blank=True)
    error_message = models.TextField(_("kesalahan"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("dijalankan oleh"))
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    started_at = models.DateTimeField(_("mulai"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("penghitungan skor")
        verbose_name_plural = _("penghitungan skor")

    def __str__(self) -> str:
        return f"{self.score_model} · {self.region_id or '*'} · {self.state}"

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 100 if self.state == self.State.FINISHED else 0
        return min(100, int(100 * self.progress_done / self.progress_total))

    @property
    def in_progress(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)
