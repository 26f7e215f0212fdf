"""Every write of dues: a declared base, an approved reduction, a payment recorded (and removed when entered by
mistake). Each refuses a caller who may not record the member's dues, checks the rules, and renews the ledger's
totals of the member's branch in the same transaction."""

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from branches.dates import date_range_problems
from branches.errors import DomainError, NotPermitted
from members.access import Scope
from members.models import Member

from . import ledger, rules, selectors
from .models import DuesDeclaration, DuesPayment, DuesPaymentMonth, DuesReduction, Method


def _money(value) -> Decimal:
    return Decimal(value).quantize(rules.FEN)


def _check_dates(**values) -> None:
    problems = date_range_problems(values, rules.DUES_DATE_RANGES)
    if problems:
        name, message = next(iter(problems.items()))
        raise DomainError(message, field=name)


def _locked(member: Member) -> Member:
    """The member's row locked for the write: two payments for the same member are recorded one after the other."""
    return Member.objects.select_for_update().get(pk=member.pk)


def _month_label(month: date) -> str:
    return _("%(year)s年%(month)s月") % {"year": month.year, "month": month.month}


@transaction.atomic
def dues_declare(
    *, member: Member, category: str, income: Decimal | None, declared_on: date, by: Scope
) -> DuesDeclaration:
    """Record a member's declared base from `declared_on`; the monthly amount is the rule's on that day, from the
    stored rates (`rules.monthly_dues`)."""
    if not by.may_record_dues(member):
        raise NotPermitted
    if category not in rules.CATEGORIES:
        raise DomainError(_("请选择党员类别。"), field="category")
    problem = rules.income_problem(category, income)
    if problem:
        raise DomainError(problem, field="income")
    _check_dates(declared_on=declared_on)
    member = _locked(member)
    if DuesDeclaration.objects.filter(member=member, declared_on=declared_on).exists():
        raise DomainError(_("该党员在这一天已有申报，请换一个申报日期。"), field="declared_on")
    income = _money(income or 0)
    amount = rules.monthly_dues(category, income, declared_on, schedules=selectors.rate_schedules())
    declaration = DuesDeclaration.objects.create(
        member=member,
        category=category,
        income=income,
        declared_on=declared_on,
        amount=amount,
        recorded_by_id=by.user_id,
    )
    ledger.totals_forget({member.organisation_id})
    return declaration


@transaction.atomic
def dues_reduction_record(
    *,
    member: Member,
    first_month: date,
    last_month: date,
    amount: Decimal,
    decided_on: date,
    approved_on: date,
    reason: str,
    by: Scope,
) -> DuesReduction:
    """Record an approved reduction (少交或免交: the branch's decision and the higher committee's approval)."""
    if not by.may_record_dues(member):
        raise NotPermitted
    _check_dates(first_month=first_month, last_month=last_month, decided_on=decided_on, approved_on=approved_on)
    first, last = rules.month_of(first_month), rules.month_of(last_month)
    amount = _money(amount)
    problem = rules.reduction_problem(first=first, last=last, amount=amount, decided_on=decided_on,
                                      approved_on=approved_on)  # fmt: skip
    if problem:
        raise DomainError(problem)
    if not (reason or "").strip():
        raise DomainError(_("请填写减免原因。"), field="reason")
    member = _locked(member)
    if DuesReduction.objects.filter(member=member, first_month__lte=last, last_month__gte=first).exists():
        raise DomainError(_("所选月份与已有的减免重叠。"), field="first_month")
    reduction = DuesReduction.objects.create(
        member=member,
        first_month=first,
        last_month=last,
        amount=amount,
        decided_on=decided_on,
        approved_on=approved_on,
        reason=reason.strip()[:200],
    )
    ledger.totals_forget({member.organisation_id})
    return reduction


@transaction.atomic
def dues_payment_record(
    *,
    member: Member,
    first_month: date,
    last_month: date,
    amount: Decimal,
    paid_on: date,
    method: str,
    approved: bool = False,
    note: str = "",
    by: Scope,
) -> DuesPayment:
    """Record a payment covering `first_month` to `last_month`: at least what those months are due (paying more is
    allowed), 补交 up to 6 months back, quarterly or advance payment with the branch's approval, each month paid
    once (`rules.payment_months_problem`, `rules.payment_amount_problem`)."""
    if not by.may_record_dues(member):
        raise NotPermitted
    if method not in Method.values:
        raise DomainError(_("请选择缴纳方式。"), field="method")
    _check_dates(first_month=first_month, last_month=last_month, paid_on=paid_on)
    first, last = rules.month_of(first_month), rules.month_of(last_month)
    amount = _money(amount)
    member = _locked(member)
    problem = rules.payment_months_problem(
        first=first, last=last, paid_on=paid_on, dues_start=member.joined_on, approved=approved
    )
    if problem:
        raise DomainError(problem, field="first_month")
    months = rules.month_span(first, last)
    taken = list(
        DuesPaymentMonth.objects.filter(member=member, month__in=months)
        .order_by("month")
        .values_list("month", flat=True)
    )
    if taken:
        raise DomainError(
            _("%(months)s的党费已经交过，同一月份不能重复交纳。")
            % {"months": "、".join(_month_label(m) for m in taken)},
            field="first_month",
        )
    facts = {
        "declarations": list(DuesDeclaration.objects.filter(member=member).values_list("declared_on", "amount")),
        "reductions": list(
            DuesReduction.objects.filter(member=member).values_list("first_month", "last_month", "amount")
        ),
        "dues_start": member.joined_on,
    }
    if facts["dues_start"] is None and facts["declarations"]:
        facts["dues_start"] = min(on for on, _amount in facts["declarations"])
    expected = []
    for month in months:
        due = rules.expected_for_month(month, **facts)
        if due is None:
            raise DomainError(_("%(month)s还没有申报党费基数，请先申报。") % {"month": _month_label(month)})
        expected.append(due)
    problem = rules.payment_amount_problem(amount, sum(expected, Decimal("0.00")))
    if problem:
        raise DomainError(problem, field="amount")
    payment = DuesPayment.objects.create(
        member=member,
        organisation_id=member.organisation_id,
        paid_on=paid_on,
        first_month=first,
        last_month=last,
        amount=amount,
        method=method,
        approved=approved,
        note=(note or "").strip()[:200],
        recorded_by_id=by.user_id,
    )
    shares = rules.split_payment(amount, expected)
    try:
        with transaction.atomic():
            DuesPaymentMonth.objects.bulk_create(
                DuesPaymentMonth(payment=payment, member=member, month=month, amount=share)
                for month, share in zip(months, shares, strict=True)
            )
    except IntegrityError as exc:  # recorded meanwhile by someone else
        raise DomainError(_("所交月份的党费已经交过，同一月份不能重复交纳。"), field="first_month") from exc
    ledger.totals_forget({member.organisation_id})
    return payment


@transaction.atomic
def dues_payment_delete(*, payment: DuesPayment, by: Scope) -> None:
    """Remove a payment entered by mistake (its months become unpaid again)."""
    member = payment.member
    if not by.may_record_dues(member):
        raise NotPermitted
    payment.delete()
    ledger.totals_forget({member.organisation_id, payment.organisation_id})
