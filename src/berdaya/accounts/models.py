from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from berdaya.core.permissions import Role


class User(AbstractUser):
    language = models.CharField(_("bahasa"), max_length=8, choices=settings.LANGUAGES, default="id")
    phone = models.CharField(_("telepon"), max_length=20, blank=True)
    organisation = models.CharField(_("instansi"), max_length=120, blank=True,
                                    help_text=_("Untuk mitra: nama lembaga (mis. Baznas, Lazizmu)."))
    # Password hashes never go into the history; a password change still leaves a dated entry with its actor.
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class RoleAssignment(models.Model):
    """A role held over a region (a province, regency, district or village); no region = national."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments",
                             verbose_name=_("pengguna"))
    role = models.CharField(_("peran"), max_length=32, choices=Role.CHOICES)
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("wilayah"),
                               help_text=_("Kosong berarti seluruh Indonesia."))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("penugasan peran")
        verbose_name_plural = _("penugasan peran")
        constraints = [models.UniqueConstraint(fields=["user", "role", "region"], name="unique_role_assignment")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} · {self.region.name if self.region_id else _('Nasional')}"
