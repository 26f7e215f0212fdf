"""Member rules: the ID number standard (GB 11643), its mask, the age to apply and the roster's age bands."""

from datetime import date

import pytest

from members import rules

TODAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        # GB 11643-1999: 17 digits, then the ISO 7064 MOD 11-2 check character.
        ("11010519491231002X", True),  # the standard's own example, check character X
        ("11010519491231002x", True),  # a lower-case x is the same number
        ("440524188001010014", False),  # born in 1880: the birth date lies before 1900
        ("520102198506150038", True),
        (" 5201 0219 8506 150038 ", True),  # spaces typed for readability are ignored
        ("110105194912310021", False),  # wrong check character
        ("520102198506150039", False),  # wrong check digit
        ("520102198502300031", False),  # 30 February is not a date
        ("520102198513010037", False),  # month 13
        ("52010219850615003", False),  # 17 characters
        ("5201021985061500388", False),  # 19 characters
        ("52010219850615003Y", False),  # only X may stand in for a digit
        ("X20102198506150038", False),  # X only in the last place
        ("", False),
        # The birth date is a birth date (BIRTH_DATE_RANGE): from 1 January 1900 to today.
        ("520102300001010038", False),  # born in the year 3000, check character right
        ("520102202612080036", False),  # born tomorrow
        ("520102202612070030", True),  # born today
        ("520102190001010033", True),  # 1 January 1900
        ("520102189912310039", False),  # 31 December 1899
    ],
)
def test_id_number_check_digit_gb_11643(number, valid):
    """GB 11643: 18 characters, a real birth date in the birth-date range and the right check character (may be
    X)."""
    assert rules.id_number_valid(number, TODAY) is valid


@pytest.mark.parametrize(
    ("first17", "check"),
    [("11010519491231002", "X"), ("44052418800101001", "4"), ("52010219850615003", "8")],
)
def test_check_character_gb_11643(first17, check):
    """GB 11643 / ISO 7064 MOD 11-2: weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, remainder → 1 0 X 9 8 7 6 5 4 3 2."""
    assert rules.id_check_char(first17) == check


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("52010219850615123X", "5201**********123X"),
        ("52010219850615123x", "5201**********123X"),
        ("520102198506150038", "5201**********0038"),
        ("1234567", "*******"),
    ],
)
def test_mask_keeps_first_and_last_four(number, masked):
    """Masked everywhere as 5201**********123X: 4 characters, 10 stars, 4 characters."""
    assert rules.id_number_mask(number) == masked


def test_birth_date_is_read_from_the_number():
    """Characters 7–14 of an ID number are the birth date."""
    assert rules.id_birth_date("520102198506150038") == date(1985, 6, 15)
    assert rules.id_birth_date("520102198502300031") is None


@pytest.mark.parametrize(
    ("birth", "applied", "ok"),
    [
        (date(2000, 5, 10), date(2018, 5, 10), True),  # 18th birthday
        (date(2000, 5, 10), date(2018, 5, 9), False),  # the day before
        (date(2000, 2, 29), date(2018, 2, 28), False),  # born on 29 February: 18 on 1 March
        (date(2000, 2, 29), date(2018, 3, 1), True),
    ],
)
def test_age_to_apply_party_constitution(birth, applied, ok):
    """Party Constitution: an applicant is 18 or older on the application date."""
    assert rules.old_enough_to_apply(birth, applied) is ok


@pytest.mark.parametrize(
    ("birth", "band"),
    [
        (date(1991, 3, 2), "under35"),  # 34 on 2026-03-01
        (date(1991, 3, 1), "35to45"),  # 35 today
        (date(1980, 3, 2), "35to45"),  # 45
        (date(1980, 3, 1), "46to55"),  # 46 today
        (date(1970, 3, 2), "46to55"),  # 55
        (date(1970, 3, 1), "over55"),  # 56 today
    ],
)
def test_age_bands_include_their_bounds(birth, band):
    """Roster age bands (35岁以下, 35–45, 46–55, 55岁以上) by full years of age today; each person is in one band."""
    today = date(2026, 3, 1)
    inside = []
    for key in rules.AGE_BANDS:
        earliest, latest = rules.age_band_birth_range(key, today)
        if (earliest is None or birth >= earliest) and (latest is None or birth <= latest):
            inside.append(key)
    assert inside == [band]


@pytest.mark.parametrize(
    ("text", "looks"),
    [("520102198506150038", True), ("52010219850615003x", True), ("5201021985", False), ("王党员", False)],
)
def test_search_text_shaped_like_an_id_number(text, looks):
    """Only a text shaped like an ID number is looked up through the blind index."""
    assert rules.looks_like_id_number(text) is looks


@pytest.mark.parametrize(
    "value", ["11010519491231002²", "1101051949123100²X", "²10105194912310027", "１10105194912310027"]
)
def test_id_numbers_with_digits_other_than_0_to_9_are_invalid_not_an_error(value):
    """GB 11643: the first 17 characters are the digits 0-9; "²" or a full-width digit makes the number invalid."""
    assert rules.id_number_valid(value, TODAY) is False
    assert rules.looks_like_id_number(value) is False


@pytest.mark.parametrize(
    ("field", "value", "inside"),
    [
        ("birth_date", date(1900, 1, 1), True),
        ("birth_date", date(1899, 12, 31), False),
        ("birth_date", TODAY, True),
        ("birth_date", date(2026, 12, 8), False),
        ("birth_date", date(1, 1, 1), False),
        ("birth_date", date(3000, 1, 1), False),
        ("applied_on", date(1921, 1, 1), True),
        ("applied_on", date(1920, 12, 31), False),
        ("joined_on", date(202, 7, 1), False),  # "0202" for 2020
        ("joined_on", TODAY, True),
        ("confirmed_on", date(9999, 12, 31), False),
    ],
)
def test_member_dates_lie_in_their_ranges(field, value, inside):
    """出生日期 from 1900 to today; 递交入党申请日期, 入党日期, 转正日期 from the Party's founding (1921) to today."""
    assert rules.MEMBER_DATE_RANGES[field].contains(value, TODAY) is inside


def _id_born(birth: date) -> str:
    first17 = f"520102{birth:%Y%m%d}123"
    return first17 + rules.id_check_char(first17)


@pytest.mark.parametrize(
    ("birth", "valid"),
    [(date(2026, 12, 6), True), (date(2026, 12, 7), True), (date(2026, 12, 8), False), (date(1899, 12, 31), False)],
)
def test_id_number_birth_date_in_the_one_range(birth, valid):
    """ID number (GB 11643) and 出生日期: one function decides, with BIRTH_DATE_RANGE (1900 to today): a birth date
    in the future (the day after today) is refused as every form refuses it; today itself is accepted."""
    assert rules.id_number_valid(_id_born(birth), TODAY) is valid
    assert rules.BIRTH_DATE_RANGE.contains(birth, TODAY) is valid
