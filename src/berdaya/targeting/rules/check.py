"""The checker: every name known, every operator applied to the right types, code values resolved.

It sets `node.type` on every node and `Field.spec` on every name, and turns the text of a code value ("PNS") into
the stored code (5), so the compiler and the evaluator only ever see known fields and typed values.
"""

from __future__ import annotations

import difflib

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from berdaya.targeting.rules import ast
from berdaya.targeting.rules.ast import BOOL, CODE, INT, NUM, NUMERIC, TEXT
from berdaya.targeting.rules.errors import RuleError
from berdaya.targeting.rules.fields import code_aliases, code_label, household_fields, member_fields

FUNCTIONS = {"any": BOOL, "all": BOOL, "count": INT}
ORDERING = {"<", "<=", ">", ">="}
TYPE_NAMES = {BOOL: gettext_lazy("ya/tidak"), INT: gettext_lazy("angka"), NUM: gettext_lazy("angka"),
              CODE: gettext_lazy("kode"), TEXT: gettext_lazy("teks")}


def check(node: ast.Node, text: str) -> None:
    _Checker(text).visit(node, in_member=False)
    if node.type != BOOL:
        raise _error(text, node, _("Aturan harus bernilai ya/tidak (misalnya desil <= 4), bukan %(type)s.")
                     % {"type": _type_name(node)})


def _error(text: str, node: ast.Node, message: str) -> RuleError:
    return RuleError(message, text=text, line=node.line, column=node.column)


def _type_name(node: ast.Node) -> str:
    if isinstance(node, ast.Field) and node.type == CODE:
        return _("kode %(name)s") % {"name": _field_name(node)}
    if isinstance(node, ast.Literal) and node.kind == "string":
        return _("teks \"%(value)s\"") % {"value": node.value}
    return str(TYPE_NAMES.get(node.type, node.type))


def _field_name(node: ast.Field) -> str:
    return ("member." if node.member else "") + node.name


class _Checker:
    def __init__(self, text: str):
        self.text = text

    def error(self, node, message):
        return _error(self.text, node, message)

    def visit(self, node: ast.Node, *, in_member: bool) -> None:
        method = getattr(self, f"visit_{type(node).__name__}")
        method(node, in_member=in_member)

    def visit_Literal(self, node, *, in_member):
        node.type = {"number": INT if isinstance(node.value, int) else NUM, "string": TEXT, "bool": BOOL}[node.kind]

    def visit_Field(self, node, *, in_member):
        if node.member:
            if not in_member:
                raise self.error(node, _("member.%(name)s hanya boleh dipakai di dalam any(), all() atau count(), "
                                         "misalnya any(member.%(name)s …).") % {"name": node.name})
            known = member_fields()
        else:
            known = household_fields()
        spec = known.get(node.name)
        if spec is None:
            raise self.error(node, self._unknown_name(node))
        node.spec, node.type = spec, spec.type

    def _unknown_name(self, node: ast.Field) -> str:
        names = member_fields() if node.member else household_fields()
        message = _("Nama tidak dikenal: %(name)s.") % {"name": _field_name(node)}
        if not node.member and node.name in member_fields():
            return message + " " + _("Maksud Anda member.%(name)s di dalam any()/all()/count()?") % {
                "name": node.name}
        close = difflib.get_close_matches(node.name, list(names), n=1, cutoff=0.7)
        if close:
            prefix = "member." if node.member else ""
            message += " " + _("Maksud Anda %(name)s?") % {"name": prefix + close[0]}
        return message

    def visit_Not(self, node, *, in_member):
        self.visit(node.operand, in_member=in_member)
        self._want_bool(node.operand, "not")
        node.type = BOOL

    def visit_BoolOp(self, node, *, in_member):
        for operand in node.operands:
            self.visit(operand, in_member=in_member)
            self._want_bool(operand, node.op)
        node.type = BOOL

    def _want_bool(self, node, op):
        if node.type != BOOL:
            raise self.error(node, _("%(op)s memerlukan syarat ya/tidak di kedua sisinya, bukan %(type)s.")
                             % {"op": op, "type": _type_name(node)})

    def visit_Negate(self, node, *, in_member):
        self.visit(node.operand, in_member=in_member)
        if node.operand.type not in NUMERIC:
            raise self.error(node, _("Tanda minus hanya untuk angka, bukan %(type)s.") % {
                "type": _type_name(node.operand)})
        node.type = node.operand.type

    def visit_Arith(self, node, *, in_member):
        for side in (node.left, node.right):
            self.visit(side, in_member=in_member)
            if side.type not in NUMERIC:
                raise self.error(side, _("Operasi %(op)s hanya untuk angka, bukan %(type)s.")
                                 % {"op": node.op, "type": _type_name(side)})
        node.type = NUM  # all arithmetic is done in floating point, in SQL as in Python

    def visit_Aggregate(self, node, *, in_member):
        if node.func not in FUNCTIONS:
            raise self.error(node, _("Fungsi tidak dikenal: %(name)s. Fungsi yang boleh: any, all, count.")
                             % {"name": node.func})
        if in_member:
            raise self.error(node, _("%(name)s() tidak boleh di dalam any(), all() atau count() lain.")
                             % {"name": node.func})
        self.visit(node.predicate, in_member=True)
        if node.predicate.type != BOOL:
            raise self.error(node.predicate, _("%(name)s() memerlukan syarat atas anggota, misalnya "
                                               "%(name)s(member.age >= 60).") % {"name": node.func})
        if not any(isinstance(n, ast.Field) and n.member for n in ast.walk(node.predicate)):
            raise self.error(node.predicate, _("Syarat di dalam %(name)s() harus memakai member.<kolom>.")
                             % {"name": node.func})
        node.type = FUNCTIONS[node.func]

    def visit_Compare(self, node, *, in_member):
        self.visit(node.left, in_member=in_member)
        self.visit(node.right, in_member=in_member)
        left, right = node.left, node.right
        if left.type in NUMERIC and right.type in NUMERIC:
            node.type = BOOL
            return
        code_side = left if _is_code_field(left) else right if _is_code_field(right) else None
        if code_side is not None:
            other = right if code_side is left else left
            self._compare_code(node, code_side, other)
        elif left.type == right.type and left.type in (BOOL, TEXT):
            if node.op in ORDERING:
                raise self.error(node, _("%(op)s tidak dapat dipakai untuk %(type)s: gunakan == atau !=.")
                                 % {"op": node.op, "type": _type_name(left)})
        else:
            raise self.error(node, _("Tidak dapat membandingkan %(left)s dengan %(right)s.")
                             % {"left": _type_name(left), "right": _type_name(right)})
        node.type = BOOL

    def _compare_code(self, node, field, other):
        spec = field.spec
        if isinstance(other, ast.Literal):
            self._resolve(other, field)
        elif not (_is_code_field(other) and other.spec.choices is spec.choices):
            raise self.error(node, _("Tidak dapat membandingkan %(left)s dengan %(right)s.")
                             % {"left": _type_name(field), "right": _type_name(other)})
        if node.op in ORDERING and not spec.ordered:
            raise self.error(node, _("Kode %(name)s tidak berurutan: gunakan ==, != atau in [...].")
                             % {"name": _field_name(field)})

    def _resolve(self, literal: ast.Literal, field: ast.Field) -> None:
        """Turn "PNS" (or 5) into the stored code of `field`; refuse a value that is not one of its codes."""
        spec = field.spec
        if literal.kind == "bool" or (literal.kind == "number" and spec.value_kind != "int"):
            raise self.error(literal, _("%(value)s bukan nilai %(name)s.") % {
                "value": literal.value, "name": _field_name(field)})
        aliases = code_aliases(spec)
        value = aliases.get(str(literal.value).strip().lower())
        if value is None:
            examples = ", ".join(f'"{code_label(spec, c.value)}"' for c in list(spec.choices)[:6])
            raise self.error(literal, _("Nilai \"%(value)s\" tidak dikenal untuk %(name)s. Contoh nilai: "
                                        "%(examples)s.") % {"value": literal.value, "name": _field_name(field),
                                                            "examples": examples})
        literal.value, literal.type, literal.kind = value, CODE, "code"
        literal.spec = spec

    def visit_InList(self, node, *, in_member):
        self.visit(node.operand, in_member=in_member)
        operand = node.operand
        if not node.values:
            raise self.error(node, _("Daftar nilai di dalam [ ] masih kosong."))
        for item in node.values:
            self.visit(item, in_member=in_member)
            if _is_code_field(operand):
                self._resolve(item, operand)
            elif not (item.type == operand.type or (item.type in NUMERIC and operand.type in NUMERIC)):
                raise self.error(item, _("Nilai %(item)s tidak cocok dengan %(operand)s.")
                                 % {"item": _type_name(item), "operand": _type_name(operand)})
        node.type = BOOL


def _is_code_field(node: ast.Node) -> bool:
    return isinstance(node, ast.Field) and node.type == CODE
