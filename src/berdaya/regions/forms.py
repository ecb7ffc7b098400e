"""RegionField: a region chosen with the cascading picker, limited to the user's scope for a permission.

    village = RegionField(level=4, user=request.user, perm=Perm.REGISTRY_EDIT)   # a village inside the scope
    region = RegionField(level=None, required=False, allow_ancestors=True)       # any level (list filters)

Forms declared at class level call `form.fields[name].configure(user=..., perm=...)` in __init__.
The cleaned value is the Region (or None when empty and not required).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from berdaya.core.permissions import Perm, region_prefixes
from berdaya.regions.models import Level, Region
from berdaya.regions.widgets import LEVEL_LABELS, RegionPickerWidget, in_scope, is_code, visible

CHOOSE_MESSAGES = {
    Level.PROVINCE: _("Pilih provinsi."),
    Level.REGENCY: _("Pilih kabupaten/kota."),
    Level.DISTRICT: _("Pilih kecamatan."),
    Level.VILLAGE: _("Pilih desa/kelurahan."),
}


class RegionField(forms.Field):
    default_error_messages = {
        "required": _("Pilih wilayah."),
        "unknown": _("Kode wilayah %(code)s tidak terdaftar."),
        "out_of_scope": _("Wilayah %(name)s berada di luar wilayah kerja Anda."),
    }

    def __init__(self, *, level: int | None = Level.VILLAGE, user=None, perm: str = Perm.REGISTRY_VIEW,
                 allow_ancestors: bool = False, **kwargs):
        self.level, self.user, self.perm, self.allow_ancestors = level, user, perm, allow_ancestors
        kwargs.setdefault("widget", RegionPickerWidget(depth=level or Level.VILLAGE, user=user, perm=perm,
                                                       level=level))
        kwargs.setdefault("label", LEVEL_LABELS[level] if level else _("Wilayah"))
        super().__init__(**kwargs)
        if level:
            self.error_messages["required"] = CHOOSE_MESSAGES[level]

    def configure(self, *, user, perm: str | None = None) -> RegionField:
        self.user = self.widget.user = user
        if perm:
            self.perm = self.widget.perm = perm
        return self

    def to_python(self, value) -> str:
        if isinstance(value, Region):
            return value.code
        return (value or "").strip()

    def clean(self, value) -> Region | None:
        code = self.to_python(value)
        self.validate(code)
        if not code:
            return None
        region = Region.objects.filter(code=code).first() if is_code(code) else None
        if region is None:
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown", params={"code": code})
        prefixes = region_prefixes(self.user, self.perm)
        allowed = visible(code, prefixes) if self.allow_ancestors else in_scope(code, prefixes)
        if not allowed:
            raise forms.ValidationError(self.error_messages["out_of_scope"], code="out_of_scope",
                                        params={"name": region.display_name})
        if self.level and region.level != self.level:
            raise forms.ValidationError(CHOOSE_MESSAGES[self.level], code="level")
        return region

    def has_changed(self, initial, data) -> bool:
        return self.to_python(initial) != self.to_python(data)
