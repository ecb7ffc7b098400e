"""registry/validation.py: what a form, a service and an import refuse, and what they accept with a review flag."""

from datetime import date, timedelta

import pytest

from berdaya.registry.services import district_exists
from berdaya.registry.validation import check_kk, check_person

TODAY = date(2026, 11, 24)
NIK_WOMAN_5_MAY_1990 = "3316014505900001"


def check(nik=NIK_WOMAN_5_MAY_1990, sex="P", birth_date=date(1990, 5, 5), **extra):
    return check_person(nik=nik, sex=sex, birth_date=birth_date, today=TODAY, **extra)


def test_a_person_whose_nik_agrees_with_the_record_passes_without_flags():
    result = check()
    assert result.ok and result.flags == []
    assert result.cleaned["nik"] == NIK_WOMAN_5_MAY_1990


def test_the_nik_is_cleaned_before_it_is_stored():
    assert check(nik="'3316 0145\u200b0590 0001").cleaned["nik"] == NIK_WOMAN_5_MAY_1990


@pytest.mark.parametrize("nik", [None, "", "  ", "0", "-", "\u200b", "\ufeff "])
def test_a_person_without_a_nik_is_accepted_and_flagged_for_follow_up(nik):
    result = check(nik=nik)
    assert result.ok
    assert result.cleaned["nik"] == ""
    assert [code for code, _m in result.flags] == ["nik_missing"]


def test_a_broken_nik_is_refused_on_the_nik_field():
    result = check(nik="331601450590001")
    assert not result.ok
    assert "16" in result.errors["nik"]


def test_a_nik_mangled_by_excel_is_refused_with_the_explanation():
    result = check(nik="3.31601E+15")
    assert "Excel" in result.errors["nik"]


def test_a_sex_that_disagrees_with_the_nik_is_a_review_flag_not_a_refusal():
    result = check(sex="L")
    assert result.ok
    assert [code for code, _m in result.flags] == ["nik_sex_mismatch"]


def test_a_birth_date_that_disagrees_with_the_nik_is_a_review_flag_not_a_refusal():
    result = check(birth_date=date(1990, 5, 6))
    assert result.ok
    [(code, message)] = result.flags
    assert code == "nik_birthdate_mismatch"
    assert "06/05/1990" in message


def test_a_birth_date_in_the_future_is_refused():
    result = check(nik="", birth_date=TODAY + timedelta(days=1))
    assert "masa depan" in result.errors["birth_date"]


def test_a_birth_date_of_today_is_accepted():
    assert check(nik="", birth_date=TODAY).ok


def test_a_birth_date_more_than_130_years_ago_is_refused():
    assert "birth_date" in check(nik="", birth_date=date(1890, 1, 1)).errors


@pytest.mark.parametrize("sex", ["", None, "X", "l"])
def test_a_sex_other_than_l_or_p_is_refused(sex):
    assert "sex" in check(nik="", sex=sex).errors


def test_a_man_cannot_be_marked_pregnant():
    assert "pregnant" in check(nik="", sex="L", pregnant=True).errors
    assert check(nik="", sex="P", pregnant=True).ok


@pytest.mark.django_db
def test_a_kk_whose_first_six_digits_are_a_district_of_the_region_list_is_accepted():
    result = check_kk("3316 0100 0000 0001", district_exists=district_exists)
    assert result.ok
    assert result.cleaned["kk_number"] == "3316010000000001"


@pytest.mark.django_db
@pytest.mark.parametrize("kk", [
    "3316170000000001",  # Blora has 16 districts
    "3575050000000001",  # Kota Pasuruan has 4
    "3316000000000001",
    "9999990000000001",
])
def test_a_kk_whose_first_six_digits_are_not_a_real_district_is_refused(kk):
    result = check_kk(kk, district_exists=district_exists)
    assert not result.ok
    assert f"{kk[0:2]}.{kk[2:4]}.{kk[4:6]}" in result.errors["kk_number"]


@pytest.mark.django_db
def test_a_village_code_is_not_a_district():
    assert not district_exists("33.16.01.2001")
    assert district_exists("35.75.01")


@pytest.mark.parametrize("kk", ["331601000000001", "3.31601E+15", ""])
def test_a_kk_that_is_not_16_digits_is_refused_before_any_lookup(kk):
    def lookup(code):
        raise AssertionError("no lookup for a malformed KK")

    result = check_kk(kk, district_exists=lookup)
    assert "kk_number" in result.errors
