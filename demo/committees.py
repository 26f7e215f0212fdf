"""The committees above the demo's branches, and what they show (seed_demo loads this after the meeting history).

- Each 党委 and 党总支 has an elected committee, recorded through the services as a secretary or admin would:
  the city company's 基层党委 ran past its five years and the superior approved an extension; the 运维检修部党总支
  is overdue; the research institute's 党总支 ends within 90 days; the others are in their term.
- The 书记 of the city company's 党委 gave this year's 党课 (支部工作条例 §16), the company 党委's 书记 gave last
  year's; the research institute's 党委 has none, so its compliance page shows what it owes.
- One member of the 配电抢修党支部 is under 留党察看: still on the roster, without a vote.

The holders are 正式党员 of the branches below, never one of the demo logins (whose roles the README describes).
Dates are relative to today, so the demo always looks current. Built once: when a committee above the branches
exists, nothing changes.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches import rules as branch_rules
from branches import services as branch_services
from branches.models import CommitteeTerm, Level, Organisation
from meetings import services as meeting_services
from meetings.models import AttendanceState, MeetingType
from members import services as member_services
from members.access import SYSTEM, scope_for
from members.models import CommitteePost, Member, Post, Status

from .meeting_history import LECTURES
from .tree import ROOT_CODE

COMMITTEE_POSTS = (
    Post.SECRETARY,
    Post.DEPUTY_SECRETARY,
    Post.ORGANISATION_OFFICER,
    Post.PUBLICITY_OFFICER,
    Post.DISCIPLINE_OFFICER,
)
GENERAL_BRANCH_POSTS = (Post.SECRETARY, Post.ORGANISATION_OFFICER, Post.DISCIPLINE_OFFICER)
PROBATION_BRANCH = "GW-SZ-YJ-03"


@dataclass(frozen=True)
class TermPlan:
    """A committee to elect: `state` says where its term stands today ("ok", "due_soon", "overdue" or
    "extended": past its end with an approved extension)."""

    code: str
    state: str


PLANS = (
    TermPlan(ROOT_CODE, "ok"),
    TermPlan("GW-SZ", "extended"),
    TermPlan("GW-DKY", "ok"),
    TermPlan("GW-SZ-YJ", "overdue"),
    TermPlan("GW-DKY-JS", "due_soon"),
)


def election_day(organisation: Organisation, state: str, today: date) -> date:
    """An election day that puts the term where `state` says today."""
    years = branch_rules.term_years(organisation.domain, organisation.level)
    if state == "extended":
        return branch_rules.years_after(today, -years) - timedelta(days=30)
    if state == "overdue":
        return branch_rules.years_after(today, -years) - timedelta(days=25)
    if state == "due_soon":
        return branch_rules.years_after(today, -years) + timedelta(days=60)
    return today - timedelta(days=400 if organisation.level == Level.PRIMARY_COMMITTEE else 830)


def committees_load(*, today: date, write: Callable[[str], None]) -> None:
    """Elect the committees above the branches, record the 党委书记's 党课 and a 留党察看, unless already done."""
    root = Organisation.objects.filter(code=ROOT_CODE).first()
    if root is None:
        return
    above = Organisation.objects.filter(path__startswith=root.path).exclude(level__in=(Level.BRANCH, Level.PARTY_GROUP))
    if CommitteeTerm.objects.filter(organisation__in=above).exists():
        write(_("演示上级委员会已存在，未作改动。"))
        return
    with transaction.atomic():
        terms = _elect(today)
        admin = get_user_model().objects.filter(username="admin").first()
        _lecture(terms[ROOT_CODE], date(today.year - 1, 6, 20), admin)
        _lecture(terms["GW-SZ"], today - timedelta(days=5), admin)
        _probation(today)
        rolls = meeting_services.quorum_rolls_store(organisation_path=root.path, by=SYSTEM)
    write(
        _("已创建演示上级委员会：%(terms)d 届，党委书记讲党课 2 次；补记 %(rolls)d 份会议表决权名单。")
        % {"terms": len(terms), "rolls": rolls}
    )


def _elect(today: date) -> dict[str, CommitteeTerm]:
    terms: dict[str, CommitteeTerm] = {}
    taken: set[int] = set()
    for plan in PLANS:
        organisation = Organisation.objects.get(code=plan.code)
        elected_on = election_day(organisation, plan.state, today)
        posts = COMMITTEE_POSTS if organisation.level != Level.GENERAL_BRANCH else GENERAL_BRANCH_POSTS
        holders = _holders(organisation, elected_on, taken, len(posts))
        term = member_services.committee_term_start(
            organisation=organisation, elected_on=elected_on, posts=list(zip(holders, posts, strict=False)), by=SYSTEM
        )
        if plan.state == "extended":
            term = branch_services.committee_term_extend(
                term=term,
                extended_until=term.term_ends_on + timedelta(days=180),
                approved_on=term.term_ends_on - timedelta(days=40),
                by=SYSTEM,
            )
        terms[plan.code] = term
    return terms


def _holders(organisation: Organisation, elected_on: date, taken: set[int], count: int) -> list[Member]:
    """Senior 正式党员 of the branches below (their branch secretaries first), on the roll by the election day, who
    are no demo login and not yet on another demo committee."""
    secretaries = set(
        CommitteePost.objects.filter(
            term__organisation__path__startswith=organisation.path, term__is_current=True, post=Post.SECRETARY
        ).values_list("member_id", flat=True)
    )
    candidates = (
        Member.objects.filter(
            organisation__path__startswith=organisation.path,
            status=Status.FULL,
            user__isnull=True,
            is_mobile=False,
            confirmed_on__lte=elected_on,
            probation_starts_on__isnull=True,
        )
        .exclude(pk__in=taken)
        .order_by("confirmed_on", "name", "pk")
    )
    chosen = sorted(candidates, key=lambda m: m.pk not in secretaries)[:count]  # stable: seniority kept
    taken.update(m.pk for m in chosen)
    return chosen


def _lecture(term: CommitteeTerm, day: date, admin) -> None:
    """The 党委书记's 党课, recorded and finalised by the services: its committee attends."""
    secretary = term.posts.get(post=Post.SECRETARY).member
    starts_at = timezone.make_aware(datetime.combine(day, time(14, 30)))
    meeting = meeting_services.meeting_plan(
        organisation=term.organisation,
        types=[MeetingType.PARTY_LECTURE],
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=90),
        topic=_("党委书记讲党课"),
        place=_("党建活动中心"),
        host=secretary,
        lecturer=secretary,
        lecture_title=LECTURES[day.year % len(LECTURES)],
        by=scope_for(admin),
    )
    entries = [
        meeting_services.AttendanceEntry(a.member, AttendanceState.PRESENT)
        for a in meeting.attendances.select_related("member")
    ]
    meeting_services.attendance_record(meeting=meeting, entries=entries, by=scope_for(admin))
    minutes = _("%(name)s同志以“%(title)s”为题，为所属党组织党员讲授党课。") % {
        "name": secretary.name,
        "title": meeting.lecture_title,
    }
    meeting_services.meeting_record(meeting=meeting, version=meeting.version, minutes=minutes, by=scope_for(admin))
    meeting_services.meeting_finalise(meeting=meeting, by=scope_for(admin))


def _probation(today: date) -> None:
    """A 正式党员 of the 配电抢修党支部 (no post, no login) under 留党察看 for a year from four months ago."""
    member = (
        Member.objects.filter(
            organisation__code=PROBATION_BRANCH, status=Status.FULL, user__isnull=True, committee_posts__isnull=True
        )
        .order_by("name", "pk")
        .first()
    )
    if member is None:
        return
    starts_on = today - timedelta(days=120)
    member_services.member_update(
        member=member,
        data={"probation_starts_on": starts_on, "probation_ends_on": branch_rules.years_after(starts_on, 1)},
        version=member.version,
        by=SYSTEM,
    )
