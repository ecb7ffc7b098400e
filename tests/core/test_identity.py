"""NIK and KK rules of ../shared/domain.md ("Identity numbers and regions"), on core/identity.py."""

import string
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from berdaya.core.identity import (
    IdentityError,
    clean_number,
    kk_district_code,
    make_nik,
    mask_name,
    mask_number,
    nik_mismatches,
    parse_kk,
    parse_nik,
)

WOMAN_5_MAY_1990 = "3316014505900001"
MAN_17_MAY_1980 = "3316011705800001"


def refusal_code(raw) -> str:
    with pytest.raises(IdentityError) as exc:
        parse_nik(raw)
    return exc.value.code


# --- Cleaning -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [
    "\u200b3316014505900001",  # zero-width space from a civil-registry extract
    "3316014505900001\ufeff",  # byte-order mark
    "33160145\u20600590\u200c0001",  # word joiner, zero-width non-joiner
    "'3316014505900001",  # Excel's "store as text" apostrophe
    "3316 0145 0590 0001",
    "\u00a03316014505900001\u00a0",  # no-break spaces
    " 3316014505900001\n",
    "\uff13\uff13\uff11\uff16014505900001",  # full-width digits (NFKC)
])
def test_it_strips_invisible_characters_apostrophes_and_spaces(raw):
    assert clean_number(raw) == WOMAN_5_MAY_1990
    assert parse_nik(raw).nik == WOMAN_5_MAY_1990


@pytest.mark.parametrize("raw", ["3.31601E+15", "3,31601E+15", "3.31601e+15", " 3.3160145059E+15 "])
def test_it_refuses_a_nik_that_excel_turned_into_scientific_notation_and_says_why(raw):
    with pytest.raises(IdentityError) as exc:
        parse_nik(raw)
    assert exc.value.code == "excel_scientific"
    assert "Excel" in str(exc.value.message)
    assert "teks" in str(exc.value.message)  # tells the user to store the column as text


# --- Length and digits ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [
    "331601450590001",  # 15 digits
    "33160145059000011",  # 17 digits
    "",
    "33160145059O0001",  # letter O typed for a zero
    "NIK 3316014505900001",
    "\u0663\u0663\u0661\u0666\u0660\u0661\u0664\u0665\u0660\u0665\u0669\u0660\u0660\u0660\u0660\u0661",  # Arabic-Indic
])
def test_it_refuses_anything_that_is_not_16_digits_after_cleaning(raw):
    assert refusal_code(raw) == "length"


def test_it_says_how_many_characters_it_found():
    with pytest.raises(IdentityError) as exc:
        parse_nik("331601450590001")
    assert "16" in str(exc.value.message)
    assert "15" in str(exc.value.message)


def test_it_refuses_none():
    assert refusal_code(None) == "length"


# --- Region part ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("nik", [
    "6501014505900001",  # Kalimantan Utara (Bulungan): rejected by python-stdnum
    "9201011705800001",  # Sorong (Papua Barat before 2022): old NIKs keep it
    "9301011705800001",  # Merauke (Papua Selatan)
])
def test_it_accepts_real_prefixes_that_other_checkers_reject(nik):
    assert parse_nik(nik).district_code == f"{nik[0:2]}.{nik[2:4]}.{nik[4:6]}"


@pytest.mark.parametrize("nik", ["0016011705800001", "1016011705800001", "3300011705800001", "3316001705800001"])
def test_it_refuses_a_region_part_that_cannot_exist(nik):
    assert refusal_code(nik) == "region"


# --- Birth date and sex ---------------------------------------------------------------------------------------


def test_a_day_below_41_is_a_man():
    info = parse_nik(MAN_17_MAY_1980)
    assert (info.sex, info.birth_day, info.birth_month, info.birth_yy) == ("L", 17, 5, 80)


def test_a_day_of_41_to_71_is_a_woman_whose_day_is_40_less():
    info = parse_nik(WOMAN_5_MAY_1990)
    assert (info.sex, info.birth_day, info.birth_month, info.birth_yy) == ("P", 5, 5, 90)


@pytest.mark.parametrize(("day", "sex", "birth_day"),
                         [("01", "L", 1), ("31", "L", 31), ("41", "P", 1), ("71", "P", 31)])
def test_it_accepts_the_first_and_last_day_of_a_month_for_both_sexes(day, sex, birth_day):
    info = parse_nik(f"331601{day}01850001")
    assert (info.sex, info.birth_day) == (sex, birth_day)


@pytest.mark.parametrize("day", ["00", "32", "40", "72", "99"])
def test_it_refuses_a_day_outside_1_to_31_and_41_to_71(day):
    assert refusal_code(f"331601{day}01850001") == "day"


@pytest.mark.parametrize("month", ["00", "13", "20", "99"])
def test_it_refuses_a_month_outside_01_to_12(month):
    assert refusal_code(f"33160117{month}850001") == "month"


@pytest.mark.parametrize("nik", [
    "3316012902000001",  # 29 Feb 2000 (leap; 1900 was not)
    "3316016902040001",  # a woman born 29 Feb 1904 or 2004
    "3316012902960001",  # 29 Feb 1996
])
def test_it_accepts_29_february_where_a_leap_year_is_possible(nik):
    assert parse_nik(nik).birth_day == 29


@pytest.mark.parametrize("nik", [
    "3316012902010001",  # neither 1901 nor 2001 is a leap year
    "3316016902990001",
    "3316013002000001",  # there is no 30 February
    "3316013104900001",  # nor a 31 April
    "3316017106900001",  # nor a woman's 31 June
])
def test_it_refuses_a_day_that_does_not_exist_in_that_month(nik):
    assert refusal_code(nik) == "day"


def test_it_offers_both_centuries_for_the_birth_year():
    assert parse_nik("3316012902000001").birth_date_candidates() == [date(2000, 2, 29)]  # 1900 was not leap
    assert parse_nik(MAN_17_MAY_1980).birth_date_candidates() == [date(1980, 5, 17), date(2080, 5, 17)]


def test_it_refuses_serial_0000():
    assert refusal_code("3316011705800000") == "serial"


# --- Agreement with the record: a review flag, not a refusal --------------------------------------------------


def test_a_nik_that_agrees_with_the_record_raises_no_flag():
    assert nik_mismatches(parse_nik(WOMAN_5_MAY_1990), birth_date=date(1990, 5, 5), sex="P") == []


def test_the_century_is_taken_from_the_recorded_birth_date():
    assert nik_mismatches(parse_nik("3316011705200001"), birth_date=date(1920, 5, 17), sex="L") == []
    assert nik_mismatches(parse_nik("3316011705200001"), birth_date=date(2020, 5, 17), sex="L") == []


def test_a_sex_that_disagrees_with_the_nik_is_reported_with_its_reason():
    [(code, reason)] = nik_mismatches(parse_nik(WOMAN_5_MAY_1990), birth_date=date(1990, 5, 5), sex="L")
    assert code == "nik_sex_mismatch"
    assert "perempuan" in reason and "laki-laki" in reason


def test_a_birth_date_that_disagrees_with_the_nik_is_reported_with_both_dates():
    [(code, reason)] = nik_mismatches(parse_nik(MAN_17_MAY_1980), birth_date=date(1980, 5, 18), sex="L")
    assert code == "nik_birthdate_mismatch"
    assert "17/05/80" in reason and "18/05/1980" in reason


def test_both_mismatches_are_reported_together():
    codes = [c for c, _r in nik_mismatches(parse_nik(MAN_17_MAY_1980), birth_date=date(1981, 5, 17), sex="P")]
    assert codes == ["nik_sex_mismatch", "nik_birthdate_mismatch"]


# --- KK -------------------------------------------------------------------------------------------------------


def test_a_kk_is_16_digits_and_its_first_six_name_the_issuing_district():
    kk = parse_kk("\u200b'3316 0100 0000 0001")
    assert kk == "3316010000000001"
    assert kk_district_code(kk) == "33.16.01"


@pytest.mark.parametrize("raw", ["331601000000001", "33160100000000011", "", None, "KK3316010000000001"])
def test_it_refuses_a_kk_that_is_not_16_digits(raw):
    with pytest.raises(IdentityError) as exc:
        parse_kk(raw)
    assert exc.value.code == "length"
    assert "16" in str(exc.value.message)


def test_it_refuses_a_kk_that_excel_turned_into_scientific_notation():
    with pytest.raises(IdentityError) as exc:
        parse_kk("3.31601E+15")
    assert exc.value.code == "excel_scientific"
    assert "Excel" in str(exc.value.message)


# --- Masking --------------------------------------------------------------------------------------------------


def test_masking_keeps_the_first_and_last_four_digits():
    assert mask_number(WOMAN_5_MAY_1990) == "3316********0001"
    assert mask_number("") == ""


def test_masking_a_name_keeps_the_first_and_last_letter_of_each_word():
    assert mask_name("WAHYUNI LESTARI") == "W*****I L*****I"
    assert mask_name("Al") == "A*"


# --- Properties -----------------------------------------------------------------------------------------------

district_codes = st.builds(
    lambda p, r, d: f"{p:02d}.{r:02d}.{d:02d}",
    st.integers(11, 99), st.integers(1, 99), st.integers(1, 99),
)
birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))
sexes = st.sampled_from(["L", "P"])
serials = st.integers(1, 9999)
invisible = st.sampled_from(["", " ", "\u200b", "\ufeff", "\u00a0", "\u2060", "\t"])


@settings(deadline=None)
@given(district=district_codes, born=birth_dates, sex=sexes, serial=serials)
def test_make_nik_then_parse_nik_gives_back_what_went_in(district, born, sex, serial):
    info = parse_nik(make_nik(district_code=district, birth_date=born, sex=sex, serial=serial))
    assert info.district_code == district
    assert (info.birth_day, info.birth_month, info.birth_yy) == (born.day, born.month, born.year % 100)
    assert info.sex == sex
    assert info.serial == f"{serial:04d}"
    assert born in info.birth_date_candidates()
    assert nik_mismatches(info, birth_date=born, sex=sex) == []


@settings(deadline=None)
@given(district=district_codes, born=birth_dates, sex=sexes, serial=serials,
       noise=st.lists(st.tuples(st.integers(0, 16), invisible), max_size=4), apostrophe=st.booleans())
def test_invisible_characters_anywhere_do_not_change_the_parsed_nik(district, born, sex, serial, noise, apostrophe):
    nik = make_nik(district_code=district, birth_date=born, sex=sex, serial=serial)
    dirty = list(nik)
    for position, char in sorted(noise, reverse=True):
        dirty.insert(position, char)
    raw = ("'" if apostrophe else "") + "".join(dirty)
    assert parse_nik(raw).nik == nik


@settings(deadline=None)
@given(digits=st.text(alphabet=string.digits, max_size=30).filter(lambda s: len(s) != 16))
def test_a_digit_string_of_any_other_length_is_refused_for_its_length(digits):
    assert refusal_code(digits) == "length"


other_script_digits = st.text(alphabet=st.characters(categories=["Nd"]), min_size=16, max_size=16)


@settings(deadline=None)
@given(raw=st.one_of(st.text(), other_script_digits))
def test_any_text_that_is_not_16_digits_after_cleaning_is_refused(raw):
    cleaned = clean_number(raw)
    if len(cleaned) == 16 and all(c in string.digits for c in cleaned):
        return  # a 16-digit text is judged on its structure, by the tests above
    with pytest.raises(IdentityError):
        parse_nik(raw)


near_niks = st.builds(
    lambda digits, extra, pos: digits[:pos] + extra + digits[pos:],
    st.text(alphabet=string.digits, min_size=14, max_size=18), st.text(max_size=3), st.integers(0, 18),
)


@settings(deadline=None)
@given(raw=st.one_of(st.text(), near_niks, other_script_digits, st.text(alphabet=string.digits, min_size=16,
                                                                         max_size=16)))
def test_parsing_arbitrary_text_raises_nothing_but_an_identity_error(raw):
    try:
        info = parse_nik(raw)
    except IdentityError as exc:
        assert exc.code in {"excel_scientific", "length", "region", "month", "day", "serial"}
        assert str(exc.message)
    else:
        assert len(info.nik) == 16 and all(c in string.digits for c in info.nik)
        assert 1 <= info.birth_day <= 31 and 1 <= info.birth_month <= 12 and info.serial != "0000"
