"""Stored documents: letters, meeting minutes, visit photos, signed decrees.

Files live under settings.PRIVATE_MEDIA_ROOT (outside the web root, never served by the static server); a view of
the app that owns the document streams it after checking the user's scope. Each upload is checked by type (by its
content, not its name) and by size in core/documents.py before a row is written.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Document(models.Model):
    class Kind(models.TextChoices):
        LETTER = "letter", _("Surat usulan")
        MEETING_MINUTES = "minutes", _("Berita acara musyawarah")
        BNBA = "bnba", _("Daftar BNBA")
        PHOTO = "photo", _("Foto")
        DECREE = "decree", _("SK penetapan")
        OTHER = "other", _("Lainnya")

    kind = models.CharField(_("jenis dokumen"), max_length=16, choices=Kind.choices)
    # Relative to settings.PRIVATE_MEDIA_ROOT; named by content hash so two uploads never overwrite each other.
    path = models.CharField(_("lokasi file"), max_length=300)
    original_name = models.CharField(_("nama file asli"), max_length=255)
    content_type = models.CharField(_("jenis isi"), max_length=100)
    size_bytes = models.PositiveBigIntegerField(_("ukuran (byte)"))
    sha256 = models.CharField(_("sha256"), max_length=64, db_index=True)
    # The region the document belongs to (the proposing village, the visited household's village): who may see it.
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("wilayah"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("diunggah oleh"))
    uploaded_at = models.DateTimeField(_("diunggah"), auto_now_add=True)

    class Meta:
        verbose_name = _("dokumen")
        verbose_name_plural = _("dokumen")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.original_name
