"""Member rules as pure functions: the ID number standard, the age to apply, the dates a record accepts, and who
has a vote on a given day (正式党员 on that day, not under 留党察看)."""

from datetime import date, timedelta

from branches.rules import PARTY_FOUNDED, DateRange, years_after

#: 出生日期: from 1900 (no living member was born earlier) to today; also the birth date inside an ID number.
BIRTH_DATE_RANGE = DateRange(earliest=date(1900, 1, 1), years_ahead=0)
#: 递交入党申请日期, 入党日期, 转正日期: from the Party's founding to today.
PARTY_DATE_RANGE = DateRange(earliest=PARTY_FOUNDED, years_ahead=0)
#: 留党察看 from (开始日期): a decision already taken, so from the Party's founding to today.
PROBATION_STARTS_ON_RANGE = DateRange(earliest=PARTY_FOUNDED, years_ahead=0)
#: 留党察看 until (截止日期): at most two years after a start that is today at the latest.
PROBATION_ENDS_ON_RANGE = DateRange(earliest=PARTY_FOUNDED, years_ahead=2)
MEMBER_DATE_RANGES = {
    "birth_date": BIRTH_DATE_RANGE,
    "applied_on": PARTY_DATE_RANGE,
    "joined_on": PARTY_DATE_RANGE,
    "confirmed_on": PARTY_DATE_RANGE,
    "probation_starts_on": PROBATION_STARTS_ON_RANGE,
    "probation_ends_on": PROBATION_ENDS_ON_RANGE,
    "away_since": PARTY_DATE_RANGE,
}

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
MIN_APPLICATION_AGE = 18
#: Party Constitution (Article 40): 留党察看 lasts at most two years.
PROBATION_MAX_YEARS = 2
#: Statuses as stored by `models.Status` (rules take plain values): 正式党员, and the two statuses of members.
FULL_STATUS = "full"
MEMBERSHIP_STATUSES = ("probationary", "full")


def id_check_char(first17: str) -> str:
    """GB 11643-1999: the check character of the first 17 digits (ISO 7064 MOD 11-2)."""
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def _ascii_digits(value: str) -> bool:
    """Whether every character is one of 0-9 (str.isdigit also accepts "²" and other digits int() refuses)."""
    return value.isascii() and value.isdecimal()


def id_number_normalise(value: str) -> str:
    """Strip spaces and upper-case a trailing x."""
    return (value or "").strip().replace(" ", "").upper()


def id_number_valid(value: str, today: date) -> bool:
    """GB 11643: 18 characters, 17 digits, a valid birth date and the right check character (may be X).

    The birth date must also be a possible one on `today` (`BIRTH_DATE_RANGE`: from 1900, not in the future).
    """
    value = id_number_normalise(value)
    if len(value) != 18 or not _ascii_digits(value[:17]) or not (_ascii_digits(value[17]) or value[17] == "X"):
        return False
    birth = id_birth_date(value)
    if birth is None or not BIRTH_DATE_RANGE.contains(birth, today):
        return False
    return id_check_char(value[:17]) == value[17]


def id_birth_date(value: str) -> date | None:
    """The birth date written in characters 7–14 of an ID number, or None when it is not a date."""
    try:
        return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def id_number_mask(value: str) -> str:
    """Mask an ID number as 5201**********123X: the first 4 and the last 4 characters stay."""
    value = id_number_normalise(value)
    if len(value) < 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def age_on(birth_date: date, day: date) -> int:
    """Full years of age on a day."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def old_enough_to_apply(birth_date: date, applied_on: date) -> bool:
    """Party Constitution: an applicant is 18 or older on the application date."""
    return age_on(birth_date, applied_on) >= MIN_APPLICATION_AGE


#: Age bands of the roster filter: key -> (youngest age, oldest age) inclusive; None is open-ended.
AGE_BANDS: dict[str, tuple[int | None, int | None]] = {
    "under35": (None, 34),
    "35to45": (35, 45),
    "46to55": (46, 55),
    "over55": (56, None),
}


def years_before(day: date, years: int) -> date:
    """The same calendar day `years` earlier (29 February falls back to 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def age_band_birth_range(band: str, today: date) -> tuple[date | None, date | None]:
    """Birth dates (earliest, latest; inclusive) of people whose full age on `today` lies in an age band."""
    youngest, oldest = AGE_BANDS[band]
    latest = years_before(today, youngest) if youngest is not None else None
    earliest = None
    if oldest is not None:
        # Born one day after the day `oldest + 1` years ago: still `oldest` years old today.
        earliest = years_before(today, oldest + 1) + timedelta(days=1)
    return earliest, latest


def looks_like_id_number(value: str) -> bool:
    """Whether a search text has the shape of an 18-character ID number (17 digits, then a digit or X)."""
    value = id_number_normalise(value)
    return len(value) == 18 and _ascii_digits(value[:17]) and (_ascii_digits(value[17]) or value[17] == "X")


# --- The vote on a day ----------------------------------------------------------------------------------------------


def probation_period_valid(starts_on: date, ends_on: date) -> bool:
    """留党察看 (Party Constitution, Article 40): the period ends after it starts and lasts at most two years."""
    return starts_on < ends_on <= years_after(starts_on, PROBATION_MAX_YEARS)


def under_probation(starts_on: date | None, ends_on: date | None, day: date) -> bool:
    """留党察看 on `day`: from its first day to its last (截止日期) both included; the day after, the rights return.

    A member under 留党察看 keeps their membership but has no 表决权, 选举权 or 被选举权 for its duration.
    """
    if starts_on is None or ends_on is None:
        return False
    return starts_on <= day <= ends_on


def full_member_on(status: str, joined_on: date | None, confirmed_on: date | None, day: date) -> bool:
    """Whether a member was a 正式党员 on `day`, judged from the record as it stands (the best information kept):

    a 正式党员 now whose 转正日期 (and 入党日期) is not after `day`; without a recorded date, a 正式党员 now counts.
    A 预备党员 made 正式党员 after `day` was not one on that day; anyone not a 正式党员 now is not counted.
    """
    if status != FULL_STATUS:
        return False
    return all(known is None or known <= day for known in (joined_on, confirmed_on))


def has_vote_on(
    *,
    status: str,
    joined_on: date | None,
    confirmed_on: date | None,
    probation_starts_on: date | None,
    probation_ends_on: date | None,
    day: date,
) -> bool:
    """表决权, 选举权 and 被选举权 on a day (Quorum, "Who may vote is decided on the day of the meeting"):
    a 正式党员 on that day (预备党员 have none) who is not under 留党察看 on that day."""
    return full_member_on(status, joined_on, confirmed_on, day) and not under_probation(
        probation_starts_on, probation_ends_on, day
    )


# --- 组织关系转接 (transfers) and 流动党员 (mobile members) ---------------------------------------------------------

#: 转出日期 and 办结日期 of a transfer: recorded once done, so up to today, and at most a year back (a late entry).
TRANSFER_DATE_RANGE = DateRange(years_back=1, years_ahead=0)
#: 党费缴纳至 on a 介绍信: the last month paid, from five years back to a year ahead (dues paid in advance).
DUES_PAID_UNTIL_RANGE = DateRange(years_back=5, years_ahead=1)
TRANSFER_DATE_RANGES = {
    "started_on": TRANSFER_DATE_RANGE,
    "decided_on": TRANSFER_DATE_RANGE,
    "dues_paid_until": DUES_PAID_UNTIL_RANGE,
}
#: 介绍信有效期 (default): 30 days, at most 90; the issuing branch fills it in.
LETTER_VALID_DAYS_DEFAULT = 30
LETTER_VALID_DAYS_MAX = 90
#: (default) A transfer still waiting this many days after it was started reminds the receiving branch.
TRANSFER_REMINDER_DAYS = 7
#: 流动党员: away for 6 months or more at a fairly fixed place, the member should transfer their relationship.
MOBILE_TRANSFER_MONTHS = 6
BRANCH_LEVEL = "branch"


def transferable_status(status: str) -> bool:
    """组织关系转接 is for Party members: 预备党员 and 正式党员 (党章 Article 8: every member belongs to a branch);
    an applicant's or activist's file follows them by the branch's own hand."""
    return status in MEMBERSHIP_STATUSES


def transfer_target_valid(from_id: int, to_id: int | None, to_level: str | None) -> bool:
    """A transfer inside the portal goes to another 党支部 (members are kept by branches, never by a 党小组 or a
    committee), never to the member's own branch."""
    return to_id is not None and to_id != from_id and to_level == BRANCH_LEVEL


def letter_valid_days_ok(days: int) -> bool:
    """介绍信有效期 (default): at least a day, at most `LETTER_VALID_DAYS_MAX` (three months)."""
    return 1 <= days <= LETTER_VALID_DAYS_MAX


def letter_valid_until(issued_on: date, valid_days: int) -> date:
    """The last day a 介绍信 is valid: its issue day counts as the first of its `valid_days`."""
    return issued_on + timedelta(days=valid_days - 1)


def decided_in_order(started_on: date, decided_on: date) -> bool:
    """A transfer is accepted, returned or closed on or after the day it was started."""
    return decided_on >= started_on


def transfer_reminder_due(started_on: date, today: date, days: int = TRANSFER_REMINDER_DAYS) -> bool:
    """(default) A transfer waiting `days` days or more since it was started reminds the receiving branch."""
    return (today - started_on).days >= days


def away_long_enough_to_transfer(away_since: date | None, today: date) -> bool:
    """流动党员 (中组部《关于加强和改进流动党员管理工作的意见》): a member away 6 months or more at a fairly fixed
    place should transfer their 组织关系 to where they are; the mobile list says so from the day 6 months are
    complete."""
    if away_since is None:
        return False
    months = (today.year - away_since.year) * 12 + today.month - away_since.month - (today.day < away_since.day)
    return months >= MOBILE_TRANSFER_MONTHS
