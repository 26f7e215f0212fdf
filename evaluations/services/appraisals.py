"""民主评议党员: opening, the steps, self-assessments, the anonymous ballot, grades, confirmation, feedback and the
follow-up of a 不合格 grade.

Anonymity: `ballot_cast` writes the voter's row (who has voted) and the marks (what was voted, with no voter, no
time and a random key) in one transaction, the marks in a shuffled order and in one statement; it logs nothing and
hands nothing to a task. The hooks get the appraisal and an event, never a ballot.
"""

import random
from collections.abc import Callable
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.dates import date_range_problems
from branches.errors import DomainError, NotPermitted
from branches.models import Level, Organisation
from meetings.models import Meeting
from members.access import Scope
from members.models import Member

from .. import rules, selectors
from ..models import (
    Appraisal,
    AppraisalResult,
    AppraisalSetting,
    BallotMark,
    BallotVoter,
    FollowUp,
    Grade,
    MassesOpinion,
    SelfAssessment,
    Step,
)
from .schemes import scores_changed

#: `hook(appraisal, event)` runs inside the transaction of a step change ("step") and of confirmed grades; apps
#: above evaluations (notifications) register here in their `ready()`.
appraisal_changed_hooks: list[Callable[[Appraisal, str], None]] = []

#: Masses' opinions: a count per member and grade of at most this many.
MAX_MASSES_COUNT = 10_000


def _require(allowed: bool) -> None:
    if not allowed:
        raise NotPermitted()


def _changed(appraisal: Appraisal, event: str) -> None:
    for hook in appraisal_changed_hooks:
        hook(appraisal, event)


def _lock(appraisal: Appraisal) -> Appraisal:
    return Appraisal.objects.select_for_update().select_related("organisation").get(pk=appraisal.pk)


def _at(appraisal: Appraisal, *steps: str) -> None:
    if appraisal.step not in steps:
        raise DomainError(_("评议当前处于“%(step)s”步骤，不能进行此操作。") % {"step": Step(appraisal.step).label})


@transaction.atomic
def appraisal_open(*, organisation: Organisation, year: int, by: Scope, today: date | None = None) -> Appraisal:
    """Open a branch's 民主评议党员 of a year at its first step (学习)."""
    _require(by.may_open_appraisal(organisation))
    today = today or timezone.localdate()
    if organisation.level != Level.BRANCH:
        raise DomainError(_("民主评议党员由党支部组织开展。"))
    if not rules.year_allowed(year, today.year):
        raise DomainError(_("评议年度不在有效范围内。"), field="year")
    if Appraisal.objects.filter(organisation=organisation, year=year).exists():
        raise DomainError(_("本支部%(year)d年度的民主评议党员已经启动。") % {"year": year}, field="year")
    try:
        with transaction.atomic():
            appraisal = Appraisal.objects.create(
                organisation=organisation,
                year=year,
                step=Step.STUDY,
                step_dates={Step.STUDY: today.isoformat()},
                opened_on=today,
            )
    except IntegrityError as clash:
        raise DomainError(_("本支部%(year)d年度的民主评议党员已经启动。") % {"year": year}) from clash
    _changed(appraisal, "step")
    return appraisal


@transaction.atomic
def appraisal_advance(*, appraisal: Appraisal, by: Scope, today: date | None = None) -> Appraisal:
    """Move an appraisal to its next step; what each step needs before it is left is checked here."""
    _require(by.may_run_appraisal(appraisal))
    appraisal = _lock(appraisal)
    today = today or timezone.localdate()
    following = rules.next_step(appraisal.step)
    if following is None:
        raise DomainError(_("本次民主评议已经完成。"))
    if appraisal.step == Step.BALLOT and not appraisal.ballot_closed:
        raise DomainError(_("请先结束民主测评投票。"))
    if appraisal.step == Step.PROPOSAL:
        graded = AppraisalResult.objects.filter(appraisal=appraisal).count()
        if graded < selectors.rated_members(appraisal.organisation).count() or graded == 0:
            raise DomainError(_("请先为每名党员提出评定等次。"))
    if appraisal.step == Step.CONFIRMATION and appraisal.confirmation_meeting_id is None:
        raise DomainError(_("请先选择确认评议结果的支部党员大会记录。"))
    if following == Step.BALLOT:
        appraisal.voters_expected = len(selectors.voters_on(appraisal.organisation, today))
        if appraisal.voters_expected == 0:
            raise DomainError(_("本支部没有有表决权的党员，无法进行民主测评。"))
    appraisal.step = following
    appraisal.step_dates = {**appraisal.step_dates, following: today.isoformat()}
    appraisal.save(update_fields=["step", "step_dates", "voters_expected"])
    if following == Step.FEEDBACK:
        scores_changed([appraisal.organisation_id], appraisal.year)
    _changed(appraisal, "step")
    return appraisal


@transaction.atomic
def self_assessment_save(*, appraisal: Appraisal, text: str, by: Scope) -> SelfAssessment:
    """A member writes (or rewrites) their own self-assessment while self- and mutual assessment are open."""
    _require(by.may_take_part(appraisal) and by.member_id is not None)
    appraisal = _lock(appraisal)
    _at(appraisal, Step.SELF_ASSESSMENT, Step.MUTUAL_ASSESSMENT)
    text = text.strip()
    if not text:
        raise DomainError(_("请填写自我评价。"), field="text")
    if len(text) > 4000:
        raise DomainError(_("自我评价不能超过4000字。"), field="text")
    found, _created = SelfAssessment.objects.update_or_create(
        appraisal=appraisal, member_id=by.member_id, defaults={"text": text}
    )
    return found


@transaction.atomic
def ballot_cast(*, appraisal: Appraisal, marks: dict[int, str], by: Scope, today: date | None = None) -> None:
    """Cast the caller's anonymous ballot: one grade for every other member of the branch, once."""
    appraisal = _lock(appraisal)
    voter = Member.objects.filter(pk=by.member_id).first() if by.member_id else None
    if voter is None or voter.organisation_id != appraisal.organisation_id:
        raise DomainError(_("您不是本支部党员，不能参加本支部的民主测评。"))
    if not appraisal.ballot_open:
        raise DomainError(_("民主测评投票未开放。"))
    if not voter.has_vote_on(today or timezone.localdate()):
        raise DomainError(_("预备党员和受留党察看处分期间的党员没有表决权，不能投票。"))
    if BallotVoter.objects.filter(appraisal=appraisal, voter=voter).exists():
        raise DomainError(_("您已经投过票，每人只能投一次。"))
    rated = list(selectors.rated_members(appraisal.organisation).values_list("pk", flat=True))
    problem = rules.ballot_complete(rated, voter.pk, marks)
    if problem == "self":
        raise DomainError(_("不能评价自己。"))
    if problem:
        raise DomainError(_("请为每名党员选择一个等次。"))
    BallotVoter.objects.create(appraisal=appraisal, voter=voter)
    rows = [BallotMark(appraisal=appraisal, member_id=pk, grade=grade) for pk, grade in marks.items()]
    random.SystemRandom().shuffle(rows)
    BallotMark.objects.bulk_create(rows)


@transaction.atomic
def ballot_close(*, appraisal: Appraisal, by: Scope) -> Appraisal:
    """Close the ballot once more than half of the members with a vote have voted; the tally is shown from then."""
    _require(by.may_run_appraisal(appraisal))
    appraisal = _lock(appraisal)
    _at(appraisal, Step.BALLOT)
    if appraisal.ballot_closed:
        raise DomainError(_("民主测评投票已经结束。"))
    turnout = selectors.turnout(appraisal)
    if not turnout.quorum_met:
        raise DomainError(
            _("已投票 %(voted)d 人，未达到有表决权党员的半数以上（至少 %(needed)d 人），不能结束投票。")
            % {"voted": turnout.voted, "needed": turnout.quorum}
        )
    appraisal.ballot_closed = True
    appraisal.save(update_fields=["ballot_closed"])
    return appraisal


def _member_of(appraisal: Appraisal, member_id: int) -> Member:
    member = selectors.rated_members(appraisal.organisation).filter(pk=member_id).first()
    if member is None:
        raise DomainError(_("该党员不在本支部参评党员之列。"))
    return member


@transaction.atomic
def masses_opinions_set(*, appraisal: Appraisal, member_id: int, counts: dict[str, int], by: Scope) -> None:
    """Record the masses' opinions of one member, collected offline, as counts per grade."""
    _require(by.may_run_appraisal(appraisal))
    appraisal = _lock(appraisal)
    _at(appraisal, Step.BALLOT, Step.PROPOSAL)
    member = _member_of(appraisal, member_id)
    if any(grade not in rules.GRADES for grade in counts) or any(
        not 0 <= n <= MAX_MASSES_COUNT for n in counts.values()
    ):
        raise DomainError(_("票数应为0到%(max)d之间的整数。") % {"max": MAX_MASSES_COUNT})
    MassesOpinion.objects.filter(appraisal=appraisal, member=member).delete()
    MassesOpinion.objects.bulk_create(
        [MassesOpinion(appraisal=appraisal, member=member, grade=g, count=n) for g, n in counts.items() if n]
    )


@transaction.atomic
def grades_set(*, appraisal: Appraisal, grades: dict[int, tuple[str, str]], by: Scope) -> list[AppraisalResult]:
    """The committee's proposal: a grade for every member (a reason for each 不合格), 优秀 within the cap."""
    _require(by.may_run_appraisal(appraisal))
    appraisal = _lock(appraisal)
    _at(appraisal, Step.PROPOSAL)
    members = {m.pk: m for m in selectors.rated_members(appraisal.organisation)}
    if set(grades) != set(members) or any(g not in rules.GRADES for g, _r in grades.values()):
        raise DomainError(_("请为每名党员选择一个等次。"))
    cap = selectors.excellent_cap_for(appraisal)
    problem = rules.grades_problem(
        {pk: g for pk, (g, _r) in grades.items()}, {pk: r for pk, (_g, r) in grades.items()}, cap
    )
    if problem == "cap":
        raise DomainError(_("评为优秀的党员不能超过 %(cap)d 名（本支部党员人数的规定比例）。") % {"cap": cap})
    if problem == "reason":
        raise DomainError(_("评定为不合格的，须写明理由。"))
    results = []
    for pk, (grade, reason) in grades.items():
        keep_reason = reason.strip()[:2000] if grade == Grade.UNQUALIFIED else ""
        result, _created = AppraisalResult.objects.update_or_create(
            appraisal=appraisal, member=members[pk], defaults={"grade": grade, "reason": keep_reason}
        )
        if grade != Grade.UNQUALIFIED:
            FollowUp.objects.filter(result=result).delete()
        results.append(result)
    return results


@transaction.atomic
def appraisal_confirm(*, appraisal: Appraisal, meeting: Meeting, by: Scope, today: date | None = None) -> Appraisal:
    """Link the finalised 支部党员大会 that confirmed the grades, and move on to feedback."""
    _require(by.may_run_appraisal(appraisal))
    appraisal = _lock(appraisal)
    _at(appraisal, Step.CONFIRMATION)
    if not selectors.general_meetings_for_confirmation(appraisal).filter(pk=meeting.pk).exists():
        raise DomainError(_("请选择本支部在评议启动后召开并已归档的支部党员大会记录。"), field="meeting")
    appraisal.confirmation_meeting = meeting
    appraisal.save(update_fields=["confirmation_meeting"])
    return appraisal_advance(appraisal=appraisal, by=by, today=today)


@transaction.atomic
def feedback_set(*, result: AppraisalResult, feedback: str, by: Scope) -> AppraisalResult:
    """Write the feedback to one member (shown to them with their grade)."""
    _require(by.may_run_appraisal(result.appraisal))
    _at(_lock(result.appraisal), Step.FEEDBACK, Step.FINISHED)
    result.feedback = feedback.strip()[:2000]
    result.save(update_fields=["feedback"])
    return result


@transaction.atomic
def follow_up_save(
    *, result: AppraisalResult, education: str, deadline: date, outcome: str = "", by: Scope
) -> FollowUp:
    """Record how the branch handles a 不合格 grade: education, a deadline to correct, and the outcome."""
    _require(by.may_run_appraisal(result.appraisal))
    if result.grade != Grade.UNQUALIFIED:
        raise DomainError(_("只有评定为不合格的党员需要记录处置情况。"))
    if not education.strip():
        raise DomainError(_("请填写教育帮助措施。"), field="education")
    problems = date_range_problems({"deadline": deadline}, {"deadline": rules.FOLLOW_UP_RANGE})
    if problems:
        raise DomainError(problems["deadline"], field="deadline")
    found, _created = FollowUp.objects.update_or_create(
        result=result,
        defaults={"education": education.strip()[:2000], "deadline": deadline, "outcome": outcome.strip()[:2000]},
    )
    return found


@transaction.atomic
def appraisal_setting_set(*, organisation: Organisation, numerator: int, denominator: int, by: Scope) -> None:
    """Set the 优秀 share for an organisation's subtree (a committee above the branches, or admins)."""
    _require(by.may_set_requirements(organisation))
    if not rules.share_valid(numerator, denominator):
        raise DomainError(_("优秀比例应为0到1之间的分数。"))
    AppraisalSetting.objects.update_or_create(
        organisation=organisation,
        defaults={"excellent_numerator": numerator, "excellent_denominator": denominator},
    )
