"""Dues alerts (党费): a member 3 months in arrears → the secretary of their branch; 6 months → the superior (the
secretaries and reviewers of the organisation above the branch). Once per member, run of unpaid months, level and
recipient (the notice's unique key), however often the task runs."""

from datetime import date, datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.errors import NotPermitted
from branches.models import Organisation
from dues import rules as dues_rules
from dues import selectors as dues_selectors
from members.access import Scope

from . import rules
from .models import Notice, NoticeKind
from .recipients import parent_id
from .recipients import reviewers as reviewers_of
from .recipients import secretaries as secretaries_of


def _month_text(month: date) -> str:
    return _("%(year)s年%(month)s月") % {"year": month.year, "month": month.month}


@transaction.atomic
def dues_arrears_alerts_create(*, today: date, by: Scope, now: datetime | None = None) -> int:
    """Write the day's dues alerts; returns the number of new notices. The scheduled task's work (`SYSTEM`)."""
    if not by.may_run_scheduled_jobs():
        raise NotPermitted
    now = now or timezone.now()
    found = dues_selectors.arrears_to_alert(today)
    if not found:
        return 0
    units = {o.pk: o for o in Organisation.objects.filter(pk__in={a.organisation_id for a in found})}
    parent_paths = {u.path[: -u.steplen] for u in units.values() if u.depth > 1}
    by_path = dict(Organisation.objects.filter(path__in=parent_paths).values_list("path", "pk"))
    parents = {pk: parent_id(unit, by_path) for pk, unit in units.items()}
    secretaries = secretaries_of(set(units) | {p for p in parents.values() if p})
    reviewers = reviewers_of({p for p in parents.values() if p}, today)
    notices: list[Notice] = []
    for arrears in found:
        unit = units[arrears.organisation_id]
        values = {"name": arrears.name, "org": unit.name, "since": _month_text(arrears.since),
                  "months": arrears.months}  # fmt: skip
        link = reverse("dues:member", args=[arrears.member_id])
        subject = f"dues_member{arrears.member_id}"
        period = f"{arrears.since:%Y-%m}"

        def add(
            kind, title, body, *, member_id=None, user_id=None, unit=unit, link=link, subject=subject, period=period
        ) -> None:
            recipient = f"member:{member_id}" if member_id else f"user:{user_id}"
            notices.append(Notice(
                key=rules.alert_key(kind, unit.pk, subject, period, recipient), kind=kind, user_id=user_id,
                member_id=member_id, organisation=unit, title=title[:200], body=body, link=link, due_at=now,
            ))  # fmt: skip

        title = _("党费欠交：%(name)s（%(org)s）") % values
        body = _("%(name)s自%(since)s起已连续 %(months)s 个月未交纳党费，请及时了解情况、督促交纳。") % values
        for member_id, user_id in secretaries.get(unit.pk, []):
            add(NoticeKind.DUES_ARREARS, title, body, member_id=member_id, user_id=user_id)
        if arrears.level == dues_rules.ESCALATION:
            title = _("党费欠交满6个月：%(name)s（%(org)s）") % values
            body = (
                _(
                    "%(name)s自%(since)s起已连续 %(months)s 个月未交纳党费。连续6个月不交纳党费且无正当理由的，"
                    "按自行脱党处理，请上级党组织督促%(org)s处理。"
                )
                % values
            )
            parent = parents.get(unit.pk)
            for member_id, user_id in secretaries.get(parent, []) if parent else []:
                add(NoticeKind.DUES_ESCALATION, title, body, member_id=member_id, user_id=user_id)
            for user_id in reviewers.get(parent, []) if parent else []:
                add(NoticeKind.DUES_ESCALATION, title, body, user_id=user_id)
    keys = {n.key for n in notices}
    existing = Notice.objects.filter(key__in=keys).count()
    Notice.objects.bulk_create(notices, ignore_conflicts=True)
    return len(keys) - existing
