"""Notices of 民主评议党员: each member is told when self-assessment opens, each member with a vote when the ballot
opens, and each member when their result and feedback are given. One notice per kind, appraisal and person (the
key), so a step taken again creates nothing new. Nothing here reads a ballot."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluations import selectors as evaluation_selectors
from evaluations.models import Appraisal, Step

from .channels import active_channels, reaching_channels
from .models import Notice, NoticeKind, NoticeStatus


def notice_key(kind: str, appraisal_id: int, member_id: int) -> str:
    """The one notice of a kind about an appraisal for a person."""
    return f"appraisal:{appraisal_id}|member:{member_id}|{kind}"


def appraisal_notices_sync(appraisal: Appraisal, event: str = "") -> None:
    """evaluations' hook, inside the transaction of a step change: create the notices the new step calls for."""
    if event != "step":
        return
    now = timezone.now()
    link = reverse("evaluations:mine")
    organisation = appraisal.organisation
    if appraisal.step == Step.SELF_ASSESSMENT:
        kind, people = NoticeKind.APPRAISAL_SELF_ASSESSMENT, list(evaluation_selectors.rated_members(organisation))
        title = _("请填写%(year)d年度民主评议党员自我评价") % {"year": appraisal.year}
        body = _("%(organisation)s%(year)d年度民主评议党员进入自评阶段，请在“民主评议”页面填写自我评价。")
    elif appraisal.step == Step.BALLOT:
        kind = NoticeKind.APPRAISAL_BALLOT
        people = evaluation_selectors.voters_on(organisation, timezone.localdate())
        title = _("%(year)d年度民主测评投票已开始") % {"year": appraisal.year}
        body = _("%(organisation)s%(year)d年度民主测评已开始，请在“民主评议”页面匿名投票。")
    elif appraisal.step == Step.FINISHED:
        kind = NoticeKind.APPRAISAL_FEEDBACK
        people = [r.member for r in evaluation_selectors.results_of(appraisal).select_related("member__user")]
        title = _("您的%(year)d年度民主评议结果已反馈") % {"year": appraisal.year}
        body = _("%(organisation)s%(year)d年度民主评议党员已完成，请在“民主评议”页面查看您的评定等次和反馈意见。")
    else:
        return
    body = body % {"organisation": organisation.name, "year": appraisal.year}
    channels = active_channels()
    notices = []
    for person in people:
        notice = Notice(
            key=notice_key(kind, appraisal.pk, person.pk),
            kind=kind,
            user_id=person.user_id,
            member=person,
            organisation_id=appraisal.organisation_id,
            title=title,
            body=body,
            link=link,
            due_at=now,
        )
        if not reaching_channels(notice, channels):
            notice.status, notice.note = NoticeStatus.UNREACHABLE, _("无法送达：无登录账号和邮箱")
        notices.append(notice)
    Notice.objects.bulk_create(notices, ignore_conflicts=True)
