"""Every write of the development of members: recording a step of a person's path (a vote linked to its finalised
支部党员大会 record), the status it gives the member record, and the path's next step kept in line."""

from collections.abc import Iterable, Sequence
from datetime import date

from django.db import IntegrityError, transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from branches.dates import date_range_problem
from branches.errors import DomainError, NotPermitted
from meetings import rules as meeting_rules
from meetings.models import Meeting
from members import services as member_services
from members.access import Scope
from members.models import Member

from . import rules, selectors
from .models import Path, Step, StepKind


def _message(problem: rules.Problem) -> str:
    """The Chinese message of a broken rule, with its step named and its date written as the pages write dates."""
    values = dict(problem.values)
    if "step" in values:
        values["step"] = str(StepKind(values["step"]).label)
    if "date" in values:
        values["date"] = date_format(values["date"], "Y年n月j日")
    return str(rules.PROBLEMS[problem.code]) % values


def path_refresh(member: Member, steps: Sequence[Step] | None = None) -> Path:
    """Recompute a person's next step, its earliest date and its deadline from their record and steps
    (`rules.next_step`) and keep it on their `Path`."""
    steps = list(steps) if steps is not None else list(Step.objects.filter(member=member))
    due = None
    if member.status in selectors.PIPELINE_STATUSES:
        due = rules.next_step(selectors.path_facts(member, steps))
    values = {
        "next_step": due.kind if due else "",
        "next_earliest": due.earliest if due else None,
        "next_deadline": due.deadline if due else None,
    }
    path, _created = Path.objects.update_or_create(member=member, defaults=values)
    return path


def _member_changed(member: Member, before: set[int]) -> None:
    """`members.services.member_changed_hooks`: a record on the path (or with a path) keeps its next step in line."""
    if member.pk is None:  # deleted for good (the admin): its path went with it
        return
    if member.status in selectors.PIPELINE_STATUSES or Path.objects.filter(member=member).exists():
        path_refresh(member)


def register_hooks() -> None:
    """Called from `DevelopmentConfig.ready()`; registering twice adds nothing."""
    if _member_changed not in member_services.member_changed_hooks:
        member_services.member_changed_hooks.append(_member_changed)


def _vote_figures(
    *, member: Member, meeting: Meeting | None, votes: tuple[int | None, int | None, int | None], done_on: date | None
) -> tuple[date, dict]:
    """The day and the figures of a vote at a finalised 支部党员大会 of the person's branch, refused when the record
    lacks its quorum or more votes were cast than voters were present; `passed` by `meetings.rules.vote_passed`."""
    if meeting is None or not selectors.vote_meetings(member).filter(pk=meeting.pk).exists():
        raise DomainError(_("请选择本支部已归档的支部党员大会会议记录。"), field="meeting")
    roll = selectors.vote_roll(meeting)
    if roll is None:
        raise DomainError(_("所选会议记录不含支部党员大会。"), field="meeting")
    if done_on is not None and done_on != roll.day:
        day = date_format(roll.day, "Y年n月j日")
        raise DomainError(_("表决日期应为支部党员大会召开之日（%(day)s）。") % {"day": day}, field="done_on")
    if not roll.quorum_met:
        raise DomainError(
            _("该次支部党员大会未达到法定人数（应到有表决权的党员%(entitled)d人，实到%(present)d人，至少需%(needed)d人），"
              "不能进行表决。") % {"entitled": roll.entitled, "present": roll.present, "needed": roll.needed},
            field="meeting",
        )  # fmt: skip
    if any(v is None or v < 0 for v in votes):
        raise DomainError(_("请填写赞成、反对和弃权票数。"), field="votes_for")
    in_favour, against, abstaining = votes
    if in_favour + against + abstaining > roll.present:
        raise DomainError(
            _("表决票数（%(cast)d）超过到会有表决权的正式党员人数（%(present)d）。")
            % {"cast": in_favour + against + abstaining, "present": roll.present},
            field="votes_for",
        )
    passed = meeting_rules.vote_passed(voting_entitled=roll.entitled, voting_present=roll.present, in_favour=in_favour)
    return roll.day, {
        "meeting": meeting,
        "voting_entitled": roll.entitled,
        "voting_present": roll.present,
        "votes_for": in_favour,
        "votes_against": against,
        "votes_abstaining": abstaining,
        "passed": passed,
    }


def _check_people(kind: str, member: Member, people: Iterable[Member]) -> list[Member]:
    people = list(dict.fromkeys(people))
    problem = rules.people_problem(kind, len(people))
    if problem is not None:
        raise DomainError(_message(problem), field="people")
    allowed = set(selectors.full_members_of_branch(member).values_list("pk", flat=True))
    if any(person.pk not in allowed for person in people):
        raise DomainError(_("培养联系人和入党介绍人应为本支部的正式党员。"), field="people")
    return people


def _status_after(*, member: Member, kind: str, facts: rules.PathFacts, done_on: date, by: Scope) -> None:
    """The member record follows the path: 入党积极分子, 发展对象, then 预备党员 at the superior's approval
    (入党日期: the day the 支部党员大会 voted), 正式党员 at the approval of 转正 (转正日期: the day the 预备期
    ended)."""
    status = rules.STATUS_AFTER.get(kind)
    if status is None:
        return
    data: dict = {"status": status}
    if kind == rules.ADMISSION_APPROVAL:
        data["joined_on"] = facts.on(rules.ADMISSION_VOTE)
    elif kind == rules.CONFIRMATION_APPROVAL:
        data["confirmed_on"] = min(rules.probation_ends_on(facts) or done_on, done_on)
    member_services.member_update(member=member, data=data, version=member.version, by=by)


@transaction.atomic
def step_record(
    *,
    member: Member,
    kind: str,
    done_on: date | None,
    by: Scope,
    actor: str = "",
    documents: str = "",
    note: str = "",
    people: Iterable[Member] = (),
    meeting: Meeting | None = None,
    votes: tuple[int | None, int | None, int | None] = (None, None, None),
    extension_months: int | None = None,
) -> Step:
    """Record one step of a person's path, refusing a date that breaks a rule (with the rule named), keeping a late
    one marked late, and moving the member record on (status and dates) where the step does.

    A vote (admission or 转正) links to a finalised 支部党员大会 record of the person's branch: its day is the vote's,
    those entitled and present come from the record's roll; a record without quorum, or more votes than voters,
    is refused. Nothing changes when a rule is broken.
    """
    if not by.may_record_step(member):
        raise NotPermitted
    if kind not in StepKind.values:
        raise DomainError(_("请选择步骤。"), field="kind")
    member = Member.objects.select_for_update().select_related("organisation").get(pk=member.pk)
    if member.status not in selectors.PIPELINE_STATUSES:
        raise DomainError(_("该同志不在发展党员程序中。"))
    steps = list(Step.objects.filter(member=member))
    facts = selectors.path_facts(member, steps)
    vote: dict = {}
    if kind in rules.VOTES:
        done_on, vote = _vote_figures(member=member, meeting=meeting, votes=votes, done_on=done_on)
    if done_on is None:
        raise DomainError(_("请填写日期。"), field="done_on")
    problem = date_range_problem(done_on, rules.STEP_DATE_RANGE)
    if problem:
        raise DomainError(problem, field="done_on")
    broken = rules.step_problem(kind, done_on, facts, extension_months=extension_months)
    if broken is not None:
        raise DomainError(_message(broken), field="extension_months" if broken.code.startswith("ext") else "done_on")
    named = _check_people(kind, member, people) if kind in (rules.ACTIVIST, rules.CANDIDATE) else []
    window = rules.step_window(kind, facts)
    step = Step(
        member=member,
        kind=kind,
        done_on=done_on,
        actor=actor.strip()[:60],
        documents=documents.strip()[:300],
        note=note.strip(),
        deadline=window.deadline,
        is_late=rules.step_late(kind, done_on, facts),
        extension_months=extension_months if kind == rules.EXTENSION else None,
        recorded_by_id=by.user_id,
        **vote,
    )
    try:
        with transaction.atomic():
            step.save()
    except IntegrityError as exc:
        raise DomainError(str(rules.PROBLEMS["done"])) from exc
    if named:
        step.people.set(named)
    steps.append(step)
    if kind not in rules.VOTES or step.passed:
        _status_after(member=member, kind=kind, facts=selectors.path_facts(member, steps), done_on=done_on, by=by)
        member.refresh_from_db()
    path_refresh(member, steps)
    return step


def paths_refresh(*, by: Scope, members: Iterable[Member] | None = None) -> int:
    """Recompute the next step of everyone on the path (or of `members`): after a bulk load or a repair past the
    services. The seeders' and commands' work (`by` is SYSTEM or an admin). Returns how many paths were written."""
    if not by.may_run_scheduled_jobs():
        raise NotPermitted
    if members is None:
        members = Member.objects.filter(status__in=selectors.PIPELINE_STATUSES)
    people = list(members)
    by_member: dict[int, list[Step]] = {}
    for step in Step.objects.filter(member__in=[m.pk for m in people]):
        by_member.setdefault(step.member_id, []).append(step)
    rows = []
    for member in people:
        due = rules.next_step(selectors.path_facts(member, by_member.get(member.pk, [])))
        rows.append(
            Path(
                member=member,
                next_step=due.kind if due else "",
                next_earliest=due.earliest if due else None,
                next_deadline=due.deadline if due else None,
            )
        )
    Path.objects.bulk_create(
        rows,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["member"],
        update_fields=["next_step", "next_earliest", "next_deadline"],
    )
    return len(rows)
