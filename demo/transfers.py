"""The demo's 组织关系转接 and 流动党员 (seed_demo loads them after the committees), through the services as the two
demo secretaries would:

- a transfer in flight from `secretary`'s branch to `secretary2`'s, started three days ago (secretary2 finds it
  waiting, with a notice);
- a completed one the other way, started forty days ago and accepted five days later;
- a transfer out of the portal from `secretary`'s branch, waiting for the member to leave with the 介绍信, and an
  earlier one closed (the member 已转出, still on record);
- two 流动党员 of `secretary`'s branch with where they are and how to reach them, one away more than six months.

The people moved are 正式党员 holding no post, never a demo login. Built once: when any transfer exists, nothing
changes.
"""

from collections.abc import Callable
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from branches.models import Organisation
from members import services as member_services
from members.access import SYSTEM, scope_for
from members.models import CommitteePost, Member, Status, Transfer
from members.services import transfers as transfer_services

from .tree import SECRETARY2_BRANCH, SECRETARY_BRANCH

MOBILE = (
    ("广东省深圳市南山区", "深圳某电力工程有限公司", "中共深圳某电力工程有限公司支部委员会", 200),
    ("新疆维吾尔自治区哈密市", "某特高压换流站建设项目部", "", 60),
)


def _movable(branch: Organisation, count: int) -> list[Member]:
    """正式党员 of a branch with no login and no post in a current committee, in a stable order."""
    posted = CommitteePost.objects.current().values("member_id")
    members = (
        Member.objects.filter(organisation=branch, status=Status.FULL, user__isnull=True, is_mobile=False)
        .exclude(pk__in=posted)
        .select_related("organisation")
        .order_by("pk")
    )
    return list(members[:count])


@transaction.atomic
def transfers_load(*, today: date, write: Callable[[str], None]) -> None:
    """Load the demo's transfers and mobile members unless a transfer exists."""
    if Transfer.objects.exists():
        return
    sending = Organisation.objects.filter(code=SECRETARY_BRANCH).first()
    receiving = Organisation.objects.filter(code=SECRETARY2_BRANCH).first()
    users = {u.username: u for u in get_user_model().objects.filter(username__in=("secretary", "secretary2"))}
    if sending is None or receiving is None or len(users) < 2:
        return
    secretary, secretary2 = scope_for(users["secretary"]), scope_for(users["secretary2"])
    in_flight, outgoing, gone, *away = _movable(sending, 3 + len(MOBILE))
    (returning,) = _movable(receiving, 1)
    transfer_services.transfer_start(
        member=in_flight,
        to_organisation=receiving,
        reason=_("工作调动"),
        started_on=today - timedelta(days=3),
        dues_paid_until=today.replace(day=1),
        by=secretary,
    )
    done = transfer_services.transfer_start(
        member=returning,
        to_organisation=sending,
        reason=_("岗位轮换"),
        started_on=today - timedelta(days=40),
        by=secretary2,
    )
    transfer_services.transfer_accept(transfer=done, decided_on=today - timedelta(days=35), by=secretary)
    transfer_services.transfer_start(
        member=outgoing,
        destination=_("中共某市供电服务有限公司委员会"),
        reason=_("调往系统外单位工作"),
        started_on=today - timedelta(days=1),
        dues_paid_until=today.replace(day=1),
        by=secretary,
    )
    left = transfer_services.transfer_start(
        member=gone,
        destination=_("中共某省能源集团有限公司委员会"),
        reason=_("调往系统外单位工作"),
        started_on=today - timedelta(days=90),
        by=secretary,
    )
    transfer_services.transfer_record_left(transfer=left, decided_on=today - timedelta(days=80), by=secretary)
    for member, (place, unit, party_org, days) in zip(away, MOBILE, strict=True):
        data = {
            "is_mobile": True,
            "away_place": place,
            "away_unit": unit,
            "away_party_org": party_org,
            "away_contact": member.phone,
            "away_since": today - timedelta(days=days),
        }
        member_services.member_update(member=member, data=data, version=member.version, by=SYSTEM)
    write(_("组织关系转接：1 项办理中、1 项已接收、2 项转出本系统；流动党员 %(n)d 人。") % {"n": len(MOBILE)})
