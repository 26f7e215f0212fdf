"""What the engine reads beside the monthly summary about people: who owes a 谈心谈话 and who has had one (each
member, and each committee member with another), and since when a branch has a 支委会.

Querysets built here are used both grouped, for many units at a time (`engine.year_figures`), and as scalar
subqueries of one unit's read (`unit_year`), so both read the same figures.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection
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
    """Each branch's `TalkFigures` in one grouped query (set-based on PostgreSQL, `_TALK_FIGURES_SQL`: the
    correlated subqueries of `talk_members` cost a fraction of a millisecond per member, seconds at a province)."""
    if not branch_ids:
        return {}
    if connection.vendor == "postgresql":
        start, end = rules.period_datetimes(year, timezone.get_default_timezone())
        params = {
            "ids": list(branch_ids),
            "statuses": list(MEMBER_STATUSES),
            "last_day": year.end,
            "start": start,
            "end": end,
            "present": AttendanceState.PRESENT,
            "finalised": MeetingStatus.FINALISED,
            "talk": MeetingType.HEART_TO_HEART_TALK,
        }
        with connection.cursor() as cursor:
            cursor.execute(_TALK_FIGURES_SQL, params)
            rows = cursor.fetchall()
    else:
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


#: `talk_members` grouped, for many branches at once: the same members, talks, committee posts and talks with
#: another committee member, joined as sets (each read once) instead of per member.
_TALK_FIGURES_SQL = """
WITH eligible AS MATERIALIZED (
    SELECT id, organisation_id FROM members_member
     WHERE organisation_id = ANY(%(ids)s) AND NOT is_deleted AND status = ANY(%(statuses)s)
       AND (joined_on IS NULL OR joined_on <= %(last_day)s)
), holders AS MATERIALIZED (
    SELECT DISTINCT t.organisation_id, p.member_id
      FROM branches_committeepost p
      JOIN branches_committeeterm t ON t.id = p.term_id
      JOIN members_member m ON m.id = p.member_id
     WHERE t.is_current AND NOT m.is_deleted AND t.organisation_id = ANY(%(ids)s)
), talks AS MATERIALIZED (
    SELECT a.member_id, a.meeting_id
      FROM meetings_attendance a
      JOIN meetings_meeting mt ON mt.id = a.meeting_id
      JOIN meetings_meetingtypelink l ON l.meeting_id = mt.id
     WHERE a.state = %(present)s AND mt.status = %(finalised)s AND NOT mt.is_deleted
       AND mt.starts_at >= %(start)s AND mt.starts_at < %(end)s AND l.type = %(talk)s
       AND (a.member_id IN (SELECT id FROM eligible) OR a.member_id IN (SELECT member_id FROM holders))
), counted AS (
    SELECT member_id, count(*) AS n FROM talks GROUP BY member_id
), with_colleague AS (
    SELECT DISTINCT t.member_id
      FROM talks t
      JOIN eligible e ON e.id = t.member_id
      JOIN talks c ON c.meeting_id = t.meeting_id AND c.member_id <> t.member_id
      JOIN holders h ON h.member_id = c.member_id AND h.organisation_id = e.organisation_id
)
SELECT e.organisation_id, coalesce(c.n, 0),
       EXISTS (SELECT 1 FROM holders h WHERE h.member_id = e.id AND h.organisation_id = e.organisation_id),
       w.member_id IS NOT NULL, count(*)
  FROM eligible e
  LEFT JOIN counted c ON c.member_id = e.id
  LEFT JOIN with_colleague w ON w.member_id = e.id
 GROUP BY 1, 2, 3, 4
"""
