"""Checked tree -> a SQL condition over registry_household, with every value a bound parameter.

The condition reads the household's columns through `household` (the table or its alias), the score columns
through `score` (targeting_householdscore, joined by the caller when Rule.uses_score) and member aggregates through
EXISTS / COUNT subqueries over registry_person (living members only). Meaning, shared with evaluator.py:

- a missing value (NULL) makes a comparison or arithmetic unknown; and/or/not follow SQL's three-valued logic and
  a household qualifies only when the whole rule is true;
- arithmetic is done in double precision; x / 0 is unknown;
- any(p): some living member satisfies p; all(p): every living member does (true when none); count(p): how many.

Only the few vendor differences (age from the birth date, the name of the double type) depend on `vendor`.
"""

from __future__ import annotations

from berdaya.registry.codes import PersonStatus
from berdaya.targeting.rules import ast
from berdaya.targeting.rules.ast import NUM
from berdaya.targeting.rules.context import RuleContext

SQL_OPS = {"==": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
HOUSEHOLD_TABLE = '"registry_household"'
SCORE_TABLE = '"targeting_householdscore"'
PERSON_TABLE = '"registry_person"'


class SqlCompiler:
    def __init__(self, *, vendor: str, context: RuleContext, household: str = HOUSEHOLD_TABLE,
                 score: str = SCORE_TABLE, member: str = "m"):
        if vendor not in ("sqlite", "postgresql"):
            raise ValueError(f"unsupported database vendor: {vendor}")
        self.vendor, self.context = vendor, context
        self.household, self.score, self.member = household, score, member
        self.double = "REAL" if vendor == "sqlite" else "DOUBLE PRECISION"

    def compile(self, node: ast.Node) -> tuple[str, list]:
        method = getattr(self, f"_{type(node).__name__}")
        return method(node)

    # --- leaves ---------------------------------------------------------------------------------------------

    def _Literal(self, node: ast.Literal):
        if node.type == NUM:
            return (f"CAST(%s AS {self.double})" if self.vendor == "postgresql" else "%s"), [float(node.value)]
        return "%s", [node.value]

    def _Field(self, node: ast.Field):
        return node.spec.sql(self)

    # --- operators ------------------------------------------------------------------------------------------

    def _Not(self, node: ast.Not):
        sql, params = self.compile(node.operand)
        return f"(NOT {sql})", params

    def _BoolOp(self, node: ast.BoolOp):
        parts, params = [], []
        for operand in node.operands:
            sql, p = self.compile(operand)
            parts.append(sql)
            params += p
        return "(" + f" {node.op.upper()} ".join(parts) + ")", params

    def _Compare(self, node: ast.Compare):
        left, lp = self.compile(node.left)
        right, rp = self.compile(node.right)
        return f"({left} {SQL_OPS[node.op]} {right})", lp + rp

    def _InList(self, node: ast.InList):
        operand, params = self.compile(node.operand)
        marks = []
        for item in node.values:
            sql, p = self.compile(item)
            marks.append(sql)
            params += p
        sql = f"({operand} IN ({', '.join(marks)}))"
        return (f"(NOT {sql})" if node.negated else sql), params

    def _as_double(self, sql: str) -> str:
        return f"CAST({sql} AS {self.double})"

    def _Arith(self, node: ast.Arith):
        left, lp = self.compile(node.left)
        right, rp = self.compile(node.right)
        left, right = self._as_double(left), self._as_double(right)
        if node.op == "/":
            return f"({left} / NULLIF({right}, 0))", lp + rp
        return f"({left} {node.op} {right})", lp + rp

    def _Negate(self, node: ast.Negate):
        sql, params = self.compile(node.operand)
        return f"(-{sql})", params

    def _Aggregate(self, node: ast.Aggregate):
        predicate, params = self.compile(node.predicate)
        m = self.member
        base = (f"FROM {PERSON_TABLE} {m} WHERE {m}.household_id = {self.household}.id AND {m}.status = %s")
        params = [PersonStatus.ALIVE.value, *params]
        if node.func == "any":
            return f"EXISTS (SELECT 1 {base} AND {predicate})", params
        if node.func == "all":
            return f"(NOT EXISTS (SELECT 1 {base} AND ({predicate}) IS NOT TRUE))", params
        return f"(SELECT COUNT(*) {base} AND {predicate})", params

    # --- derived values (named by fields.py) ----------------------------------------------------------------

    def income_per_capita_sql(self) -> tuple[str, list]:
        h = self.household
        return f"({self._as_double(f'{h}.monthly_income')} / NULLIF({h}.member_count, 0))", []

    def extreme_poor_sql(self) -> tuple[str, list]:
        sql, params = self.income_per_capita_sql()
        return f"({sql} < %s)", [*params, float(self.context.extreme_line)]

    def age_sql(self) -> tuple[str, list]:
        """Whole years between the birth date and context.today, as registry.vulnerability.age_on counts them."""
        today, b = self.context.today, f"{self.member}.birth_date"
        if self.vendor == "sqlite":
            year = f"CAST(SUBSTR({b}, 1, 4) AS INTEGER)"
            month_day = f"CAST(SUBSTR({b}, 6, 2) || SUBSTR({b}, 9, 2) AS INTEGER)"
        else:
            year = f"CAST(EXTRACT(YEAR FROM {b}) AS INTEGER)"
            month_day = f"CAST(EXTRACT(MONTH FROM {b}) * 100 + EXTRACT(DAY FROM {b}) AS INTEGER)"
        sql = f"(%s - {year} - (CASE WHEN {month_day} > %s THEN 1 ELSE 0 END))"
        return sql, [today.year, today.month * 100 + today.day]


def compile_rule(rule, *, vendor: str, context: RuleContext, **aliases) -> tuple[str, list]:
    return SqlCompiler(vendor=vendor, context=context, **aliases).compile(rule.tree)
