"""Dues alerts: 3 months in arrears → the branch's secretary; 6 → the superior (the secretaries and reviewers of the
organisation above); once per member, run and level, however often the task runs."""

from datetime import date

import pytest
from django.utils import timezone

from branches.errors import NotPermitted
from dues import rules
from members.access import SYSTEM, scope_for
from members.models import Post
from notifications.dues import dues_arrears_alerts_create
from notifications.models import Notice, NoticeKind
from notifications.tasks import dues_alerts_task
from tests.dues.helpers import declare, pay
from tests.factories import MemberFactory, UserFactory, make_committee

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
UNTIL = rules.due_until(TODAY)


def test_three_months_warn_the_secretary_six_escalate_to_the_superior(world):
    declare(world.member_a, on=date(2020, 1, 1))
    pay(world.member_a, rules.add_months(UNTIL, -3), paid_on=TODAY, amount="97.50")  # 3 unpaid months since
    declare(world.secretary_a_member, on=date(2020, 1, 1))  # nothing paid: more than 12 months
    p1_officer = UserFactory(username="p1_secretary")
    make_committee(world.p1, [(MemberFactory(organisation=world.branch_b, user=p1_officer), Post.SECRETARY)])
    created = dues_arrears_alerts_create(today=TODAY, by=SYSTEM)
    warnings = Notice.objects.filter(kind=NoticeKind.DUES_ARREARS)
    escalations = Notice.objects.filter(kind=NoticeKind.DUES_ESCALATION)
    assert {n.user_id for n in warnings} == {world.secretary_a.pk}
    assert warnings.count() == 2  # both members, to A's secretary
    assert {n.user_id for n in escalations} == {p1_officer.pk, world.reviewer.pk}  # only the 6+ months member
    assert all("张书记" in n.title for n in escalations)
    assert created == Notice.objects.count()


def test_the_alerts_are_written_once(world):
    declare(world.member_a, on=date(2020, 1, 1))
    first = dues_alerts_task()
    assert first > 0
    assert dues_alerts_task() == 0
    assert Notice.objects.count() == first


def test_paid_members_get_no_alert(world):
    declare(world.member_a, on=rules.add_months(UNTIL, -1))
    pay(world.member_a, rules.add_months(UNTIL, -1), UNTIL, paid_on=TODAY, amount="195")
    assert dues_arrears_alerts_create(today=TODAY, by=SYSTEM) == 0


def test_only_the_scheduled_task_writes_alerts(world):
    with pytest.raises(NotPermitted):
        dues_arrears_alerts_create(today=TODAY, by=scope_for(world.admin))
