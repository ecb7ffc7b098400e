"""Parsing and checking rules: what the language accepts, and how it refuses the rest (with line, column, caret)."""

import pytest

from berdaya.targeting.rules import RuleError, parse_rule
from berdaya.targeting.rules import ast as rule_ast


def refusal(text: str) -> RuleError:
    with pytest.raises(RuleError) as caught:
        parse_rule(text)
    return caught.value


@pytest.mark.parametrize("text", [
    'desil <= 4 and bps_criteria_met >= 9 and not any(member.occupation == "PNS")',
    "income_per_capita < 600_000 or extreme_poor",
    'floor_material in ["tanah", "Bambu"] and lighting != "Bukan listrik (pelita, lampu minyak)"',
    "count(member.age >= 60) >= 1 and all(member.age < 80)",
    'any(member.sex == "P" and member.relationship == "Kepala Keluarga")',
    'any(member.education <= "SD" and member.relationship == "head")',
    "(monthly_income / member_count) * 12 < 7_200_000",
    '-welfare_score > -40 and district_code == "33.16.01"',
    "c01_floor_area_small\n  and vul_disability  # a comment\n",
    'not any(member.occupation in ["PNS", "TNI", "POLRI", 85])',
])
def test_it_accepts_the_documented_forms(text):
    assert parse_rule(text).tree.type == rule_ast.BOOL


def test_it_resolves_occupation_labels_to_their_codes():
    rule = parse_rule('any(member.occupation == "PNS")')
    literal = rule.tree.predicate.right
    assert literal.value == 5


def test_it_names_the_unknown_field_with_a_suggestion_and_points_at_it():
    error = refusal("desil <= 4 and bps_criteria_mett >= 9")
    assert (error.line, error.column) == (1, 16)
    assert "bps_criteria_mett" in error.message and "bps_criteria_met?" in error.message
    assert error.excerpt.splitlines() == ["desil <= 4 and bps_criteria_mett >= 9", " " * 15 + "^"]


def test_it_points_at_the_right_line_of_a_rule_written_on_several_lines():
    error = refusal("desil <= 4\nand any(member.occupation == \"Astronot\")")
    assert error.line == 2 and "Astronot" in error.message
    assert error.full_message.startswith("Baris 2, kolom 30")


def test_it_explains_a_single_equals_sign():
    error = refusal("desil = 4")
    assert (error.line, error.column) == (1, 7) and "==" in error.message


def test_it_refuses_a_rule_that_ends_too_early():
    error = refusal("desil <= 4 and")
    assert "berakhir" in error.message and error.column == 15


@pytest.mark.parametrize("text", ['__import__("os")', 'eval("1")', "open(desil)", "exec(desil > 1)",
                                  "getattr(desil)", "max(member.age) > 3"])
def test_it_refuses_functions_outside_the_whitelist(text):
    error = refusal(text)
    assert "any, all, count" in error.message or "Tidak terduga" in error.message


@pytest.mark.parametrize("text", ["desil.__class__ == 1", "member.__class__", "household.village.name == 'x'",
                                  "any(member.__dict__ == 1)", "().__class__", "desil[0] > 1", "lambda: 1",
                                  "desil if true else 1", "'a' + 'b' == 'ab'", "{'a': 1}", "`ls`", "desil; 1"])
def test_it_refuses_attribute_access_and_python_syntax(text):
    refusal(text)


def test_it_refuses_member_fields_outside_an_aggregate():
    assert "any()" in refusal("member.age > 60").message


def test_it_refuses_nested_aggregates():
    assert "tidak boleh" in refusal("any(member.age > 3 and count(member.pregnant) > 1)").message


@pytest.mark.parametrize("text,words", [
    ("has_car + 1 > 2", "hanya untuk angka"),
    ("desil", "ya/tidak"),
    ('desil == "empat"', "membandingkan"),
    ('floor_material < "tanah"', "tidak berurutan"),
    ("has_car < true", "== atau !="),
    ('any(member.sex == 1)', "bukan nilai"),
    ("desil and has_car", "ya/tidak"),
    ("desil in []", "kosong"),
    ("desil < 3 < 4", "berantai"),
])
def test_it_refuses_wrong_types(text, words):
    assert words in refusal(text).message


@pytest.mark.parametrize("text", [
    "village_code == \"'; DROP TABLE registry_household; --\"",
    'any(member.occupation == "5); DELETE FROM registry_person; --")',
    'floor_material == "tanah\' OR 1=1 --"',
])
def test_sql_in_a_string_literal_is_either_refused_or_kept_as_a_plain_value(text):
    try:
        rule = parse_rule(text)
    except RuleError:
        return
    literals = [n for n in rule_ast.walk(rule.tree) if isinstance(n, rule_ast.Literal)]
    assert any("DROP TABLE" in str(n.value) for n in literals)  # a value to bind, never SQL


def test_it_refuses_an_unterminated_string():
    assert "kutip" in refusal('village_code == "33.16').message


def test_it_refuses_an_empty_rule():
    assert "kosong" in refusal("   ").message


def test_it_refuses_a_huge_rule_before_parsing_it():
    assert "terlalu panjang" in refusal("desil <= 4 and " * 1000 + "has_car").message


def test_it_refuses_deep_nesting_without_blowing_the_stack():
    assert "kurung" in refusal("(" * 500 + "has_car" + ")" * 500).message
    assert "dalam" in refusal("not " * 900 + "has_car").message
    assert "dalam" in refusal("1" + " + 1" * 900 + " > 0").message


def test_it_refuses_too_many_parts():
    assert "rumit" in refusal(" or ".join(["1<2"] * 500)).message


def test_it_refuses_huge_numbers_and_long_lists_and_strings():
    assert "terlalu besar" in refusal("monthly_income > 99999999999999999999").message
    assert "terlalu panjang" in refusal("desil in [" + ", ".join(["1"] * 201) + "]").message
    assert "terlalu panjang" in refusal('village_code == "' + "x" * 200 + '"').message


def test_it_refuses_invisible_characters():
    error = refusal("desil <= 4\x00 and has_car")
    assert error.column == 11


def test_the_rule_lists_the_fields_it_reads_and_whether_it_needs_scores():
    rule = parse_rule('desil <= 4 and not any(member.occupation == "PNS")')
    assert rule.field_names == ["desil", "member.occupation"]
    assert rule.uses_score
    assert not parse_rule("bps_criteria_met >= 9").uses_score


def test_the_examples_of_the_reference_parse():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "targeting.md").read_text()
    block = text.split("### Examples", 1)[1].split("```", 2)[1]
    rules = [r.strip() for r in block.split("\n\n") if r.strip()]
    assert len(rules) == 3
    for rule in rules:
        parse_rule(rule)
