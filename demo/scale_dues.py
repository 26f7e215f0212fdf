"""Dues (党费) for the large generated set (`seed_scale`): a declared base for every Party member and a year of
monthly payments up to the last day of history, with arrears.

Bases cycle through the 在职 brackets (the amount is the rule's, `dues.rules.monthly_dues`). Each member pays every
month from the later of their 入党日期 and twelve months back; one member in 17 stopped four months ago (a warning),
one in 41 seven months ago (an escalation). Rows are plain tuples written in bulk (`scale.write_rows`: COPY on
PostgreSQL) in bounded chunks; the ledger's totals are computed on first read.
"""

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from dues import rules
from dues.models import DuesDeclaration, DuesPayment, DuesPaymentMonth
from members.models import MEMBER_STATUSES, Member

INCOMES = tuple(Decimal(v) for v in ("2800", "3000", "4200", "5000", "6500", "8000", "10000", "12500"))
DECLARATION_COLUMNS = ("id", "member_id", "category", "income", "declared_on", "amount", "created_at")
PAYMENT_COLUMNS = ("id", "member_id", "organisation_id", "paid_on", "first_month", "last_month", "amount", "method",
                   "approved", "note", "created_at")  # fmt: skip
MONTH_COLUMNS = ("id", "payment_id", "member_id", "month", "amount")
#: Flush buffered rows once this many payment months are waiting (bounds memory).
FLUSH_ROWS = 100_000


def dues_build(until: date, write_rows, next_id) -> int:
    """Write the dues of every Party member (`write_rows(model, columns, rows)`, `next_id(model)` from
    demo.scale); returns the number of payments."""
    this_month = rules.month_of(until)
    start = rules.add_months(this_month, -11)
    amounts = [rules.monthly_dues(rules.EMPLOYED, income, start) for income in INCOMES]
    now: datetime = timezone.now()
    ids = {model: next_id(model) for model in (DuesDeclaration, DuesPayment, DuesPaymentMonth)}
    tables: dict = {DuesDeclaration: [], DuesPayment: [], DuesPaymentMonth: []}
    written = 0

    def flush() -> None:
        with transaction.atomic():
            for model, columns in ((DuesDeclaration, DECLARATION_COLUMNS), (DuesPayment, PAYMENT_COLUMNS),
                                   (DuesPaymentMonth, MONTH_COLUMNS)):  # fmt: skip
                write_rows(model, columns, tables[model])
                tables[model].clear()

    members = (
        Member.all_objects.filter(status__in=MEMBER_STATUSES, is_deleted=False)
        .order_by("pk")
        .values_list("pk", "organisation_id", "joined_on")
    )
    for member_id, organisation_id, joined_on in members.iterator(chunk_size=5000):
        first = max(start, rules.month_of(joined_on)) if joined_on else start
        if first > this_month:
            continue
        amount = amounts[member_id % len(INCOMES)]
        tables[DuesDeclaration].append(
            (ids[DuesDeclaration], member_id, rules.EMPLOYED, INCOMES[member_id % len(INCOMES)], first, amount, now)
        )
        ids[DuesDeclaration] += 1
        last = this_month
        if member_id % 17 == 3:
            last = rules.add_months(this_month, -5)
        elif member_id % 41 == 5:
            last = rules.add_months(this_month, -8)
        for month in rules.month_span(first, last):
            paid_on = min(month.replace(day=10), until)
            tables[DuesPayment].append((ids[DuesPayment], member_id, organisation_id, paid_on, month, month, amount,
                                        "payroll", False, "", now))  # fmt: skip
            tables[DuesPaymentMonth].append((ids[DuesPaymentMonth], ids[DuesPayment], member_id, month, amount))
            ids[DuesPayment] += 1
            ids[DuesPaymentMonth] += 1
            written += 1
        if len(tables[DuesPaymentMonth]) >= FLUSH_ROWS:
            flush()
    flush()
    return written
