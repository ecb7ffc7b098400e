"""Text -> checked syntax tree. Lark (LALR) builds a parse tree from grammar.lark; nothing in the text is ever
run as Python or pasted into SQL. Anything unknown is refused with a message pointing at the line and column.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _
from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from berdaya.targeting.rules import ast
from berdaya.targeting.rules.check import check
from berdaya.targeting.rules.errors import RuleError

# Limits: a rule is a page of text at most, and everything about it stays small.
MAX_LENGTH = 4000
MAX_NESTING = 30  # brackets open at once
MAX_NODES = 500
MAX_DEPTH = 60
MAX_LIST_ITEMS = 200
MAX_STRING = 120
MAX_NUMBER = 10**15


@dataclass
class Rule:
    text: str
    tree: ast.Node

    @property
    def uses_score(self) -> bool:
        return any(isinstance(n, ast.Field) and n.spec.uses_score for n in ast.walk(self.tree))

    @property
    def field_names(self) -> list[str]:
        names = {("member." if n.member else "") + n.name for n in ast.walk(self.tree) if isinstance(n, ast.Field)}
        return sorted(names)


@cache
def _lark() -> Lark:
    grammar = (Path(__file__).with_name("grammar.lark")).read_text()
    return Lark(grammar, parser="lalr", propagate_positions=True, maybe_placeholders=False)


def parse_rule(text: str) -> Rule:
    """Parse and check `text`; raise RuleError (with line, column and a caret excerpt) when it is not a rule."""
    text = "" if text is None else str(text)
    _precheck(text)
    try:
        tree = _lark().parse(text)
    except UnexpectedInput as exc:
        raise _syntax_error(exc, text) from None
    if _tree_depth(tree) > MAX_DEPTH:
        raise RuleError(_("Aturan terlalu dalam bersarang (paling dalam %(max)s).") % {"max": MAX_DEPTH})
    try:
        node = _ToAst(text).transform(tree)
    except VisitError as exc:
        if isinstance(exc.orig_exc, RuleError):
            raise exc.orig_exc from None
        raise
    _limits(node, text)
    check(node, text)
    return Rule(text=text, tree=node)


def _precheck(text: str) -> None:
    if not text.strip():
        raise RuleError(_("Aturan masih kosong."))
    if len(text) > MAX_LENGTH:
        raise RuleError(_("Aturan terlalu panjang (%(n)s karakter; paling banyak %(max)s).")
                        % {"n": len(text), "max": MAX_LENGTH})
    line, column, level, quote = 1, 0, 0, None
    for char in text:
        column += 1
        if char == "\n":
            line, column = line + 1, 0
            quote = None
        elif quote:
            quote = None if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in "([":
            level += 1
            if level > MAX_NESTING:
                raise RuleError(_("Terlalu banyak kurung bersarang (paling banyak %(max)s).") % {"max": MAX_NESTING},
                                text=text, line=line, column=column)
        elif char in ")]":
            level = max(0, level - 1)
        elif char == "#":
            quote = "\n"  # a comment runs to the end of the line
        elif not char.isprintable() and char not in "\t\r":
            raise RuleError(_("Karakter tak terlihat atau tidak sah (kode %(code)s).") % {"code": ord(char)},
                            text=text, line=line, column=column)


_EXPECTED = {
    "NAME": "nama", "NUMBER": "angka", "STRING": "teks", "COMP_OP": "== != < <= > >=", "ADD_OP": "+ -",
    "MUL_OP": "* /", "_AND": "and", "_OR": "or", "_NOT": "not", "_IN": "in", "TRUE": "true", "FALSE": "false",
    "LPAR": "(", "RPAR": ")", "LSQB": "[", "RSQB": "]", "COMMA": ",", "DOT": ".", "MINUS": "-", "$END": "",
}


def _expected(names) -> str:
    shown = sorted({_EXPECTED.get(n, n) for n in names} - {""})
    return ", ".join(shown)


def _syntax_error(exc: UnexpectedInput, text: str) -> RuleError:
    line, column = getattr(exc, "line", None), getattr(exc, "column", None)
    if isinstance(exc, UnexpectedCharacters):
        char = text[exc.pos_in_stream] if exc.pos_in_stream < len(text) else ""
        hints = {"=": _("Gunakan == untuk 'sama dengan'."), "&": _("Gunakan and."), "|": _("Gunakan or."),
                 "!": _("Gunakan not, atau != untuk 'tidak sama dengan'.")}
        message = _("Karakter tidak dikenal: %(char)s.") % {"char": repr(char)}
        if char in ("\"", "'"):
            message = _("Teks tidak ditutup dengan tanda kutip di baris yang sama.")
        if char in hints:
            message = f"{message} {hints[char]}"
        return RuleError(message, text=text, line=line, column=column)
    if isinstance(exc, UnexpectedToken) and exc.token.type != "$END":
        token = exc.token
        message = _("Tidak terduga: %(token)s.") % {"token": repr(str(token))}
        if token.type == "COMP_OP" and "COMP_OP" not in exc.expected:
            message = _("Perbandingan berantai tidak boleh: tulis a < b and b < c.")
        elif exc.expected:
            message += " " + _("Yang diharapkan: %(what)s.") % {"what": _expected(exc.expected)}
        return RuleError(message, text=text, line=line, column=column)
    if isinstance(exc, UnexpectedToken | UnexpectedEOF):
        expected = getattr(exc, "expected", None) or []
        last_line = text.count("\n") + 1
        last_column = len(text.rsplit("\n", 1)[-1]) + 1
        message = _("Aturan berakhir sebelum selesai.")
        if expected:
            message += " " + _("Yang diharapkan: %(what)s.") % {"what": _expected(expected)}
        return RuleError(message, text=text, line=last_line, column=last_column)
    return RuleError(_("Aturan tidak dapat dibaca."), text=text, line=line, column=column)


def _pos(meta_or_token) -> dict:
    return {"line": meta_or_token.line, "column": meta_or_token.column,
            "start": meta_or_token.start_pos, "end": meta_or_token.end_pos}


def _number(token: Token, text: str, *, negative: bool = False) -> ast.Literal:
    raw = str(token).replace("_", "")
    value = float(raw) if "." in raw else int(raw)
    if abs(value) > MAX_NUMBER:
        raise RuleError(_("Angka terlalu besar (paling besar %(max)s).") % {"max": f"{MAX_NUMBER:,}"},
                        text=text, line=token.line, column=token.column)
    return ast.Literal(value=-value if negative else value, kind="number", **_pos(token))


@v_args(meta=True)
class _ToAst(Transformer):
    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def or_test(self, meta, children):
        return ast.BoolOp(op="or", operands=children, **_pos(meta))

    def and_test(self, meta, children):
        return ast.BoolOp(op="and", operands=children, **_pos(meta))

    def not_op(self, meta, children):
        return ast.Not(operand=children[0], **_pos(meta))

    def compare(self, meta, children):
        left, op, right = children
        return ast.Compare(op=str(op), left=left, right=right, **_pos(meta))

    def in_list(self, meta, children):
        return ast.InList(operand=children[0], values=children[1], negated=False, **_pos(meta))

    def not_in_list(self, meta, children):
        return ast.InList(operand=children[0], values=children[1], negated=True, **_pos(meta))

    def list(self, meta, children):
        items = [c for c in children if c is not None]
        if len(items) > MAX_LIST_ITEMS:
            raise RuleError(_("Daftar terlalu panjang (paling banyak %(max)s nilai).") % {"max": MAX_LIST_ITEMS},
                            text=self.text, line=meta.line, column=meta.column)
        return items

    def arith(self, meta, children):
        left, op, right = children
        return ast.Arith(op=str(op), left=left, right=right, **_pos(meta))

    def negate(self, meta, children):
        return ast.Negate(operand=children[0], **_pos(meta))

    def number(self, meta, children):
        return _number(children[0], self.text)

    def negative_number(self, meta, children):
        literal = _number(children[0], self.text, negative=True)
        literal.line, literal.column, literal.start = meta.line, meta.column, meta.start_pos
        return literal

    def string(self, meta, children):
        token = children[0]
        value = str(token)[1:-1]
        if len(value) > MAX_STRING:
            raise RuleError(_("Teks terlalu panjang (paling banyak %(max)s karakter).") % {"max": MAX_STRING},
                            text=self.text, line=token.line, column=token.column)
        return ast.Literal(value=value, kind="string", **_pos(token))

    def true(self, meta, children):
        return ast.Literal(value=True, kind="bool", **_pos(children[0]))

    def false(self, meta, children):
        return ast.Literal(value=False, kind="bool", **_pos(children[0]))

    def name(self, meta, children):
        parts = [str(t) for t in children]
        if len(parts) == 1:
            return ast.Field(name=parts[0], **_pos(meta))
        if len(parts) == 2 and parts[0] == "member":
            return ast.Field(name=parts[1], member=True, **_pos(meta))
        raise RuleError(_("Nama bertitik tidak dikenal: %(name)s. Hanya member.<kolom> yang memakai titik, "
                          "di dalam any(), all() atau count().") % {"name": ".".join(parts)},
                        text=self.text, line=meta.line, column=meta.column)

    def call(self, meta, children):
        func, argument = children
        return ast.Aggregate(func=str(func), predicate=argument, **_pos(meta))


def _tree_depth(tree) -> int:
    """Depth of the parse tree, measured without recursion (the transformer recurses: bound it first)."""
    best, stack = 0, [(tree, 1)]
    while stack:
        current, level = stack.pop()
        best = max(best, level)
        if level > MAX_DEPTH:
            return level
        stack.extend((child, level + 1) for child in getattr(current, "children", ()) if hasattr(child, "children"))
    return best


def _limits(node: ast.Node, text: str) -> None:
    count = sum(1 for _n in ast.walk(node))
    if count > MAX_NODES:
        raise RuleError(_("Aturan terlalu rumit (%(n)s bagian; paling banyak %(max)s).") % {"n": count,
                                                                                           "max": MAX_NODES})
    if ast.depth(node) > MAX_DEPTH:
        raise RuleError(_("Aturan terlalu dalam bersarang (paling dalam %(max)s).") % {"max": MAX_DEPTH})
