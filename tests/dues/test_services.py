"""The dues services: each write checks its rule, names it when refused and changes nothing; only the branch's
managers record dues."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from branches.errors import DomainError, NotPermitted
from dues import rules, selectors, services
from dues.models import DuesDeclaration, DuesMonthTotal, DuesPayment, DuesPaymentMonth, DuesRate
from members.access import SYSTEM, scope_for
from tests.dues.helpers import declare, pay

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
THIS_MONTH = rules.month_of(TODAY)


def test_the_rates_in_the_database_are_the_2008_rates():
    """The data migration seeds the rate table with 中组发〔2008〕3号's rates, the rules' first row."""
    assert DuesRate.objects.count() == len(rules.RATES_2008.brackets)
    (stored,) = selectors.rate_schedules()
    assert stored.effective_from == rules.RATES_2008.effective_from == date(2008, 4, 1)
    assert set(stored.brackets) == set(rules.RATES_2008.brackets)


def test_a_declaration_stores_the_amount_the_rule_gives(world):
    declaration = declare(world.member_a, "6500")
    assert declaration.amount == Decimal("97.50")
    retired = declare(world.member_b, "5000", category="retired")
    assert retired.amount == Decimal("25.00")


def test_a_declaration_follows_a_new_rate_row(world):
    """A change of rates is a new set of rows from its effective date; a base declared after it uses them."""
    DuesRate.objects.create(effective_from=date(2025, 1, 1), category="employed", up_to=None, percent=Decimal("1"))
    assert declare(world.member_a, "6500", on=date(2025, 2, 1)).amount == Decimal("65.00")


@pytest.mark.parametrize(
    ("income", "category", "on"),
    [("-1", "employed", date(2025, 1, 1)), ("1000001", "employed", date(2025, 1, 1)),
     ("10", "nobody", date(2025, 1, 1)), ("10", "employed", date(2000, 1, 1))],
)  # fmt: skip
def test_a_bad_declaration_is_refused_and_nothing_changes(world, income, category, on):
    """Negative income, income out of range, an unknown category, a date before 2008: a message, nothing saved."""
    with pytest.raises(DomainError):
        declare(world.member_a, income, category=category, on=on)
    assert not DuesDeclaration.objects.exists()


def test_only_the_branchs_managers_record_dues(world):
    """A secretary of another branch, a reviewer or the member themself is refused (NotPermitted)."""
    for user in (world.secretary_b, world.reviewer, world.member_user):
        with pytest.raises(NotPermitted):
            services.dues_declare(member=world.member_a, category="employed", income=Decimal("100"),
                                  declared_on=date(2025, 1, 1), by=scope_for(user))  # fmt: skip
    services.dues_declare(member=world.member_a, category="employed", income=Decimal("100"),
                          declared_on=date(2025, 1, 1), by=scope_for(world.secretary_a))  # fmt: skip


def test_a_month_paid_twice_is_refused(world):
    declare(world.member_a)
    pay(world.member_a, THIS_MONTH, paid_on=TODAY)
    with pytest.raises(DomainError, match="已经交过"):
        pay(world.member_a, THIS_MONTH, paid_on=TODAY)
    assert DuesPayment.objects.count() == 1


def test_a_quarter_in_advance_needs_approval_and_is_split_by_month(world):
    """按季度/预交 (第十一条) with the branch's approval; each month holds its share, the surplus on the last."""
    declare(world.member_a)
    last = rules.add_months(THIS_MONTH, 2)
    with pytest.raises(DomainError, match="支部同意"):
        pay(world.member_a, THIS_MONTH, last, paid_on=TODAY, amount="300")
    payment = pay(world.member_a, THIS_MONTH, last, paid_on=TODAY, amount="300", approved=True)
    shares = list(payment.months.order_by("month").values_list("amount", flat=True))
    assert shares == [Decimal("97.50"), Decimal("97.50"), Decimal("105.00")]


def test_back_payment_reaches_six_months(world):
    """补交 at most 6 months back (第十二条)."""
    declare(world.member_a, on=date(2020, 1, 1))
    pay(world.member_a, rules.add_months(THIS_MONTH, -6), rules.add_months(THIS_MONTH, -6), paid_on=TODAY)
    with pytest.raises(DomainError, match="6 个月"):
        pay(world.member_a, rules.add_months(THIS_MONTH, -7), paid_on=TODAY)


def test_paying_less_needs_a_reduction(world):
    declare(world.member_a)
    with pytest.raises(DomainError, match="减免"):
        pay(world.member_a, THIS_MONTH, paid_on=TODAY, amount="10")
    services.dues_reduction_record(member=world.member_a, first_month=THIS_MONTH, last_month=THIS_MONTH,
                                   amount=Decimal("10"), decided_on=TODAY, approved_on=TODAY, reason="困难",
                                   by=SYSTEM)  # fmt: skip
    pay(world.member_a, THIS_MONTH, paid_on=TODAY, amount="10")
    assert DuesPaymentMonth.objects.get(member=world.member_a).amount == Decimal("10.00")


def test_a_payment_without_a_declared_base_is_refused(world):
    with pytest.raises(DomainError, match="申报"):
        pay(world.member_a, THIS_MONTH, paid_on=TODAY)
    assert not DuesPayment.objects.exists()


def test_overlapping_reductions_are_refused(world):
    kwargs = {"member": world.member_a, "amount": Decimal("0"), "decided_on": TODAY, "approved_on": TODAY,
              "reason": "困难", "by": SYSTEM}  # fmt: skip
    services.dues_reduction_record(first_month=THIS_MONTH, last_month=rules.add_months(THIS_MONTH, 2), **kwargs)
    with pytest.raises(DomainError, match="重叠"):
        services.dues_reduction_record(first_month=rules.add_months(THIS_MONTH, 2),
                                       last_month=rules.add_months(THIS_MONTH, 3), **kwargs)  # fmt: skip


def test_a_write_renews_the_ledger_totals(world):
    """The totals of an organisation above the branch are computed on read and renewed by every dues write."""
    declare(world.member_a, on=rules.add_months(THIS_MONTH, -1))
    before = selectors.ledger_for(organisation=world.root, month=THIS_MONTH, today=TODAY, by=SYSTEM)
    assert DuesMonthTotal.objects.filter(organisation=world.branch_a).exists()
    payment = pay(world.member_a, THIS_MONTH, paid_on=TODAY)
    assert not DuesMonthTotal.objects.filter(organisation=world.branch_a).exists()
    after = selectors.ledger_for(organisation=world.root, month=THIS_MONTH, today=TODAY, by=SYSTEM)
    assert after.paid - before.paid == Decimal("97.50")
    services.dues_payment_delete(payment=payment, by=SYSTEM)
    again = selectors.ledger_for(organisation=world.root, month=THIS_MONTH, today=TODAY, by=SYSTEM)
    assert again.paid == before.paid


def test_the_branch_and_the_root_ledgers_agree(world):
    """The ledger of a branch (its members' lines) and of the root (stored totals) give the same sums."""
    declare(world.member_a, on=date(2024, 1, 1))
    declare(world.secretary_a_member, "3000", on=date(2024, 1, 1))
    pay(world.member_a, THIS_MONTH, paid_on=TODAY)
    branch = selectors.ledger_for(organisation=world.branch_a, month=THIS_MONTH, today=TODAY, by=SYSTEM)
    p1 = selectors.ledger_for(organisation=world.p1, month=THIS_MONTH, today=TODAY, by=SYSTEM)
    assert (branch.expected, branch.paid, branch.unpaid_members) == (p1.expected, p1.paid, p1.unpaid_members)
    assert branch.paid == Decimal("97.50") and branch.expected == Decimal("112.50")


def test_arrears_are_counted_and_reach_the_alerts(world):
    """A member with a base declared long ago and nothing paid is in arrears (more than 12 months: escalation)."""
    declare(world.member_a, on=date(2020, 1, 1))
    line = selectors.member_dues_status(world.member_a, TODAY)
    assert line.level == rules.ESCALATION and line.arrears_capped
    assert [a.member_id for a in selectors.arrears_to_alert(TODAY)] == [world.member_a.pk]


def test_a_moved_member_renews_both_branches_totals(world):
    """Dues follow the member: a move renews the totals of the branch left and the branch joined."""
    from members import services as member_services

    declare(world.member_b, on=date(2024, 1, 1))
    selectors.ledger_for(organisation=world.root, month=THIS_MONTH, today=TODAY, by=SYSTEM)
    assert DuesMonthTotal.objects.filter(organisation=world.branch_b, members=2).exists()
    member_services.member_changed(world.member_b, {world.branch_b.pk})
    assert not DuesMonthTotal.objects.filter(organisation=world.branch_b).exists()
