"""Shared fixtures: a small world with two branches and a user for every role."""

import os
import shutil
from dataclasses import dataclass

import pytest

from branches.models import Level, Organisation
from members.models import Member, Post, Status
from tests.factories import MemberFactory, UserFactory, appoint_reviewer, make_committee, make_org


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Each test writes uploads into its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: a compliance overview cached by one test is never another's."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request with the English cookie leaves English active in the
    thread (the language middleware activates it), which made later management commands answer in English."""
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@dataclass
class World:
    """Root committee → primary committee P1 → branch A (with party group A1); root → P2 → branch B."""

    root: Organisation
    p1: Organisation
    p2: Organisation
    branch_a: Organisation
    group_a1: Organisation
    branch_b: Organisation
    admin: object
    reviewer: object
    secretary_a: object
    secretary_b: object
    member_user: object
    member_a: Member
    member_b: Member
    secretary_a_member: Member
    secretary_b_member: Member

    def users(self) -> dict:
        """Every role the access tests try, by name."""
        return {
            "anonymous": None,
            "member": self.member_user,
            "secretary_a": self.secretary_a,
            "secretary_b": self.secretary_b,
            "reviewer": self.reviewer,
            "admin": self.admin,
        }


@pytest.fixture
def world(db) -> World:
    return build_world()


def build_world() -> World:
    """The world of the `world` fixture, for a fixture of a wider scope that holds the database open itself."""
    root = make_org(level=Level.SUPERIOR_COMMITTEE, name="测试公司党委", code="ROOT")
    p1 = make_org(root, level=Level.PRIMARY_COMMITTEE, name="第一基层党委", code="P1")
    p2 = make_org(root, level=Level.PRIMARY_COMMITTEE, name="第二基层党委", code="P2")
    branch_a = make_org(p1, level=Level.BRANCH, name="甲党支部", code="A")
    group_a1 = make_org(branch_a, level=Level.PARTY_GROUP, name="甲第一党小组", code="A1")
    branch_b = make_org(p2, level=Level.BRANCH, name="乙党支部", code="B")
    branch_a.refresh_from_db()
    branch_b.refresh_from_db()

    admin = UserFactory(username="admin_t", is_staff=True, is_superuser=True)
    reviewer = UserFactory(username="reviewer_t")
    appoint_reviewer(reviewer, p1)
    secretary_a = UserFactory(username="secretary_a")
    secretary_b = UserFactory(username="secretary_b")
    member_user = UserFactory(username="member_t")

    secretary_a_member = MemberFactory(name="张书记", organisation=branch_a, user=secretary_a)
    secretary_b_member = MemberFactory(name="李书记", organisation=branch_b, user=secretary_b)
    member_a = MemberFactory(name="王党员", organisation=branch_a, party_group=group_a1, user=member_user)
    member_b = MemberFactory(name="赵党员", organisation=branch_b)
    MemberFactory(name="预备党员甲", organisation=branch_a, status=Status.PROBATIONARY, confirmed_on=None)
    make_committee(branch_a, [(secretary_a_member, Post.SECRETARY)])
    make_committee(branch_b, [(secretary_b_member, Post.SECRETARY)])
    return World(
        root,
        p1,
        p2,
        branch_a,
        group_a1,
        branch_b,
        admin,
        reviewer,
        secretary_a,
        secretary_b,
        member_user,
        member_a,
        member_b,
        secretary_a_member,
        secretary_b_member,
    )


def chromium_path() -> str | None:
    """Debian's Chromium, if installed."""
    return shutil.which("chromium") or (os.path.exists("/usr/bin/chromium") and "/usr/bin/chromium") or None
