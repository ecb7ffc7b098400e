"""Checked tree -> the rule's value for one household in Python, with the meaning compiler.py gives it in SQL.

Three-valued logic: None is "unknown" (a missing value), as SQL's NULL. A household qualifies when the rule is True.
"""

from __future__ import annotations

import operator

from berdaya.targeting.rules import ast
from berdaya.targeting.rules.ast import NUM

COMPARE = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt,
           ">=": operator.ge}


def kleene_and(values) -> bool | None:
    values = list(values)
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def kleene_or(values) -> bool | None:
    values = list(values)
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


def evaluate(node: ast.Node, facts: dict, member: dict | None = None):
    method = _DISPATCH[type(node)]
    return method(node, facts, member)


def qualifies(rule, facts: dict) -> bool:
    return evaluate(rule.tree, facts) is True


def _literal(node, facts, member):
    return float(node.value) if node.type == NUM else node.value


def _field(node, facts, member):
    return member[node.name] if node.member else facts[node.name]


def _not(node, facts, member):
    value = evaluate(node.operand, facts, member)
    return None if value is None else not value


def _boolop(node, facts, member):
    values = (evaluate(o, facts, member) for o in node.operands)
    return kleene_and(values) if node.op == "and" else kleene_or(values)


def _compare(node, facts, member):
    left, right = evaluate(node.left, facts, member), evaluate(node.right, facts, member)
    if left is None or right is None:
        return None
    return COMPARE[node.op](left, right)


def _in_list(node, facts, member):
    value = evaluate(node.operand, facts, member)
    if value is None:
        return None
    found = any(value == evaluate(item, facts, member) for item in node.values)
    return not found if node.negated else found


def _arith(node, facts, member):
    left, right = evaluate(node.left, facts, member), evaluate(node.right, facts, member)
    if left is None or right is None:
        return None
    left, right = float(left), float(right)
    if node.op == "+":
        return left + right
    if node.op == "-":
        return left - right
    if node.op == "*":
        return left * right
    return None if right == 0 else left / right


def _negate(node, facts, member):
    value = evaluate(node.operand, facts, member)
    return None if value is None else -value


def _aggregate(node, facts, member):
    results = [evaluate(node.predicate, facts, m) for m in facts["_members"]]
    if node.func == "any":
        return any(r is True for r in results)
    if node.func == "all":
        return all(r is True for r in results)
    return sum(1 for r in results if r is True)


_DISPATCH = {ast.Literal: _literal, ast.Field: _field, ast.Not: _not, ast.BoolOp: _boolop, ast.Compare: _compare,
             ast.InList: _in_list, ast.Arith: _arith, ast.Negate: _negate, ast.Aggregate: _aggregate}
