"""The demo's people: about 250 members of the demo organisation (tree.py), their committees and five logins.

Everything is generated from a fixed random seed, so the ID numbers (the identity of a demo person) are the same on
every run. The demo is built once: when its root organisation code exists, the organisation and the people are left
alone; logins are created only when their username is free. Loading again therefore changes nothing.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from branches import rules as branch_rules
from branches.models import CommitteeTerm, Domain, Level, Organisation, ReviewerAppointment
from meetings import services as meeting_services
from members import rules, services
from members.models import MEMBER_STATUSES, CommitteePost, Education, Gender, Member, Post, Status

from .tree import GRID, ROOT_CODE, SECRETARY2_BRANCH, SECRETARY_BRANCH, TREE, Node, walk

DEMO_PASSWORD = "demo-pass-2026"
SEED = 20260701

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟"
    "谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
MALE_CHARS = "伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘"  # noqa: E501
FEMALE_CHARS = "秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思丽"  # noqa: E501
#: Realistic region codes (贵阳, 成都, 杭州 and a few more) with the ethnic groups common there besides 汉族.
REGIONS = (
    ("520102", ("苗族", "布依族")),
    ("520103", ("苗族", "侗族")),
    ("522601", ("苗族", "侗族")),
    ("510104", ("彝族", "藏族")),
    ("510107", ("彝族",)),
    ("330106", ("畲族",)),
    ("330102", ("回族",)),
    ("420106", ("土家族",)),
    ("430102", ("土家族",)),
    ("500103", ("土家族",)),
)
PHONE_PREFIXES = ("134", "135", "136", "138", "139", "150", "151", "158", "177", "183", "186", "187", "189", "199")
#: 委员 posts by committee size; smaller branches (fewer than 7 正式党员) have a 书记 only.
POSTS_BY_SIZE = {
    5: (
        Post.SECRETARY,
        Post.DEPUTY_SECRETARY,
        Post.ORGANISATION_OFFICER,
        Post.PUBLICITY_OFFICER,
        Post.DISCIPLINE_OFFICER,
    ),
    4: (Post.SECRETARY, Post.ORGANISATION_OFFICER, Post.PUBLICITY_OFFICER, Post.DISCIPLINE_OFFICER),
    3: (Post.SECRETARY, Post.ORGANISATION_OFFICER, Post.DISCIPLINE_OFFICER),
}


@dataclass
class PersonPlan:
    """One demo person before saving: the form data, the ID number and the party group's index."""

    data: dict
    id_number: str
    group: int | None = None


@dataclass
class BranchPlan:
    node: Node
    people: list[PersonPlan] = field(default_factory=list)
    elected_on: date | None = None
    posts: list[tuple[int, str]] = field(default_factory=list)  # (index in people, post)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class DemoPlanner:
    """Draw the whole demo from one seeded generator; nothing here touches the database."""

    def __init__(self, today: date):
        self.rng = random.Random(SEED)
        self.today = today
        self.names: set[str] = set()
        self.ids: set[str] = set()
        self.phones: set[str] = set()

    def between(self, start: date, end: date) -> date:
        """A day between two dates; one draw whatever the dates, so later draws do not depend on today."""
        fraction = self.rng.random()
        if end <= start:
            return start
        return start + timedelta(days=int((end - start).days * fraction))

    def name(self, gender: str) -> str:
        chars = MALE_CHARS if gender == Gender.MALE else FEMALE_CHARS
        while True:
            given = "".join(self.rng.choice(chars) for _ in range(self.rng.choice((1, 2, 2, 2))))
            name = self.rng.choice(SURNAMES) + given
            if name not in self.names:
                self.names.add(name)
                return name

    def id_number(self, birth: date, gender: str) -> tuple[str, str]:
        """A synthetic GB 11643 number: the 17th digit is odd for men and even for women; also the ethnicity."""
        while True:
            region, minorities = self.rng.choice(REGIONS)
            seq = self.rng.randrange(0, 500) * 2 + (1 if gender == Gender.MALE else 0)
            first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
            value = first17 + rules.id_check_char(first17)
            if value not in self.ids:
                self.ids.add(value)
                ethnicity = self.rng.choice(minorities) if self.rng.random() < 0.12 else "汉族"
                return value, ethnicity

    def phone(self) -> str:
        while True:
            value = self.rng.choice(PHONE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if value not in self.phones:
                self.phones.add(value)
                return value

    def statuses(self, node: Node) -> list[str]:
        if node.statuses:
            return list(node.statuses)
        n = node.size
        mix = (
            [Status.APPLICANT] * max(1, round(n * 0.05))
            + [Status.ACTIVIST] * max(1, round(n * 0.04))
            + [Status.CANDIDATE] * round(n * 0.04)
            + [Status.PROBATIONARY] * max(1, round(n * 0.06))
            + list(node.extra_statuses)
        )
        mix += [Status.FULL] * (n - len(mix))
        self.rng.shuffle(mix)
        return mix

    def person(self, node: Node, status: str) -> tuple[dict, str]:
        gender = Gender.MALE if self.rng.random() < (0.7 if node.positions == GRID else 0.55) else Gender.FEMALE
        if status in (Status.APPLICANT, Status.ACTIVIST, Status.CANDIDATE):
            birth = self.between(date(1990, 1, 1), date(2004, 12, 31))
        elif status == Status.PROBATIONARY:
            birth = self.between(date(1986, 1, 1), date(2002, 12, 31))
        elif node.domain == Domain.COMMUNITY and self.rng.random() < 0.5:
            birth = self.between(date(1950, 1, 1), date(1964, 12, 31))  # retired staff living in the community
        else:
            birth = self.between(date(1966, 1, 1), date(1998, 12, 31))
        id_number, ethnicity = self.id_number(birth, gender)
        adult = _years_before(birth, -18) + timedelta(days=1)
        today = self.today
        applied = joined = confirmed = None
        # Draw every date whatever the status, so that each person uses the same number of draws.
        recent = self.between(today - timedelta(days=300), today - timedelta(days=20))
        activist_applied = self.between(today - timedelta(days=900), today - timedelta(days=420))
        candidate_applied = self.between(today - timedelta(days=1500), today - timedelta(days=800))
        probation_joined = self.between(today - timedelta(days=330), today - timedelta(days=30))
        full_joined = self.between(_years_before(birth, -22), today - timedelta(days=400))
        lead = timedelta(days=self.rng.randrange(400, 1200))
        if status == Status.APPLICANT:
            applied = recent
        elif status == Status.ACTIVIST:
            applied = activist_applied
        elif status == Status.CANDIDATE:
            applied = candidate_applied
        elif status == Status.PROBATIONARY:
            joined = probation_joined
            applied = joined - lead
        else:
            joined = full_joined
            applied = joined - lead
            confirmed = _years_before(joined, -1)
        if applied is not None and applied < adult:
            applied = adult
            if joined is not None and joined < applied:
                joined = applied + timedelta(days=400)
                confirmed = _years_before(joined, -1) if confirmed else None
        education = self.rng.choice(
            (Education.BACHELOR, Education.MASTER, Education.MASTER, Education.DOCTOR, Education.BACHELOR)
            if node.domain == Domain.RESEARCH
            else (Education.BACHELOR,) * 5 + (Education.COLLEGE,) * 2 + (Education.MASTER, Education.SENIOR)
        )
        data = {
            "name": self.name(gender),
            "gender": gender,
            "ethnicity": ethnicity,
            "birth_date": birth,
            "phone": self.phone(),
            "education": education,
            "work_unit": self.rng.choice(node.units),
            "position": self.rng.choice(node.positions),
            "status": status,
            "applied_on": applied,
            "joined_on": joined,
            "confirmed_on": confirmed,
            "is_mobile": False,
        }
        return data, id_number

    def term(self, node: Node) -> date:
        """The election day of the current term, chosen so the term is fine, ends within 90 days or is overdue."""
        years = branch_rules.term_years(node.domain)
        offset = self.rng.randrange(150, 700)
        if node.term == "due_soon":
            return _years_before(self.today + timedelta(days=45), years)
        if node.term == "overdue":
            return _years_before(self.today - timedelta(days=20), years)
        return self.today - timedelta(days=offset)

    def branch(self, node: Node) -> BranchPlan:
        plan = BranchPlan(node)
        for status in self.statuses(node):
            data, id_number = self.person(node, status)
            plan.people.append(PersonPlan(data, id_number))
        full = [i for i, p in enumerate(plan.people) if p.data["status"] == Status.FULL]
        for i in full[: node.mobile]:
            plan.people[i].data["is_mobile"] = True
        plan.elected_on = self.term(node)
        # Committee members: the longest-serving 正式党员 who are not 流动党员.
        seniors = sorted(
            (i for i in full if not plan.people[i].data["is_mobile"]),
            key=lambda i: plan.people[i].data["confirmed_on"],
        )
        if not branch_rules.has_committee(len(full)):
            posts = (Post.SECRETARY,)
        else:
            posts = POSTS_BY_SIZE[5 if node.size >= 30 else 4 if node.size >= 20 else 3]
        plan.posts = list(zip(seniors, posts, strict=False))
        if node.groups:
            members = [i for i, p in enumerate(plan.people) if p.data["status"] in MEMBER_STATUSES]
            for n, i in enumerate(members):
                plan.people[i].group = n % len(node.groups)
        return plan


def plan_branches(today: date) -> dict[str, BranchPlan]:
    """Every demo branch's people and committee, by branch code; the same people whatever `today` is."""
    planner = DemoPlanner(today)
    return {node.code: planner.branch(node) for node in walk(TREE) if node.level == Level.BRANCH}


def people_load(*, today: date, write: Callable[[str], None]) -> None:
    """Create the demo organisation and its people unless it exists, then the demo logins whose names are free."""
    plans = plan_branches(today)
    with transaction.atomic():
        if Organisation.objects.filter(code=ROOT_CODE).exists():
            write(_("演示组织已存在，未作改动。"))
        else:
            _build(plans, write)
        _logins(plans[SECRETARY_BRANCH], today)


def _build(plans: dict[str, BranchPlan], write: Callable[[str], None]) -> None:
    organisations = _tree(TREE, None)
    groups: dict[tuple[str, int], Organisation] = {}
    for code, plan in plans.items():
        for n, name in enumerate(plan.node.groups):
            groups[code, n] = Organisation.objects.add_child(
                organisations[code],
                {
                    "name": f"{plan.node.name.removesuffix('党支部')}{name}",
                    "code": f"{code}-G{n + 1}",
                    "level": Level.PARTY_GROUP,
                    "domain": plan.node.domain,
                    "founded_on": plan.node.founded_on,
                },
            )
    members: list[Member] = []
    for code, plan in plans.items():
        branch = organisations[code]
        for person in plan.people:
            data = {**person.data, "organisation": branch}
            if person.group is not None:
                data["party_group"] = groups[code, person.group]
            if not rules.id_number_valid(person.id_number, timezone.localdate()):
                raise CommandError(f"invalid demo ID number for {data['name']}")
            problems = services.member_check(data=data, id_number=None)
            if problems:
                raise CommandError(f"demo member {data['name']} breaks a rule: {problems}")
            member = Member(**{k: v for k, v in data.items() if k in services.EDITABLE_FIELDS})
            services.id_number_store(member, person.id_number)
            members.append(member)
    members = bulk_create_with_history(members, Member, batch_size=200)
    by_index = {m.id_number_index: m for m in members}
    terms: list[CommitteeTerm] = []
    for code, plan in plans.items():
        branch = organisations[code]
        terms.append(
            CommitteeTerm(
                organisation=branch,
                elected_on=plan.elected_on,
                term_ends_on=branch_rules.term_ends_on(branch.domain, plan.elected_on),
            )
        )
    terms = bulk_create_with_history(terms, CommitteeTerm)
    posts: list[CommitteePost] = []
    for term, plan in zip(terms, plans.values(), strict=True):
        for index, post in plan.posts:
            member = by_index[services.id_number_columns(plan.people[index].id_number).index]
            posts.append(CommitteePost(term=term, member=member, post=post))
    bulk_create_with_history(posts, CommitteePost)
    # The people were written in bulk, past the services whose hooks renew the cached pages.
    meeting_services.compliance_everything_changed()
    write(
        _("已创建演示组织：%(orgs)d 个党组织，%(members)d 名人员。")
        % {"orgs": len(organisations) + len(groups), "members": len(members)}
    )


def _tree(node: Node, parent: Organisation | None) -> dict[str, Organisation]:
    fields = {
        "name": node.name,
        "code": node.code,
        "level": node.level,
        "domain": node.domain,
        "form": node.form,
        "founded_on": node.founded_on,
    }
    if parent is None:
        organisation = Organisation.objects.add_root(fields)
    else:
        parent.refresh_from_db()  # treebeard needs the parent's current child count
        organisation = Organisation.objects.add_child(parent, fields)
    found = {node.code: organisation}
    for child in node.children:
        found.update(_tree(child, organisation))
    return found


def _logins(secretary_plan: BranchPlan, today: date) -> None:
    """Create the five demo logins whose usernames are free, and link them to their records."""
    users = get_user_model().objects
    if not users.filter(username="admin").exists():
        users.create_superuser("admin", email="", password=DEMO_PASSWORD, first_name=_("系统管理员"))
    root = Organisation.objects.filter(code=ROOT_CODE).first()
    if not users.filter(username="committee").exists():
        user = users.create_user("committee", password=DEMO_PASSWORD, first_name=_("公司党委组织部"))
        if root is not None:
            ReviewerAppointment.objects.get_or_create(
                user=user, organisation=root, defaults={"appointed_on": today - timedelta(days=365)}
            )
    for username, code in (("secretary", SECRETARY_BRANCH), ("secretary2", SECRETARY2_BRANCH)):
        holder = (
            Member.objects.filter(
                pk__in=CommitteePost.objects.current()
                .filter(term__organisation__code=code, post=Post.SECRETARY)
                .values("member_id")
            )
            .select_related("user")
            .first()
        )
        _link(username, holder)
    # The member login: a 正式党员 of the secretary's branch in its first party group, holding no post.
    committee = {index for index, _post in secretary_plan.posts}
    chosen = next(
        p
        for i, p in enumerate(secretary_plan.people)
        if i not in committee and p.group == 0 and p.data["status"] == Status.FULL and not p.data["is_mobile"]
    )
    _link("member", Member.objects.filter(id_number_index=services.id_number_columns(chosen.id_number).index).first())


def _link(username: str, member: Member | None) -> None:
    users = get_user_model().objects
    if users.filter(username=username).exists():
        return
    user = users.create_user(username, password=DEMO_PASSWORD, first_name=member.name if member else "")
    if member is not None and member.user_id is None:
        member.user = user
        member.save(update_fields=["user", "updated_at"])


def logins_print(write: Callable[[str], None]) -> None:
    """List the demo logins and their roles."""
    rows = (
        ("admin", _("管理员（管理全部数据）")),
        ("committee", _("公司党委审阅人（查看全部组织）")),
        ("secretary", _("变电运维一班党支部书记")),
        ("secretary2", _("电网技术研究室党支部书记")),
        ("member", _("变电运维一班党支部党员")),
    )
    write("")
    write(_("演示账号（密码均为 %(password)s）：") % {"password": DEMO_PASSWORD})
    for username, role in rows:
        write(f"  {username:<12}{role}")
