"""`manage.py seed_demo`: a realistic demo organisation, built once, with five working logins."""

from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command, get_commands
from django.test import RequestFactory
from django.utils import timezone

from branches import rules as branch_rules
from branches.models import CommitteeTerm, Form, Level, Organisation, ReviewerAppointment
from demo import meeting_history, people, reminders, tree
from demo.regulation_cases import FOUNDED_MID_YEAR
from members import crypto, rules
from members.access import scope_for
from members.models import MEMBER_STATUSES, CommitteePost, Member, Status

pytestmark = pytest.mark.django_db

LOGINS = ("admin", "committee", "secretary", "secretary2", "member")


@pytest.fixture(autouse=True)
def _without_meeting_history(monkeypatch):
    """These tests are about the organisation and its people: skip the meeting history, which adds seconds to
    every run (tests/demo/test_seed_demo_meetings.py loads it once and checks it), and the reminders with it."""
    monkeypatch.setattr(meeting_history, "meetings_load", lambda **kwargs: None)
    monkeypatch.setattr(reminders, "reminders_load", lambda **kwargs: None)


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _counts() -> dict:
    User = get_user_model()
    return {
        "organisations": Organisation.objects.count(),
        "members": Member.all_objects.count(),
        "member_history": Member.history.count(),
        "terms": CommitteeTerm.objects.count(),
        "posts": CommitteePost.objects.count(),
        "users": User.objects.count(),
        "reviewers": ReviewerAppointment.objects.count(),
        "linked": Member.objects.filter(user__isnull=False).count(),
        "updated": max(Member.objects.values_list("updated_at", flat=True)),
        "passwords": tuple(User.objects.order_by("username").values_list("password", flat=True)),
    }


def test_demo_is_a_provincial_power_company():
    """Company 党委 → 2 基层党委 → 党总支 and about 12 branches of several domains; larger branches have 党小组."""
    output = _seed()
    root = Organisation.objects.get(code=tree.ROOT_CODE)
    assert root.name == "国网某省电力有限公司党委"
    assert root.level == Level.SUPERIOR_COMMITTEE
    levels = Counter(Organisation.objects.values_list("level", flat=True))
    assert levels[Level.PRIMARY_COMMITTEE] == 2
    assert levels[Level.GENERAL_BRANCH] == 2
    assert 10 <= levels[Level.BRANCH] <= 14
    assert levels[Level.PARTY_GROUP] >= 4
    branches = Organisation.objects.filter(level=Level.BRANCH)
    assert {"state_enterprise", "government", "public_institution", "research", "community", "rural"} <= set(
        branches.values_list("domain", flat=True)
    )
    assert branches.filter(form=Form.JOINT).count() == 1
    assert 230 <= Member.objects.count() <= 270
    for branch in branches:
        size = Member.objects.filter(organisation=branch).count()
        groups = Organisation.objects.filter(level=Level.PARTY_GROUP, path__startswith=branch.path).count()
        if size >= 30:
            assert 2 <= groups <= 3, branch.name
    assert "demo-pass-2026" in output


def test_second_run_changes_nothing():
    """Running the command again adds, changes and re-hashes nothing."""
    _seed()
    first = _counts()
    output = _seed()
    assert _counts() == first
    assert "未作改动" in output


def test_five_demo_logins_authenticate_with_their_roles():
    """admin, committee, secretary, secretary2 and member sign in with demo-pass-2026 and get their roles."""
    _seed()
    request = RequestFactory().post("/accounts/login/")
    users = {name: authenticate(request, username=name, password="demo-pass-2026") for name in LOGINS}
    assert all(users.values()), users
    root = Organisation.objects.get(code=tree.ROOT_CODE)

    assert users["admin"].is_staff and users["admin"].is_superuser
    committee = scope_for(users["committee"])
    assert committee.reviewed_paths == (root.path,) and not committee.is_secretary

    secretary = scope_for(users["secretary"])
    secretary2 = scope_for(users["secretary2"])
    branch = Organisation.objects.get(code=tree.SECRETARY_BRANCH)
    branch2 = Organisation.objects.get(code=tree.SECRETARY2_BRANCH)
    assert secretary.may_elect(branch) and not secretary.may_read_organisation(branch2)
    assert secretary2.may_elect(branch2) and not secretary2.may_read_organisation(branch)
    assert Organisation.objects.filter(level=Level.PARTY_GROUP, path__startswith=branch.path).exists()
    for user, org in ((users["secretary"], branch), (users["secretary2"], branch2)):
        assert CommitteePost.objects.filter(
            member__user=user, term__organisation=org, term__is_current=True, post="secretary"
        ).exists()

    member = Member.objects.get(user=users["member"])
    assert member.organisation == branch
    assert member.status == Status.FULL
    assert not scope_for(users["member"]).is_secretary


def test_people_at_every_status():
    """Every status is present, from 入党申请人 to 正式党员 (and 出党 / 停止党籍), with a few 流动党员."""
    _seed()
    statuses = set(Member.objects.values_list("status", flat=True))
    assert statuses == set(Status.values)
    assert 1 <= Member.objects.filter(is_mobile=True).count() <= 6
    assert Member.objects.filter(status=Status.FULL).count() > Member.objects.count() / 2


def test_demo_id_numbers_are_valid_and_match_the_records():
    """Every ID number passes GB 11643, agrees with the birth date and gender, and is stored only encrypted."""
    _seed()
    seen = set()
    for member in Member.objects.all():
        value = crypto.decrypt(member.id_number_encrypted)
        assert rules.id_number_valid(value, timezone.localdate()), value
        assert rules.id_birth_date(value) == member.birth_date
        assert int(value[16]) % 2 == (1 if member.gender == "male" else 0)
        assert member.id_number_masked == rules.id_number_mask(value)
        assert value not in member.id_number_encrypted
        seen.add(value)
    assert len(seen) == Member.objects.count()


def test_demo_records_follow_the_member_rules():
    """Dates are in order, applicants were 18, phones look like mobile numbers, and 党小组 hold only 党员."""
    _seed()
    today = timezone.localdate()
    phones = list(Member.objects.values_list("phone", flat=True))
    assert len(set(phones)) == len(phones)
    for member in Member.objects.all():
        assert len(member.phone) == 11 and member.phone.startswith("1")
        assert member.work_unit and member.position and member.education
        if member.applied_on:
            assert rules.old_enough_to_apply(member.birth_date, member.applied_on)
            assert member.applied_on <= today
        if member.joined_on:
            assert member.applied_on <= member.joined_on <= today
        if member.status == Status.PROBATIONARY:
            # A 预备期 lasts a year, longer only when extended (细则第三十三条: the demo extends one by six months).
            extended = member.development_steps.filter(kind="extension").exists()
            assert member.confirmed_on is None and (today - member.joined_on).days < (366 + 184 if extended else 366)
        if member.status == Status.FULL:
            assert member.joined_on < member.confirmed_on <= today
        if member.party_group_id:
            assert member.status in MEMBER_STATUSES


def test_committees_and_structure_checks_have_something_to_show():
    """Each branch has a current term; some end soon, one is overdue; one branch (not secretary's) has too few."""
    _seed()
    today = timezone.localdate()
    states = Counter()
    too_few = []
    for branch in Organisation.objects.filter(level=Level.BRANCH):
        term = CommitteeTerm.objects.get(organisation=branch, is_current=True)
        assert term.term_ends_on == branch_rules.term_ends_on(branch.domain, term.elected_on)
        states[branch_rules.term_state(term.term_ends_on, today)] += 1
        posts = list(term.posts.values_list("post", flat=True))
        assert posts.count("secretary") == 1
        full = Member.objects.filter(organisation=branch, status=Status.FULL).count()
        members = Member.objects.filter(organisation=branch, status__in=MEMBER_STATUSES).count()
        if branch_rules.has_committee(full):
            assert 3 <= len(posts) <= 5
            assert {"secretary", "organisation_officer", "discipline_officer"} <= set(posts)
        problems = branch_rules.structure_problems(
            full_members=full,
            members=members,
            committee_size=len(posts),
            is_joint=branch.form == Form.JOINT,
            posts=posts,
        )
        too_few += [branch.code for p in problems if p.code == "too_few"]
        # The one case of a small branch with a post beyond 书记 (demo/regulation_cases.py) is warned about.
        allowed = {"too_few", "posts_without_committee"} if branch.code == FOUNDED_MID_YEAR else {"too_few"}
        assert all(p.code in allowed for p in problems), (branch.name, problems)
    assert states["overdue"] == 1
    assert states["due_soon"] >= 1
    assert len(too_few) == 1 and too_few[0] not in (tree.SECRETARY_BRANCH, tree.SECRETARY2_BRANCH)


def test_demo_people_do_not_depend_on_the_day():
    """The same people (ID numbers) are planned whatever day the demo is built, so re-runs never duplicate them."""

    def planned(today: date) -> list[str]:
        planner = people.DemoPlanner(today)
        nodes = [n for n in tree.walk(tree.TREE) if n.level == Level.BRANCH]
        return [p.id_number for n in nodes for p in planner.branch(n).people]

    assert planned(date(2026, 12, 4)) == planned(date(2030, 2, 28))


def test_seed_demo_loads_people_then_meetings_then_reminders(monkeypatch):
    """seed_demo (the demo app's command) loads the people, the meeting history and the reminders in that order by
    calling each part directly, then lists the logins; no other app provides a seeding command."""
    called = []
    monkeypatch.setattr(people, "people_load", lambda **kwargs: called.append("people"))
    monkeypatch.setattr(meeting_history, "meetings_load", lambda **kwargs: called.append("meetings"))
    monkeypatch.setattr(reminders, "reminders_load", lambda **kwargs: called.append("reminders"))
    output = _seed()
    assert called == ["people", "meetings", "reminders"]
    assert output.rstrip().endswith("member      变电运维一班党支部党员")
    seeding = {name: app for name, app in get_commands().items() if name.startswith("seed_")}
    assert seeding == {"seed_demo": "demo", "seed_scale": "demo"}
