"""The demo's dues (党费): a year of declared bases and payments, with some arrears (seed_demo loads this after the
committees).

- Every 预备党员 and 正式党员 declared a base (through the service, so the amount is the rule's) a year ago or when
  they joined: mostly 在职 with incomes across every bracket, some 离退休, a few 学生/低收入.
- They paid month by month on the 10th (or today, when earlier) up to this month; one member of the secretary's
  branch paid this quarter in advance with the branch's approval, another has an approved reduction (免交) for
  three months.
- Arrears: in each branch one member stopped paying four months ago (a warning to the secretary) and, in every
  third branch, another seven months ago (an escalation to the superior); the `secretary`'s branch has both.

Payments of past months are written in bulk, as if imported from the paper ledger; the ledger's totals are then
computed on first read. Built once: when any base is declared under the demo organisation, nothing changes.
"""

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from branches.models import Organisation
from dues import rules, services
from dues.models import DuesDeclaration, DuesPayment, DuesPaymentMonth, Method
from members.access import SYSTEM
from members.models import MEMBER_STATUSES, Member

from .tree import ROOT_CODE, SECRETARY_BRANCH

INCOMES = ("2800", "3000", "4200", "5000", "6500", "8000", "10000", "12500")


def _category(member: Member, index: int, today: date) -> tuple[str, Decimal]:
    age = today.year - member.birth_date.year
    if age >= 60:
        return rules.RETIRED, Decimal("4800") if index % 2 else Decimal("6200")
    if index % 23 == 5:
        return rules.LOW_INCOME, Decimal("0")
    return rules.EMPLOYED, Decimal(INCOMES[index % len(INCOMES)])


def dues_load(*, today: date, write: Callable[[str], None]) -> None:
    """Declare bases and record a year of payments for the demo members, unless a base is declared already."""
    root = Organisation.objects.filter(code=ROOT_CODE).first()
    if root is None:
        return
    members = list(
        Member.objects.filter(organisation__path__startswith=root.path, status__in=MEMBER_STATUSES)
        .select_related("organisation", "user")
        .order_by("organisation__path", "pk")
    )
    if DuesDeclaration.objects.filter(member__in=members).exists():
        write(_("演示党费记录已存在，未作改动。"))
        return
    this_month = rules.month_of(today)
    start = rules.add_months(this_month, -12)
    payments: list[tuple[DuesPayment, list[DuesPaymentMonth]]] = []
    special: list[Member] = []
    with transaction.atomic():
        last_organisation, position, branch_number = None, 0, 0
        for index, member in enumerate(members):
            if member.organisation_id != last_organisation:
                last_organisation, position, branch_number = member.organisation_id, 0, branch_number + 1
            position += 1
            joined = member.joined_on or start
            declared_on = max(start, joined)
            category, income = _category(member, index, today)
            amount = services.dues_declare(
                member=member, category=category, income=income, declared_on=declared_on, by=SYSTEM
            ).amount
            # Arrears: the 3rd member of each branch stopped four months ago, the 5th of every third branch seven;
            # in the secretary's branch the 2nd pays this quarter in advance and the 4th has a reduction (below).
            secretarys = member.organisation.code == SECRETARY_BRANCH
            last_paid = this_month
            if position == 3:
                last_paid = rules.add_months(this_month, -5)
            elif position == 5 and (branch_number % 3 == 0 or secretarys):
                last_paid = rules.add_months(this_month, -8)
            elif secretarys and position in (2, 4):
                last_paid = rules.add_months(this_month, -1)
                special.append(member)
            for month in rules.month_span(max(rules.month_of(declared_on), start), last_paid):
                paid_on = min(month.replace(day=10), today)
                method = Method.PAYROLL if index % 3 else Method.ONLINE
                payment = DuesPayment(
                    member=member, organisation_id=member.organisation_id, paid_on=paid_on, first_month=month,
                    last_month=month, amount=amount or Decimal("0.20"), method=method,
                )  # fmt: skip
                payments.append((payment, [DuesPaymentMonth(member=member, month=month, amount=payment.amount)]))
        DuesPayment.objects.bulk_create([p for p, _months in payments], batch_size=1000)
        rows = []
        for payment, months in payments:
            for row in months:
                row.payment = payment
                rows.append(row)
        DuesPaymentMonth.objects.bulk_create(rows, batch_size=1000)
        _quarter_and_reduction(special, today)
    write(_("已创建演示党费记录：%(members)d 名党员申报基数，%(payments)d 笔缴纳。") % {
        "members": len(members), "payments": len(payments) + 1})  # fmt: skip


def _quarter_and_reduction(members: list[Member], today: date) -> None:
    """In the secretary's branch: a quarter paid in advance with the branch's approval, and a reduction (免交)."""
    if len(members) < 2:
        return
    this_month = rules.month_of(today)
    advance, reduced = members[:2]
    expected = DuesDeclaration.objects.filter(member=advance).order_by("-declared_on").first().amount
    services.dues_payment_record(
        member=advance, first_month=this_month, last_month=rules.add_months(this_month, 2), amount=expected * 3,
        paid_on=today, method=Method.TRANSFER, approved=True, note=_("按季度交纳，经支部同意"), by=SYSTEM,
    )  # fmt: skip
    services.dues_reduction_record(
        member=reduced, first_month=this_month, last_month=rules.add_months(this_month, 2), amount=Decimal("0"),
        decided_on=today, approved_on=today, reason=_("因病住院，生活困难，经支部决定、上级党委批准免交三个月"),
        by=SYSTEM,
    )  # fmt: skip
