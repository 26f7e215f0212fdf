"""Reads of the development of members: a person's facts and path, the pipeline board, the funnel, the finalised
支部党员大会 a vote may link to, and the steps falling due (for the reminders)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr

from branches.models import Level, Organisation
from meetings import selectors as meeting_selectors
from meetings.models import Meeting, MeetingStatus, MeetingType
from members.access import Scope
from members.models import Member, Status

from . import rules
from .models import Path, Step, StepKind

#: The statuses of people on the path (the four stages before 正式党员).
PIPELINE_STATUSES = (Status.APPLICANT, Status.ACTIVIST, Status.CANDIDATE, Status.PROBATIONARY)


def path_facts(member: Member, steps: list[Step]) -> rules.PathFacts:
    """What the rules need of a person's path: their application date and status (the member record's) and, per
    step, the date of the latest done (for a vote, the latest; whether it passed); the extension granted. A record
    admitted before the portal counts its 预备期 from its 入党日期."""
    done: dict[str, date] = {}
    admission_passed = confirmation_passed = False
    extension = 0
    for step in sorted(steps, key=lambda s: (s.done_on, s.pk or 0)):
        done[step.kind] = step.done_on
        if step.kind == rules.ADMISSION_VOTE:
            admission_passed = admission_passed or bool(step.passed)
        elif step.kind == rules.CONFIRMATION_VOTE:
            confirmation_passed = confirmation_passed or bool(step.passed)
        elif step.kind == rules.EXTENSION:
            extension = step.extension_months or 0
    # A passed vote's date is the one the later steps count from, whatever was tried before it.
    for kind, passed in ((rules.ADMISSION_VOTE, admission_passed), (rules.CONFIRMATION_VOTE, confirmation_passed)):
        if passed:
            done[kind] = max(s.done_on for s in steps if s.kind == kind and s.passed)
    if member.status in (Status.PROBATIONARY, Status.FULL) and not admission_passed and member.joined_on:
        # Admitted before the portal: the 预备期 counts from the 入党日期 the record keeps.
        done[rules.ADMISSION_VOTE], admission_passed = member.joined_on, True
    return rules.PathFacts(
        applied_on=member.applied_on,
        done=done,
        admission_passed=admission_passed,
        confirmation_passed=confirmation_passed,
        extension_months=extension,
        status=member.status,
    )


def steps_of(member: Member) -> list[Step]:
    """A person's steps in the order they were done, with the people named and the meeting of a vote."""
    return list(
        Step.objects.filter(member=member)
        .select_related("meeting", "recorded_by")
        .prefetch_related("people")
        .order_by("done_on", "pk")
    )


def paths_visible(scope: Scope) -> QuerySet[Member]:
    """People on the path (入党申请人 to 预备党员) whose branch the user reads, with their next step."""
    if not scope.may_read_development():
        return Member.objects.none()
    return (
        Member.objects.filter(scope.organisations_readable_q("organisation__path"))
        .filter(status__in=PIPELINE_STATUSES)
        .select_related("organisation", "development_path")
    )


def path_people(scope: Scope) -> QuerySet[Member]:
    """Member records whose path the user may open (every status: a 正式党员 keeps the history of their path)."""
    if not scope.may_read_development():
        return Member.objects.none()
    return Member.objects.filter(scope.organisations_readable_q("organisation__path")).select_related(
        "organisation", "development_path"
    )


def organisations_for_development(scope: Scope) -> QuerySet[Organisation]:
    """Organisations whose pipeline board and funnel the user may open (not a 党小组: people are kept by branch)."""
    return scope.organisations_readable().exclude(level=Level.PARTY_GROUP)


STATE_FILTERS = ("overdue", "due_soon")


def pipeline(organisation: Organisation, *, today: date, stage: str = "", state: str = "", soon_days: int = 30):
    """The pipeline board's rows under an organisation: who is at which stage, with the next step, earliest date and
    deadline, the most pressing first (deadline, then stage, then name). `stage` and `state` ("overdue",
    "due_soon") filter."""
    rows = (
        Member.objects.filter(organisation__path__startswith=organisation.path, status__in=PIPELINE_STATUSES)
        .select_related("organisation", "development_path")
        .order_by("development_path__next_deadline", "status", "name", "pk")
    )
    if stage in PIPELINE_STATUSES:
        rows = rows.filter(status=stage)
    if state == "overdue":
        rows = rows.filter(development_path__next_deadline__lt=today)
    elif state == "due_soon":
        rows = rows.filter(
            development_path__next_deadline__gte=today,
            development_path__next_deadline__lte=today + timedelta(days=soon_days),
        )
    return rows


@dataclass(frozen=True)
class PipelineSummary:
    """The board's heading: people per stage, and how many next steps are overdue or due within `soon_days`."""

    by_stage: dict[str, int]
    overdue: int
    due_soon: int

    @property
    def total(self) -> int:
        return sum(self.by_stage.values())


def pipeline_summary(organisation: Organisation, *, today: date, soon_days: int = 30) -> PipelineSummary:
    """The counts of the board's heading under an organisation, in one query."""
    under = Member.objects.filter(organisation__path__startswith=organisation.path, status__in=PIPELINE_STATUSES)
    soon = today + timedelta(days=soon_days)
    figures = under.aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in PIPELINE_STATUSES},
        overdue=Count("pk", filter=Q(development_path__next_deadline__lt=today)),
        due_soon=Count(
            "pk", filter=Q(development_path__next_deadline__gte=today, development_path__next_deadline__lte=soon)
        ),
    )
    return PipelineSummary(
        by_stage={status: figures[status] for status in PIPELINE_STATUSES},
        overdue=figures["overdue"],
        due_soon=figures["due_soon"],
    )


@dataclass(frozen=True)
class FunnelRow:
    """One organisation's funnel: people at each stage now, and those admitted and confirmed in the year."""

    organisation: Organisation
    by_stage: dict[str, int]
    admitted: int
    confirmed: int


def funnel(organisation: Organisation, year: int) -> tuple[FunnelRow, list[FunnelRow]]:
    """The funnel of an organisation and of each organisation directly under it (not its 党小组): people at each
    stage, and how many the superior approved as 预备党员 and as 正式党员 in `year`. Four queries, whatever the size."""
    children = list(
        Organisation.objects.filter(path__startswith=organisation.path, depth=organisation.depth + 1)
        .exclude(level=Level.PARTY_GROUP)
        .order_by("path")
    )
    prefix = len(organisation.path) + organisation.steplen
    people = (
        Member.objects.filter(organisation__path__startswith=organisation.path, status__in=PIPELINE_STATUSES)
        .annotate(unit=Substr("organisation__path", 1, prefix))
        .values("unit")
        .annotate(**{status: Count("pk", filter=Q(status=status)) for status in PIPELINE_STATUSES})
    )
    steps = (
        Step.objects.filter(
            member__organisation__path__startswith=organisation.path,
            kind__in=(rules.ADMISSION_APPROVAL, rules.CONFIRMATION_APPROVAL),
            done_on__year=year,
        )
        .annotate(unit=Substr("member__organisation__path", 1, prefix))
        .values("unit")
        .annotate(
            admitted=Count("pk", filter=Q(kind=rules.ADMISSION_APPROVAL)),
            confirmed=Count("pk", filter=Q(kind=rules.CONFIRMATION_APPROVAL)),
        )
    )
    stages = {row["unit"]: row for row in people}
    approvals = {row["unit"]: row for row in steps}

    def row_for(unit: Organisation, keys: list[str]) -> FunnelRow:
        found = [stages[k] for k in keys if k in stages]
        done = [approvals[k] for k in keys if k in approvals]
        return FunnelRow(
            unit,
            {status: sum(r[status] for r in found) for status in PIPELINE_STATUSES},
            sum(r["admitted"] for r in done),
            sum(r["confirmed"] for r in done),
        )

    total = row_for(organisation, list(stages) + [k for k in approvals if k not in stages])
    return total, [row_for(child, [child.path]) for child in children]


def vote_meetings(member: Member) -> QuerySet[Meeting]:
    """The finalised 支部党员大会 records of the person's branch a vote may link to, newest first."""
    return (
        Meeting.objects.filter(
            organisation=member.organisation,
            status=MeetingStatus.FINALISED,
            type_links__type=MeetingType.GENERAL_MEETING,
        )
        .order_by("-starts_at", "-pk")
        .distinct()
    )


@dataclass(frozen=True)
class VoteRoll:
    """Who could vote at a finalised 支部党员大会: those entitled (正式党员 on the day, not under 留党察看) and those of
    them present, as the record keeps them (`Meeting.quorum_roll`), and whether it had its quorum."""

    day: date
    entitled: int
    present: int
    quorum_met: bool
    needed: int


def vote_roll(meeting: Meeting) -> VoteRoll | None:
    """The 支部党员大会 roll of a finalised record (None when the record holds no 支部党员大会)."""
    for check in meeting_selectors.meeting_quorum(meeting):
        if check.meeting_type == MeetingType.GENERAL_MEETING:
            return VoteRoll(
                meeting_selectors.meeting_day(meeting), check.voting_expected, check.voting_present, check.met,
                check.needed,
            )  # fmt: skip
    return None


def full_members_of_branch(member: Member) -> QuerySet[Member]:
    """The 正式党员 of the person's branch: who may be named 培养联系人 or 入党介绍人."""
    return Member.objects.filter(organisation=member.organisation, status=Status.FULL).exclude(pk=member.pk)


@dataclass(frozen=True)
class StepDue:
    """A person's next step whose deadline falls within the reminder window (or has passed)."""

    member_id: int
    member_name: str
    organisation_id: int
    kind: str
    deadline: date


def steps_falling_due(today: date, within_days: int) -> list[StepDue]:
    """Next steps with a deadline at most `within_days` away or past, of people still on the path (the reminders)."""
    rows = Path.objects.filter(
        member__is_deleted=False,
        member__status__in=PIPELINE_STATUSES,
        next_deadline__isnull=False,
        next_deadline__lte=today + timedelta(days=within_days),
    ).values_list("member_id", "member__name", "member__organisation_id", "next_step", "next_deadline")
    return [StepDue(*row) for row in rows.order_by("next_deadline", "member_id")]


@dataclass(frozen=True)
class BoardRow:
    """One person on the pipeline board: their stage, next step, its earliest date and deadline, and its state."""

    member: Member
    due: rules.DueStep | None
    state: str

    @property
    def next_step_label(self) -> str:
        return str(StepKind(self.due.kind).label) if self.due else ""


def board_rows(people: list[Member], today: date) -> list[BoardRow]:
    """The rows of a page of the board, from each person's kept next step (`Path`), without a further query."""
    rows = []
    for member in people:
        path = getattr(member, "development_path", None)
        due = (
            rules.DueStep(path.next_step, path.next_earliest, path.next_deadline)
            if path is not None and path.next_step
            else None
        )
        rows.append(BoardRow(member, due, rules.due_state(due, today) if due else "unknown"))
    return rows
