"""The cascading region picker: province → regency → district → village, limited to the user's region scope.

All the selects of one picker carry the field's name, so a form submits every level and the deepest consistent
code wins; a plain `?region=33.16.01` works too. With htmx, changing a select re-renders the picker through
regions:picker; without JavaScript a "Pilih" button submits the form and the server re-renders it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from berdaya.core.permissions import NATIONAL, Perm, region_prefixes
from berdaya.regions.models import Level, Region, level_of
from berdaya.regions.selectors import region_children

LEVEL_LABELS = {
    Level.PROVINCE: _("Provinsi"),
    Level.REGENCY: _("Kabupaten/Kota"),
    Level.DISTRICT: _("Kecamatan"),
    Level.VILLAGE: _("Desa/Kelurahan"),
}
BLANK_LABELS = {
    Level.PROVINCE: _("— Semua provinsi —"),
    Level.REGENCY: _("— Semua kabupaten/kota —"),
    Level.DISTRICT: _("— Semua kecamatan —"),
    Level.VILLAGE: _("— Semua desa/kelurahan —"),
}
CHOOSE_LABELS = {
    Level.PROVINCE: _("— Pilih provinsi —"),
    Level.REGENCY: _("— Pilih kabupaten/kota —"),
    Level.DISTRICT: _("— Pilih kecamatan —"),
    Level.VILLAGE: _("— Pilih desa/kelurahan —"),
}
_CODE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
_SAFE_ID = re.compile(r"[^A-Za-z0-9_-]")


def is_code(value: str) -> bool:
    return bool(_CODE.match(value or ""))


def code_chain(code: str) -> list[str]:
    """'33.16.01' -> ['33', '33.16', '33.16.01']."""
    parts = code.split(".") if code else []
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)]


def deepest_code(values) -> str:
    """The deepest code of a consistent chain (each a child of the one before), starting at the shallowest.

    A stale deeper select (its parent changed without JavaScript) breaks the chain and is dropped.
    """
    codes = sorted({v.strip() for v in values if v and is_code(v.strip())}, key=level_of)
    if not codes:
        return ""
    deepest = codes[0]
    for code in codes[1:]:
        if level_of(code) == level_of(deepest) + 1 and code.startswith(deepest + "."):
            deepest = code
        elif level_of(code) > level_of(deepest):
            break
    return deepest


def in_scope(code: str, prefixes: list[str]) -> bool:
    return any(p == NATIONAL or code == p or code.startswith(p + ".") for p in prefixes)


def visible(code: str, prefixes: list[str]) -> bool:
    """Inside the scope, or an ancestor of it (a regency officer sees their province to find their regency)."""
    return in_scope(code, prefixes) or any(p.startswith(code + ".") for p in prefixes)


def scope_root(prefixes: list[str]) -> list[str]:
    """The chain of codes every prefix lies inside: where the picker starts, fixed for the user."""
    if not prefixes or NATIONAL in prefixes:
        return []
    chains = [code_chain(p) for p in prefixes]
    root = []
    for level_codes in zip(*chains, strict=False):
        if len(set(level_codes)) != 1:
            break
        root.append(level_codes[0])
    return root


@dataclass
class PickerLevel:
    level: int
    label: str
    blank_label: str
    id: str
    locked: bool = False  # part of the user's scope root: one option, no blank
    selected: str = ""
    options: list[Region] = field(default_factory=list)


def picker_levels(*, user, perm: str, depth: int, value: str, id_prefix: str) -> list[PickerLevel]:
    """The selects to show: options are children of the level above, never outside the user's scope."""
    prefixes = region_prefixes(user, perm)
    root = scope_root(prefixes)[:depth]
    wanted = code_chain(value)[:depth] if value and visible(value, prefixes) else []
    if wanted[: len(root)] != root[: len(wanted)]:
        wanted = []
    chain = wanted if len(wanted) > len(root) else root
    fixed = {r.code: r for r in Region.objects.filter(code__in=root).only("code", "name", "level")} if root else {}
    levels, parent, broken = [], None, not prefixes
    for lvl in range(1, depth + 1):
        item = PickerLevel(level=lvl, label=LEVEL_LABELS[lvl], blank_label=BLANK_LABELS[lvl], id=f"{id_prefix}_{lvl}")
        levels.append(item)
        if broken:
            continue
        if lvl <= len(root):
            item.locked, item.options = True, [fixed[root[lvl - 1]]] if root[lvl - 1] in fixed else []
        else:  # the level above is selected (or this is the top)
            item.options = [r for r in region_children(parent_code=parent) if visible(r.code, prefixes)]
        selected = chain[lvl - 1] if lvl <= len(chain) else ""
        if selected and any(r.code == selected for r in item.options):
            item.selected = parent = selected
        else:
            broken = True
    return levels


class RegionPickerWidget(forms.Widget):
    template_name = "regions/picker.html"
    use_fieldset = True

    def __init__(self, *, depth: int = 4, user=None, perm: str = Perm.REGISTRY_VIEW, level: int | None = None,
                 attrs=None):
        super().__init__(attrs)
        self.depth, self.user, self.perm, self.level = depth, user, perm, level

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        return deepest_code([v for v in values if isinstance(v, str)]) or None

    def value_omitted_from_data(self, data, files, name):
        return name not in data

    def format_value(self, value):
        if isinstance(value, Region):
            return value.code
        return value or ""

    def id_for_label(self, id_):
        return f"{id_}_1" if id_ else id_

    def picker_url(self, *, name: str, id_: str) -> str:
        query = {"_name": name, "_id": id_, "_depth": self.depth, "_perm": self.perm, "_level": self.level or ""}
        return f"{reverse('regions:picker')}?{urlencode(query)}"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        id_ = _SAFE_ID.sub("", context["widget"]["attrs"].get("id") or f"id_{name}")
        levels = picker_levels(user=self.user, perm=self.perm, depth=self.depth, value=self.format_value(value),
                               id_prefix=id_)
        if self.level:  # a form asks for one region: "choose", where a filter offers "all"
            for lvl in levels:
                lvl.blank_label = CHOOSE_LABELS[lvl.level]
        context["widget"].update(
            picker_id=f"{id_}_picker",
            picker_url=self.picker_url(name=name, id_=id_),
            levels=levels,
            # The user's fixed scope root is shown as text (hidden inputs carry it), not as one-option selects.
            fixed_path=" › ".join(lvl.options[0].name for lvl in levels if lvl.locked and lvl.options),
            choosable=any(not lvl.locked and lvl.options for lvl in levels),
        )
        return context
