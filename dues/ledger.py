"""The ledger's engine: each member's line for a month (expected, paid, arrears) from plain rows, and the monthly
totals per organisation kept in `DuesMonthTotal`.

A line is computed from the member's declarations, reductions and paid months by the rules (`rules.
expected_for_month`, `rules.arrears_months`), in four queries for any number of members. The totals of an
organisation and month are computed the first time they are read and stored; every write that changes them (a
declaration, a reduction, a payment, a member saved, moved or deleted) deletes the organisation's stored totals in
its transaction, so the next read computes them again. A total computed during its own month is renewed once that
month has ended (its arrears were counted up to the month before).
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q

from members.models import MEMBER_STATUSES, Member

from . import rules
from .models import DuesDeclaration, DuesMonthTotal, DuesPaymentMonth, DuesReduction

ZERO = Decimal("0.00")
PAID, PARTIAL, UNPAID, UNDECLARED, NOT_OWED = "paid", "partial", "unpaid", "undeclared", "not_owed"


@dataclass(frozen=True)
class Line:
    """One member's dues for a month: what they owe (None: no base declared), what they paid, their arrears."""

    member_id: int
    name: str
    organisation_id: int
    expected: Decimal | None
    paid: Decimal
    arrears: int
    level: str

    @property
    def state(self) -> str:
        if self.expected is None:
            return PAID if self.paid > 0 else UNDECLARED
        if self.expected == 0 and self.paid == 0:
            return NOT_OWED
        if self.paid >= self.expected:
            return PAID
        return PARTIAL if self.paid > 0 else UNPAID

    @property
    def arrears_capped(self) -> bool:
        return self.arrears > rules.ARREARS_LOOKBACK_MONTHS


def counted_until(month: date, today: date) -> date:
    """The last month whose arrears count for the ledger of `month`: the month itself once it has ended, otherwise
    the month before today's (a month is paid within the month)."""
    return min(rules.month_of(month), rules.due_until(today))


def member_lines(members: Sequence[dict], month: date, today: date, *, related: Q | None = None) -> list[Line]:
    """The lines of `members` (rows with id, name, organisation_id, joined_on) for `month`, in their order.

    `related` selects their declarations, reductions and payments (e.g. ``Q(member__organisation_id__in=…)`` for a
    whole tree, instead of a list of every member's id)."""
    ids = [m["id"] for m in members]
    if not ids:
        return []
    related = related if related is not None else Q(member_id__in=ids)
    month = rules.month_of(month)
    until = counted_until(month, today)
    oldest = rules.add_months(until, -rules.ARREARS_LOOKBACK_MONTHS - 1)
    declarations: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    for member_id, on, amount in DuesDeclaration.objects.filter(related).values_list(
        "member_id", "declared_on", "amount"
    ):
        declarations[member_id].append((on, amount))
    reductions: dict[int, list[tuple[date, date, Decimal]]] = defaultdict(list)
    for member_id, first, last, amount in DuesReduction.objects.filter(related).values_list(
        "member_id", "first_month", "last_month", "amount"
    ):
        reductions[member_id].append((first, last, amount))
    paid: dict[int, dict[date, Decimal]] = defaultdict(dict)
    for member_id, paid_month, amount in DuesPaymentMonth.objects.filter(
        related, month__gte=min(oldest, month), month__lte=max(until, month)
    ).values_list("member_id", "month", "amount"):
        paid[member_id][paid_month] = amount
    lines = []
    for row in members:
        pk = row["id"]
        facts = {"declarations": declarations[pk], "reductions": reductions[pk], "dues_start": row["joined_on"]}
        if facts["dues_start"] is None and facts["declarations"]:
            facts["dues_start"] = min(on for on, _amount in facts["declarations"])

        def owes(m: date, facts=facts) -> bool:
            expected = rules.expected_for_month(m, **facts)
            return expected is not None and expected > 0

        arrears = rules.arrears_months(paid_months=paid[pk], owes=owes, until=until)
        lines.append(
            Line(
                member_id=pk,
                name=row["name"],
                organisation_id=row["organisation_id"],
                expected=rules.expected_for_month(month, **facts),
                paid=paid[pk].get(month, ZERO),
                arrears=arrears,
                level=rules.arrears_level(arrears),
            )
        )
    return lines


MEMBER_FIELDS = ("id", "name", "organisation_id", "joined_on")


def members_owing(q: Q, month: date) -> list[dict]:
    """Rows of the members matching `q` who are Party members (预备党员 and 正式党员) and whose dues had started by
    the end of `month` (入党日期 in or before it, or not recorded), by name."""
    start_by = rules.add_months(rules.month_of(month), 1)
    rows = (
        Member.objects.filter(q, status__in=MEMBER_STATUSES)
        .filter(Q(joined_on__lt=start_by) | Q(joined_on__isnull=True))
        .order_by("name", "pk")
        .values(*MEMBER_FIELDS)
    )
    return list(rows)


# --- Totals ----------------------------------------------------------------------------------------------------------


def totals_compute(organisation_ids: Iterable[int], month: date, today: date) -> None:
    """Compute and store the totals of `organisation_ids` for `month` (replacing any stored)."""
    organisation_ids = list(organisation_ids)
    if not organisation_ids:
        return
    month = rules.month_of(month)
    totals = {
        pk: DuesMonthTotal(organisation_id=pk, month=month, computed_in=rules.month_of(today))
        for pk in organisation_ids
    }
    members = members_owing(Q(organisation_id__in=organisation_ids), month)
    related = Q(member__organisation_id__in=organisation_ids)
    for line in member_lines(members, month, today, related=related):
        total = totals[line.organisation_id]
        total.members += 1
        total.paid += line.paid
        if line.expected is None:
            total.undeclared += 1
        else:
            total.expected += line.expected
        if line.state in (UNPAID, PARTIAL, UNDECLARED):
            total.unpaid_members += 1
        total.warnings += line.level == rules.WARNING
        total.escalations += line.level == rules.ESCALATION
    DuesMonthTotal.objects.bulk_create(
        totals.values(),
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["organisation", "month"],
        update_fields=["members", "undeclared", "expected", "paid", "unpaid_members", "warnings", "escalations",
                       "computed_in"],
    )  # fmt: skip


def fresh_q(month: date, today: date) -> Q:
    """Stored totals still true for `month` on `today`: computed after the month ended, or during today's month."""
    this_month = rules.month_of(today)
    return Q(computed_in__gt=rules.month_of(month)) | Q(computed_in=this_month)


def totals_ensure(organisation_ids: Iterable[int], month: date, today: date) -> None:
    """Compute the totals of those of `organisation_ids` that have none fresh for `month` (one query when all do)."""
    wanted = set(organisation_ids)
    fresh = set(
        DuesMonthTotal.objects.filter(fresh_q(month, today), organisation_id__in=wanted, month=rules.month_of(month))
        .values_list("organisation_id", flat=True)
    )  # fmt: skip
    totals_compute(wanted - fresh, month, today)


def totals_forget(organisation_ids: Iterable[int]) -> None:
    """Delete the stored totals of `organisation_ids` (every month): a write changed what they count."""
    ids = [pk for pk in organisation_ids if pk]
    if ids:
        DuesMonthTotal.objects.filter(organisation_id__in=ids).delete()


def member_changed(member: Member, before: set[int]) -> None:
    """`members.services.member_changed_hooks`: a member saved, moved or deleted changes the totals of the branch
    they are in and of the one they left."""
    totals_forget({member.organisation_id, *before})
