"""factory_boy factories and tree helpers shared by the tests."""

import itertools
from datetime import date

import factory
from django.contrib.auth import get_user_model

from branches import rules as branch_rules
from branches.models import CommitteeTerm, Domain, Level, Organisation, ReviewerAppointment
from members import crypto
from members.access import SYSTEM
from members.models import CommitteePost, Member, Post, Status
from members.rules import id_check_char, id_number_mask

_codes = itertools.count(1)
_ids = itertools.count(1)


def make_id_number(birth: date = date(1985, 6, 15), region: str | None = None, seq: int | None = None) -> str:
    """A synthetic ID number with a valid GB 11643 check character.

    Generated numbers use sequence codes 000-499 and change region every 500, so they stay unique for a whole test
    session; a test that needs a number no factory will hand out passes its own `seq` of 500 or more.
    """
    if seq is None:
        n = next(_ids)
        seq, region = n % 500, region or f"5201{(n // 500) % 100:02d}"
    region = region or "520102"
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + id_check_char(first17)


def make_org(
    parent: Organisation | None = None,
    *,
    level: str = Level.BRANCH,
    domain: str = Domain.STATE_ENTERPRISE,
    name: str | None = None,
    code: str | None = None,
    **extra,
) -> Organisation:
    """Add an organisation under `parent` (or as a root)."""
    n = next(_codes)
    fields = {"name": name or f"测试组织{n}", "code": code or f"T{n:05d}", "level": level, "domain": domain, **extra}
    if parent is None:
        return Organisation.objects.add_root(fields)
    parent.refresh_from_db()
    return Organisation.objects.add_child(parent, fields)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pass-2026")


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    class Params:
        id_number = factory.LazyFunction(make_id_number)

    name = factory.Sequence(lambda n: f"党员{n}")
    gender = "male"
    birth_date = date(1985, 6, 15)
    status = Status.FULL
    applied_on = date(2005, 3, 1)
    joined_on = date(2006, 7, 1)
    confirmed_on = date(2007, 7, 1)
    organisation = factory.LazyFunction(lambda: make_org(make_org(level=Level.PRIMARY_COMMITTEE)))
    id_number_encrypted = factory.LazyAttribute(lambda o: crypto.encrypt(o.id_number))
    id_number_index = factory.LazyAttribute(lambda o: crypto.blind_index(o.id_number))
    id_number_masked = factory.LazyAttribute(lambda o: id_number_mask(o.id_number))


def create_member(organisation: Organisation, *, name: str, status: str = Status.FULL, **extra) -> Member:
    """A member created as the portal creates one, through `members.services.member_create` (its hooks run)."""
    from members.services import member_create

    data = {
        "name": name,
        "gender": "male",
        "birth_date": date(1985, 6, 15),
        "status": status,
        "applied_on": date(2005, 3, 1),
        "joined_on": date(2006, 7, 1),
        "confirmed_on": date(2007, 7, 1) if status == Status.FULL else None,
        "organisation": organisation,
        **extra,
    }
    return member_create(data=data, id_number=make_id_number(data["birth_date"]), by=SYSTEM)


def make_committee(
    organisation: Organisation, holders: list[tuple[Member, str]], elected_on: date = date(2025, 1, 10)
) -> CommitteeTerm:
    """Elect a current committee term for `organisation` with the given (member, post) pairs."""
    CommitteeTerm.objects.filter(organisation=organisation, is_current=True).update(is_current=False)
    term = CommitteeTerm.objects.create(
        organisation=organisation,
        elected_on=elected_on,
        term_ends_on=branch_rules.term_ends_on(organisation.domain, elected_on),
    )
    for member, post in holders:
        CommitteePost.objects.create(term=term, member=member, post=post)
    return term


def appoint_reviewer(user, organisation: Organisation) -> ReviewerAppointment:
    return ReviewerAppointment.objects.create(user=user, organisation=organisation, appointed_on=date(2024, 1, 1))


__all__ = [
    "MemberFactory",
    "Post",
    "UserFactory",
    "appoint_reviewer",
    "create_member",
    "make_committee",
    "make_id_number",
    "make_org",
]


def make_meeting(
    organisation: Organisation,
    types: list[str] | tuple[str, ...] = ("theme_day",),
    *,
    starts_at=None,
    status: str = "finalised",
    attendees=(),
    present=(),
    **extra,
):
    """A meeting written straight to the database (no service checks): for compliance and list fixtures.

    `attendees` are expected; those also in `present` are marked present, the others absent once held.
    """
    from datetime import timedelta

    from django.utils import timezone

    from meetings import compliance
    from meetings.models import Attendance, Meeting, MeetingTypeLink

    starts_at = starts_at or timezone.now() - timedelta(days=1)
    meeting = Meeting.objects.create(
        organisation=organisation, starts_at=starts_at, status=status, topic=extra.pop("topic", "测试会议"), **extra
    )
    MeetingTypeLink.objects.bulk_create([MeetingTypeLink(meeting=meeting, type=t) for t in types])
    present_ids = {m.pk for m in present}
    state_absent = "absent" if status in ("held", "finalised") else "expected"
    Attendance.objects.bulk_create(
        [
            Attendance(meeting=meeting, member=m, state="present" if m.pk in present_ids else state_absent)
            for m in attendees
        ]
    )
    compliance.changed([organisation.pk], months=[starts_at])  # as the services do
    return meeting


def listed(response) -> list:
    """The meetings a meeting list response shows, in order (read afresh: its rows may come from the cache)."""
    from meetings.models import Meeting

    ids = [meeting.pk for meeting in response.context["meetings"]]
    found = Meeting.all_objects.in_bulk(ids)
    return [found[pk] for pk in ids]


def hold_talks(branch: Organisation, starts_at) -> list:
    """Finalised 谈心谈话 records pairing every party member of `branch` with another (both present), so that each
    member has had a talk in the year of `starts_at` (谈心谈话 is owed by each member)."""
    people = list(Member.objects.filter(organisation=branch, status__in=("probationary", "full")).order_by("pk"))
    if len(people) < 2:
        return []
    pairs = [(people[i], people[i + 1]) for i in range(0, len(people) - 1, 2)]
    if len(people) % 2:
        pairs.append((people[-1], people[0]))
    return [
        make_meeting(branch, ["heart_to_heart_talk"], starts_at=starts_at, attendees=pair, present=pair)
        for pair in pairs
    ]
