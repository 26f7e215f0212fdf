"""The dues rules (中组发〔2008〕3号), table-driven at every edge."""

from datetime import date
from decimal import Decimal

import pytest

from dues import rules
from dues.rules import RATES_2008, Bracket, RateSchedule, monthly_dues

D = Decimal
ON = date(2026, 5, 1)


@pytest.mark.parametrize(
    ("category", "income", "expected"),
    [
        # 在职 (第五条): ≤3000 0.5%; 3000–5000 1%; 5000–10000 1.5%; >10000 2%; each bracket includes its upper bound.
        ("employed", "0", "0.00"),
        ("employed", "2999.99", "15.00"),
        ("employed", "3000", "15.00"),
        ("employed", "3000.01", "30.00"),
        ("employed", "4999.99", "50.00"),
        ("employed", "5000", "50.00"),
        ("employed", "5000.01", "75.00"),
        ("employed", "6500", "97.50"),
        ("employed", "9999.99", "150.00"),
        ("employed", "10000", "150.00"),
        ("employed", "10000.01", "200.00"),
        ("employed", "25000", "500.00"),
        # Half up to the fen: 1.5% of 5000.10 is 75.0015 → 75.00; 0.5% of 1000.99 is 5.00495 → 5.00;
        # of 1001, 5.005 → 5.01.
        ("employed", "5000.10", "75.00"),
        ("employed", "1000.99", "5.00"),
        ("employed", "1001", "5.01"),
        # 离退休 (第六条): ≤5000 0.5%; above 1%.
        ("retired", "4999.99", "25.00"),
        ("retired", "5000", "25.00"),
        ("retired", "5000.01", "50.00"),
        # 学生、失业、低收入 and 农民 (第七条): 0.2 元 a month whatever the income.
        ("low_income", "0", "0.20"),
        ("low_income", "800", "0.20"),
        ("farmer", "0", "0.20"),
    ],
)
def test_monthly_dues_at_every_bracket_boundary(category, income, expected):
    """中组发〔2008〕3号 第五条–第七条: the bracket's rate applies to the whole income, each bracket including its
    upper bound; rounded to the fen, half up."""
    assert monthly_dues(category, D(income), ON) == D(expected)


def test_monthly_dues_follows_the_rates_in_force_on_the_day():
    """Rates are stored by effective date: the schedule in force on `on` applies (a later row does not reach
    back; the first row applies to days before it)."""
    later = RateSchedule(date(2030, 1, 1), (Bracket("employed", None, percent=D("1")),))
    schedules = (RATES_2008, later)
    assert monthly_dues("employed", D("6500"), date(2029, 12, 31), schedules=schedules) == D("97.50")
    assert monthly_dues("employed", D("6500"), date(2030, 1, 1), schedules=schedules) == D("65.00")
    assert monthly_dues("employed", D("3000"), date(2000, 1, 1), schedules=schedules) == D("15.00")


@pytest.mark.parametrize(("category", "income"), [("employed", D("-0.01")), ("unknown", D("1"))])
def test_monthly_dues_refuses_what_is_not_a_base(category, income):
    with pytest.raises(ValueError):
        monthly_dues(category, income, ON)


@pytest.mark.parametrize(
    ("category", "income", "ok"),
    [
        ("employed", None, False),
        ("employed", D("0"), False),
        ("employed", D("-1"), False),
        ("employed", D("1000000"), True),
        ("employed", D("1000000.01"), False),
        ("retired", D("3000"), True),
        ("low_income", None, True),
        ("farmer", D("0"), True),
    ],
)
def test_income_problem(category, income, ok):
    """A base is 0 to 1,000,000 元 a month; 在职 and 离退休 declare one above zero."""
    assert (rules.income_problem(category, income) == "") is ok


PAID_ON = date(2026, 7, 15)


@pytest.mark.parametrize(
    ("first", "last", "approved", "dues_start", "ok"),
    [
        # The month of payment alone.
        (date(2026, 7, 1), date(2026, 7, 1), False, date(2020, 1, 1), True),
        # 补交 up to 6 months back (第十二条): January on 15 July is the 6th month back; December the 7th.
        (date(2026, 1, 1), date(2026, 7, 1), False, date(2020, 1, 1), True),
        (date(2025, 12, 1), date(2025, 12, 1), False, date(2020, 1, 1), False),
        # 按季度 or 预交 beyond the month of payment needs the branch's approval (第十一条).
        (date(2026, 7, 1), date(2026, 9, 1), False, date(2020, 1, 1), False),
        (date(2026, 7, 1), date(2026, 9, 1), True, date(2020, 1, 1), True),
        # 预交 at most 12 months ahead (default).
        (date(2026, 8, 1), date(2027, 7, 1), True, date(2020, 1, 1), True),
        (date(2026, 8, 1), date(2027, 8, 1), True, date(2020, 1, 1), False),
        # Months in order; none before dues start (the day the 支部大会 accepted the 预备党员).
        (date(2026, 7, 1), date(2026, 6, 1), False, date(2020, 1, 1), False),
        (date(2026, 5, 1), date(2026, 7, 1), False, date(2026, 5, 31), True),
        (date(2026, 4, 1), date(2026, 7, 1), False, date(2026, 5, 1), False),
    ],
)
def test_payment_months_problem(first, last, approved, dues_start, ok):
    """Which months one payment covers: 补交 at most 6 months back, 按季度/预交 with approval, not before dues start."""
    problem = rules.payment_months_problem(
        first=first, last=last, paid_on=PAID_ON, dues_start=dues_start, approved=approved
    )
    assert (problem == "") is ok, problem


@pytest.mark.parametrize(
    ("amount", "expected", "ok"),
    [
        (D("97.50"), D("97.50"), True),
        (D("100"), D("97.50"), True),  # 第九条: paying more is allowed
        (D("97.49"), D("97.50"), False),  # paying less needs an approved reduction
        (D("0"), D("0"), False),
        (rules.PAYMENT_MAX + 1, D("1"), False),
    ],
)
def test_payment_amount_problem(amount, expected, ok):
    assert (rules.payment_amount_problem(amount, expected) == "") is ok


def test_split_payment_puts_the_surplus_on_the_last_month():
    assert rules.split_payment(D("100.00"), [D("30.00"), D("30.00"), D("30.00")]) == [
        D("30.00"),
        D("30.00"),
        D("40.00"),
    ]


@pytest.mark.parametrize(
    ("decided_on", "approved_on", "amount", "ok"),
    [
        (date(2026, 3, 1), date(2026, 3, 1), D("0"), True),  # the day of the decision; 免交 is 0
        (date(2026, 3, 2), date(2026, 3, 1), D("1"), False),  # approval before the decision
        (date(2026, 3, 1), date(2026, 3, 10), D("-0.01"), False),
    ],
)
def test_reduction_problem(decided_on, approved_on, amount, ok):
    """减免 (第十条): the branch decides, the higher committee approves, not before."""
    problem = rules.reduction_problem(
        first=date(2026, 4, 1), last=date(2026, 6, 1), amount=amount, decided_on=decided_on, approved_on=approved_on
    )
    assert (problem == "") is ok


DECLARED = [(date(2026, 3, 15), D("30.00")), (date(2026, 6, 1), D("45.00"))]
REDUCED = [(date(2026, 8, 1), date(2026, 9, 1), D("5.00"))]


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        (date(2026, 1, 1), D("0.00")),  # before dues start
        (date(2026, 2, 1), None),  # owed, but no base declared by the month's end
        (date(2026, 3, 1), D("30.00")),  # declared during the month
        (date(2026, 5, 1), D("30.00")),
        (date(2026, 6, 1), D("45.00")),  # a new base from its month
        (date(2026, 8, 1), D("5.00")),  # an approved reduction
        (date(2026, 9, 1), D("5.00")),
        (date(2026, 10, 1), D("45.00")),
    ],
)
def test_expected_for_month(month, expected):
    """Dues start with the 预备党员; the latest base declared by the month's end applies, a reduction over it."""
    assert (
        rules.expected_for_month(month, declarations=DECLARED, reductions=REDUCED, dues_start=date(2026, 2, 10))
        == expected
    )


@pytest.mark.parametrize(
    ("paid", "until", "months"),
    [
        ({date(2026, 6, 1)}, date(2026, 6, 1), 0),
        ({date(2026, 3, 1)}, date(2026, 6, 1), 3),
        ({date(2026, 1, 1)}, date(2026, 6, 1), 5),
        ({date(2025, 12, 1)}, date(2026, 6, 1), 6),
        (set(), date(2026, 6, 1), 13),  # capped: more than 12 months
    ],
)
def test_arrears_months(paid, until, months):
    """Consecutive unpaid months counted back from the last due month."""
    assert rules.arrears_months(paid_months=paid, owes=lambda m: True, until=until) == months


def test_arrears_stop_where_nothing_was_owed():
    """A month before dues start (or reduced to nothing) ends the run."""
    owes = lambda m: m >= date(2026, 4, 1)  # noqa: E731
    assert rules.arrears_months(paid_months=set(), owes=owes, until=date(2026, 6, 1)) == 3


@pytest.mark.parametrize(
    ("months", "level"),
    [(0, "none"), (2, "none"), (3, "warning"), (5, "warning"), (6, "escalation"), (13, "escalation")],
)
def test_arrears_level(months, level):
    """Six consecutive months unpaid counts as leaving the Party (自行脱党): a warning at 3, an escalation at 6."""
    assert rules.arrears_level(months) == level


@pytest.mark.parametrize(
    ("today", "until"),
    [
        (date(2026, 7, 1), date(2026, 6, 1)),
        (date(2026, 7, 31), date(2026, 6, 1)),
        (date(2026, 1, 5), date(2025, 12, 1)),
    ],
)
def test_due_until(today, until):
    """A month is paid within the month: on any day of July, June is the last month due."""
    assert rules.due_until(today) == until
