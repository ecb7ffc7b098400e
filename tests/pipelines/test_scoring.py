"""berdaya.pipelines.scoring on small fixtures: DuckDB in, DuckDB out, no Django."""

import subprocess
import sys
from datetime import date

import duckdb
import pyarrow as pa
import pytest

from berdaya.pipelines import scoring

TODAY = date(2026, 6, 15)
NON_WORKING = [1, 2, 3, 4]


def households(*rows):
    return pa.Table.from_pylist([{"village_id": "33.16.01.2001", "member_count": 1, **r} for r in rows],
                                schema=scoring.arrow_schema(scoring.HOUSEHOLD_COLUMNS))


def members(*rows):
    defaults = {"sex": "L", "relationship": 4, "education": None, "occupation": None, "disability": ""}
    return pa.Table.from_pylist([{**defaults, **r} for r in rows], schema=scoring.arrow_schema(scoring.MEMBER_COLUMNS))


def run(hh, mm=None, *, weights, extreme_line=391_000.0, **options) -> dict[int, dict]:
    con = duckdb.connect()
    con.register("households", hh)
    con.register("members", mm if mm is not None else scoring.empty_members_table())
    result = scoring.score_households(con, weights=weights, today=TODAY, extreme_line=extreme_line,
                                      non_working=NON_WORKING, **options).to_pylist()
    return {row["id"]: row for row in result}


def test_the_welfare_score_is_the_base_plus_the_weighted_indicators():
    weights = {"welfare": {"base": 50, "weights": {"c01": -3, "has_car": 10, "floor_material=tanah": -2}}}
    out = run(households({"id": 1, "c01": True, "has_car": False, "floor_material": "tanah"},
                         {"id": 2, "c01": False, "has_car": True, "floor_material": "keramik"},
                         {"id": 3, "c01": None, "has_car": None, "floor_material": None}), weights=weights)
    assert [out[i]["welfare_score"] for i in (1, 2, 3)] == [45.0, 60.0, 50.0]  # a missing value counts 0


def test_a_numeric_indicator_counts_up_to_its_cap():
    weights = {"welfare": {"weights": {"income_per_capita": 0.00001}, "caps": {"income_per_capita": 2_000_000}}}
    out = run(households({"id": 1, "monthly_income": 1_000_000, "member_count": 2},
                         {"id": 2, "monthly_income": 30_000_000, "member_count": 3},
                         {"id": 3, "monthly_income": 500_000, "member_count": 0}), weights=weights)
    assert [out[i]["welfare_score"] for i in (1, 2, 3)] == pytest.approx([5.0, 20.0, 0.0])


def test_member_aggregates_feed_the_score():
    weights = {"welfare": {"weights": {"children_under_15": 1, "elderly_65_plus": 10, "workers": 100,
                                       "head_education": 1000, "disabled_members": 10_000}}}
    mm = members({"household_id": 1, "birth_date": date(1980, 6, 15), "relationship": 1, "education": 5,
                  "occupation": 9},
                 {"household_id": 1, "birth_date": date(2011, 6, 16), "occupation": 3},  # 14 until tomorrow
                 {"household_id": 1, "birth_date": date(1961, 6, 15), "occupation": 1, "disability": "netra"},
                 {"household_id": 1, "birth_date": date(2000, 1, 1), "occupation": 2})  # working age, at home
    out = run(households({"id": 1}, {"id": 2}), mm, weights=weights)
    assert out[1]["welfare_score"] == 1 + 10 + 100 + 5000 + 10_000
    assert out[2]["welfare_score"] == 0


def test_the_desil_ranks_households_poorest_first_in_ten_equal_groups():
    hh = households(*({"id": i, "monthly_income": i * 100_000} for i in range(1, 21)))
    out = run(hh, weights={"welfare": {"weights": {"income_per_capita": 0.001}}})
    assert [out[i]["computed_desil"] for i in range(1, 21)] == [d for d in range(1, 11) for _ in (0, 1)]


def test_ties_are_broken_by_id_so_a_run_is_reproducible():
    out = run(households(*({"id": i} for i in (5, 3, 9, 1))), weights={"welfare": {"base": 1}})
    assert [out[i]["computed_desil"] for i in (1, 3, 5, 9)] == [1, 2, 3, 4]


def test_the_desil_can_be_ranked_within_each_village():
    hh = households(*({"id": i, "village_id": v, "monthly_income": i} for i, v in
                      [(1, "A"), (2, "A"), (3, "B"), (4, "B")]))
    out = run(hh, weights={"welfare": {"weights": {"income_per_capita": 1}}}, partition_by="village_id")
    assert [out[i]["computed_desil"] for i in (1, 2, 3, 4)] == [1, 2, 1, 2]


def test_the_official_desil_is_reported_as_the_source_when_the_household_has_one():
    out = run(households({"id": 1, "official_desil": 9}, {"id": 2}), weights={"welfare": {"base": 1}})
    assert (out[1]["desil_source"], out[2]["desil_source"]) == ("official", "computed")
    assert out[1]["computed_desil"] is not None  # still computed, for comparison


def test_the_priority_score_adds_the_weights_of_the_vulnerabilities_a_household_has():
    weights = {"priority": {"vul_disability": 3, "vul_woman_headed": 2, "extreme_poor": 4}}
    hh = households({"id": 1, "vul_disability": True, "vul_woman_headed": True, "monthly_income": 300_000},
                    {"id": 2, "vul_disability": False, "vul_woman_headed": True, "monthly_income": 391_000},
                    {"id": 3, "monthly_income": None})
    out = run(hh, weights=weights, extreme_line=391_000.0)
    assert [out[i]["priority_score"] for i in (1, 2, 3)] == [9.0, 2.0, 0.0]  # at the line is not below it


@pytest.mark.parametrize("weights", [
    {"welfare": {"weights": {"no_such_thing": 1}}},
    {"welfare": {"weights": {"colour=red": 1}}},
    {"welfare": {"weights": {"has_car": "1; DROP TABLE x"}}},
    {"welfare": {"weights": {"has_car": float("nan")}}},
    {"welfare": {"caps": {"nothing": 1}}},
    {"priority": {"c01": 1}},
])
def test_unknown_features_and_non_numbers_are_refused(weights):
    with pytest.raises(scoring.WeightsError):
        scoring.score_sql("households", "members", weights=weights, today=TODAY, extreme_line=1.0,
                          non_working=NON_WORKING)


def test_a_category_value_is_bound_not_pasted_into_the_sql():
    weights = {"welfare": {"weights": {"floor_material=x' OR 1=1 --": 7}}}
    out = run(households({"id": 1, "floor_material": "tanah"}), weights=weights)
    assert out[1]["welfare_score"] == 0


def test_the_pipeline_module_does_not_import_django():
    code = "import sys, berdaya.pipelines.scoring; sys.exit(1 if 'django' in sys.modules else 0)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
