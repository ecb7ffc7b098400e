"""The programme catalogue (what a Dinas Sosial gives, to whom, how often, from which funds, with which partners)
and the fiscal-year budgets that pay for it.

Every amount is a whole number of Rupiah, stored as data (seed.py holds the values seen in public sources:
../shared/domain.md); nothing here is a constant of the law. Writes go through services.py only.

Budget invariant (services.py, backed by the database): for every BudgetLine
    0 <= committed, 0 <= disbursed, committed + disbursed <= allocated.
"""

from __future__ import annotations

import math

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

CODE_VALIDATOR = RegexValidator(r"^[A-Z0-9][A-Z0-9_-]*$", _("Gunakan huruf besar, angka, - atau _ (mis. PKH, BLT-DD)."))
SLUG_VALIDATOR = RegexValidator(r"^[a-z0-9][a-z0-9_-]*$", _("Gunakan huruf kecil, angka, - atau _ (mis. kiosk)."))


class Kind(models.TextChoices):
    CASH = "cash", _("Bantuan tunai")
    FOOD = "food", _("Bantuan pangan")
    IN_KIND = "in_kind", _("Bantuan barang")
    BUSINESS_CAPITAL = "business_capital", _("Modal usaha")
    SERVICE = "service", _("Layanan")
    TRAINING = "training", _("Pelatihan")
    INSURANCE_PREMIUM = "insurance_premium", _("Premi jaminan kesehatan")


class TargetUnit(models.TextChoices):
    HOUSEHOLD = "household", _("Keluarga")
    PERSON = "person", _("Orang")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Bulanan")
    QUARTERLY = "quarterly", _("Triwulanan")
    YEARLY = "yearly", _("Tahunan")
    ONE_OFF = "one_off", _("Sekali")


# Payments in a year at each frequency (a one-off is paid once whatever the duration).
PAYMENTS_PER_YEAR = {Frequency.MONTHLY: 12, Frequency.QUARTERLY: 4, Frequency.YEARLY: 1, Frequency.ONE_OFF: 1}


class BenefitType(models.TextChoices):
    AMOUNT = "amount", _("Nominal per periode")
    COMPONENTS = "components", _("Per komponen (seperti PKH)")
    KIT = "kit", _("Paket barang per jenis usaha")


class FundingSource(models.Model):
    class SourceKind(models.TextChoices):
        APBN = "apbn", _("APBN")
        APBD = "apbd", _("APBD")
        DANA_DESA = "dana_desa", _("Dana Desa")
        ZAKAT = "zakat", _("Lembaga zakat")
        CSR = "csr", _("CSR perusahaan")
        NGO = "ngo", _("LSM/yayasan")
        OTHER = "other", _("Lainnya")

    code = models.CharField(_("kode"), max_length=32, unique=True, validators=[SLUG_VALIDATOR])
    kind = models.CharField(_("jenis"), max_length=16, choices=SourceKind.choices)
    name = models.CharField(_("nama"), max_length=120)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("sumber dana")
        verbose_name_plural = _("sumber dana")

    def __str__(self) -> str:
        return self.name


class Partner(models.Model):
    class PartnerKind(models.TextChoices):
        TRAINING_CENTRE = "training_centre", _("Sentra/balai pelatihan")
        FOUNDATION = "foundation", _("Yayasan")
        CARE_HOME = "care_home", _("LKSA/panti")
        ZAKAT_BODY = "zakat_body", _("Lembaga zakat")
        COMPANY = "company", _("Perusahaan")
        GOVERNMENT = "government", _("Instansi pemerintah")
        OTHER = "other", _("Lainnya")

    code = models.CharField(_("kode"), max_length=32, unique=True, validators=[SLUG_VALIDATOR])
    name = models.CharField(_("nama"), max_length=160)
    kind = models.CharField(_("jenis"), max_length=24, choices=PartnerKind.choices)
    contact = models.CharField(_("kontak"), max_length=200, blank=True,
                               help_text=_("Nama, telepon atau surel yang bisa dihubungi."))
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("wilayah"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("mitra")
        verbose_name_plural = _("mitra")

    def __str__(self) -> str:
        return self.name


class Programme(models.Model):
    office = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="programmes",
                               verbose_name=_("dinas pelaksana (wilayah)"),
                               help_text=_("Kabupaten/kota yang Dinas Sosialnya menjalankan program ini."))
    code = models.CharField(_("kode"), max_length=32, validators=[CODE_VALIDATOR])
    name = models.CharField(_("nama"), max_length=160)
    description = models.TextField(_("uraian"), blank=True)
    kind = models.CharField(_("jenis bantuan"), max_length=24, choices=Kind.choices)
    target_unit = models.CharField(_("sasaran"), max_length=16, choices=TargetUnit.choices,
                                   default=TargetUnit.HOUSEHOLD)
    frequency = models.CharField(_("frekuensi"), max_length=16, choices=Frequency.choices, default=Frequency.MONTHLY)
    duration_months = models.PositiveSmallIntegerField(
        _("lama (bulan)"), default=12, validators=[MinValueValidator(1), MaxValueValidator(120)])
    benefit_type = models.CharField(_("bentuk manfaat"), max_length=16, choices=BenefitType.choices,
                                    default=BenefitType.AMOUNT)
    benefit_amount = models.PositiveBigIntegerField(
        _("nominal per periode (Rp)"), null=True, blank=True,
        help_text=_("Per keluarga/orang per pembayaran; untuk paket barang: nilai paling tinggi satu paket."))
    group_size_min = models.PositiveSmallIntegerField(_("anggota kelompok paling sedikit"), null=True, blank=True)
    group_size_max = models.PositiveSmallIntegerField(_("anggota kelompok paling banyak"), null=True, blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)
    # Plain text for now; berdaya.targeting keeps the versioned, parsed rules (which point to this model).
    # The eligibility rule is versioned in targeting.EligibilityRule (edited in the rule editor). The priority rule
    # is an expression in the same language: households it matches are ranked before the others (e.g. BLT Dana
    # Desa: "desil == 1" first, then the rest), then by priority score.
    priority_rule = models.TextField(_("aturan prioritas"), blank=True,
                                     help_text=_("Keluarga yang memenuhi aturan ini didahulukan dalam peringkat, "
                                                 "mis. desil == 1."))
    funding_sources = models.ManyToManyField(FundingSource, blank=True, related_name="programmes",
                                             verbose_name=_("sumber dana"))
    partners = models.ManyToManyField(Partner, blank=True, related_name="programmes", verbose_name=_("mitra"))
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[funding_sources, partners])

    class Meta:
        ordering = ["office_id", "code"]
        verbose_name = _("program")
        verbose_name_plural = _("program")
        constraints = [
            models.UniqueConstraint(fields=["office", "code"], name="programme_code_unique_per_office"),
            models.CheckConstraint(
                condition=Q(group_size_min__isnull=True) | Q(group_size_max__isnull=True)
                | Q(group_size_min__lte=F("group_size_max")),
                name="programme_group_size_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    @property
    def payments(self) -> int:
        """How many payments over the programme's duration."""
        if self.frequency == Frequency.ONE_OFF:
            return 1
        months_between = 12 // PAYMENTS_PER_YEAR[self.frequency]
        return max(1, math.ceil(self.duration_months / months_between))

    @property
    def value_per_unit(self) -> int | None:
        """A family's (or person's) total over the duration, for a fixed amount per period; None otherwise."""
        if self.benefit_type != BenefitType.AMOUNT or self.benefit_amount is None:
            return None
        return self.benefit_amount * self.payments


class BenefitComponent(models.Model):
    """One component of a per-component benefit (PKH: pregnant woman, child 0–6, SD, SMP, SMA, disability, elderly)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="components",
                                  verbose_name=_("program"))
    code = models.CharField(_("kode"), max_length=32, validators=[SLUG_VALIDATOR])
    name = models.CharField(_("nama komponen"), max_length=120)
    amount_per_year = models.PositiveBigIntegerField(_("nominal per tahun (Rp)"))
    cap_per_family = models.PositiveSmallIntegerField(_("paling banyak per keluarga"), null=True, blank=True,
                                                      help_text=_("Kosong berarti tanpa batas."))
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["programme_id", "order", "pk"]
        verbose_name = _("komponen manfaat")
        verbose_name_plural = _("komponen manfaat")
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="component_code_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def amount_per_payment(self) -> int:
        """The share paid at each payment (PKH is paid quarterly: a quarter of the yearly amount)."""
        return self.amount_per_year // PAYMENTS_PER_YEAR[self.programme.frequency]


class BenefitKit(models.Model):
    """The goods given for one business type (kiosk, coffee stall …) or one course; its value is its items' sum."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="kits", verbose_name=_("program"))
    business_type = models.CharField(_("kode jenis usaha/paket"), max_length=32, validators=[SLUG_VALIDATOR])
    name = models.CharField(_("nama paket"), max_length=120)
    description = models.CharField(_("keterangan"), max_length=255, blank=True)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["programme_id", "order", "pk"]
        verbose_name = _("paket bantuan")
        verbose_name_plural = _("paket bantuan")
        constraints = [models.UniqueConstraint(fields=["programme", "business_type"], name="kit_type_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def total(self) -> int:
        """Sum of quantity × unit price (uses prefetched items when present)."""
        return sum(item.line_total for item in self.items.all())


class KitItem(models.Model):
    kit = models.ForeignKey(BenefitKit, on_delete=models.CASCADE, related_name="items", verbose_name=_("paket"))
    name = models.CharField(_("barang"), max_length=120)
    quantity = models.PositiveIntegerField(_("jumlah"), validators=[MinValueValidator(1)])
    unit = models.CharField(_("satuan"), max_length=24)
    unit_price = models.PositiveBigIntegerField(_("harga satuan (Rp)"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["kit_id", "pk"]
        verbose_name = _("barang paket")
        verbose_name_plural = _("barang paket")
        constraints = [
            models.UniqueConstraint(fields=["kit", "name"], name="kit_item_name_unique"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="kit_item_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.quantity} {self.unit})"

    @property
    def line_total(self) -> int:
        return self.quantity * self.unit_price


# --- budgets --------------------------------------------------------------------------------------------------------

class FiscalYear(models.Model):
    """Indonesia's fiscal year is the calendar year (UU 17/2003); shared by every office."""

    year = models.PositiveSmallIntegerField(_("tahun anggaran"), unique=True)
    start_date = models.DateField(_("mulai"))
    end_date = models.DateField(_("selesai"))
    is_open = models.BooleanField(_("terbuka"), default=True)
    closed_at = models.DateTimeField(_("ditutup"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("ditutup oleh"))

    class Meta:
        ordering = ["year"]
        verbose_name = _("tahun anggaran")
        verbose_name_plural = _("tahun anggaran")
        constraints = [models.CheckConstraint(condition=Q(start_date__lt=F("end_date")),
                                              name="fiscal_year_dates_ordered")]

    def __str__(self) -> str:
        return str(self.year)


class BudgetLine(models.Model):
    """The money one funding source gives one programme in one fiscal year."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="budget_lines",
                                  verbose_name=_("program"))
    source = models.ForeignKey(FundingSource, on_delete=models.PROTECT, related_name="budget_lines",
                               verbose_name=_("sumber dana"))
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="budget_lines",
                                    verbose_name=_("tahun anggaran"))
    allocated = models.BigIntegerField(_("pagu (Rp)"), default=0)
    committed = models.BigIntegerField(_("terikat (Rp)"), default=0)
    disbursed = models.BigIntegerField(_("tersalurkan (Rp)"), default=0)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["fiscal_year_id", "programme_id", "source_id"]
        verbose_name = _("pos anggaran")
        verbose_name_plural = _("pos anggaran")
        constraints = [
            models.UniqueConstraint(fields=["programme", "source", "fiscal_year"], name="budget_line_unique"),
            models.CheckConstraint(condition=Q(allocated__gte=0) & Q(committed__gte=0) & Q(disbursed__gte=0),
                                   name="budget_line_non_negative"),
            # The last line of defence behind the services' row lock: never more promised or paid than allocated.
            models.CheckConstraint(condition=Q(committed__lte=F("allocated") - F("disbursed")),
                                   name="budget_line_within_allocation"),
        ]

    def __str__(self) -> str:
        return f"{self.programme.code} · {self.source} · {self.fiscal_year_id and self.fiscal_year.year}"

    @property
    def remaining(self) -> int:
        return self.allocated - self.committed - self.disbursed

    @property
    def realisation(self) -> float:
        """Disbursed as a percentage of the allocation (laporan realisasi)."""
        return 100.0 * self.disbursed / self.allocated if self.allocated else 0.0


class BudgetRevision(models.Model):
    """Every change of an allocation: who, when, old → new, why."""

    class Action(models.TextChoices):
        ALLOCATED = "allocated", _("Pagu awal")
        REVISED = "revised", _("Revisi")

    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="revisions",
                             verbose_name=_("pos anggaran"))
    action = models.CharField(_("tindakan"), max_length=16, choices=Action.choices)
    old_allocated = models.BigIntegerField(_("pagu lama (Rp)"))
    new_allocated = models.BigIntegerField(_("pagu baru (Rp)"))
    reason = models.CharField(_("alasan"), max_length=255)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("oleh"))
    created_at = models.DateTimeField(_("waktu"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("revisi anggaran")
        verbose_name_plural = _("revisi anggaran")

    def __str__(self) -> str:
        return f"{self.old_allocated} → {self.new_allocated}"

    @property
    def delta(self) -> int:
        return self.new_allocated - self.old_allocated


class BudgetCommitment(models.Model):
    """Money promised from a line (an approved enrolment); later disbursed, or released when it will not be paid.

    outstanding = amount - disbursed - released is what the line still counts as committed for it.
    """

    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="commitments",
                             verbose_name=_("pos anggaran"))
    reference = models.CharField(_("rujukan"), max_length=64,
                                 help_text=_("Apa yang mengikat dana ini, mis. enrolment:123."))
    amount = models.BigIntegerField(_("nominal (Rp)"))
    disbursed = models.BigIntegerField(_("tersalurkan (Rp)"), default=0)
    released = models.BigIntegerField(_("dilepas (Rp)"), default=0)
    release_reason = models.CharField(_("alasan pelepasan"), max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("oleh"))
    created_at = models.DateTimeField(_("waktu"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("komitmen anggaran")
        verbose_name_plural = _("komitmen anggaran")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0) & Q(disbursed__gte=0) & Q(released__gte=0)
                                   & Q(disbursed__lte=F("amount") - F("released")),
                                   name="commitment_amounts_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} · {self.amount}"

    @property
    def outstanding(self) -> int:
        return self.amount - self.disbursed - self.released


class BudgetDisbursement(models.Model):
    """One payment out of a commitment; (commitment, reference) is its idempotency key."""

    commitment = models.ForeignKey(BudgetCommitment, on_delete=models.PROTECT, related_name="disbursements",
                                   verbose_name=_("komitmen"))
    reference = models.CharField(_("rujukan"), max_length=64)
    amount = models.BigIntegerField(_("nominal (Rp)"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("oleh"))
    created_at = models.DateTimeField(_("waktu"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("penyaluran anggaran")
        verbose_name_plural = _("penyaluran anggaran")
        constraints = [
            models.UniqueConstraint(fields=["commitment", "reference"], name="disbursement_reference_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="disbursement_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} · {self.amount}"
