"""People on the path of 发展党员 and a finalised 支部党员大会, for the development tests and their access cases."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from development import services
from development.models import Step
from members.access import SYSTEM
from members.models import Member, Status
from tests.factories import MemberFactory, make_meeting

#: The candidate's path up to the public notice (the vote may be held from 2026-06-13 on).
CANDIDATE_STEPS = {
    "talk": date(2025, 1, 20),
    "activist": date(2025, 2, 10),
    "activist_review": date(2025, 8, 1),
    "candidate": date(2026, 2, 20),
    "political_review": date(2026, 3, 10),
    "training": date(2026, 3, 20),
    "pre_review": date(2026, 5, 20),
    "public_notice": date(2026, 6, 1),
}
VOTE_DAY = date(2026, 7, 1)


def candidate(branch, name: str = "发展对象甲", steps: dict | None = None, status: str = Status.CANDIDATE) -> Member:
    """A 发展对象 of `branch` whose steps up to the public notice are recorded (written straight, as imported)."""
    person = MemberFactory(
        name=name,
        organisation=branch,
        status=status,
        birth_date=date(1998, 5, 4),
        applied_on=date(2025, 1, 6),
        joined_on=None,
        confirmed_on=None,
    )
    for kind, day in (CANDIDATE_STEPS if steps is None else steps).items():
        Step.objects.create(member=person, kind=kind, done_on=day)
    services.path_refresh(person)
    return person


def voters(branch, count: int) -> list[Member]:
    """`count` 正式党员 of the branch (who may vote)."""
    return [MemberFactory(name=f"表决党员{i}", organisation=branch) for i in range(count)]


def general_meeting(branch, *, day: date = VOTE_DAY, present: int | None = None, status: str = "finalised"):
    """A 支部党员大会 of the branch on `day`, its every 正式党员 expected and the first `present` of them present."""
    people = list(Member.objects.filter(organisation=branch, status=Status.FULL).order_by("pk"))
    present = len(people) if present is None else present
    starts_at = timezone.make_aware(datetime.combine(day, time(15, 0)))
    return make_meeting(
        branch, ["general_meeting"], starts_at=starts_at, status=status, attendees=people, present=people[:present]
    )


def record(person: Member, kind: str, day: date | None, **kwargs) -> Step:
    return services.step_record(member=person, kind=kind, done_on=day, by=SYSTEM, **kwargs)


def days_ago(n: int) -> date:
    return timezone.localdate() - timedelta(days=n)
