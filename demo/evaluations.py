"""民主评议党员 and 支部考核 in the demo (seed_demo loads this after the committees).

- Last year: every demo branch with a finalised 支部党员大会 in last year's fourth quarter ran its whole appraisal
  (ballots, grades within the cap, confirmation by that meeting, feedback) and finished it.
- This year: `secretary`'s branch is at the ballot step with the ballot open; some members have voted, `member` has
  not, so `member` can vote on a phone.
- The company 党委 has last year's scheme (好 / 较好 / 一般 / 差), its scores computed and published.

Everything goes through the services as SYSTEM (a ballot as the member casting it). Built once: when any appraisal
exists in the demo tree, nothing changes.
"""

import random
from collections.abc import Callable
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from branches.models import Level, Organisation
from evaluations import selectors as evaluation_selectors
from evaluations import services as evaluation_services
from evaluations.models import Appraisal, Grade, IndicatorKind, Step
from members.access import SYSTEM, Scope
from members.models import Member

from .tree import ROOT_CODE, SECRETARY_BRANCH

BANDS = [(90, "好"), (80, "较好"), (60, "一般"), (0, "差")]
PARTS = [
    (IndicatorKind.COMPLIANCE, 35),
    (IndicatorKind.ATTENDANCE, 20),
    (IndicatorKind.ACTIVITY, 10),
    (IndicatorKind.APPRAISAL, 15),
    (IndicatorKind.RESULTS, 10),
    (IndicatorKind.SATISFACTION, 10),
]


def _as_member(member: Member) -> Scope:
    """The scope a member's login would give (demo members mostly have none)."""
    return Scope(
        user_id=None,
        member_id=member.pk,
        member_branch_id=member.organisation_id,
        member_branch_path=member.organisation.path,
    )


def _cast(appraisal: Appraisal, voters: list[Member], rated: list[Member], day: date, rng: random.Random) -> None:
    for voter in voters:
        marks = {
            m.pk: rng.choices((Grade.EXCELLENT, Grade.QUALIFIED, Grade.BASICALLY_QUALIFIED), weights=(30, 66, 4))[0]
            for m in rated
            if m.pk != voter.pk
        }
        evaluation_services.ballot_cast(appraisal=appraisal, marks=marks, by=_as_member(voter), today=day)


def _finish_last_year(branch: Organisation, year: int, rng: random.Random) -> bool:
    opened = date(year, 10, 8)
    meeting = (
        evaluation_selectors.general_meetings_for_confirmation(
            Appraisal(organisation=branch, year=year, opened_on=opened)
        )
        .filter(starts_at__year=year)
        .last()
    )
    rated = list(evaluation_selectors.rated_members(branch).select_related("organisation"))
    if meeting is None or len(rated) < 3:
        return False
    appraisal = evaluation_services.appraisal_open(organisation=branch, year=year, by=SYSTEM, today=opened)
    while appraisal.step != Step.BALLOT:
        appraisal = evaluation_services.appraisal_advance(appraisal=appraisal, by=SYSTEM, today=opened)
    _cast(appraisal, evaluation_selectors.voters_on(branch, opened), rated, opened, rng)
    evaluation_services.ballot_close(appraisal=appraisal, by=SYSTEM)
    appraisal = evaluation_services.appraisal_advance(appraisal=appraisal, by=SYSTEM, today=opened)
    tally = {row.member.pk: row.ballots for row in evaluation_selectors.tally(appraisal)}
    by_excellent = sorted(rated, key=lambda m: (-tally[m.pk].get(Grade.EXCELLENT, 0), m.pk))
    cap = evaluation_selectors.excellent_cap_for(appraisal)
    grades = {m.pk: (Grade.EXCELLENT if i < cap else Grade.QUALIFIED, "") for i, m in enumerate(by_excellent)}
    last = by_excellent[-1]
    if tally[last.pk].get(Grade.BASICALLY_QUALIFIED, 0):
        grades[last.pk] = (Grade.BASICALLY_QUALIFIED, "")
    evaluation_services.grades_set(appraisal=appraisal, grades=grades, by=SYSTEM)
    appraisal = evaluation_services.appraisal_advance(appraisal=appraisal, by=SYSTEM, today=opened)
    appraisal = evaluation_services.appraisal_confirm(appraisal=appraisal, meeting=meeting, by=SYSTEM, today=opened)
    for result in evaluation_selectors.results_of(appraisal):
        text = (
            _("希望继续发挥先锋模范作用。") if result.grade == Grade.EXCELLENT else _("希望加强学习，立足岗位作贡献。")
        )
        evaluation_services.feedback_set(result=result, feedback=text, by=SYSTEM)
    evaluation_services.appraisal_advance(appraisal=appraisal, by=SYSTEM, today=opened)
    return True


def _this_year(branch: Organisation, today: date, rng: random.Random) -> None:
    appraisal = evaluation_services.appraisal_open(organisation=branch, year=today.year, by=SYSTEM, today=today)
    while appraisal.step != Step.BALLOT:
        appraisal = evaluation_services.appraisal_advance(appraisal=appraisal, by=SYSTEM, today=today)
    rated = list(evaluation_selectors.rated_members(branch).select_related("organisation"))
    voters = [m for m in evaluation_selectors.voters_on(branch, today) if m.user_id is None]
    _cast(appraisal, voters[: len(voters) // 3], rated, today, rng)


def _scheme(root: Organisation, year: int) -> None:
    scheme = evaluation_services.scheme_create(
        organisation=root,
        year=year,
        name=_("党支部星级评定"),
        bands=BANDS,
        parts=PARTS,
        by=SYSTEM,
        today=date(year, 12, 1),
    )
    indicators = {i.kind: i for i in scheme.indicators.all()}
    for n, branch in enumerate(evaluation_selectors.branches_scored_by(scheme)):
        for kind, base, reason in (
            (IndicatorKind.RESULTS, 75, _("完成年度重点工作，服务保障有力")),
            (IndicatorKind.SATISFACTION, 80, _("群众座谈会意见汇总")),
        ):
            evaluation_services.manual_score_set(
                indicator=indicators[kind],
                organisation=branch,
                value=base + (n * 7) % 20,
                justification=reason,
                by=SYSTEM,
            )
    evaluation_services.scheme_publish(scheme=scheme, by=SYSTEM)


def evaluations_load(*, today: date, write: Callable[[str], None]) -> None:
    """Load the demo's appraisals and its company scheme, unless an appraisal exists already."""
    root = Organisation.objects.filter(code=ROOT_CODE).first()
    if root is None:
        return
    if Appraisal.objects.filter(organisation__path__startswith=root.path).exists():
        write(_("演示民主评议已存在，未作改动。"))
        return
    rng = random.Random(15)
    with transaction.atomic():
        branches = list(Organisation.objects.filter(path__startswith=root.path, level=Level.BRANCH).order_by("path"))
        finished = sum(_finish_last_year(branch, today.year - 1, rng) for branch in branches)
        current = Organisation.objects.filter(code=SECRETARY_BRANCH).first()
        if current is not None:
            _this_year(current, today, rng)
        _scheme(root, today.year - 1)
    write(
        _(
            "已创建演示民主评议：上年度 %(finished)d 个党支部完成评议，本年度 1 个党支部正在投票；"
            "公司党委考核方案 1 个。"
        )
        % {"finished": finished}
    )
