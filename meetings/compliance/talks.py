"""What the engine reads beside the monthly summary about people: who owes a 谈心谈话 and who has had one (each
member, and each committee member with another), and since when a branch has a 支委会.

Querysets built here are used both grouped, for many units at a time (`engine.year_figures`), and as scalar
subqueries of one unit's read (`unit_year`), so both read the same figures.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    DateField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from branches.rules import COMMITTEE_THRESHOLD, PARTY_FOUNDED
from members.models import MEMBER_STATUSES, CommitteePost, Member, Status

from .. import rules
from ..models import Attendance, AttendanceState, MeetingStatus, MeetingType
from ..rules import PeriodRange, Requirement, TalkCoverage


def full_since() -> Func:
    """The day a 正式党员 became one as the record shows it (`members.rules.full_member_on`): the later of 入党日期
    and 转正日期, an unknown date counting as always."""
    founded = Value(PARTY_FOUNDED, output_field=DateField())
    return Greatest(Coalesce("joined_on", founded), Coalesce("confirmed_on", founded), output_field=DateField())


def seventh_full_members(organisation_ids: Iterable[int]) -> QuerySet:
    """(organisation, day) of the 7th 正式党员 of each branch that has 7 or more (`branches.rules.committee_since`)."""
    from django.db.models import Window
    from django.db.models.functions import RowNumber

    return (
        Member.objects.filter(organisation_id__in=list(organisation_ids), status=Status.FULL)
        .annotate(
            since=full_since(),
            rank=Window(RowNumber(), partition_by=F("organisation_id"), order_by=[F("since").asc(), F("pk").asc()]),
        )
        .filter(rank=COMMITTEE_THRESHOLD)
        .values_list("organisation_id", "since")
    )


def seventh_full_member_of(organisation_id: int) -> Subquery:
    """The day one branch's 7th 正式党员 became one, as a scalar subquery (NULL with fewer than 7)."""
    members = Member.objects.filter(organisation_id=organisation_id, status=Status.FULL).annotate(since=full_since())
    return Subquery(
        members.order_by("since", "pk").values("since")[COMMITTEE_THRESHOLD - 1 : COMMITTEE_THRESHOLD],
        output_field=DateField(),
    )


def _talks(year: PeriodRange) -> QuerySet:
    """Attendance (present) of the outer member at finalised 谈心谈话 records of the year."""
    start, end = rules.period_datetimes(year, timezone.get_default_timezone())
    return Attendance.objects.filter(
        member=OuterRef("pk"),
        state=AttendanceState.PRESENT,
        meeting__is_deleted=False,
        meeting__status=MeetingStatus.FINALISED,
        meeting__starts_at__gte=start,
        meeting__starts_at__lt=end,
        meeting__type_links__type=MeetingType.HEART_TO_HEART_TALK,
    )


def talk_members(year: PeriodRange, where: Q) -> QuerySet:
    """Members (of the branches in `where`) who owe a 谈心谈话 in the year (`rules.talk_owed`), each with `talks` (how
    many they had), `on_committee` (a post in the branch's current term) and `committee_talked` (a talk with
    another holder of a current post of the same branch)."""
    talks = _talks(year)
    count = talks.order_by().annotate(n=Func(F("meeting_id"), function="COUNT", output_field=IntegerField()))
    colleague = (
        CommitteePost.objects.current()
        .filter(
            term__organisation_id=OuterRef(OuterRef("organisation_id")),
            member__attendances__meeting_id=OuterRef("meeting_id"),
            member__attendances__state=AttendanceState.PRESENT,
        )
        .exclude(member_id=OuterRef(OuterRef("pk")))
    )
    return (
        Member.objects.filter(where, status__in=MEMBER_STATUSES)
        .filter(Q(joined_on__isnull=True) | Q(joined_on__lte=year.end))
        .annotate(
            talks=Coalesce(Subquery(count.values("n")), 0),
            on_committee=Exists(
                CommitteePost.objects.current().filter(
                    member_id=OuterRef("pk"), term__organisation_id=OuterRef("organisation_id")
                )  # fmt: skip
            ),
            committee_talked=Exists(talks.filter(Exists(colleague))),
        )
    )


def talks_per_year(requirement: Requirement) -> int:
    """How many talks a member owes in a year under a 谈心谈话 requirement (at least one: "each member at least once
    a year"; a requirement of 2 a year asks each member for two)."""
    return max(1, requirement.count * (12 // rules.MONTHS_IN[requirement.period]))


@dataclass
class TalkFigures:
    """One branch's 谈心谈话 in a year: members by the number of talks they had, committee members and those who
    talked with another committee member."""

    members_by_talks: dict[int, int] = field(default_factory=dict)
    committee: int = 0
    committee_talked: int = 0

    def coverage(self, requirement: Requirement, has_committee: bool) -> TalkCoverage:
        """N of M members with at least the required talks a year; the committee's only where it has a 支委会."""
        per_year = talks_per_year(requirement)
        return TalkCoverage(
            members=sum(self.members_by_talks.values()),
            talked=sum(n for talks, n in self.members_by_talks.items() if talks >= per_year),
            committee=self.committee if has_committee else 0,
            committee_talked=self.committee_talked if has_committee else 0,
        )


def talk_figures(branch_ids: list[int], year: PeriodRange) -> dict[int, TalkFigures]:
    """Each branch's `TalkFigures` in one grouped query."""
    if not branch_ids:
        return {}
    rows = (
        talk_members(year, Q(organisation_id__in=branch_ids))
        .values_list("organisation_id", "talks", "on_committee", "committee_talked")
        .annotate(n=Count("id"))
        .order_by()
    )
    result: dict[int, TalkFigures] = {}
    for organisation_id, talks, on_committee, committee_talked, n in rows:
        figures = result.setdefault(organisation_id, TalkFigures())
        figures.members_by_talks[talks] = figures.members_by_talks.get(talks, 0) + n
        if on_committee:
            figures.committee += n
            figures.committee_talked += n if committee_talked else 0
    return result
