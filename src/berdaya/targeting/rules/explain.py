"""*Why* a household does or does not qualify: each clause as written, passed or failed, with the values seen.

The top of the rule is split on its and/or (and `not (...)` groups) into a tree of clauses; a clause that is a
comparison or a member aggregate is a leaf, shown with the value of every field it names.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from berdaya.targeting.rules import ast
from berdaya.targeting.rules.ast import CODE
from berdaya.targeting.rules.evaluator import evaluate
from berdaya.targeting.rules.fields import code_label


@dataclass
class Clause:
    text: str
    outcome: bool | None  # None: unknown (a value is missing)
    values: list[tuple[str, str]] = field(default_factory=list)
    children: list[Clause] = field(default_factory=list)
    op: str = ""  # "and" / "or" / "not" for a group, "" for a leaf

    @property
    def passed(self) -> bool:
        return self.outcome is True

    @property
    def status(self) -> str:
        return {True: "passed", False: "failed", None: "unknown"}[self.outcome]

    def failing(self) -> list[Clause]:
        """The leaves that made this clause fail (for a summary line)."""
        if self.outcome is True:
            return []
        if not self.children:
            return [self]
        if self.op == "not":
            return [self]
        return [leaf for child in self.children for leaf in child.failing()]


@dataclass
class Explanation:
    qualifies: bool
    root: Clause

    @property
    def failing(self) -> list[Clause]:
        return self.root.failing()


def explain(rule, facts: dict) -> Explanation:
    root = _clause(rule.tree, rule.text, facts)
    return Explanation(qualifies=root.outcome is True, root=root)


def _clause(node: ast.Node, text: str, facts: dict) -> Clause:
    outcome = evaluate(node, facts)
    source = text[node.start:node.end].strip()
    if isinstance(node, ast.BoolOp):
        return Clause(source, outcome, op=node.op, children=[_clause(o, text, facts) for o in node.operands])
    if isinstance(node, ast.Not) and isinstance(node.operand, ast.BoolOp | ast.Not):
        return Clause(source, outcome, op="not", children=[_clause(node.operand, text, facts)])
    return Clause(source, outcome, values=_values(node, facts))


def _values(node: ast.Node, facts: dict) -> list[tuple[str, str]]:
    shown: dict[str, str] = {}
    for aggregate in (n for n in ast.walk(node) if isinstance(n, ast.Aggregate)):
        shown[_source_name(aggregate)] = _aggregate_value(aggregate, facts)
    for name_node in _household_fields(node):
        if name_node.name not in shown:
            shown[name_node.name] = show(name_node, facts.get(name_node.name), facts)
    return list(shown.items())


def _source_name(node: ast.Aggregate) -> str:
    return f"{node.func}(…)"


def _household_fields(node: ast.Node):
    """Household fields named in `node` outside member aggregates, in order of appearance."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, ast.Aggregate):
            continue
        if isinstance(current, ast.Field) and not current.member:
            yield current
        stack.extend(reversed(current.children()))


def _aggregate_value(node: ast.Aggregate, facts: dict) -> str:
    members = facts["_members"]
    matched = [m for m in members if evaluate(node.predicate, facts, m) is True]
    names = ", ".join(m.get("_name", "?") for m in matched[:5]) + (" …" if len(matched) > 5 else "")
    summary = ngettext("%(n)s dari %(total)s anggota memenuhi", "%(n)s dari %(total)s anggota memenuhi",
                       len(matched)) % {"n": len(matched), "total": len(members)}
    return f"{summary}: {names}" if matched else summary


def show(node: ast.Field, value, facts: dict) -> str:
    if value is None:
        return _("tidak ada data")
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    if node.type == CODE:
        return code_label(node.spec, value)
    if node.name == "desil":
        source = _("resmi DTSEN") if facts.get("official_desil") is not None else _("hasil hitung")
        return f"{value} ({source})"
    if isinstance(value, float):
        return number_format(round(value, 2), decimal_pos=2, use_l10n=True, force_grouping=True)
    if isinstance(value, int):
        return number_format(value, use_l10n=True, force_grouping=True)
    return str(value)
