"""Dues (党费) rules as pure functions of plain values: the monthly amount from the rates in force, which months a
payment may cover, and how long a member is in arrears.

The regulation: 《关于中国共产党党费收缴、使用和管理的规定》 (中组发〔2008〕3号, in force from 1 April 2008).
The rates live in a table by effective date (`RateSchedule`); the database keeps the same rows (`dues.models.
DuesRate`, seeded with the 2008 rates), and the services pass what it holds, so a future change of rates is a new row,
not a code change.
"""

from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from branches.rules import PARTY_FOUNDED, DateRange

EMPLOYED, RETIRED, LOW_INCOME, FARMER = "employed", "retired", "low_income", "farmer"
CATEGORIES = (EMPLOYED, RETIRED, LOW_INCOME, FARMER)
FEN = Decimal("0.01")
#: A monthly income (the base) is between 0 and 1,000,000 元.
INCOME_MAX = Decimal("1000000")
#: A payment holds at most this much (a year in advance at the highest base, with room to spare).
PAYMENT_MAX = Decimal("300000")
#: 补交 (back-payment): at most 6 months back (中组发〔2008〕3号 第十二条).
BACK_PAYMENT_MONTHS = 6
#: 预交 (payment in advance, with the branch's approval): at most 12 months ahead (**default**, local practice).
ADVANCE_MONTHS = 12
#: Arrears: a warning to the secretary at 3 consecutive unpaid months, an escalation to the superior at 6 (six
#: months unpaid without good reason is treated as leaving the Party, 自行脱党).
WARNING_MONTHS, ESCALATION_MONTHS = 3, 6
#: How far back the ledger looks for a member's last payment: longer arrears show as "more than 12 months".
ARREARS_LOOKBACK_MONTHS = 12

#: 申报日期 (a base declared): a fact already known, from 2008 (the rates' first row) to today.
DECLARED_ON_RANGE = DateRange(earliest=date(2008, 4, 1), years_ahead=0)
#: 缴纳日期: from 2008 to today.
PAID_ON_RANGE = DateRange(earliest=date(2008, 4, 1), years_ahead=0)
#: 支部决定日期 and 上级批准日期 of a reduction: decisions already taken.
REDUCTION_DATE_RANGE = DateRange(earliest=PARTY_FOUNDED, years_ahead=0)
#: Months a payment or reduction covers: from 2008 to two years ahead.
MONTH_RANGE = DateRange(earliest=date(2008, 4, 1), years_ahead=2)
DUES_DATE_RANGES = {
    "declared_on": DECLARED_ON_RANGE,
    "paid_on": PAID_ON_RANGE,
    "decided_on": REDUCTION_DATE_RANGE,
    "approved_on": REDUCTION_DATE_RANGE,
    "first_month": MONTH_RANGE,
    "last_month": MONTH_RANGE,
}


# --- Months ----------------------------------------------------------------------------------------------------------


def month_of(day: date) -> date:
    """The first day of the month containing `day` (months are kept as their first day)."""
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    """The first day of the month `count` months after (before, when negative) the month of `month`."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date) -> int:
    """How many months from the month of `first` to the month of `last` (0 for the same month)."""
    return (last.year - first.year) * 12 + last.month - first.month


def month_span(first: date, last: date) -> list[date]:
    """The months from `first` to `last`, both included (empty when `last` is before `first`)."""
    return [add_months(month_of(first), i) for i in range(months_between(first, last) + 1)]


# --- Rates -----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bracket:
    """One row of a rate table: incomes up to `up_to` (included; None: no upper bound) pay `percent` of the whole
    income, or the fixed `amount` a month."""

    category: str
    up_to: Decimal | None
    percent: Decimal | None = None
    amount: Decimal | None = None


@dataclass(frozen=True)
class RateSchedule:
    """The rates in force from `effective_from` until the next schedule's."""

    effective_from: date
    brackets: tuple[Bracket, ...]


#: 中组发〔2008〕3号 第五条–第七条, in force from 1 April 2008 (the table's first row in the database too).
RATES_2008 = RateSchedule(
    effective_from=date(2008, 4, 1),
    brackets=(
        # 在职: 税后月工资收入 ≤3000 元 0.5%; 3000–5000 1%; 5000–10000 1.5%; above 10000 2%.
        Bracket(EMPLOYED, Decimal("3000"), percent=Decimal("0.5")),
        Bracket(EMPLOYED, Decimal("5000"), percent=Decimal("1")),
        Bracket(EMPLOYED, Decimal("10000"), percent=Decimal("1.5")),
        Bracket(EMPLOYED, None, percent=Decimal("2")),
        # 离退休: 月离退休费 ≤5000 元 0.5%; above 1%.
        Bracket(RETIRED, Decimal("5000"), percent=Decimal("0.5")),
        Bracket(RETIRED, None, percent=Decimal("1")),
        # 学生、下岗失业、依靠抚恤或救济生活、领取当地最低生活保障金: 0.2 元 a month.
        Bracket(LOW_INCOME, None, amount=Decimal("0.20")),
        # 农民: 0.2–1 元 a month; the floor is what is due, paying more is allowed.
        Bracket(FARMER, None, amount=Decimal("0.20")),
    ),
)
RATE_SCHEDULES: tuple[RateSchedule, ...] = (RATES_2008,)


def schedule_on(on: date, schedules: Sequence[RateSchedule]) -> RateSchedule:
    """The schedule in force on `on`: the latest whose `effective_from` is not after it (the first before any)."""
    ordered = sorted(schedules, key=lambda s: s.effective_from)
    chosen = ordered[0]
    for schedule in ordered:
        if schedule.effective_from <= on:
            chosen = schedule
    return chosen


def monthly_dues(
    category: str, income: Decimal, on: date, *, schedules: Sequence[RateSchedule] = RATE_SCHEDULES
) -> Decimal:
    """党费 for a month (中组发〔2008〕3号 第五条–第七条): the rate of the income's bracket applies to the whole
    income (it is not progressive), each bracket includes its upper bound (3000 元 pays 0.5%, 3000.01 pays 1%),
    rounded to the fen, half up; 学生/低收入 and 农民 pay a fixed amount. The rates are those in force on `on`
    (`schedules`: by effective date; the services pass the database's).
    """
    if category not in CATEGORIES:
        raise ValueError(f"unknown dues category {category!r}")
    income = Decimal(income)
    if income < 0:
        raise ValueError("income cannot be negative")
    brackets = [b for b in schedule_on(on, schedules).brackets if b.category == category]
    brackets.sort(key=lambda b: (b.up_to is None, b.up_to or 0))
    for bracket in brackets:
        if bracket.up_to is None or income <= bracket.up_to:
            if bracket.amount is not None:
                return bracket.amount.quantize(FEN, rounding=ROUND_HALF_UP)
            return (income * bracket.percent / 100).quantize(FEN, rounding=ROUND_HALF_UP)
    raise ValueError(f"no bracket for {category} {income}")


def income_problem(category: str, income: Decimal | None) -> str:
    """The base (月收入) a declaration gives: 0 to 1,000,000 元; 在职 and 离退休 need one."""
    if income is None:
        return _("请填写月收入。") if category in (EMPLOYED, RETIRED) else ""
    if income < 0:
        return _("月收入不能为负数。")
    if income > INCOME_MAX:
        return _("月收入不能超过 1,000,000 元。")
    if category in (EMPLOYED, RETIRED) and income == 0:
        return _("在职和离退休党员须申报大于零的月收入（计算党费的基数）。")
    return ""


# --- Payments --------------------------------------------------------------------------------------------------------


def payment_months_problem(*, first: date, last: date, paid_on: date, dues_start: date | None, approved: bool) -> str:
    """Which months one payment may cover (中组发〔2008〕3号 第十一条、第十二条), as a Chinese message naming the rule
    broken, or "" when it may:

    - the months run from `first` to `last`, in order;
    - not before dues start (the month the 支部大会 accepted the person as 预备党员);
    - 补交: at most 6 months before the month of payment;
    - more than the month of payment (按季度交纳 or 预交) needs the branch's approval, and 预交 reaches at most
      12 months ahead.
    """
    first, last, paid = month_of(first), month_of(last), month_of(paid_on)
    if last < first:
        return _("所交月份的结束月份不能早于开始月份。")
    if dues_start is not None and first < month_of(dues_start):
        return _("党费从支部大会接收为预备党员之日起交纳，不能交纳%(month)s以前的月份。") % {
            "month": f"{dues_start.year}年{dues_start.month}月"
        }
    if months_between(first, paid) > BACK_PAYMENT_MONTHS:
        return _("补交党费最多补交 6 个月（中组发〔2008〕3号）：%(month)s距缴纳日期已超过 6 个月。") % {
            "month": f"{first.year}年{first.month}月"
        }
    if months_between(paid, last) > ADVANCE_MONTHS:
        return _("预交党费最多预交 12 个月。")
    if last > paid and not approved:
        return _("按季度交纳或预交党费须经党支部同意：请勾选“已经支部同意”。")
    return ""


def payment_amount_problem(amount: Decimal, expected: Decimal) -> str:
    """A payment holds at least what its months are due (paying more is allowed, 第九条; paying less needs an
    approved reduction), and at most `PAYMENT_MAX`."""
    if amount <= 0:
        return _("缴纳金额必须大于零。")
    if amount > PAYMENT_MAX:
        return _("缴纳金额过大，请核对。")
    if amount < expected:
        return _(
            "缴纳金额 %(amount)s 元少于所交月份应交的 %(expected)s 元；少交须经支部决定、上级党委批准（减免）。"
        ) % {
            "amount": amount,
            "expected": expected,
        }
    return ""


def split_payment(amount: Decimal, expected: Sequence[Decimal]) -> list[Decimal]:
    """Each month's share of one payment: what the month is due, the surplus (paid voluntarily) on the last month."""
    shares = list(expected)
    shares[-1] += amount - sum(shares, Decimal(0))
    return shares


def reduction_problem(*, first: date, last: date, amount: Decimal, decided_on: date, approved_on: date) -> str:
    """减免 (paying less or nothing, 中组发〔2008〕3号 第十条): the branch decides, then the higher committee
    approves (not before the decision); its months are in order; the reduced amount is not negative."""
    if month_of(last) < month_of(first):
        return _("减免的结束月份不能早于开始月份。")
    if approved_on < decided_on:
        return _("上级党委批准日期不能早于支部决定日期。")
    if amount < 0:
        return _("减免后的月缴金额不能为负数。")
    if amount > PAYMENT_MAX:
        return _("减免后的月缴金额过大，请核对。")
    return ""


# --- The ledger ------------------------------------------------------------------------------------------------------


def expected_for_month(
    month: date,
    *,
    declarations: Sequence[tuple[date, Decimal]],
    reductions: Sequence[tuple[date, date, Decimal]],
    dues_start: date | None,
) -> Decimal | None:
    """What a member owes for `month`: nothing before dues start; an approved reduction covering the month gives
    its amount; otherwise the amount of the latest base declared by the month's end. None: no base declared yet.

    `declarations`: (declared_on, monthly amount); `reductions`: (first month, last month, amount).
    """
    if dues_start is None or month < month_of(dues_start):
        return Decimal("0.00")
    for first, last, amount in reductions:
        if month_of(first) <= month <= month_of(last):
            return amount
    month_end = add_months(month, 1)
    declared = [(on, amount) for on, amount in declarations if on < month_end]
    if not declared:
        return None
    return max(declared, key=lambda d: d[0])[1]


def due_until(today: date) -> date:
    """The last month that is due on `today`: the month before (a month is paid within the month)."""
    return add_months(month_of(today), -1)


def arrears_months(*, paid_months: Container[date], owes: Callable[[date], bool], until: date) -> int:
    """Consecutive unpaid months up to `until` (the last due month): counted back from it while the member owes
    the month (`owes`: dues had started and the month is not reduced to nothing) and has not paid it. At most
    `ARREARS_LOOKBACK_MONTHS` + 1 (shown as "more than 12 months")."""
    count, month = 0, month_of(until)
    while count <= ARREARS_LOOKBACK_MONTHS and month not in paid_months and owes(month):
        count += 1
        month = add_months(month, -1)
    return count


#: Arrears levels: none, a warning to the secretary (3 months), an escalation to the superior (6 months).
NONE, WARNING, ESCALATION = "none", "warning", "escalation"


def arrears_level(months: int) -> str:
    """自行脱党 (Party Constitution 第三十八条; 中组发〔2008〕3号 第十三条): six consecutive months unpaid without good
    reason counts as leaving the Party; the portal warns the secretary at 3 months and escalates to the superior at
    6."""
    if months >= ESCALATION_MONTHS:
        return ESCALATION
    if months >= WARNING_MONTHS:
        return WARNING
    return NONE
