"""Every read of dues: the rates in force, the ledger of an organisation for a month, a member's dues and status,
and the arrears the alerts are written from."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from branches.errors import NotPermitted
from branches.models import Level, Organisation
from members.access import Scope
from members.models import Member

from . import ledger, rules
from .models import DuesDeclaration, DuesMonthTotal, DuesPayment, DuesRate, DuesReduction

#: Organisations whose ledger lists members (the others list the organisations under them).
MEMBER_LEVELS = (Level.BRANCH, Level.PARTY_GROUP)


def rate_schedules() -> tuple[rules.RateSchedule, ...]:
    """The rates stored in the database (`DuesRate`), by effective date; the 2008 rates when none are stored."""
    brackets: dict[date, list[rules.Bracket]] = defaultdict(list)
    for rate in DuesRate.objects.order_by("effective_from", "category", "up_to"):
        brackets[rate.effective_from].append(
            rules.Bracket(rate.category, rate.up_to, percent=rate.percent, amount=rate.amount)
        )
    if not brackets:
        return rules.RATE_SCHEDULES
    return tuple(rules.RateSchedule(on, tuple(rows)) for on, rows in sorted(brackets.items()))


def member_unit_q(organisation: Organisation) -> Q:
    """The members a member-level ledger lists: a branch's, or a 党小组's."""
    if organisation.level == Level.PARTY_GROUP:
        return Q(party_group=organisation)
    return Q(organisation=organisation)


@dataclass
class Ledger:
    """The ledger of an organisation for a month: member lines (a branch or 党小组) or the totals of each
    organisation under it, and the sums."""

    organisation: Organisation
    month: date
    by_member: bool
    lines: list = field(default_factory=list)
    totals: QuerySet | None = None
    members: int = 0
    expected: Decimal = Decimal("0.00")
    paid: Decimal = Decimal("0.00")
    unpaid_members: int = 0
    undeclared: int = 0
    warnings: int = 0
    escalations: int = 0

    @property
    def unpaid(self) -> Decimal:
        return max(self.expected - self.paid, Decimal("0.00"))


def ledger_for(*, organisation: Organisation, month: date, today: date, by: Scope) -> Ledger:
    """The dues ledger of `organisation` for `month`, for a reader of the organisation."""
    if not by.may_read_dues(organisation):
        raise NotPermitted
    month = rules.month_of(month)
    if organisation.level in MEMBER_LEVELS:
        lines = ledger.member_lines(ledger.members_owing(member_unit_q(organisation), month), month, today)
        result = Ledger(organisation, month, True, lines=lines, members=len(lines))
        for line in lines:
            result.paid += line.paid
            result.expected += line.expected or 0
            result.undeclared += line.expected is None
            result.unpaid_members += line.state in (ledger.UNPAID, ledger.PARTIAL, ledger.UNDECLARED)
            result.warnings += line.level == rules.WARNING
            result.escalations += line.level == rules.ESCALATION
        return result
    units = Organisation.objects.filter(path__startswith=organisation.path).exclude(level=Level.PARTY_GROUP)
    fresh = DuesMonthTotal.objects.filter(
        ledger.fresh_q(month, today), organisation__path__startswith=organisation.path, month=month
    )
    if fresh.count() != units.count():  # some totals to compute: a write renewed them, or a month has ended
        ledger.totals_ensure(units.values_list("pk", flat=True), month, today)
    totals = (
        DuesMonthTotal.objects.filter(organisation__path__startswith=organisation.path, month=month, members__gt=0)
        .select_related("organisation")
        .order_by("organisation__path")
    )
    sums = totals.aggregate(
        members=Sum("members"),
        expected=Sum("expected"),
        paid=Sum("paid"),
        unpaid_members=Sum("unpaid_members"),
        undeclared=Sum("undeclared"),
        warnings=Sum("warnings"),
        escalations=Sum("escalations"),
    )
    result = Ledger(organisation, month, False, totals=totals)
    for name, value in sums.items():
        if value is not None:
            setattr(result, name, value)
    return result


def members_with_dues_readable(by: Scope) -> QuerySet[Member]:
    """Members whose dues the user may read (their own, and those of the organisations they read)."""
    return Member.objects.filter(by.members_readable_q()).select_related("organisation", "party_group")


@dataclass(frozen=True)
class MemberDues:
    """A member's dues page: their line this month, declarations, reductions and payments."""

    line: ledger.Line | None
    declaration: DuesDeclaration | None
    declarations: list
    reductions: list
    payments: QuerySet


def member_dues(*, member: Member, today: date, by: Scope) -> MemberDues:
    """What the member's dues page shows, for a reader of the member's dues."""
    if not by.may_read_member_dues(member):
        raise NotPermitted
    declarations = list(DuesDeclaration.objects.filter(member=member).order_by("-declared_on", "-pk"))
    return MemberDues(
        line=member_dues_status(member, today),
        declaration=declarations[0] if declarations else None,
        declarations=declarations,
        reductions=list(DuesReduction.objects.filter(member=member)),
        payments=DuesPayment.objects.filter(member=member).order_by("-paid_on", "-pk"),
    )


def member_dues_status(member: Member, today: date) -> ledger.Line | None:
    """The member's dues this month (expected, paid, arrears), for their home page (`dues/includes/my_dues.html`);
    None for someone who owes no dues (not yet a 预备党员)."""
    rows = ledger.members_owing(Q(pk=member.pk), today)
    lines = ledger.member_lines(rows, rules.month_of(today), today)
    return lines[0] if lines else None


@dataclass(frozen=True)
class Arrears:
    """A member in arrears on a day, for the alerts."""

    member_id: int
    name: str
    organisation_id: int
    months: int
    level: str
    #: The first unpaid month of the run: alerts are written once per run and level.
    since: date


def arrears_to_alert(today: date) -> list[Arrears]:
    """Every member with 3 or more consecutive unpaid months on `today` (the alerts' task; `SYSTEM` only)."""
    until = rules.due_until(today)
    organisation_ids = list(Member.objects.values_list("organisation_id", flat=True).distinct().order_by())
    found = []
    for start in range(0, len(organisation_ids), 500):
        chunk = organisation_ids[start : start + 500]
        members = ledger.members_owing(Q(organisation_id__in=chunk), until)
        related = Q(member__organisation_id__in=chunk)
        for line in ledger.member_lines(members, until, today, related=related):
            if line.level != rules.NONE:
                since = rules.add_months(until, -min(line.arrears, rules.ARREARS_LOOKBACK_MONTHS + 1) + 1)
                found.append(Arrears(line.member_id, line.name, line.organisation_id, line.arrears, line.level, since))
    return found


def unit_month_totals(organisation_ids: Iterable[int], month: date, today: date) -> dict[int, tuple[int, int]]:
    """(members owing dues, of them not fully paid) of each organisation for `month`, from the stored totals (computed
    where missing): the branch assessment's dues indicator (`SYSTEM` reads; no page shows it unchecked)."""
    ids = list(organisation_ids)
    month = rules.month_of(month)
    ledger.totals_ensure(ids, month, today)
    rows = DuesMonthTotal.objects.filter(organisation_id__in=ids, month=month).values_list(
        "organisation_id", "members", "unpaid_members"
    )
    return {organisation_id: (members, unpaid) for organisation_id, members, unpaid in rows}
