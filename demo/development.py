"""The demo's development of members (发展党员; seed_demo loads it after the committees).

Every 入党申请人, 入党积极分子, 发展对象 and 预备党员 of the demo gets the steps of their stage, dated back from their
record as a branch that kept the path on paper would enter it: talks, 培养联系人 and 入党介绍人 from the 正式党员 of
their branch, half-yearly reviews, and, for each 预备党员, the admission vote at a finalised 支部党员大会 of their
branch (its roll gives those entitled and present; the 入党日期 is that meeting's day). Besides:

- one 预备党员's approval came more than three months after the vote: kept, shown late;
- one 预备党员 of the research institute's branch (`secretary2`) had their 预备期 extended by six months;
- the first 发展对象 of `secretary`'s branch stands at 确定为发展对象 more than 90 days before the branch's latest
  支部党员大会, so the browser journey can take them through the political review, training, pre-review, public notice
  and the vote at that meeting to 预备党员 with real dates.

Written in bulk, as an import; the next step of everyone is then computed by `development.services.paths_refresh`.
Built once: when a step exists in the demo tree, nothing changes.
"""

from collections.abc import Callable
from datetime import date, timedelta

from django.db import transaction

from branches.models import Organisation
from development import rules, selectors, services
from development.models import Step
from meetings import rules as meeting_rules
from meetings import selectors as meeting_selectors
from meetings.models import Meeting, MeetingStatus, MeetingType
from members.access import SYSTEM
from members.models import Member, Status

from .tree import ROOT_CODE, SECRETARY2_BRANCH, SECRETARY_BRANCH


def development_load(*, today: date, write: Callable[[str], None]) -> None:
    root = Organisation.objects.filter(code=ROOT_CODE).first()
    if root is None:
        return
    if Step.objects.filter(member__organisation__path__startswith=root.path).exists():
        write("发展党员：已存在，跳过。")
        return
    with transaction.atomic():
        count = _build(root, today)
    write(f"发展党员：{count} 个发展步骤。")


class _Branch:
    """A branch's 正式党员 (mentors and sponsors) and its finalised 支部党员大会 with their rolls."""

    def __init__(self, organisation: Organisation):
        self.full = list(
            Member.objects.filter(organisation=organisation, status=Status.FULL)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        meetings = (
            Meeting.objects.filter(
                organisation=organisation, status=MeetingStatus.FINALISED, type_links__type=MeetingType.GENERAL_MEETING
            )
            .order_by("starts_at")
            .distinct()
        )
        self.general: list[tuple[date, Meeting, selectors.VoteRoll]] = []
        for meeting in meetings:
            roll = selectors.vote_roll(meeting)
            if roll is not None and roll.quorum_met:
                self.general.append((meeting_selectors.meeting_day(meeting), meeting, roll))

    def meeting_before(self, day: date, not_before: date):
        """The latest finalised 支部党员大会 with its quorum on or before `day` (and not before `not_before`)."""
        found = [g for g in self.general if not_before <= g[0] <= day]
        return found[-1] if found else None

    def meeting_after(self, day: date, until: date):
        """The first finalised 支部党员大会 with its quorum after `day` (and not after `until`)."""
        found = [g for g in self.general if day < g[0] <= until]
        return found[0] if found else None

    def people(self, n: int, seed: int) -> list[int]:
        if not self.full:
            return []
        return [self.full[(seed + i * 7) % len(self.full)] for i in range(min(n, len(self.full)))]


def _reviews(start: date, until: date) -> list[date]:
    days, day = [], rules.months_after(start, rules.REVIEW_EVERY_MONTHS)
    while day <= until:
        days.append(day)
        day = rules.months_after(day, rules.REVIEW_EVERY_MONTHS)
    return days


def _build(root: Organisation, today: date) -> int:
    people = list(
        Member.objects.filter(organisation__path__startswith=root.path, status__in=selectors.PIPELINE_STATUSES)
        .select_related("organisation")
        .order_by("organisation__path", "pk")
    )
    branches: dict[int, _Branch] = {}
    planned: list[tuple[Member, list[tuple[str, date, dict, list[int]]]]] = []
    probationary = [p for p in people if p.status == Status.PROBATIONARY]
    late_one = probationary[0] if probationary else None
    extended = next((p for p in probationary if p.organisation.code == SECRETARY2_BRANCH), None)
    journey = next(
        (p for p in people if p.status == Status.CANDIDATE and p.organisation.code == SECRETARY_BRANCH), None
    )
    for person in people:
        branch = branches.setdefault(person.organisation_id, _Branch(person.organisation))
        if person.status == Status.PROBATIONARY:
            steps = _probationary(person, branch, today, late=person is late_one, extended=person is extended)
        else:
            steps = _before_admission(person, branch, today, journey=person is journey)
        planned.append((person, steps))
    return _write(planned)


def _before_admission(person: Member, branch: _Branch, today: date, *, journey: bool) -> list:
    applied = person.applied_on or today - timedelta(days=60)
    steps: list = []
    if person.status == Status.APPLICANT:
        if applied + timedelta(days=20) <= today:
            steps.append((rules.TALK, applied + timedelta(days=20), {}, []))
        return steps
    talk, activist = applied + timedelta(days=14), applied + timedelta(days=45)
    steps += [(rules.TALK, talk, {}, []), (rules.ACTIVIST, activist, {}, branch.people(1, person.pk))]
    if person.status == Status.ACTIVIST:
        steps += [(rules.ACTIVIST_REVIEW, d, {}, []) for d in _reviews(activist, today - timedelta(days=10))]
        return steps
    candidate_on = rules.months_after(activist, 12) + timedelta(days=20)
    if journey and branch.general:
        # The journey needs room before the branch's latest 支部党员大会 for the steps between.
        candidate_on = min(candidate_on, branch.general[-1][0] - timedelta(days=100))
    candidate_on = min(candidate_on, today - timedelta(days=30))
    steps += [(rules.ACTIVIST_REVIEW, d, {}, []) for d in _reviews(activist, candidate_on - timedelta(days=1))]
    steps.append((rules.CANDIDATE, candidate_on, {}, branch.people(2, person.pk)))
    if not journey and person.pk % 2 and candidate_on + timedelta(days=30) <= today:
        steps.append((rules.POLITICAL_REVIEW, candidate_on + timedelta(days=30), {}, []))
    return steps


def _probationary(person: Member, branch: _Branch, today: date, *, late: bool, extended: bool) -> list:
    joined = person.joined_on or today - timedelta(days=90)
    target = today - timedelta(days=420) if extended else joined
    # Still in the 预备期 today (a year from the vote) unless extended.
    not_before = (
        target - timedelta(days=400) if extended else max(target - timedelta(days=400), today - timedelta(days=364))
    )
    found = branch.meeting_before(target, not_before) or branch.meeting_after(target, today - timedelta(days=7))
    vote: dict = {}
    if found is not None:
        day, meeting, roll = found
        votes_for = roll.present
        vote = {
            "meeting": meeting,
            "voting_entitled": roll.entitled,
            "voting_present": roll.present,
            "votes_for": votes_for,
            "votes_against": 0,
            "votes_abstaining": 0,
            "passed": meeting_rules.vote_passed(
                voting_entitled=roll.entitled, voting_present=roll.present, in_favour=votes_for
            ),
        }
    else:
        day = target
        vote = {"passed": True}
    candidate_on = day - timedelta(days=60)
    activist = rules.months_after(candidate_on, -12) - timedelta(days=10)
    talk = activist - timedelta(days=30)
    applied = talk - timedelta(days=14)
    approval = min(day + timedelta(days=100 if late else 25), today)
    steps = [
        (rules.TALK, talk, {}, []),
        (rules.ACTIVIST, activist, {}, branch.people(2, person.pk)),
        *[(rules.ACTIVIST_REVIEW, d, {}, []) for d in _reviews(activist, candidate_on - timedelta(days=1))],
        (rules.CANDIDATE, candidate_on, {}, branch.people(2, person.pk + 3)),
        (rules.POLITICAL_REVIEW, day - timedelta(days=45), {}, []),
        (rules.TRAINING, day - timedelta(days=40), {"documents": "培训结业证书"}, []),
        (rules.PRE_REVIEW, day - timedelta(days=25), {}, []),
        (rules.PUBLIC_NOTICE, day - timedelta(days=14), {"documents": "公示材料"}, []),
        (rules.ADMISSION_VOTE, day, vote, []),
        (rules.ADMISSION_APPROVAL, approval, {"actor": "上级党委"}, []),
    ]
    steps += [(rules.PROBATION_REVIEW, d, {}, []) for d in _reviews(day, today - timedelta(days=5))]
    if extended:
        end = rules.months_after(day, 12)
        steps.append(
            (rules.EXTENSION, end + timedelta(days=10), {"extension_months": 6, "note": "考察期间表现有待提高"}, [])
        )
    steps.sort(key=lambda s: s[1])
    Member.objects.filter(pk=person.pk).update(applied_on=applied, joined_on=day)
    person.applied_on, person.joined_on = applied, day
    return steps


def _write(planned: list) -> int:
    """Write every planned step with its deadline and whether it was late (the rules, step after step)."""
    rows: list[Step] = []
    named: list[tuple[Step, list[int]]] = []
    for person, steps in planned:
        done: list[Step] = []
        for kind, day, extra, people in steps:
            facts = selectors.path_facts(person, done)
            step = Step(
                member=person,
                kind=kind,
                done_on=day,
                deadline=rules.step_window(kind, facts).deadline,
                is_late=rules.step_late(kind, day, facts),
                **extra,
            )
            done.append(step)
            rows.append(step)
            if people:
                named.append((step, people))
    Step.objects.bulk_create(rows, batch_size=1000)
    Through = Step.people.through
    Through.objects.bulk_create(
        [Through(step_id=step.pk, member_id=pk) for step, pks in named for pk in pks], batch_size=1000
    )
    services.paths_refresh(by=SYSTEM, members=[person for person, _steps in planned])
    return len(rows)
