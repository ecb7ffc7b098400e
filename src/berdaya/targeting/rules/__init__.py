"""The eligibility rule language: parse (grammar.lark + check.py), compile to SQL, evaluate in Python, explain.

    rule = parse_rule('desil <= 4 and not any(member.occupation == "PNS")')   # RuleError when refused
    sql, params = compile_rule(rule, vendor=connection.vendor, context=RuleContext.default())
    evaluate(rule.tree, household_facts(...)) / explain(rule, facts)

Reference: docs/targeting.md.
"""

from berdaya.targeting.rules.compiler import compile_rule
from berdaya.targeting.rules.context import RuleContext
from berdaya.targeting.rules.errors import RuleError
from berdaya.targeting.rules.evaluator import evaluate, qualifies
from berdaya.targeting.rules.explain import explain
from berdaya.targeting.rules.facts import household_facts
from berdaya.targeting.rules.parser import Rule, parse_rule

__all__ = ["Rule", "RuleContext", "RuleError", "compile_rule", "evaluate", "explain", "household_facts",
           "parse_rule", "qualifies"]
