"""The roll of a meeting: who had a vote on its day, and its quorum figures (stored with the record when it is
finalised; Quorum: "who may vote is decided on the day of the meeting")."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from branches.dates import local_day
from branches.models import CommitteeTerm, Level, Organisation
from members import rules as member_rules
from members.models import MEMBER_STATUSES, Member

from . import rules
from .models import AttendanceState, Meeting, MeetingStatus, MeetingType


def branch_of(organisation: Organisation) -> Organisation:
    """The branch a party group belongs to (a branch is its own)."""
    if organisation.level == Level.PARTY_GROUP:
        return Organisation.objects.get_parent(organisation)
    return organisation


def members_of(organisation: Organisation) -> QuerySet[Member]:
    """Party members (预备 and 正式) of a branch, or of a party group."""
    members = Member.objects.filter(status__in=MEMBER_STATUSES)
    if organisation.level == Level.PARTY_GROUP:
        return members.filter(party_group=organisation)
    return members.filter(organisation=organisation)


@dataclass(frozen=True)
class QuorumCheck:
    """The quorum figures of one type of a meeting: who had a vote on the day (`voters`), how many of them were
    present, how many were needed and whether the quorum was met. A finalised record keeps these as they were
    (`Meeting.quorum_roll`)."""

    meeting_type: str
    voting_expected: int
    voting_present: int
    needed: int
    met: bool
    voters: tuple[int, ...] = ()
    election: bool = False

    @property
    def label(self) -> str:
        return str(MeetingType(self.meeting_type).label)

    def as_stored(self) -> dict:
        """The form `Meeting.quorum_roll` keeps, one entry per type."""
        return {
            "type": self.meeting_type,
            "voters": list(self.voters),
            "expected": self.voting_expected,
            "present": self.voting_present,
            "needed": self.needed,
            "met": self.met,
            "election": self.election,
        }

    @classmethod
    def from_stored(cls, entry: dict) -> "QuorumCheck":
        return cls(
            meeting_type=entry["type"],
            voting_expected=entry["expected"],
            voting_present=entry["present"],
            needed=entry["needed"],
            met=entry["met"],
            voters=tuple(entry.get("voters") or ()),
            election=bool(entry.get("election")),
        )


def meeting_day(meeting: Meeting) -> date:
    """The local calendar day a meeting was held on: the day its roll is taken."""
    return local_day(meeting.starts_at)


def _voters_among(people: Iterable[tuple], day: date) -> set[int]:
    """The ids of those with a vote on `day` among (id, status, joined_on, confirmed_on, probation from, until)."""
    return {
        pk
        for pk, status, joined, confirmed, probation_from, probation_until in people
        if member_rules.has_vote_on(
            status=status,
            joined_on=joined,
            confirmed_on=confirmed,
            probation_starts_on=probation_from,
            probation_ends_on=probation_until,
            day=day,
        )
    }


_VOTE_FIELDS = ("pk", "status", "joined_on", "confirmed_on", "probation_starts_on", "probation_ends_on")


def committee_term_on(organisation: Organisation, day: date) -> CommitteeTerm | None:
    """The committee term in force on `day`: the latest elected on or before it; the current one when none was
    (a meeting before the first election recorded)."""
    terms = CommitteeTerm.objects.filter(organisation=branch_of(organisation)).order_by("-elected_on", "-pk")
    return terms.filter(elected_on__lte=day).first() or terms.filter(is_current=True).first()


def voters_on(meeting_type: str, organisation: Organisation, day: date) -> set[int]:
    """Who had a vote at a meeting of this type held on `day` (Quorum: "Who may vote is decided on the day of the
    meeting"): for a 支部委员会 the post holders of the term in force that day, for a 支部党员大会 every member of
    the branch (or group); each only when a 正式党员 on that day and not under 留党察看
    (`members.rules.has_vote_on`)."""
    if meeting_type == MeetingType.COMMITTEE_MEETING:
        term = committee_term_on(organisation, day)
        if term is None:
            return set()
        people = Member.objects.filter(committee_posts__term=term)
    else:
        people = members_of(organisation)
    return _voters_among(people.values_list(*_VOTE_FIELDS), day)


def quorum_as_of_day(meeting: Meeting) -> list[QuorumCheck]:
    """The quorum of each type of the meeting that has one (支部委员会, 支部党员大会), with the roll taken as of the
    meeting's day from the records as they stand (`voters_on`).

    Every voter counts as expected, whether on the list or not, so removing people from the list cannot make a
    quorum; 预备党员 and members under 留党察看 are not counted.
    """
    checks = []
    types = [t for t in meeting.types if rules.quorum_applies(t)]
    if not types:
        return checks
    day = meeting_day(meeting)
    present_ids = set(meeting.attendances.filter(state=AttendanceState.PRESENT).values_list("member_id", flat=True))
    for meeting_type in types:
        voters = voters_on(meeting_type, meeting.organisation, day)
        election = meeting.is_election and meeting_type == MeetingType.GENERAL_MEETING
        present = len(voters & present_ids)
        needed = rules.quorum_needed(meeting_type, len(voters), election)
        met = rules.quorum_met(meeting_type, len(voters), present, election)
        checks.append(QuorumCheck(meeting_type, len(voters), present, needed, met, tuple(sorted(voters)), election))
    return checks


def meeting_quorum(meeting: Meeting) -> list[QuorumCheck]:
    """The quorum figures a page, the minutes or a service shows for a meeting: those stored when it was finalised
    (the record never changes its roll afterwards), otherwise taken as of the meeting's day (`quorum_as_of_day`)."""
    if meeting.status == MeetingStatus.FINALISED and meeting.quorum_roll is not None:
        return [QuorumCheck.from_stored(entry) for entry in meeting.quorum_roll]
    return quorum_as_of_day(meeting)


# --- The 党委书记's yearly 党课 ---------------------------------------------------------------------------------------
