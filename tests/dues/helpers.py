"""Dues data for the tests, written through the services as a secretary would."""

from datetime import date
from decimal import Decimal

from dues import services
from members.access import SYSTEM


def declare(member, income="6500", *, category="employed", on=date(2025, 1, 10)):
    return services.dues_declare(member=member, category=category, income=Decimal(income), declared_on=on, by=SYSTEM)


def pay(member, first, last=None, *, amount=None, paid_on=None, approved=False, method="cash"):
    last = last or first
    paid_on = paid_on or last
    if amount is None:
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        amount = Decimal("97.50") * months
    return services.dues_payment_record(
        member=member,
        first_month=first,
        last_month=last,
        amount=Decimal(amount),
        paid_on=paid_on,
        method=method,
        approved=approved,
        by=SYSTEM,
    )
