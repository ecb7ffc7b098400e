"""The compiled SQL and the Python evaluator give the same answer, on generated households and generated rules,
on the database the suite runs on (SQLite and PostgreSQL)."""

from datetime import date

from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from berdaya.registry.models import Household
from berdaya.targeting.models import HouseholdScore
from berdaya.targeting.rules import RuleContext, household_facts, parse_rule, qualifies
from berdaya.targeting.selectors import apply_rule
from tests.targeting import strategies

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                            HealthCheck.too_slow])


def _python_answer(ids, rule, context) -> set[int]:
    households = Household.objects.filter(pk__in=ids).prefetch_related("members")
    scores = {s.household_id: s for s in HouseholdScore.objects.filter(household_id__in=ids)}
    return {hh.pk for hh in households
            if qualifies(rule, household_facts(hh, score=scores.get(hh.pk), members=list(hh.members.all()),
                                               context=context))}


def _sql_answer(ids, rule, context) -> set[int]:
    return set(apply_rule(Household.objects.filter(pk__in=ids), rule, context=context).values_list("pk", flat=True))


@SETTINGS
@given(population=st.lists(strategies.household(), min_size=1, max_size=8), text=strategies.rule_text(),
       today=st.sampled_from([date(2026, 6, 15), date(2024, 2, 29), date(2025, 1, 1)]))
def test_the_database_and_the_evaluator_select_the_same_households(db, score_model, population, text, today):
    rule = parse_rule(text)
    context = RuleContext(today=today, extreme_line=391_000.0)
    with transaction.atomic():
        ids = strategies.insert(population, score_model)
        try:
            assert _sql_answer(ids, rule, context) == _python_answer(ids, rule, context), (text, connection.vendor)
        finally:
            transaction.set_rollback(True)


def test_a_known_population_gives_the_expected_answer(db, score_model, context):
    """A fixed case, so the property above cannot pass by both sides being wrong the same way."""
    from tests.targeting.strategies import insert

    poor = {"village_id": "33.16.01.2001", "official_desil": 2, "bps_criteria_met": 10, "member_count": 2,
            "monthly_income": 500_000}
    civil_servant_home = {**poor}
    rich = {**poor, "official_desil": 8}
    head = {"birth_date": date(1970, 1, 1), "sex": "L", "relationship": 1, "marital_status": 2, "education": 3,
            "occupation": 9, "disability": "", "pregnant": False, "monthly_income": None, "status": "alive"}
    pns = {**head, "relationship": 4, "occupation": 5, "birth_date": date(1995, 1, 1)}
    ids = insert([(poor, [head], None), (civil_servant_home, [head, pns], None), (rich, [head], None)], score_model)
    rule = parse_rule('desil <= 4 and bps_criteria_met >= 9 and not any(member.occupation == "PNS")')
    assert _sql_answer(ids, rule, context) == _python_answer(ids, rule, context) == {ids[0]}
