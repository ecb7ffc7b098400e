"""One household's values under the names rules use: what the evaluator and the *why* explanation read.

The derived values are defined here exactly as compiler.py computes them in SQL (same order of operations, same
handling of missing values), so the evaluator and the database agree to the last bit.
"""

from __future__ import annotations

from datetime import date

from berdaya.registry.codes import PersonStatus
from berdaya.registry.vulnerability import age_on
from berdaya.targeting.rules.context import RuleContext
from berdaya.targeting.rules.fields import household_fields

# Household fields read straight from the model (the others are derived below).
_DIRECT_SKIP = {"desil", "computed_desil", "welfare_score", "priority_score", "income_per_capita", "extreme_poor",
                "village_code", "district_code", "regency_code"}


def income_per_capita(monthly_income, member_count) -> float | None:
    if monthly_income is None or not member_count:
        return None
    return float(monthly_income) / member_count


def household_facts(household, *, score=None, members=(), context: RuleContext) -> dict:
    """`household`: a registry Household; `score`: its HouseholdScore or None; `members`: its Person rows."""
    facts = {name: getattr(household, name) for name in household_fields() if name not in _DIRECT_SKIP}
    computed = getattr(score, "computed_desil", None)
    ipc = income_per_capita(household.monthly_income, household.member_count)
    facts.update(
        desil=household.official_desil if household.official_desil is not None else computed,
        computed_desil=computed,
        welfare_score=getattr(score, "welfare_score", None),
        priority_score=getattr(score, "priority_score", None),
        income_per_capita=ipc,
        extreme_poor=None if ipc is None else ipc < float(context.extreme_line),
        village_code=household.village_id,
        district_code=household.village_id[:8],
        regency_code=household.village_id[:5],
    )
    facts["_members"] = [member_facts(p, today=context.today) for p in members if p.status == PersonStatus.ALIVE]
    return facts


def member_facts(person, *, today: date) -> dict:
    return {
        "age": age_on(person.birth_date, today),
        "sex": person.sex,
        "relationship": person.relationship,
        "marital_status": person.marital_status,
        "education": person.education,
        "occupation": person.occupation,
        "disability": person.disability,
        "disabled": person.disability != "",
        "pregnant": person.pregnant,
        "monthly_income": person.monthly_income,
        "_name": person.name,
    }
