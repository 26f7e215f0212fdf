"""One branch of the provincial-size data set (`seed_scale`): its people, committee, meetings and attendance.

Each branch draws from a generator seeded with (seed, branch number), so the same seed gives the same rows
whatever the chunking. Rows are plain tuples in the column order of their table, with primary keys assigned here;
nothing here touches the database.
"""

import random
from collections.abc import Iterator
from dataclasses import astuple, dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Model
from django.utils import timezone

from branches import rules as branch_rules
from branches.models import CommitteeTerm, Domain
from meetings import rules
from meetings.models import Attendance, AttendanceState, Meeting, MeetingStatus, MeetingType, MeetingTypeLink, Period
from members import rules as member_rules
from members import services as member_services
from members.models import MEMBER_STATUSES, CommitteePost, Education, Gender, Member, Post, Status

from .scale_tree import OrgPlan, ScaleSpec
from .schedule import month_schedule

STATUS_WEIGHTS = (
    (Status.FULL, 80),
    (Status.PROBATIONARY, 5),
    (Status.CANDIDATE, 3),
    (Status.ACTIVIST, 5),
    (Status.APPLICANT, 4),
    (Status.LEFT, 1.5),
    (Status.SUSPENDED, 1.5),
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文辉鹏玲红斌宇浩凯丹萍晨阳雪琳欣怡子涵嘉俊"
POSTS = (
    Post.SECRETARY,
    Post.DEPUTY_SECRETARY,
    Post.ORGANISATION_OFFICER,
    Post.PUBLICITY_OFFICER,
    Post.DISCIPLINE_OFFICER,
)
#: How often a branch of each habit misses a meeting it owes; a lapsed branch has also been silent lately.
HABITS = (("good", 0.03, 70), ("patchy", 0.15, 25), ("lapsed", 0.3, 5))
LAPSED_DAYS = 45
ATTENDANCE_WEIGHTS = ((AttendanceState.PRESENT, 88), (AttendanceState.LEAVE, 8), (AttendanceState.ABSENT, 4))
#: 谈心谈话 are small and frequent: the committee talks with a few members every month, twice in a quarter's last month.
TALKS = {MeetingType.HEART_TO_HEART_TALK: rules.Requirement(MeetingType.HEART_TO_HEART_TALK, Period.YEAR, 16)}

MEMBER_COLUMNS = (
    "id",
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "id_number_encrypted",
    "id_number_index",
    "id_number_masked",
    "phone",
    "email",
    "education",
    "work_unit",
    "position",
    "organisation_id",
    "party_group_id",
    "status",
    "applied_on",
    "joined_on",
    "confirmed_on",
    "is_mobile",
    "photo",
    "user_id",
    "version",
    "is_deleted",
    "deleted_at",
    "created_at",
    "updated_at",
)
TERM_COLUMNS = ("id", "organisation_id", "elected_on", "term_ends_on", "is_current")
POST_COLUMNS = ("id", "term_id", "member_id", "post")
MEETING_COLUMNS = (
    "id",
    "organisation_id",
    "starts_at",
    "ends_at",
    "place",
    "topic",
    "agenda",
    "host_id",
    "recorder_id",
    "lecturer_id",
    "lecturer_name",
    "lecture_title",
    "status",
    "is_election",
    "minutes",
    "decisions",
    "recorded_at",
    "is_backfilled",
    "without_quorum_reason",
    "finalised_at",
    "finalised_by_id",
    "cancelled_reason",
    "created_by_id",
    "version",
    "is_deleted",
    "deleted_at",
    "created_at",
    "updated_at",
)
LINK_COLUMNS = ("id", "meeting_id", "type")
ATTENDANCE_COLUMNS = ("id", "meeting_id", "member_id", "state", "leave_reason")

#: Tables in the order their rows must be written (foreign keys point to earlier ones).
WRITE_ORDER: tuple[tuple[type[Model], tuple[str, ...]], ...] = (
    (Member, MEMBER_COLUMNS),
    (CommitteeTerm, TERM_COLUMNS),
    (CommitteePost, POST_COLUMNS),
    (Meeting, MEETING_COLUMNS),
    (MeetingTypeLink, LINK_COLUMNS),
    (Attendance, ATTENDANCE_COLUMNS),
)


@dataclass
class Ids:
    """The next primary key of each generated table."""

    member: int
    term: int
    post: int
    meeting: int
    link: int
    attendance: int


@dataclass
class Rows:
    """Buffered rows of every table, written together in foreign-key order."""

    tables: dict[type[Model], list[tuple]] = field(default_factory=lambda: {m: [] for m, _c in WRITE_ORDER})

    def __len__(self) -> int:
        return sum(len(rows) for rows in self.tables.values())


def _month_starts(first: date, last: date) -> Iterator[date]:
    day = first.replace(day=1)
    while day <= last:
        yield day
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)


class BranchBuilder:
    """Generate one branch's people, committee and meetings into `rows`; nothing here touches the database."""

    def __init__(self, spec: ScaleSpec, branch: OrgPlan, ids: Ids, rows: Rows):
        self.spec = spec
        self.branch = branch
        self.ids = ids
        self.rows = rows
        self.rng = random.Random(spec.seed * 1_000_003 + branch.number)
        self.tz = timezone.get_default_timezone()
        self.now = datetime.combine(spec.until, time(18), tzinfo=self.tz)

    def build(self) -> None:
        people = self._people()
        members = [(pk, status, group) for pk, status, group in people if status in MEMBER_STATUSES]
        full = [pk for pk, status, _g in members if status == Status.FULL]
        committee = self._committee(full)
        self._meetings(members, committee)

    # People

    def _date_between(self, start: date, end: date) -> date:
        if end <= start:
            return start
        return start + timedelta(days=self.rng.randrange((end - start).days + 1))

    def _people(self) -> list[tuple[int, str, int | None]]:
        rng, until = self.rng, self.spec.until
        groups = self.branch.groups
        statuses = [s for s, _w in STATUS_WEIGHTS]
        weights = [w for _s, w in STATUS_WEIGHTS]
        out = []
        member_rows = self.rows.tables[Member]
        stamp = datetime.combine(until, time(9), tzinfo=self.tz)
        for i in range(self.branch.size):
            pk = self.ids.member
            self.ids.member += 1
            status = rng.choices(statuses, weights)[0]
            gender = Gender.MALE if rng.random() < 0.6 else Gender.FEMALE
            birth = self._date_between(until - timedelta(days=365 * 70), until - timedelta(days=365 * 19))
            region = 100000 + (pk // 500) % 900000
            first17 = f"{region:06d}{birth:%Y%m%d}{(pk % 500) * 2 + (1 if gender == Gender.MALE else 0):03d}"
            id_number = first17 + member_rules.id_check_char(first17)
            applied = joined = confirmed = None
            if status != Status.APPLICANT:
                applied = self._date_between(birth + timedelta(days=365 * 18 + 5), until - timedelta(days=400))
            else:
                applied = self._date_between(until - timedelta(days=300), until)
            if status in (Status.PROBATIONARY,):
                joined = self._date_between(until - timedelta(days=360), until)
            elif status in (Status.FULL, Status.LEFT, Status.SUSPENDED):
                joined = self._date_between(
                    applied + timedelta(days=400), max(applied + timedelta(days=400), until - timedelta(days=400))
                )
                confirmed = joined + timedelta(days=365)
                if confirmed > until:
                    confirmed = until
            group = groups[i % len(groups)].id if groups and status in MEMBER_STATUSES else None
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
            member_rows.append(
                (
                    pk,
                    name,
                    gender,
                    "汉族" if rng.random() < 0.9 else "回族",
                    birth,
                    *astuple(member_services.id_number_columns(id_number)),
                    f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
                    "",
                    rng.choice(Education.values),
                    self.branch.name[:60],
                    "",
                    self.branch.id,
                    group,
                    status,
                    applied,
                    joined,
                    confirmed,
                    rng.random() < 0.03,
                    "",
                    None,
                    1,
                    False,
                    None,
                    stamp,
                    stamp,
                )
            )
            out.append((pk, status, group))
        return out

    def _committee(self, full: list[int]) -> list[int]:
        """The current term's post holders: 3–5 when the branch has 7 or more 正式党员 (Committee rule), else a 书记."""
        if not full:
            return []
        rng, until = self.rng, self.spec.until
        size = rng.randint(3, 5) if branch_rules.has_committee(len(full)) else 1
        holders = rng.sample(full, size)
        years = 5 if self.branch.domain in (Domain.RURAL, Domain.COMMUNITY) else 3
        elected = self._date_between(until - timedelta(days=365 * years + 60), until - timedelta(days=30))
        term = self.ids.term
        self.ids.term += 1
        ends = (
            elected.replace(year=elected.year + years)
            if not (elected.month == 2 and elected.day == 29)
            else (date(elected.year + years, 2, 28))
        )
        self.rows.tables[CommitteeTerm].append((term, self.branch.id, elected, ends, True))
        for post, member in zip(POSTS, holders, strict=False):
            self.rows.tables[CommitteePost].append((self.ids.post, term, member, post))
            self.ids.post += 1
        return holders

    # Meetings

    def _meetings(self, members: list[tuple[int, str, int | None]], committee: list[int]) -> None:
        rng, spec = self.rng, self.spec
        habit = rng.choices([h for h, _m, _w in HABITS], [w for _h, _m, w in HABITS])[0]
        miss = {h: m for h, m, _w in HABITS}[habit]
        theme_day = rng.randint(10, 20)
        has_committee = len(committee) > 1  # 3–5 post holders only with 7 or more 正式党员 (`_committee`)
        first = date(spec.until.year - spec.years, spec.until.month, 1) + timedelta(days=32)
        all_ids = [pk for pk, _s, _g in members]
        host = committee[0] if committee else None
        recorder = committee[1] if len(committee) > 1 else host
        month_end = date(spec.until.year + spec.until.month // 12, spec.until.month % 12 + 1, 1)
        for month in _month_starts(first, spec.until):
            branch_schedule = month_schedule(
                month, is_party_group=False, has_committee=has_committee, theme_day=theme_day, requirements=TALKS
            )
            for types, day, hour in branch_schedule:
                if MeetingType.HEART_TO_HEART_TALK in types:
                    expected = rng.sample(all_ids, min(len(all_ids), 4))
                elif MeetingType.COMMITTEE_MEETING in types:
                    expected = committee
                else:
                    expected = all_ids
                self._meeting(self.branch.id, types, month, day, hour, expected, habit, miss, host, recorder, month_end)
            group_schedule = month_schedule(month, is_party_group=True, has_committee=False, theme_day=theme_day)
            for group in self.branch.groups:
                expected = [pk for pk, _s, g in members if g == group.id]
                for types, day, hour in group_schedule:
                    self._meeting(group.id, types, month, day, hour, expected, habit, miss, host, recorder, month_end)

    def _meeting(self, org_id, types, month, day, hour, expected, habit, miss, host, recorder, month_end) -> None:
        rng, until = self.rng, self.spec.until
        day_date = month.replace(day=min(day, 28))
        if day_date > until and day_date >= month_end:
            return
        lapsed = habit == "lapsed" and 0 <= (until - day_date).days <= LAPSED_DAYS
        if day_date <= until and (lapsed or rng.random() < miss):
            return
        starts = datetime.combine(day_date, time(hour), tzinfo=self.tz)
        if day_date > until:
            status = MeetingStatus.PLANNED
        else:
            r = rng.random()
            status = (
                MeetingStatus.FINALISED if r < 0.95 else MeetingStatus.HELD if r < 0.98 else MeetingStatus.CANCELLED
            )
        pk = self.ids.meeting
        self.ids.meeting += 1
        labels = "、".join(str(MeetingType(t).label) for t in types)
        done = status in (MeetingStatus.HELD, MeetingStatus.FINALISED)
        after = starts + timedelta(days=1)
        lecture = MeetingType.PARTY_LECTURE in types
        self.rows.tables[Meeting].append(
            (
                pk,
                org_id,
                starts,
                starts + timedelta(hours=2),
                "党员活动室",
                f"{month:%Y年%m月}{labels}",
                "",
                host,
                recorder,
                host if lecture else None,
                "",
                "学习贯彻党的创新理论" if lecture else "",
                status,
                False,
                "会议按议程进行。" if done else "",
                "",
                after if done else None,
                False,
                "",
                after if status == MeetingStatus.FINALISED else None,
                None,
                "时间冲突" if status == MeetingStatus.CANCELLED else "",
                None,
                1,
                False,
                None,
                starts - timedelta(days=7),
                after if done else starts - timedelta(days=7),
            )
        )
        for t in types:
            self.rows.tables[MeetingTypeLink].append((self.ids.link, pk, t))
            self.ids.link += 1
        if status == MeetingStatus.CANCELLED:
            return
        states = [s for s, _w in ATTENDANCE_WEIGHTS]
        weights = [w for _s, w in ATTENDANCE_WEIGHTS]
        drawn = rng.choices(states, weights, k=len(expected)) if done else [AttendanceState.EXPECTED] * len(expected)
        table = self.rows.tables[Attendance]
        for member, state in zip(expected, drawn, strict=True):
            table.append((self.ids.attendance, pk, member, state, "因公出差" if state == AttendanceState.LEAVE else ""))
            self.ids.attendance += 1
