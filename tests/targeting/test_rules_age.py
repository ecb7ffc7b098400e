"""Ages in rules are whole years on the day the rule is evaluated, the same in SQL and in Python (birthdays,
29 February)."""

from datetime import date

import pytest

from berdaya.registry.models import Household
from berdaya.targeting.rules import RuleContext, household_facts, parse_rule, qualifies
from berdaya.targeting.selectors import apply_rule
from tests.targeting.strategies import insert

MEMBER = {"sex": "P", "relationship": 1, "marital_status": 2, "education": 3, "occupation": 9, "disability": "",
          "pregnant": False, "monthly_income": None, "status": "alive"}


@pytest.mark.parametrize("born,today,is_60", [
    (date(1966, 6, 15), date(2026, 6, 15), True),  # the 60th birthday is today
    (date(1966, 6, 16), date(2026, 6, 15), False),  # tomorrow
    (date(1964, 2, 29), date(2024, 2, 29), True),
    (date(1964, 2, 29), date(2025, 2, 28), True),  # turns 61 on 1 March in a common year; 60 all along here
    (date(1965, 3, 1), date(2025, 2, 28), False),
])
def test_a_member_turning_60_counts_from_the_birthday(db, score_model, born, today, is_60):
    [pk] = insert([({"village_id": "33.16.01.2001"}, [{**MEMBER, "birth_date": born}], None)], score_model)
    rule = parse_rule("any(member.age >= 60)")
    context = RuleContext(today=today, extreme_line=391_000.0)
    in_sql = apply_rule(Household.objects.filter(pk=pk), rule, context=context).exists()
    household = Household.objects.get(pk=pk)
    in_python = qualifies(rule, household_facts(household, members=list(household.members.all()), context=context))
    assert in_sql is in_python is is_60


def test_members_no_longer_alive_are_not_counted(db, score_model, context):
    gone = {**MEMBER, "birth_date": date(1930, 1, 1), "status": "deceased"}
    young = {**MEMBER, "birth_date": date(1990, 1, 1)}
    [pk] = insert([({"village_id": "33.16.01.2001"}, [gone, young], None)], score_model)
    qs = Household.objects.filter(pk=pk)
    assert not apply_rule(qs, parse_rule("any(member.age >= 60)"), context=context).exists()
    assert apply_rule(qs, parse_rule("count(member.age >= 0) == 1 and all(member.age < 60)"),
                      context=context).exists()
