"""Reads of 民主评议党员 and 支部考核, scoped by the access layer."""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, QuerySet

from branches.models import Level, Organisation
from meetings.models import Meeting, MeetingStatus, MeetingType
from members.access import Scope
from members.models import MEMBER_STATUSES, Member

from . import rules
from .models import (
    Appraisal,
    AppraisalResult,
    AppraisalSetting,
    BallotMark,
    BallotVoter,
    BranchScore,
    Grade,
    MassesOpinion,
    Scheme,
    SelfAssessment,
    Step,
)

# --- Appraisals ------------------------------------------------------------------------------------------------------


def appraisals_for(scope: Scope) -> QuerySet[Appraisal]:
    """The appraisals the user reaches (managed subtrees, their own branch), with their branch."""
    if not scope.is_authenticated:
        return Appraisal.objects.none()
    return Appraisal.objects.filter(scope.appraisals_readable_q()).select_related("organisation")


def appraisals_of(scope: Scope, organisation: Organisation) -> QuerySet[Appraisal]:
    return appraisals_for(scope).filter(organisation=organisation).order_by("-year")


def rated_members(organisation: Organisation) -> QuerySet[Member]:
    """The members an appraisal grades: the branch's 正式党员 and 预备党员 (its party groups' included)."""
    return Member.objects.filter(organisation=organisation, status__in=MEMBER_STATUSES).order_by("name", "pk")


def voters_on(organisation: Organisation, day: date) -> list[Member]:
    """The members with a vote on `day` (not 预备党员, not under 留党察看)."""
    return [m for m in rated_members(organisation) if m.has_vote_on(day)]


def ancestor_paths(path: str) -> list[str]:
    step = Organisation.steplen
    return [path[:i] for i in range(step, len(path) + 1, step)]


def excellent_share_for(organisation: Organisation) -> tuple[int, int]:
    """The 优秀 share in force: the nearest ancestor's setting (the organisation's own first), else the default."""
    settings = AppraisalSetting.objects.filter(organisation__path__in=ancestor_paths(organisation.path))
    nearest = max(settings.select_related("organisation"), key=lambda s: len(s.organisation.path), default=None)
    if nearest is None:
        return rules.DEFAULT_EXCELLENT_SHARE
    return nearest.excellent_numerator, nearest.excellent_denominator


def excellent_cap_for(appraisal: Appraisal) -> int:
    return rules.excellent_cap(
        rated_members(appraisal.organisation).count(), excellent_share_for(appraisal.organisation)
    )


@dataclass(frozen=True)
class Turnout:
    voted: int
    expected: int

    @property
    def quorum(self) -> int:
        return rules.ballot_quorum(self.expected)

    @property
    def quorum_met(self) -> bool:
        return rules.ballot_quorum_met(self.expected, self.voted)


def turnout(appraisal: Appraisal) -> Turnout:
    """How many have voted of those with a vote (what the secretary sees while the ballot is open)."""
    return Turnout(BallotVoter.objects.filter(appraisal=appraisal).count(), appraisal.voters_expected)


def has_voted(appraisal: Appraisal, member_id: int | None) -> bool:
    return member_id is not None and BallotVoter.objects.filter(appraisal=appraisal, voter_id=member_id).exists()


@dataclass(frozen=True)
class TallyRow:
    """One member's votes per grade (ballots, and the masses' opinions apart)."""

    member: Member
    ballots: dict[str, int]
    masses: dict[str, int]

    def cells(self) -> list[tuple[str, int, int]]:
        return [(grade, self.ballots.get(grade, 0), self.masses.get(grade, 0)) for grade in rules.GRADES]


def tally(appraisal: Appraisal) -> list[TallyRow] | None:
    """The tally per member once the ballot has closed (None before: only the turnout is shown). Counts only."""
    if not appraisal.tally_visible:
        return None
    ballots: dict[int, Counter] = defaultdict(Counter)
    rows = BallotMark.objects.filter(appraisal=appraisal).values_list("member_id", "grade").annotate(n=Count("pk"))
    for member_id, grade, n in rows.order_by():
        ballots[member_id][grade] = n
    masses: dict[int, Counter] = defaultdict(Counter)
    for member_id, grade, n in MassesOpinion.objects.filter(appraisal=appraisal).values_list(
        "member_id", "grade", "count"
    ):
        masses[member_id][grade] = n
    return [TallyRow(m, dict(ballots[m.pk]), dict(masses[m.pk])) for m in rated_members(appraisal.organisation)]


def masses_of(appraisal: Appraisal) -> dict[int, dict[str, int]]:
    found: dict[int, dict[str, int]] = defaultdict(dict)
    for member_id, grade, n in MassesOpinion.objects.filter(appraisal=appraisal).values_list(
        "member_id", "grade", "count"
    ):
        found[member_id][grade] = n
    return found


def results_of(appraisal: Appraisal) -> QuerySet[AppraisalResult]:
    return AppraisalResult.objects.filter(appraisal=appraisal).select_related("member", "follow_up")


def self_assessment_of(appraisal: Appraisal, member_id: int | None) -> SelfAssessment | None:
    return SelfAssessment.objects.filter(appraisal=appraisal, member_id=member_id).first()


def self_assessments_of(appraisal: Appraisal) -> QuerySet[SelfAssessment]:
    return SelfAssessment.objects.filter(appraisal=appraisal).select_related("member").order_by("member__name")


def own_results(member_id: int | None) -> QuerySet[AppraisalResult]:
    """A member's own results, fed back (the feedback step reached), newest first."""
    return (
        AppraisalResult.objects.filter(member_id=member_id, appraisal__step__in=(Step.FEEDBACK, Step.FINISHED))
        .select_related("appraisal", "appraisal__organisation")
        .order_by("-appraisal__year")
    )


def general_meetings_for_confirmation(appraisal: Appraisal) -> QuerySet[Meeting]:
    """Finalised 支部党员大会 records of the branch from the appraisal's opening on: the confirmation's choices."""
    return Meeting.objects.filter(
        organisation=appraisal.organisation,
        status=MeetingStatus.FINALISED,
        type_links__type=MeetingType.GENERAL_MEETING,
        starts_at__date__gte=appraisal.opened_on,
    ).order_by("-starts_at")


@dataclass(frozen=True)
class Distribution:
    """Grades across a subtree for a year: counts only."""

    organisation: Organisation
    year: int
    counts: dict[str, int]
    branches: int
    appraised_branches: int

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def rows(self) -> list[tuple[str, str, int]]:
        return [(grade, str(Grade(grade).label), self.counts.get(grade, 0)) for grade in rules.GRADES]


def distribution(organisation: Organisation, year: int) -> Distribution:
    """The grades confirmed in the branches under `organisation` for `year` (three queries, whatever the size)."""
    subtree = {"appraisal__organisation__path__startswith": organisation.path, "appraisal__year": year}
    confirmed = (Step.FEEDBACK, Step.FINISHED)
    counts = dict(
        AppraisalResult.objects.filter(**subtree, appraisal__step__in=confirmed)
        .values_list("grade")
        .annotate(n=Count("pk"))
        .order_by()
    )
    branches = Organisation.objects.filter(path__startswith=organisation.path, level=Level.BRANCH).count()
    appraised = Appraisal.objects.filter(
        organisation__path__startswith=organisation.path, year=year, step__in=confirmed
    ).count()
    return Distribution(organisation, year, counts, branches, appraised)


# --- Branch assessment -----------------------------------------------------------------------------------------------


def schemes_for(scope: Scope) -> QuerySet[Scheme]:
    if not scope.is_authenticated:
        return Scheme.objects.none()
    return Scheme.objects.filter(scope.schemes_readable_q()).select_related("organisation")


def schemes_of(scope: Scope, organisation: Organisation) -> QuerySet[Scheme]:
    return schemes_for(scope).filter(organisation=organisation).order_by("-year", "-version")


def scheme_for_branch(branch: Organisation, year: int) -> Scheme | None:
    """The scheme a branch is scored by: its nearest ancestor's current scheme of the year."""
    found = Scheme.objects.filter(
        organisation__path__in=ancestor_paths(branch.path), year=year, is_current=True
    ).select_related("organisation")
    return max(found, key=lambda s: len(s.organisation.path), default=None)


def branches_scored_by(scheme: Scheme) -> list[Organisation]:
    """The branches whose nearest scheme of the year is `scheme` (not those under a nearer committee's scheme)."""
    nearer = list(
        Scheme.objects.filter(
            organisation__path__startswith=scheme.organisation.path, year=scheme.year, is_current=True
        )
        .exclude(organisation=scheme.organisation)
        .values_list("organisation__path", flat=True)
    )
    branches = Organisation.objects.filter(path__startswith=scheme.organisation.path, level=Level.BRANCH)
    return [b for b in branches.order_by("path") if not any(b.path.startswith(p) for p in nearer)]


def scores_for(scope: Scope) -> QuerySet[BranchScore]:
    if not scope.is_authenticated:
        return BranchScore.objects.none()
    return BranchScore.objects.filter(scope.organisations_readable_q("organisation__path")).select_related(
        "organisation", "scheme", "scheme__organisation"
    )


def scores_of(scheme: Scheme, scope: Scope) -> QuerySet[BranchScore]:
    """A scheme's scores the user may read, in tree order (not a ranking)."""
    return scores_for(scope).filter(scheme=scheme).order_by("organisation__path")


def branch_scores(scope: Scope, organisation: Organisation) -> QuerySet[BranchScore]:
    """A branch's scores under current and earlier scheme versions, newest first (published ones for the branch's
    own managers; every one for those who read the committee above)."""
    rows = scores_for(scope).filter(organisation=organisation).order_by("-scheme__year", "-scheme__version")
    if scope.is_admin:
        return rows
    readable = [s.pk for s in rows if scope.may_read_scheme(s.scheme) or s.scheme.is_published]
    return rows.filter(pk__in=readable)


@dataclass(frozen=True)
class MemberAppraisal:
    """A member's part in their branch's open appraisal: the appraisal (None when none is open) and what they have
    to do in it (self-assessment open / written, ballot open / voted)."""

    current: Appraisal | None
    todo: dict


def member_appraisal(scope: Scope) -> MemberAppraisal:
    """The open appraisal of the member's branch and their to-do in it (the 民主评议 page and the member's home)."""
    if scope.member_branch_id is None or scope.member_id is None:
        return MemberAppraisal(None, {})
    current = (
        appraisals_for(scope)
        .filter(organisation_id=scope.member_branch_id)
        .exclude(step=Step.FINISHED)
        .order_by("-year")
        .first()
    )
    if current is None:
        return MemberAppraisal(None, {})
    return MemberAppraisal(
        current,
        {
            "self_open": current.step in (Step.SELF_ASSESSMENT, Step.MUTUAL_ASSESSMENT),
            "self_written": self_assessment_of(current, scope.member_id) is not None,
            "ballot_open": current.ballot_open,
            "voted": has_voted(current, scope.member_id),
        },
    )
