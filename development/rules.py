"""The development of members (发展党员) as pure functions of plain dates: the steps of each applicant's path, the
earliest date and the deadline of each, what a recorded date may not break, and when a step done is late.

The regulation is 《中国共产党发展党员工作细则》 (2014), cited by article (细则第N条). Where the 细则 leaves a
length open and local practice fills it, the value is marked **default**. The vote outcome itself (quorum and
majority of the 支部党员大会) is the one rule of `meetings.rules.vote_passed`.
"""

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

from branches.rules import PARTY_FOUNDED, DateRange

#: Every step's date: a step already done, so from the Party's founding to today.
STEP_DATE_RANGE = DateRange(earliest=PARTY_FOUNDED, years_ahead=0)

# Step kinds, as stored by `development.models.StepKind` (the rules take plain values).
TALK = "talk"
ACTIVIST = "activist"
ACTIVIST_REVIEW = "activist_review"
CANDIDATE = "candidate"
POLITICAL_REVIEW = "political_review"
TRAINING = "training"
PRE_REVIEW = "pre_review"
PUBLIC_NOTICE = "public_notice"
ADMISSION_VOTE = "admission_vote"
ADMISSION_APPROVAL = "admission_approval"
PROBATION_REVIEW = "probation_review"
EXTENSION = "extension"
CONFIRMATION_VOTE = "confirmation_vote"
CONFIRMATION_APPROVAL = "confirmation_approval"

#: The steps in the order of the 细则; reviews repeat, every other step is done once.
STEP_ORDER = (
    TALK,
    ACTIVIST,
    ACTIVIST_REVIEW,
    CANDIDATE,
    POLITICAL_REVIEW,
    TRAINING,
    PRE_REVIEW,
    PUBLIC_NOTICE,
    ADMISSION_VOTE,
    ADMISSION_APPROVAL,
    PROBATION_REVIEW,
    EXTENSION,
    CONFIRMATION_VOTE,
    CONFIRMATION_APPROVAL,
)
REPEATABLE = (ACTIVIST_REVIEW, PROBATION_REVIEW, ADMISSION_VOTE, CONFIRMATION_VOTE)
VOTES = (ADMISSION_VOTE, CONFIRMATION_VOTE)

#: 细则第六条: the branch talks with the applicant within one month of receiving the application.
TALK_WITHIN_MONTHS = 1
#: 细则第十条: the branch reviews each 入党积极分子 every half year (and, **default**, each 预备党员 the same).
REVIEW_EVERY_MONTHS = 6
#: 细则第十三条: at least one year of cultivation from 入党积极分子 to 发展对象.
CULTIVATION_YEARS = 1
#: 细则第十四条: two 正式党员 as 入党介绍人; 细则第九条: one or two 正式党员 as 培养联系人.
SPONSORS = 2
MENTORS_MIN, MENTORS_MAX = 1, 2
#: 细则第十九条: the public notice before the vote lasts 5 working days (**default**: the length is local).
NOTICE_WORKING_DAYS = 5
#: 细则第二十六条: the superior committee approves within 3 months of the vote (6 at most in special cases).
APPROVAL_WITHIN_MONTHS = 3
#: 细则第二十八条: the 预备期 is one year, from the day the 支部党员大会 voted.
PROBATION_YEARS = 1
#: 细则第三十三条: the 预备期 may be extended once, by 6 to 12 months.
EXTENSION_MIN_MONTHS, EXTENSION_MAX_MONTHS = 6, 12
#: 细则第三十一条: the branch discusses 转正 "in time" once the 预备期 ends (**default**: within one month).
CONFIRMATION_VOTE_WITHIN_MONTHS = 1


def months_after(day: date, months: int) -> date:
    """The same day `months` calendar months later; a day the month lacks falls back to its last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def working_days_end(start: date, days: int) -> date:
    """The last day of a period of `days` working days (Monday to Friday) starting on `start` (counted when it is a
    working day). Public holidays are not known to the portal: a branch posting over a holiday extends by hand."""
    day, left = start, days
    while True:
        if day.weekday() < 5:
            left -= 1
            if left == 0:
                return day
        day += timedelta(days=1)


@dataclass(frozen=True)
class PathFacts:
    """What is known of one person's path: the date of each step done (the latest for repeated steps), and the
    figures the rules need. Built by the selectors from the member record and its recorded steps."""

    applied_on: date | None = None
    done: dict[str, date] = field(default_factory=dict)
    admission_passed: bool = False
    confirmation_passed: bool = False
    extension_months: int = 0
    #: The member record's status (as `members.models.Status` stores it): a record kept before the portal at a
    #: later stage has the steps of the earlier stages behind it, dated or not (`STATUS_IMPLIES`).
    status: str = ""

    def on(self, kind: str) -> date | None:
        return self.done.get(kind)


#: The last step a status implies done: an 入党积极分子 was made one, a 发展对象 too, a 预备党员 was admitted and
#: approved, a 正式党员 confirmed.
STATUS_IMPLIES = {
    "activist": ACTIVIST,
    "candidate": CANDIDATE,
    "probationary": ADMISSION_APPROVAL,
    "full": CONFIRMATION_APPROVAL,
}


def probation_ends_on(facts: PathFacts) -> date | None:
    """The last day of the 预备期 (细则第二十八条, 第三十三条): one year from the admission vote, plus an extension."""
    vote = facts.on(ADMISSION_VOTE) if facts.admission_passed else None
    if vote is None:
        return None
    return months_after(vote, 12 * PROBATION_YEARS + facts.extension_months)


def notice_ends_on(notice_on: date) -> date:
    """The last day of the public notice (细则第十九条, **default** 5 working days)."""
    return working_days_end(notice_on, NOTICE_WORKING_DAYS)


@dataclass(frozen=True)
class Window:
    """When a step may be done: not before `earliest`; done after `deadline` it is kept and shown late. `requires`
    names the steps that must be done first (none missing when the step may be recorded)."""

    earliest: date | None
    deadline: date | None
    requires: tuple[str, ...] = ()


def _latest(*days: date | None) -> date | None:
    known = [d for d in days if d is not None]
    return max(known) if known else None


def step_window(kind: str, facts: PathFacts) -> Window:
    """The earliest date and the deadline of a step, from the steps before it (细则, article by step):

    - 谈话 (第六条): from the application, within one month of it;
    - 确定为入党积极分子 (第八、九条): after the talk; 入党积极分子 考察 (第十条) every half year from the last one;
    - 确定为发展对象 (第十三条): at least one year after becoming 入党积极分子;
    - 政治审查 and 集中培训 (第十五、十六条): after becoming 发展对象; 上级党委预审 (第十七条) after both;
    - 公示 (第十九条) after the pre-review; 支部党员大会 admission vote (第二十二条) after the notice ends;
    - 上级党委审批 (第二十六条): after the vote, within three months of it;
    - 预备党员 考察 every half year from the vote or the last one (**default**);
    - 转正 vote (第三十一条) and 延长预备期 (第三十三条): once the 预备期 has ended (not before a year from the vote;
      an extension moves the end), the vote within a month of it (**default**);
    - 上级党委审批转正 (第三十二条): after the 转正 vote, within three months of it.
    """
    on = facts.on
    if kind == TALK:
        start = facts.applied_on
        return Window(start, months_after(start, TALK_WITHIN_MONTHS) if start else None)
    if kind == ACTIVIST:
        return Window(on(TALK), None, (TALK,))
    if kind == ACTIVIST_REVIEW:
        last = _latest(on(ACTIVIST), on(ACTIVIST_REVIEW))
        return Window(on(ACTIVIST), months_after(last, REVIEW_EVERY_MONTHS) if last else None, (ACTIVIST,))
    if kind == CANDIDATE:
        start = on(ACTIVIST)
        return Window(months_after(start, 12 * CULTIVATION_YEARS) if start else None, None, (ACTIVIST,))
    if kind in (POLITICAL_REVIEW, TRAINING):
        return Window(on(CANDIDATE), None, (CANDIDATE,))
    if kind == PRE_REVIEW:
        return Window(_latest(on(POLITICAL_REVIEW), on(TRAINING)), None, (POLITICAL_REVIEW, TRAINING))
    if kind == PUBLIC_NOTICE:
        return Window(on(PRE_REVIEW), None, (PRE_REVIEW,))
    if kind == ADMISSION_VOTE:
        notice = on(PUBLIC_NOTICE)
        return Window(notice_ends_on(notice) + timedelta(days=1) if notice else None, None, (PUBLIC_NOTICE,))
    if kind == ADMISSION_APPROVAL:
        vote = on(ADMISSION_VOTE) if facts.admission_passed else None
        return Window(vote, months_after(vote, APPROVAL_WITHIN_MONTHS) if vote else None, (ADMISSION_VOTE,))
    if kind == PROBATION_REVIEW:
        last = _latest(on(ADMISSION_VOTE) if facts.admission_passed else None, on(PROBATION_REVIEW))
        return Window(on(ADMISSION_APPROVAL), months_after(last, REVIEW_EVERY_MONTHS) if last else None,
                      (ADMISSION_APPROVAL,))  # fmt: skip
    if kind in (CONFIRMATION_VOTE, EXTENSION):
        end = probation_ends_on(facts)
        earliest = end + timedelta(days=1) if end else None
        deadline = months_after(end, CONFIRMATION_VOTE_WITHIN_MONTHS) if end else None
        return Window(earliest, deadline, (ADMISSION_APPROVAL,))
    if kind == CONFIRMATION_APPROVAL:
        vote = on(CONFIRMATION_VOTE) if facts.confirmation_passed else None
        return Window(vote, months_after(vote, APPROVAL_WITHIN_MONTHS) if vote else None, (CONFIRMATION_VOTE,))
    raise ValueError(f"unknown step {kind!r}")


def _step_done(kind: str, facts: PathFacts) -> bool:
    implied = STATUS_IMPLIES.get(facts.status)
    if (
        implied is not None
        and kind not in (PROBATION_REVIEW, EXTENSION)
        and STEP_ORDER.index(kind) <= STEP_ORDER.index(implied)
    ):
        return True
    if kind == ADMISSION_VOTE:
        return facts.admission_passed
    if kind == CONFIRMATION_VOTE:
        return facts.confirmation_passed
    return facts.on(kind) is not None


@dataclass(frozen=True)
class DueStep:
    """The next step of a path, with its earliest date and deadline (None: open)."""

    kind: str
    earliest: date | None
    deadline: date | None


def next_step(facts: PathFacts) -> DueStep | None:
    """A person's next step (细则's order): the first step not yet done, where the half-yearly review of an
    入党积极分子 (or a 预备党员) is next while the cultivation (or the 预备期) lasts; None once 转正 is approved.

    While the one-year cultivation lasts, the next step shown is the review due; once it has passed, 确定为发展对象.
    """
    if _step_done(CONFIRMATION_APPROVAL, facts):
        return None
    if facts.applied_on is None and not facts.done and not facts.status:
        return None
    for kind in (TALK, ACTIVIST):
        if not _step_done(kind, facts):
            return _due(kind, facts)
    if not _step_done(CANDIDATE, facts):
        candidate = step_window(CANDIDATE, facts)
        review = step_window(ACTIVIST_REVIEW, facts)
        if candidate.earliest and review.deadline and review.deadline < candidate.earliest:
            return _due(ACTIVIST_REVIEW, facts)
        return _due(CANDIDATE, facts)
    for kind in (POLITICAL_REVIEW, TRAINING, PRE_REVIEW, PUBLIC_NOTICE, ADMISSION_VOTE, ADMISSION_APPROVAL):
        if not _step_done(kind, facts):
            return _due(kind, facts)
    if not _step_done(CONFIRMATION_VOTE, facts):
        vote = step_window(CONFIRMATION_VOTE, facts)
        review = step_window(PROBATION_REVIEW, facts)
        if vote.earliest and review.deadline and review.deadline < vote.earliest:
            return _due(PROBATION_REVIEW, facts)
        return _due(CONFIRMATION_VOTE, facts)
    return _due(CONFIRMATION_APPROVAL, facts)


def _due(kind: str, facts: PathFacts) -> DueStep:
    window = step_window(kind, facts)
    return DueStep(kind, window.earliest, window.deadline)


# --- What a recorded step may not break -------------------------------------------------------------------------

#: Refusals by rule, in Chinese (the services translate them): each names its rule.
PROBLEMS = {
    "requires": _("须先完成前一步骤：%(step)s。"),
    "before_previous": _("日期不能早于前一步骤（%(step)s，%(date)s）。"),
    "talk_before_application": _("谈话日期不能早于递交入党申请日期。"),
    "cultivation": _("确定为发展对象须在确定为入党积极分子一年以后（《发展党员工作细则》第十三条），最早%(date)s。"),
    "notice": _("支部党员大会讨论须在公示期（%(days)s个工作日）结束后进行（细则第十九条），最早%(date)s。"),
    "probation": _("预备期未满一年不能讨论转正（细则第二十八条），预备期至%(date)s。"),
    "extension_once": _("预备期只能延长一次（细则第三十三条）。"),
    "extension_months": _("延长预备期为半年至一年（细则第三十三条）。"),
    "done": _("该步骤已完成。"),
    "finished": _("该同志已转为正式党员，发展程序已完成。"),
    "mentors": _("应指定1至2名正式党员作为培养联系人（细则第九条）。"),
    "sponsors": _("应有2名正式党员作为入党介绍人（细则第十四条）。"),
}


@dataclass(frozen=True)
class Problem:
    """A broken rule: its key in `PROBLEMS` and the values its message names."""

    code: str
    values: dict = field(default_factory=dict)


def step_problem(kind: str, day: date, facts: PathFacts, *, extension_months: int | None = None) -> Problem | None:
    """Why a step may not be recorded on `day`, or None: a step before it not done, a date before the step it
    follows, an earliest date of the 细则 not reached (发展对象 before a year of cultivation, the vote before the notice
    ends, 转正 before a year of 预备期), a step done once already, a second extension or one of the wrong length."""
    if _step_done(CONFIRMATION_APPROVAL, facts):
        return Problem("finished")
    if kind not in REPEATABLE and kind != EXTENSION and _step_done(kind, facts):
        return Problem("done")
    if kind in VOTES and _step_done(kind, facts):
        return Problem("done")
    window = step_window(kind, facts)
    for needed in window.requires:
        if not _step_done(needed, facts):
            return Problem("requires", {"step": needed})
    if kind == TALK and facts.applied_on and day < facts.applied_on:
        return Problem("talk_before_application")
    if window.earliest is None or day >= window.earliest:
        pass
    elif kind == CANDIDATE:
        return Problem("cultivation", {"date": window.earliest})
    elif kind == ADMISSION_VOTE:
        return Problem("notice", {"date": window.earliest, "days": NOTICE_WORKING_DAYS})
    elif kind in (CONFIRMATION_VOTE, EXTENSION):
        return Problem("probation", {"date": window.earliest - timedelta(days=1)})
    else:
        previous = window.requires[-1] if window.requires else kind
        return Problem("before_previous", {"step": previous, "date": window.earliest})
    if kind == EXTENSION:
        if facts.confirmation_passed:
            return Problem("done")
        if facts.extension_months:
            return Problem("extension_once")
        if extension_months is None or not EXTENSION_MIN_MONTHS <= extension_months <= EXTENSION_MAX_MONTHS:
            return Problem("extension_months")
    return None


def step_late(kind: str, day: date, facts: PathFacts) -> bool:
    """Whether a step done on `day` is late: after its deadline (the talk after a month, an approval more than three
    months after the vote, a review after its half year, the 转正 vote more than a month after the 预备期). A late
    step is kept and shown as late, never refused."""
    deadline = step_window(kind, facts).deadline
    return deadline is not None and day > deadline


def people_problem(kind: str, count: int) -> Problem | None:
    """培养联系人 (细则第九条): one or two 正式党员; 入党介绍人 (细则第十四条): two 正式党员."""
    if kind == ACTIVIST and not MENTORS_MIN <= count <= MENTORS_MAX:
        return Problem("mentors")
    if kind == CANDIDATE and count != SPONSORS:
        return Problem("sponsors")
    return None


#: The status a step gives the person (as stored by `members.models.Status`).
STATUS_AFTER = {
    ACTIVIST: "activist",
    CANDIDATE: "candidate",
    ADMISSION_APPROVAL: "probationary",
    CONFIRMATION_APPROVAL: "full",
}


def due_state(due: DueStep | None, today: date, soon_days: int = 30) -> str:
    """Where a next step stands today: "overdue" past its deadline, "due_soon" within `soon_days` of it, "waiting"
    before its earliest date, otherwise "open" (green/amber/red/grey in the pages, always with a label)."""
    if due is None:
        return "done"
    if due.deadline is not None and today > due.deadline:
        return "overdue"
    if due.deadline is not None and (due.deadline - today).days <= soon_days:
        return "due_soon"
    if due.earliest is not None and today < due.earliest:
        return "waiting"
    return "open"
