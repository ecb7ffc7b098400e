"""Proposals (usulan): a letter from a village head, lurah or camat asking help for households or persons.

The letter (Proposal) groups one line per household or person (ProposalItem). Each item moves through one status
chain, checked by services.item_transition; letter-level actions (return for correction, pass the completeness
check) move all the letter's open items at once. Every move is a ProposalStatusChange row: who, when, why and a
document reference, shown to the village that proposed it. A village meeting (musdes/muskel) with its minutes and
by-name-by-address list may carry several letters (ProposalBatch).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ProposerKind(models.TextChoices):
    VILLAGE_HEAD = "village_head", _("Kepala desa")
    LURAH = "lurah", _("Lurah")
    CAMAT = "camat", _("Camat")
    OTHER = "other", _("Lainnya")


class ItemStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Diajukan")
    RETURNED = "returned", _("Dikembalikan untuk perbaikan")
    COMPLETE = "complete", _("Lolos cek kelengkapan")
    SCHEDULED = "scheduled", _("Dijadwalkan verifikasi")
    VERIFIED = "verified", _("Terverifikasi")
    APPROVED = "approved", _("Disetujui")
    WAITLISTED = "waitlisted", _("Daftar tunggu")
    REJECTED = "rejected", _("Ditolak")
    WITHDRAWN = "withdrawn", _("Ditarik")


# The allowed moves (from -> to). services.item_transition is the only writer of ItemStatus.
TRANSITIONS: dict[str, frozenset[str]] = {
    ItemStatus.SUBMITTED: frozenset({ItemStatus.RETURNED, ItemStatus.COMPLETE, ItemStatus.REJECTED,
                                     ItemStatus.WITHDRAWN}),
    ItemStatus.RETURNED: frozenset({ItemStatus.SUBMITTED, ItemStatus.WITHDRAWN}),
    ItemStatus.COMPLETE: frozenset({ItemStatus.SCHEDULED, ItemStatus.REJECTED}),
    ItemStatus.SCHEDULED: frozenset({ItemStatus.VERIFIED, ItemStatus.REJECTED}),
    ItemStatus.VERIFIED: frozenset({ItemStatus.APPROVED, ItemStatus.WAITLISTED, ItemStatus.REJECTED}),
    ItemStatus.WAITLISTED: frozenset({ItemStatus.APPROVED, ItemStatus.REJECTED}),
    ItemStatus.APPROVED: frozenset(),
    ItemStatus.REJECTED: frozenset(),
    ItemStatus.WITHDRAWN: frozenset(),
}


class MeetingKind(models.TextChoices):
    MUSDES = "musdes", _("Musyawarah desa")
    MUSKEL = "muskel", _("Musyawarah kelurahan")
    SPTJM = "sptjm", _("Surat pernyataan tanggung jawab mutlak (SPTJM)")


class ProposalBatch(models.Model):
    """A village meeting's decision: its minutes (signed, RT/RW present) and its by-name-by-address list."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("desa/kelurahan"))
    meeting_kind = models.CharField(_("jenis musyawarah"), max_length=8, choices=MeetingKind.choices)
    meeting_date = models.DateField(_("tanggal musyawarah"))
    minutes_number = models.CharField(_("nomor berita acara"), max_length=80, blank=True)
    minutes = models.ForeignKey("core.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("berita acara"))
    bnba = models.ForeignKey("core.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("daftar BNBA"))
    note = models.TextField(_("catatan"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("dibuat oleh"))
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("berkas musyawarah")
        verbose_name_plural = _("berkas musyawarah")
        ordering = ["-meeting_date", "-id"]

    def __str__(self) -> str:
        return f"{self.get_meeting_kind_display()} {self.meeting_date:%d/%m/%Y}"


class Proposal(models.Model):
    number = models.CharField(_("nomor usulan"), max_length=32, unique=True, editable=False)  # USL-2026-000123
    programme = models.ForeignKey("programmes.Programme", on_delete=models.PROTECT, related_name="proposals",
                                  verbose_name=_("program"))
    fiscal_year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    # The proposing region: a village (desa/kelurahan) or a district (camat).
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("wilayah pengusul"))
    proposer_kind = models.CharField(_("pengusul"), max_length=16, choices=ProposerKind.choices)
    proposer_name = models.CharField(_("nama penanda tangan"), max_length=120)
    letter_number = models.CharField(_("nomor surat"), max_length=80)
    letter_date = models.DateField(_("tanggal surat"))
    letter = models.ForeignKey("core.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("surat"))
    batch = models.ForeignKey(ProposalBatch, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="proposals", verbose_name=_("berkas musyawarah"))
    summary = models.TextField(_("isi usulan"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("dibuat oleh"))
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("usulan")
        verbose_name_plural = _("usulan")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["region", "programme", "fiscal_year"])]

    def __str__(self) -> str:
        return self.number


class ProposalItem(models.Model):
    """One household (or one person of it, for person-targeted programmes) in a proposal."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="items", verbose_name=_("usulan"))
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="proposal_items",
                                  verbose_name=_("keluarga"))
    person = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="proposal_items", verbose_name=_("orang"))
    request = models.CharField(_("yang diminta"), max_length=255,
                               help_text=_("Misalnya: membuka warung kopi, mesin jahit."))
    business_type = models.CharField(_("jenis usaha/paket"), max_length=32, blank=True,
                                     help_text=_("Kode paket bantuan program (mis. kios, warung_kopi)."))
    has_business = models.BooleanField(_("sudah punya usaha"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.SUBMITTED,
                              db_index=True)
    status_changed_at = models.DateTimeField(_("status berubah"), auto_now_add=True)
    # Set at filing when the same household/person is already enrolled in or proposed for the programme.
    duplicate_note = models.CharField(_("catatan ganda"), max_length=255, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rincian usulan")
        verbose_name_plural = _("rincian usulan")
        ordering = ["proposal_id", "id"]
        indexes = [models.Index(fields=["household", "status"])]

    def __str__(self) -> str:
        return f"{self.proposal_id}/{self.household_id}"


class ProposalStatusChange(models.Model):
    item = models.ForeignKey(ProposalItem, on_delete=models.CASCADE, related_name="changes",
                             verbose_name=_("rincian usulan"))
    from_status = models.CharField(_("dari"), max_length=16, choices=ItemStatus.choices, blank=True)
    to_status = models.CharField(_("menjadi"), max_length=16, choices=ItemStatus.choices)
    reason = models.CharField(_("alasan"), max_length=255, blank=True)
    document_ref = models.CharField(_("rujukan dokumen"), max_length=120, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("oleh"))
    at = models.DateTimeField(_("waktu"), auto_now_add=True)

    class Meta:
        verbose_name = _("perubahan status usulan")
        verbose_name_plural = _("perubahan status usulan")
        ordering = ["item_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} -> {self.to_status}"
