"""The rule's syntax tree: what the parser builds, the checker types, and the compiler and evaluator walk.

Every node keeps where it came from (line, column, and the span in the source) for error messages and for the
*why* explanation, which quotes each clause as written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Value types of the language.
BOOL, INT, NUM, CODE, TEXT = "bool", "int", "num", "code", "text"
NUMERIC = (INT, NUM)


@dataclass(eq=False)
class Node:
    line: int = 0
    column: int = 0
    start: int = 0
    end: int = 0
    type: str = field(default="", init=False)

    def children(self) -> list[Node]:
        return []


@dataclass(eq=False)
class Literal(Node):
    value: Any = None
    kind: str = ""  # "number", "string", "bool" as written; code literals are resolved against a field


@dataclass(eq=False)
class Field(Node):
    name: str = ""
    member: bool = False  # member.<name> inside any()/all()/count()
    spec: Any = None  # fields.FieldSpec, set by the checker


@dataclass(eq=False)
class Not(Node):
    operand: Node | None = None

    def children(self) -> list[Node]:
        return [self.operand]


@dataclass(eq=False)
class BoolOp(Node):
    op: str = ""  # "and" | "or"
    operands: list[Node] = field(default_factory=list)

    def children(self) -> list[Node]:
        return list(self.operands)


@dataclass(eq=False)
class Compare(Node):
    op: str = ""  # == != < <= > >=
    left: Node | None = None
    right: Node | None = None

    def children(self) -> list[Node]:
        return [self.left, self.right]


@dataclass(eq=False)
class InList(Node):
    operand: Node | None = None
    values: list[Literal] = field(default_factory=list)
    negated: bool = False

    def children(self) -> list[Node]:
        return [self.operand, *self.values]


@dataclass(eq=False)
class Arith(Node):
    op: str = ""  # + - * /
    left: Node | None = None
    right: Node | None = None

    def children(self) -> list[Node]:
        return [self.left, self.right]


@dataclass(eq=False)
class Negate(Node):
    operand: Node | None = None

    def children(self) -> list[Node]:
        return [self.operand]


@dataclass(eq=False)
class Aggregate(Node):
    func: str = ""  # any | all | count
    predicate: Node | None = None

    def children(self) -> list[Node]:
        return [self.predicate]


def walk(node: Node):
    """Every node of the tree, parents before children (iterative: the depth is bounded, but be safe)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children()))


def depth(node: Node) -> int:
    best, stack = 0, [(node, 1)]
    while stack:
        current, level = stack.pop()
        best = max(best, level)
        stack.extend((child, level + 1) for child in current.children())
    return best
