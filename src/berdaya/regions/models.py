"""Kemendagri regions: province (PP), regency (PP.RR), district (PP.RR.DD), village (PP.RR.DD.VVVV).

Code rules from ../shared/domain.md: regency part 01–69 = kabupaten, 71–99 = kota; village part starting 1 =
kelurahan, 2 = desa, 3 = desa adat. Codes nest, so a region's code is a prefix of everything inside it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    PROVINCE = 1, _("Provinsi")
    REGENCY = 2, _("Kabupaten/Kota")
    DISTRICT = 3, _("Kecamatan")
    VILLAGE = 4, _("Desa/Kelurahan")


def level_of(code: str) -> int:
    return code.count(".") + 1


def kind_of(code: str) -> str:
    """Kind derived from the code alone."""
    level = level_of(code)
    if level == Level.PROVINCE:
        return "provinsi"
    if level == Level.REGENCY:
        return "kota" if int(code[3:5]) >= 71 else "kabupaten"
    if level == Level.DISTRICT:
        return "kecamatan"
    first = code.rsplit(".", 1)[1][0]
    return {"1": "kelurahan", "2": "desa", "3": "desa_adat"}.get(first, "desa")


KIND_LABELS = {
    "provinsi": _("Provinsi"),
    "kabupaten": _("Kabupaten"),
    "kota": _("Kota"),
    "kecamatan": _("Kecamatan"),
    "kelurahan": _("Kelurahan"),
    "desa": _("Desa"),
    "desa_adat": _("Desa Adat"),
}


class Region(models.Model):
    code = models.CharField(_("kode"), max_length=13, primary_key=True)
    name = models.CharField(_("nama"), max_length=120)
    level = models.PositiveSmallIntegerField(_("tingkat"), choices=Level.choices, db_index=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name=_("induk"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")
        indexes = [models.Index(fields=["parent", "name"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def kind(self) -> str:
        return kind_of(self.code)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def display_name(self) -> str:
        # The list already names regencies "Kabupaten Blora" / "Kota Pasuruan" and some villages "Desa Adat …".
        label = str(self.kind_label)
        if self.name.lower().startswith(label.lower() + " "):
            return self.name
        return f"{label} {self.name}"

    def ancestors(self) -> list["Region"]:
        """Province first, self excluded; one query."""
        parts = self.code.split(".")
        codes = [".".join(parts[:i]) for i in range(1, len(parts))]
        by_code = {r.code: r for r in Region.objects.filter(code__in=codes)}
        return [by_code[c] for c in codes if c in by_code]

    def path_label(self) -> str:
        return " › ".join([r.name for r in self.ancestors()] + [self.name])
