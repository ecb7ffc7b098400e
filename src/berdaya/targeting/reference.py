"""The rule language's field list, for the editor's help panel (the same catalogue the checker uses)."""

from __future__ import annotations

from itertools import groupby

from django.utils.translation import gettext as _

from berdaya.targeting.rules.ast import BOOL, CODE, INT, NUM, TEXT
from berdaya.targeting.rules.fields import household_fields, member_fields

TYPE_LABELS = {BOOL: "ya/tidak", INT: "bilangan bulat", NUM: "angka", CODE: "kode", TEXT: "teks"}


def field_reference() -> list[dict]:
    specs = [*household_fields().values(), *member_fields().values()]
    groups = []
    for group, items in groupby(specs, key=lambda s: str(s.group)):
        rows = []
        for spec in items:
            values = ""
            if spec.choices is not None:
                values = ", ".join(f'"{c.label}"' for c in list(spec.choices)[:8])
                if len(spec.choices) > 8:
                    values += " …"
            rows.append({"name": ("member." if spec.member else "") + spec.name, "type": _(TYPE_LABELS[spec.type]),
                         "label": spec.label, "example": spec.example, "values": values})
        groups.append({"group": group, "fields": rows})
    return groups
