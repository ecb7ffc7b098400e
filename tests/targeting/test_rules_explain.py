"""The *why* of one household: each clause, passed or failed, with the values seen."""

from datetime import date

from berdaya.registry.models import Household
from berdaya.targeting.rules import explain, household_facts, parse_rule
from tests.targeting.conftest import CONTEXT
from tests.targeting.strategies import insert

HEAD = {"birth_date": date(1970, 1, 1), "sex": "L", "relationship": 1, "marital_status": 2, "education": 3,
        "occupation": 9, "disability": "", "pregnant": False, "monthly_income": None, "status": "alive"}
RULE = 'desil <= 4 and bps_criteria_met >= 9 and not any(member.occupation == "PNS")'


def _why(score_model, data, members, text=RULE):
    [pk] = insert([(data, members, None)], score_model)
    household = Household.objects.get(pk=pk)
    facts = household_facts(household, members=list(household.members.all()), context=CONTEXT)
    return explain(parse_rule(text), facts)


def test_it_names_the_failing_clause_with_the_value_seen(db, score_model):
    data = {"village_id": "33.16.01.2001", "official_desil": 3, "bps_criteria_met": 7}
    why = _why(score_model, data, [HEAD])
    assert not why.qualifies
    [failing] = why.failing
    assert failing.text == "bps_criteria_met >= 9"
    assert failing.values == [("bps_criteria_met", "7")]
    passed = [c.text for c in why.root.children if c.passed]
    assert passed == ["desil <= 4", 'not any(member.occupation == "PNS")']


def test_it_shows_which_member_made_an_aggregate_fail(db, score_model):
    data = {"village_id": "33.16.01.2001", "official_desil": 2, "bps_criteria_met": 11}
    pns = {**HEAD, "relationship": 4, "occupation": 5, "birth_date": date(1996, 3, 3)}
    why = _why(score_model, data, [HEAD, pns])
    [failing] = why.failing
    assert failing.text.startswith("not any(")
    [(name, value)] = failing.values
    assert name == "any(…)" and value.startswith("1 dari 2 anggota memenuhi") and "Anggota 1" in value


def test_it_says_the_desil_is_the_official_one_when_the_record_has_it(db, score_model):
    why = _why(score_model, {"village_id": "33.16.01.2001", "official_desil": 3, "bps_criteria_met": 10}, [HEAD])
    assert ("desil", "3 (resmi DTSEN)") in why.root.children[0].values
    assert why.qualifies


def test_a_missing_value_is_shown_as_missing_and_the_clause_as_unknown(db, score_model):
    why = _why(score_model, {"village_id": "33.16.01.2001", "bps_criteria_met": 10}, [HEAD])
    first = why.root.children[0]
    assert first.outcome is None and first.values == [("desil", "tidak ada data")]
    assert not why.qualifies and first in why.failing


def test_an_or_group_is_shown_with_its_parts(db, score_model):
    text = "(desil <= 2 or extreme_poor) and has_car == false"
    why = _why(score_model, {"village_id": "33.16.01.2001", "official_desil": 6, "monthly_income": 300_000,
                             "member_count": 3, "has_car": False}, [HEAD], text)
    group = why.root.children[0]
    assert group.op == "or" and group.passed
    assert [(c.text, c.outcome) for c in group.children] == [("desil <= 2", False), ("extreme_poor", True)]
