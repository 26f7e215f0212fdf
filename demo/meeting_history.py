"""Two years of organisational life for the demo organisation (seed_demo loads it after the people).

Branches keep different habits, so the compliance pages have something to show: most hold every required meeting,
some miss meetings (in the last complete quarter on purpose, so some are red), two have fallen silent for weeks,
and the secretary's branch has not yet met this month (so something is due). Dates are relative to today, so the
demo always looks current; the random choices come from a fixed seed. Built once: when the demo organisation
already has meetings, nothing changes.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from branches import rules as branch_rules
from branches.models import Level, Organisation
from meetings import rules, services
from meetings.models import (
    Attendance,
    AttendanceState,
    Meeting,
    MeetingStatus,
    MeetingType,
    MeetingTypeLink,
    Period,
    RequirementOverride,
)
from members.models import MEMBER_STATUSES, CommitteePost, Member, Post, Status

from .schedule import month_schedule
from .tree import ROOT_CODE, SECRETARY_BRANCH

SEED = 20260702
MONTHS = 24

DILIGENT, PATCHY, LAPSED = "diligent", "patchy", "lapsed"
#: Each demo branch's habits (branches not listed are diligent).
HABITS = {
    "GW-SZ-YJ-02": PATCHY,
    "GW-SZ-03": PATCHY,
    "GW-DKY-02": PATCHY,
    "GW-DKY-JS-02": PATCHY,
    "GW-SZ-YJ-03": LAPSED,
    "GW-SZ-04": LAPSED,
}
MISS_CHANCE = {DILIGENT: 0.0, PATCHY: 0.22, LAPSED: 0.15}
LAPSED_DAYS = 45
#: The city company's committee asks for two 谈心谈话 a year in its subtree (shows an inherited requirement).
OVERRIDES = (("GW-SZ", MeetingType.HEART_TO_HEART_TALK, Period.YEAR, 2),)
#: Every demo branch meets what that committee asks, also those outside its subtree (more than the rule asks).
TALKS = {
    meeting_type: rules.Requirement(meeting_type, period, count) for _code, meeting_type, period, count in OVERRIDES
}

PLACES = ("党员活动室", "三楼会议室", "班组学习室", "党建活动中心", "多功能厅")
LEAVE_REASONS = ("出差", "值班", "病假", "参加培训", "事假", "抢修任务")
THEMES = (
    "学习贯彻党的二十届四中全会精神",
    "安全生产警示教育",
    "迎峰度夏保供电",
    "党员先锋岗承诺践诺",
    "重温入党誓词",
    "学习《中国共产党纪律处分条例》",
    "志愿服务进社区",
    "优化营商环境 提升供电服务",
    "红色教育基地参观学习",
    "数字化转型与党建融合",
)
LECTURES = (
    "坚定理想信念 践行初心使命",
    "以高质量党建引领高质量发展",
    "学习党史 汲取奋进力量",
    "严守纪律规矩 锤炼过硬作风",
)
COMMITTEE_TOPICS = (
    "研究本月党建工作安排",
    "研究党员发展和教育管理工作",
    "研究党费收缴和使用情况",
    "研究“三会一课”落实情况",
    "研究党员先锋岗设置和安全生产工作",
)
GENERAL_TOPICS = (
    "传达上级会议精神，部署本季度工作",
    "通报支部工作，听取党员意见建议",
    "学习上级文件，研究季度重点任务",
)


@dataclass
class Unit:
    """One branch or party group and the people its meetings expect."""

    organisation: Organisation
    habit: str
    members: list[Member]
    committee: list[Member] = field(default_factory=list)
    host: Member | None = None
    recorder: Member | None = None
    has_committee: bool = False
    theme_day: int = 15


@dataclass
class Planned:
    """A meeting to create, with its types and attendance."""

    meeting: Meeting
    types: list[str]
    attendance: list[Attendance]


def _month_starts(today: date, count: int) -> list[date]:
    """The first days of the last `count` months, oldest first, this month included."""
    year, month = today.year, today.month
    starts = []
    for _i in range(count):
        starts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def last_complete_quarter(today: date) -> rules.PeriodRange:
    """The quarter before the one containing today."""
    current = rules.period_containing(Period.QUARTER, today)
    return rules.period_containing(Period.QUARTER, current.start - timedelta(days=1))


def meetings_load(*, today: date, write: Callable[[str], None]) -> None:
    """Write the demo's meetings unless the demo organisation already has some."""
    root = Organisation.objects.filter(code=ROOT_CODE).first()
    if root is None:
        write(_("演示组织不存在，请先运行 seed_demo。"))
        return
    if Meeting.all_objects.filter(organisation__path__startswith=root.path).exists():
        write(_("演示会议已存在，未作改动。"))
        return
    with transaction.atomic():
        count = _build(root, today)
        # The meetings were written in bulk, past the services that keep the summary and the cached pages.
        services.compliance_everything_changed(recount=True)
    write(_("已创建演示会议记录：%(count)d 次会议。") % {"count": count})


# --- Who is in each unit ------------------------------------------------------------------------------------


def _units(root: Organisation) -> list[Unit]:
    organisations = list(
        Organisation.objects.filter(path__startswith=root.path, level__in=(Level.BRANCH, Level.PARTY_GROUP)).order_by(
            "path"
        )
    )
    members = list(
        Member.objects.filter(organisation__path__startswith=root.path, status__in=MEMBER_STATUSES).order_by("pk")
    )
    posts = list(
        CommitteePost.objects.current()
        .filter(term__organisation__in=organisations)
        .select_related("member")
        .order_by("pk")
    )
    by_branch: dict[int, list[Member]] = {}
    by_group: dict[int, list[Member]] = {}
    for member in members:
        by_branch.setdefault(member.organisation_id, []).append(member)
        if member.party_group_id:
            by_group.setdefault(member.party_group_id, []).append(member)
    committees: dict[int, list[tuple[str, Member]]] = {}
    for post in posts:
        committees.setdefault(post.term.organisation_id, []).append((post.post, post.member))
    units: list[Unit] = []
    branches: dict[str, Unit] = {}
    for index, organisation in enumerate(organisations):
        if organisation.level == Level.BRANCH:
            held = committees.get(organisation.pk, [])
            people = [m for _post, m in held]
            full = sum(1 for m in by_branch.get(organisation.pk, []) if m.status == Status.FULL)
            secretary = next((m for post, m in held if post == Post.SECRETARY), people[0] if people else None)
            others = [m for m in people if m != secretary]
            unit = Unit(
                organisation=organisation,
                habit=HABITS.get(organisation.code, DILIGENT),
                members=by_branch.get(organisation.pk, []),
                committee=people,
                host=secretary,
                recorder=others[0] if others else secretary,
                has_committee=branch_rules.has_committee(full),
                theme_day=10 + index % 10,
            )
            branches[organisation.path] = unit
        else:
            branch = branches[organisation.path[: -Organisation.steplen]]
            group_members = by_group.get(organisation.pk, [])
            unit = Unit(
                organisation=organisation,
                habit=branch.habit,
                members=group_members,
                host=group_members[0] if group_members else None,
                recorder=group_members[1] if len(group_members) > 1 else None,
            )
        units.append(unit)
    return units


# --- The calendar of each unit ------------------------------------------------------------------------------


def _schedule(unit: Unit, month: date) -> list[tuple[list[str], int, int]]:
    """(types, day, hour) of the meetings a unit that keeps every rule (and TALKS) holds in a month."""
    return month_schedule(
        month,
        is_party_group=unit.organisation.level == Level.PARTY_GROUP,
        has_committee=unit.has_committee,
        theme_day=unit.theme_day,
        requirements=TALKS,
    )


def _skipped(unit: Unit, types: list[str], day: date, today: date, rng: random.Random) -> bool:
    """Whether a unit with this habit did not hold a meeting (gaps, silence, this month's open items)."""
    if day >= today:
        return True
    if unit.organisation.code.startswith(SECRETARY_BRANCH) and day.month == today.month and day.year == today.year:
        return True  # the secretary's branch has not met yet this month: its page shows what is due
    if unit.habit == LAPSED and (today - day).days <= LAPSED_DAYS:
        return True
    missed_on_purpose = MeetingType.GENERAL_MEETING in types or MeetingType.GROUP_MEETING in types
    if unit.habit == PATCHY and missed_on_purpose and last_complete_quarter(today).contains(day):
        return True  # missed in the last complete quarter: red on the compliance page
    return rng.random() < MISS_CHANCE[unit.habit]


# --- Building -------------------------------------------------------------------------------------------------


def meetings_plan(root: Organisation, today: date) -> list[Planned]:
    """Every demo meeting as of `today`, unsaved; the same day gives the same meetings."""
    tz = timezone.get_default_timezone()
    planned: list[Planned] = []
    for index, unit in enumerate(_units(root)):
        if not unit.members:
            continue
        rng = random.Random(SEED + index)
        for month in _month_starts(today, MONTHS):
            for types, day_of_month, hour in _schedule(unit, month):
                day = month.replace(day=day_of_month)
                if _skipped(unit, types, day, today, rng):
                    continue
                starts_at = datetime.combine(day, time(hour, 30 if hour == 14 else 0), tzinfo=tz)
                if types == [MeetingType.HEART_TO_HEART_TALK] and unit.habit == DILIGENT and unit.host:
                    # 谈心谈话 is owed by each member: a diligent secretary talks with every member in turn.
                    for n, partner in enumerate(m for m in unit.members if m != unit.host):
                        at = starts_at + timedelta(days=n // 4, hours=n % 4)
                        planned.append(_meeting(unit, types, at, rng, expected=[unit.host, partner]))
                    continue
                planned.append(_meeting(unit, types, starts_at, rng))
    planned.extend(_open_items(root, today, tz))
    return planned


def _build(root: Organisation, today: date) -> int:
    planned = meetings_plan(root, today)
    meetings = bulk_create_with_history([p.meeting for p in planned], Meeting, batch_size=500)
    links, attendance = [], []
    for plan, meeting in zip(planned, meetings, strict=True):
        links.extend(MeetingTypeLink(meeting=meeting, type=t) for t in plan.types)
        for row in plan.attendance:
            row.meeting = meeting
            attendance.append(row)
    MeetingTypeLink.objects.bulk_create(links, batch_size=1000)
    Attendance.objects.bulk_create(attendance, batch_size=1000)
    for code, meeting_type, period, count in OVERRIDES:
        organisation = Organisation.objects.filter(code=code).first()
        if organisation is not None:
            RequirementOverride.objects.get_or_create(
                organisation=organisation, meeting_type=meeting_type, defaults={"period": period, "count": count}
            )
    return len(meetings)


def _expected(unit: Unit, types: list[str], day: date, rng: random.Random) -> list[Member]:
    sources = rules.expected_attendees(types)
    if rules.CHOSEN in sources:  # 谈心谈话: the secretary and one member, as a pair
        others = [m for m in unit.members if m != unit.host]
        return [unit.host, rng.choice(others)] if unit.host and others else []
    people: dict[int, Member] = {}
    if rules.ALL_MEMBERS in sources or rules.GROUP in sources:
        people.update((m.pk, m) for m in unit.members)
    if rules.COMMITTEE in sources:
        people.update((m.pk, m) for m in unit.committee)
    return [m for m in people.values() if m.joined_on is None or m.joined_on <= day]


def _meeting(
    unit: Unit, types: list[str], starts_at: datetime, rng: random.Random, expected: list[Member] | None = None
) -> Planned:
    main = types[0]
    expected = expected if expected is not None else _expected(unit, types, starts_at.date(), rng)
    committee = main == MeetingType.COMMITTEE_MEETING
    attendance = []
    # A committee meets with at most one missing; a talk (谈心谈话) happens with both its people.
    absent_left = 0 if main == MeetingType.HEART_TO_HEART_TALK else 1 if committee else len(expected)
    for member in expected:
        roll = rng.random()
        if member == unit.host or roll < 0.86 or absent_left <= 0:
            state, reason = AttendanceState.PRESENT, ""
        elif roll < 0.96:
            state, reason = AttendanceState.LEAVE, rng.choice(LEAVE_REASONS)
        else:
            state, reason = AttendanceState.ABSENT, ""
        if state != AttendanceState.PRESENT:
            absent_left -= 1
        attendance.append(Attendance(member=member, state=state, leave_reason=reason))
    late = rng.random() < 0.06
    recorded_at = starts_at + timedelta(days=rng.randint(10, 20) if late else rng.randint(0, 2), hours=3)
    topic, minutes, decisions = _texts(unit, types, starts_at, rng)
    lecture = MeetingType.PARTY_LECTURE in types
    meeting = Meeting(
        organisation=unit.organisation,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=30 if main == MeetingType.HEART_TO_HEART_TALK else 90),
        place=rng.choice(PLACES),
        topic=topic,
        agenda=_agenda(types),
        host=unit.host,
        recorder=unit.recorder,
        lecturer=unit.host if lecture else None,
        lecture_title=rng.choice(LECTURES) if lecture else "",
        status=MeetingStatus.FINALISED,
        minutes=minutes,
        decisions=decisions,
        recorded_at=recorded_at,
        is_backfilled=rules.is_backfilled(starts_at.date(), recorded_at.date(), settings.MEETING_BACKFILL_DAYS),
        finalised_at=recorded_at,
        finalised_by_id=unit.host.user_id if unit.host else None,
    )
    return Planned(meeting, list(types), attendance)


def _agenda(types: list[str]) -> str:
    items = ["学习上级文件精神"]
    if MeetingType.PARTY_LECTURE in types:
        items.append("书记讲党课")
    if MeetingType.COMMITTEE_MEETING in types:
        items = ["通报上月工作完成情况", "研究本月重点工作", "其他事项"]
    if MeetingType.GENERAL_MEETING in types:
        items = ["传达上级会议精神", "通报支部工作情况", "讨论本季度重点任务"]
    if MeetingType.ORGANISATIONAL_LIFE_MEETING in types:
        items = ["通报上年度查摆问题整改情况", "书记代表支部委员会作对照检查", "党员逐一发言，开展批评和自我批评"]
    if MeetingType.MEMBER_APPRAISAL in types:
        items = ["党员个人自评", "党员互评", "民主测评", "组织评定"]
    if MeetingType.HEART_TO_HEART_TALK in types:
        items = ["交流思想和工作情况", "听取意见建议"]
    return "\n".join(f"{n}. {item}" for n, item in enumerate(items, start=1))


def _texts(unit: Unit, types: list[str], starts_at: datetime, rng: random.Random) -> tuple[str, str, str]:
    name = unit.organisation.name
    main = types[0]
    when = f"{starts_at.year}年{starts_at.month}月"
    if main == MeetingType.COMMITTEE_MEETING:
        topic = f"{when}支部委员会：{rng.choice(COMMITTEE_TOPICS)}"
        minutes = (
            f"书记通报上月党建和业务工作完成情况。与会委员逐项讨论了本月工作安排，{rng.choice(COMMITTEE_TOPICS)}。"
            "组织委员汇报了党员教育管理情况，宣传委员汇报了宣传思想工作。"
        )
        decisions = "一、按计划召开本月主题党日活动；二、做好党费收缴；三、落实安全生产责任。"
    elif main == MeetingType.GROUP_MEETING:
        topic = f"{when}党小组会：学习讨论"
        minutes = f"{name}组织党员学习上级文件，结合岗位实际交流学习体会，并对班组安全生产和服务工作提出建议。"
        decisions = "党小组成员按分工落实本月工作任务。"
    elif main == MeetingType.THEME_DAY:
        theme = rng.choice(THEMES)
        topic = f"{when}主题党日：{theme}"
        minutes = f"全体党员参加“{theme}”主题党日活动。活动中重温入党誓词，集中学习，党员结合工作谈认识、谈打算。"
        if MeetingType.PARTY_LECTURE in types:
            minutes += "支部书记讲授专题党课，党员认真听讲并交流学习体会。"
        decisions = "各党员结合岗位落实活动要求，下次活动前交流落实情况。"
    elif main == MeetingType.GENERAL_MEETING:
        topic = f"{when}支部党员大会：{rng.choice(GENERAL_TOPICS)}"
        minutes = "支部书记传达上级会议精神，通报支部本季度工作情况。与会党员围绕本季度重点任务进行讨论，提出意见建议。"
        decisions = "一、通过本季度支部工作安排；二、做好党员发展和教育管理工作。"
    elif main == MeetingType.ORGANISATIONAL_LIFE_MEETING:
        topic = f"{starts_at.year - 1}年度组织生活会"
        minutes = (
            "支部委员会通报上年度查摆问题整改落实情况，书记代表支部委员会作对照检查。党员逐一发言，开展批评和自我批评。"
        )
        decisions = "形成问题清单和整改措施，明确责任人和完成时限。"
    elif main == MeetingType.MEMBER_APPRAISAL:
        topic = f"{starts_at.year - 1}年度民主评议党员"
        minutes = "党员对照合格党员标准进行自评，党员之间开展互评，组织民主测评，支部委员会提出评定意见。"
        decisions = "评议结果报支部党员大会确认后反馈本人。"
    else:
        topic = "谈心谈话"
        minutes = "双方围绕思想、工作和生活情况交流，听取对支部工作的意见建议。"
        decisions = ""
    return topic, minutes, decisions


def _open_items(root: Organisation, today: date, tz: tzinfo) -> list[Planned]:
    """The secretary's branch: a committee meeting planned for the coming days (not yet held)."""
    branch = next((u for u in _units(root) if u.organisation.code == SECRETARY_BRANCH), None)
    if branch is None or not branch.host:
        return []
    starts_at = datetime.combine(today + timedelta(days=3), time(15, 0), tzinfo=tz)
    meeting = Meeting(
        organisation=branch.organisation,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=90),
        place=PLACES[0],
        topic=f"{starts_at.year}年{starts_at.month}月支部委员会：研究本月党建工作安排",
        agenda="1. 通报上月工作完成情况\n2. 研究本月重点工作",
        host=branch.host,
        recorder=branch.recorder,
        status=MeetingStatus.PLANNED,
    )
    expected = [Attendance(member=m, state=AttendanceState.EXPECTED) for m in branch.committee]
    return [Planned(meeting, [MeetingType.COMMITTEE_MEETING], expected)]
