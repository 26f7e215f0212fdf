"""A provincial-size data set for benchmarks (`seed_scale`): the tree, people, committees, meetings and attendance.

Everything is drawn from one seed: the tree from a generator seeded with it, each branch's people and calendar from
a generator seeded with (seed, branch number), so the same seed gives the same rows whatever the chunking. Rows are
plain tuples written in bulk (COPY on PostgreSQL, batched `bulk_create` elsewhere) one chunk of branches at a time,
so memory stays bounded whatever the size. Primary keys are assigned here (the command runs on an empty data set)
and the sequences are moved past them at the end.

Bulk writes skip django-simple-history: seeded records have no history rows, as if they had been imported.
"""

import io
import math
import random
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max, Model
from django.utils import timezone

from branches.models import CommitteePost, CommitteeTerm, Domain, Form, Level, Organisation, Post
from members import crypto
from members import rules as member_rules
from members.models import MEMBER_STATUSES, Education, Gender, Member, Status

from . import page_cache, rules, summary
from .models import (
    Attendance,
    AttendanceState,
    Meeting,
    MeetingStatus,
    MeetingType,
    MeetingTypeLink,
    Period,
    RequirementOverride,
)

ROOT_CODE = "SC"
BRANCHES_PER_PRIMARY = 50
GROUP_SIZE = 15  # a branch of more than 50 members forms party groups of about this size
LARGE_BRANCH = 50
#: Flush buffered rows once this many attendance rows are waiting (bounds memory; one transaction per flush).
FLUSH_ROWS = 100_000

DOMAINS: tuple[str, ...] = tuple(Domain.values)
DOMAIN_NAMES = {
    Domain.RURAL: ("乡镇党委", "村党支部"),
    Domain.COMMUNITY: ("街道党工委", "社区党支部"),
    Domain.GOVERNMENT: ("机关党委", "机关第{n}党支部"),
    Domain.PUBLIC_INSTITUTION: ("事业单位党委", "事业单位第{n}党支部"),
    Domain.STATE_ENTERPRISE: ("公司党委", "运维第{n}党支部"),
    Domain.UNIVERSITY: ("学院党委", "教工第{n}党支部"),
    Domain.RESEARCH: ("研究院党委", "研究室第{n}党支部"),
    Domain.PRIVATE_ENTERPRISE: ("非公企业联合党委", "企业第{n}党支部"),
    Domain.SOCIAL_ORGANISATION: ("社会组织综合党委", "协会第{n}党支部"),
}
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


@dataclass(frozen=True)
class ScaleSpec:
    """What to build: sizes, the seed, and the last day of history (later meetings are still planned)."""

    branches: int
    members: int
    years: int
    seed: int
    until: date


@dataclass
class OrgPlan:
    """One organisation of the generated tree."""

    id: int
    path: str
    name: str
    code: str
    level: str
    domain: str
    form: str
    founded_on: date
    numchild: int = 0
    number: int = 0  # a branch's position among branches: seeds its generator
    size: int = 0  # a branch's people
    groups: list["OrgPlan"] = field(default_factory=list)

    def row(self) -> tuple:
        return (
            self.id,
            self.path,
            len(self.path) // Organisation.steplen,
            self.numchild,
            self.name,
            self.code,
            self.level,
            self.domain,
            self.form,
            self.founded_on,
        )


ORG_COLUMNS = ("id", "path", "depth", "numchild", "name", "code", "level", "domain", "form", "founded_on")
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


# --- The tree -----------------------------------------------------------------------------------------------------


def _step(n: int) -> str:
    """The n-th (1-based) path step of treebeard's materialised path: base 36, `steplen` characters."""
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = ""
    while n:
        n, r = divmod(n, 36)
        out = digits[r] + out
    return out.rjust(Organisation.steplen, "0")


def _sizes(rng: random.Random, total: int, parts: int, minimum: int) -> list[int]:
    """Split `total` people into `parts` branches of skewed sizes (most small, a few large) summing to `total`."""
    weights = [rng.lognormvariate(0, 0.75) for _ in range(parts)]
    floor = minimum if total >= minimum * parts else 0
    spare = total - floor * parts
    scale = spare / sum(weights)
    sizes = [floor + int(w * scale) for w in weights]
    for i in range(total - sum(sizes)):
        sizes[i % parts] += 1
    return sizes


def plan_tree(spec: ScaleSpec, first_id: int) -> list[OrgPlan]:
    """The organisations, parents before children: 上级党委 → 基层党委 → (党总支 →) 党支部 → 党小组.

    Each primary committee has one domain, cycling through every domain type; with fewer than nine primary
    committees the branches cycle through them instead. About 60% of branches sit in 党总支 of 3–8 branches.
    Branches of more than 50 members form party groups (Branch size rule).
    """
    rng = random.Random(spec.seed)
    ids = iter(range(first_id, first_id + 10**9))
    root = OrgPlan(
        next(ids),
        _step(1),
        "规模测试集团党委",
        ROOT_CODE,
        Level.SUPERIOR_COMMITTEE,
        Domain.STATE_ENTERPRISE,
        Form.SINGLE,
        date(1990, 7, 1),
    )
    orgs = [root]
    primaries = max(1, math.ceil(spec.branches / BRANCHES_PER_PRIMARY))
    sizes = _sizes(rng, spec.members, spec.branches, 3)
    per_primary = [spec.branches // primaries + (1 if i < spec.branches % primaries else 0) for i in range(primaries)]
    branch_number = 0
    for p in range(primaries):
        domain = DOMAINS[p % len(DOMAINS)]
        primary_name, branch_name = DOMAIN_NAMES[domain]
        root.numchild += 1
        primary = OrgPlan(
            next(ids),
            root.path + _step(root.numchild),
            f"第{p + 1}{primary_name}",
            f"{ROOT_CODE}-P{p + 1:03d}",
            Level.PRIMARY_COMMITTEE,
            domain,
            Form.SINGLE,
            date(1995 + rng.randrange(20), 1 + rng.randrange(12), 1),
        )
        orgs.append(primary)
        remaining = per_primary[p]
        g = 0
        while remaining:
            grouped = remaining >= 3 and rng.random() < 0.6
            count = min(remaining, rng.randint(3, 8)) if grouped else 1
            parent = primary
            if grouped:
                g += 1
                primary.numchild += 1
                parent = OrgPlan(
                    next(ids),
                    primary.path + _step(primary.numchild),
                    f"{primary.name}第{g}党总支",
                    f"{primary.code}-G{g:02d}",
                    Level.GENERAL_BRANCH,
                    domain,
                    Form.SINGLE,
                    date(2000 + rng.randrange(20), 1 + rng.randrange(12), 1),
                )
                orgs.append(parent)
            for _ in range(count):
                branch_number += 1
                b_domain = domain if primaries >= len(DOMAINS) else DOMAINS[(branch_number - 1) % len(DOMAINS)]
                size = sizes[branch_number - 1]
                parent.numchild += 1
                form = Form.JOINT if size < 7 and rng.random() < 0.3 else Form.SINGLE
                branch = OrgPlan(
                    next(ids),
                    parent.path + _step(parent.numchild),
                    f"{parent.name}{DOMAIN_NAMES[b_domain][1].format(n=parent.numchild)}",
                    f"{ROOT_CODE}-B{branch_number:05d}",
                    Level.BRANCH,
                    b_domain,
                    form,
                    date(2005 + rng.randrange(18), 1 + rng.randrange(12), 1),
                    number=branch_number,
                    size=size,
                )
                orgs.append(branch)
                if size > LARGE_BRANCH:
                    for k in range(math.ceil(size / GROUP_SIZE)):
                        branch.numchild += 1
                        group = OrgPlan(
                            next(ids),
                            branch.path + _step(branch.numchild),
                            f"第{k + 1}党小组",
                            f"{branch.code}-{k + 1:02d}",
                            Level.PARTY_GROUP,
                            b_domain,
                            Form.SINGLE,
                            branch.founded_on,
                        )
                        branch.groups.append(group)
                        orgs.append(group)
            remaining -= count
    return orgs


# --- People, committees and meetings of one branch -----------------------------------------------------------------


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


def _schedule(month: date, has_committee: bool, theme_day: int) -> list[tuple[list[str], int, int]]:
    """(types, day, hour) of the meetings a branch that keeps every rule holds in a month (the default frequencies)."""
    in_quarter = (month.month - 1) % 3
    plan: list[tuple[list[str], int, int]] = []
    if has_committee:
        plan.append(([MeetingType.COMMITTEE_MEETING], 5, 15))
    if in_quarter == 0:  # the quarter's 党课 given at the 主题党日
        plan.append(([MeetingType.THEME_DAY, MeetingType.PARTY_LECTURE], theme_day, 9))
    else:
        plan.append(([MeetingType.THEME_DAY], theme_day, 9))
    if in_quarter == 1:
        plan.append(([MeetingType.GENERAL_MEETING], 25, 14))
    if month.month == 1:
        plan.append(([MeetingType.ORGANISATIONAL_LIFE_MEETING], 8, 14))
        plan.append(([MeetingType.MEMBER_APPRAISAL], 9, 14))
    # 谈心谈话 are small and frequent: the committee talks with a few members every month, more each quarter's end.
    plan.append(([MeetingType.HEART_TO_HEART_TALK], 12, 10))
    if in_quarter == 2:
        plan.append(([MeetingType.HEART_TO_HEART_TALK], 26, 10))
    return plan


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
                    crypto.encrypt(id_number),
                    crypto.blind_index(id_number),
                    member_rules.id_number_mask(id_number),
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
        size = rng.randint(3, 5) if len(full) >= rules.COMMITTEE_THRESHOLD else 1
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
        has_committee = len(committee) >= rules.COMMITTEE_MIN
        first = date(spec.until.year - spec.years, spec.until.month, 1) + timedelta(days=32)
        all_ids = [pk for pk, _s, _g in members]
        host = committee[0] if committee else None
        recorder = committee[1] if len(committee) > 1 else host
        month_end = date(spec.until.year + spec.until.month // 12, spec.until.month % 12 + 1, 1)
        for month in _month_starts(first, spec.until):
            for types, day, hour in _schedule(month, has_committee, theme_day):
                if MeetingType.HEART_TO_HEART_TALK in types:
                    expected = rng.sample(all_ids, min(len(all_ids), 4))
                elif MeetingType.COMMITTEE_MEETING in types:
                    expected = committee
                else:
                    expected = all_ids
                self._meeting(self.branch.id, types, month, day, hour, expected, habit, miss, host, recorder, month_end)
            for group in self.branch.groups:
                expected = [pk for pk, _s, g in members if g == group.id]
                self._meeting(
                    group.id,
                    [MeetingType.GROUP_MEETING],
                    month,
                    22,
                    16,
                    expected,
                    habit,
                    miss,
                    host,
                    recorder,
                    month_end,
                )

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


# --- Writing ------------------------------------------------------------------------------------------------------


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def write_rows(model: type[Model], columns: Sequence[str], rows: list[tuple]) -> None:
    """Insert rows: COPY on PostgreSQL, batched `bulk_create` elsewhere."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join(_copy_value(v) for v in row))
            buffer.write("\n")
        buffer.seek(0)
        table = connection.ops.quote_name(model._meta.db_table)
        cols = ", ".join(connection.ops.quote_name(c) for c in columns)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(f"COPY {table} ({cols}) FROM STDIN", buffer)
        return
    manager = model._base_manager
    manager.bulk_create([model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=500)


def flush(rows: Rows) -> None:
    """Write every buffered row in foreign-key order in one transaction, then empty the buffers."""
    with transaction.atomic():
        for model, columns in WRITE_ORDER:
            write_rows(model, columns, rows.tables[model])
            rows.tables[model].clear()


# --- The whole data set -------------------------------------------------------------------------------------------

#: Portal apps whose tables `--reset` empties (users, sessions and settings are kept).
PORTAL_APPS = ("branches", "members", "meetings", "evaluations")


def portal_models() -> list[type[Model]]:
    return [m for label in PORTAL_APPS if label in apps.app_configs for m in apps.get_app_config(label).get_models()]


def has_data() -> bool:
    """Whether the database already holds organisations, people or meetings."""
    return Organisation.objects.exists() or Member.all_objects.exists() or Meeting.all_objects.exists()


def wipe() -> None:
    """Empty every table of the portal apps (history included) and restart their sequences."""
    tables = [m._meta.db_table for m in portal_models()]
    statements = connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=True)
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _next_id(model: type[Model]) -> int:
    return (model._base_manager.aggregate(m=Max("pk"))["m"] or 0) + 1


def _reset_sequences() -> None:
    statements = connection.ops.sequence_reset_sql(
        no_style(), [Organisation, Member, CommitteeTerm, CommitteePost, Meeting, MeetingTypeLink, Attendance]
    )
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


@dataclass
class Progress:
    """What has been written so far, for the progress bar."""

    branches_done: int = 0
    branches: int = 0
    members: int = 0
    meetings: int = 0
    attendances: int = 0


def build(spec: ScaleSpec, report: Callable[[Progress], None] = lambda p: None) -> Progress:
    """Write the whole data set; the database must hold no organisations, people or meetings."""
    tree = plan_tree(spec, _next_id(Organisation))
    with transaction.atomic():
        write_rows(Organisation, ORG_COLUMNS, [o.row() for o in tree])
        _requirement_overrides(tree)
    ids = Ids(
        member=_next_id(Member),
        term=_next_id(CommitteeTerm),
        post=_next_id(CommitteePost),
        meeting=_next_id(Meeting),
        link=_next_id(MeetingTypeLink),
        attendance=_next_id(Attendance),
    )
    branches = [o for o in tree if o.level == Level.BRANCH]
    progress = Progress(branches=len(branches))
    rows = Rows()
    with _indexes_deferred([model for model, _columns in WRITE_ORDER]):
        for branch in branches:
            BranchBuilder(spec, branch, ids, rows).build()
            progress.branches_done += 1
            if len(rows.tables[Attendance]) + len(rows.tables[Member]) * 10 >= FLUSH_ROWS:
                _count(progress, rows)
                flush(rows)
                report(progress)
        _count(progress, rows)
        flush(rows)
    _reset_sequences()
    summary.rebuild()  # the rows were written in bulk, past the services that keep the summary
    page_cache.reset()
    report(progress)
    return progress


@contextmanager
def _indexes_deferred(models: Sequence[type[Model]]) -> Iterator[None]:
    """On PostgreSQL, load without the tables' secondary indexes, unique and foreign-key constraints, and create
    them again afterwards (also when the load fails): an index built once costs far less than one kept up to date
    row by row, and a foreign key is then checked in one pass instead of once per row. Elsewhere, nothing.
    """
    if connection.vendor != "postgresql":
        yield
        return
    tables = [m._meta.db_table for m in models]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
            "WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('f', 'u') ORDER BY contype",
            [tables],
        )
        constraints = cursor.fetchall()  # foreign keys first: a unique index may serve one
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary AND NOT EXISTS ("
            "SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid "
            "AND k.contype IN ('p', 'u', 'x'))",
            [tables],
        )
        indexes = cursor.fetchall()
        for table, name, _definition, _type in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    try:
        yield
    finally:
        with transaction.atomic(), connection.cursor() as cursor:
            for _name, definition in indexes:
                cursor.execute(definition)
            for table, name, definition, _type in reversed(constraints):
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def _count(progress: Progress, rows: Rows) -> None:
    progress.members += len(rows.tables[Member])
    progress.meetings += len(rows.tables[Meeting])
    progress.attendances += len(rows.tables[Attendance])


def _requirement_overrides(tree: list[OrgPlan]) -> None:
    """Rural primary committees ask for a 党课 a year instead of a quarter (a configurable default in use)."""
    rows = [
        RequirementOverride(organisation_id=o.id, meeting_type=MeetingType.PARTY_LECTURE, period=Period.YEAR, count=1)
        for o in tree
        if o.level == Level.PRIMARY_COMMITTEE and o.domain == Domain.RURAL
    ]
    RequirementOverride.objects.bulk_create(rows)
