"""The morning's compliance alerts: requirements due soon or overdue, silent branches, terms ending, the 党委书记's
党课 and the fixed 主题党日; each once per branch, requirement and period."""

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from branches.errors import NotPermitted
from branches.models import CommitteeTerm, Level, Organisation
from branches.rules import term_state
from branches.unreadable_dates import date_text
from meetings import rules as meeting_rules
from meetings import selectors as meeting_selectors
from members.access import Scope

from . import rules
from .models import Notice, NoticeKind
from .recipients import parent_id
from .recipients import reviewers as reviewers_of
from .recipients import secretaries as secretaries_of


@transaction.atomic
def compliance_alerts_create(*, today: date, by: Scope, now: datetime | None = None) -> int:
    """Write the morning's compliance alerts; each exists once per branch, requirement and period.

    - a requirement turning yellow this month (due soon) → the branch secretary;
    - a requirement whose period ended red (checked on the month before `today`, so an alert missed on the 1st
      still goes out later) → the secretary and the reviewers of the parent organisation;
    - a committee term (of a 党支部, 党总支 or 党委) ending within 90 days or overdue, by its end in force (an
      approved extension moves it) → the organisation's secretary and the parent's reviewers;
    - a silent branch (no activity for more than 30 days) → the secretary and the parent's reviewers, once a month;
    - a 党委 whose 书记 gave no 党课 in the year just ended → its secretary and its own and its parent's reviewers;
    - a branch with a fixed 主题党日 day (inherited) whose theme day of this or last month was held on another day,
      or whose day passed without one → the secretary, once per branch and month (a reminder, not a red mark).
    Returns the number of new notices. The scheduled task's work (`by` is `SYSTEM`).
    """
    if not by.may_run_scheduled_jobs():
        raise NotPermitted
    now = now or timezone.now()
    units = list(Organisation.objects.filter(level__in=(Level.BRANCH, Level.PARTY_GROUP)).order_by("path"))
    if not units:
        return 0
    parent_paths = {unit.path[: -unit.steplen] for unit in units if unit.depth > 1}
    by_path = dict(Organisation.objects.filter(path__in=parent_paths).values_list("path", "pk"))
    parents = {unit.pk: parent_id(unit, by_path) for unit in units}
    secretaries = secretaries_of([u.pk for u in units])
    reviewers = reviewers_of({p for p in parents.values() if p}, today)
    month = meeting_rules.period_containing("month", today)
    previous = meeting_rules.period_containing("month", month.start - timedelta(days=1))
    current = meeting_selectors.compliance_for_branches(units, month, today)
    ended = meeting_selectors.compliance_for_branches(units, previous, today)
    notices: list[Notice] = []

    def add(unit, kind, subject, period_code, title, body, *, to_reviewers: bool) -> None:
        for member_id, user_id in secretaries.get(unit.pk, []):
            notices.append(
                _alert(unit, kind, subject, period_code, title, body, now, member_id=member_id, user_id=user_id)
            )
        if to_reviewers:
            for user_id in reviewers.get(parents[unit.pk], []):
                notices.append(_alert(unit, kind, subject, period_code, title, body, now, user_id=user_id))

    for unit, figures in zip(units, current, strict=True):
        for t in figures.required_types:
            if t.status == meeting_rules.YELLOW:
                add(
                    unit,
                    NoticeKind.DUE_SOON,
                    t.meeting_type,
                    t.window.code,
                    _("即将到期：%(org)s %(type)s") % {"org": unit.name, "type": t.label},
                    _(
                        "%(org)s本期（%(period)s）应召开%(type)s %(required)s 次，已召开 %(held)s 次，"
                        "请在%(end)s前完成。"
                    )
                    % {
                        "org": unit.name,
                        "period": t.window.code,
                        "type": t.label,
                        "required": t.required,
                        "held": t.held,
                        "end": date_format(t.window.end, "Y年n月j日"),
                    },
                    to_reviewers=False,
                )
        if figures.silent:
            add(
                unit,
                NoticeKind.SILENT_BRANCH,
                "silent",
                month.code,
                _("静默支部：%(org)s") % {"org": unit.name},
                _("%(org)s已超过 30 天没有组织生活记录。") % {"org": unit.name},
                to_reviewers=True,
            )
    for unit, figures in zip(units, ended, strict=True):
        for t in figures.required_types:
            if t.status == meeting_rules.RED and t.window.end < today:
                add(
                    unit,
                    NoticeKind.OVERDUE,
                    t.meeting_type,
                    t.window.code,
                    _("逾期：%(org)s %(type)s") % {"org": unit.name, "type": t.label},
                    _("%(org)s在%(period)s应召开%(type)s %(required)s 次，实际召开 %(held)s 次，已逾期。")
                    % {
                        "org": unit.name,
                        "period": t.window.code,
                        "type": t.label,
                        "required": t.required,
                        "held": t.held,
                    },
                    to_reviewers=True,
                )
    notices += _term_alerts(today, now)
    notices += _secretary_lecture_alerts(today, now)
    for slip in meeting_selectors.theme_day_slips(units, [previous, month], today):
        unit, values = slip.organisation, {"org": slip.organisation.name, "day": date_format(slip.fixed_on, "n月j日")}
        body = (_("%(org)s本月的主题党日未在固定日（%(day)s）召开。") if slip.held_on else
                _("%(org)s的主题党日固定日（%(day)s）已过，尚无主题党日记录。")) % values  # fmt: skip
        add(unit, NoticeKind.THEME_DAY_SLIPPED, "theme_day", slip.month.code,
            _("主题党日提醒：%(org)s") % values, body, to_reviewers=False)  # fmt: skip
    keys = {n.key for n in notices}
    existing = Notice.objects.filter(key__in=keys).count()
    Notice.objects.bulk_create(notices, ignore_conflicts=True)
    return len(keys) - existing


def _term_alerts(today: date, now: datetime) -> list[Notice]:
    """A current committee term (of a 党支部, 党总支 or 党委) ending within 90 days or overdue, judged by its end in
    force (an approved extension moves it) → the organisation's secretary and the parent's reviewers."""
    terms = [
        term
        for term in CommitteeTerm.objects.filter(is_current=True).select_related("organisation")
        if term_state(term.ends_on, today) in ("due_soon", "overdue")
    ]
    if not terms:
        return []
    organisations = [term.organisation for term in terms]
    parent_paths = {o.path[: -o.steplen] for o in organisations if o.depth > 1}
    by_path = dict(Organisation.objects.filter(path__in=parent_paths).values_list("path", "pk"))
    parents = {o.pk: parent_id(o, by_path) for o in organisations}
    secretaries = secretaries_of(parents)
    reviewers = reviewers_of({p for p in parents.values() if p}, today)
    notices = []
    for term in terms:
        unit, state = term.organisation, term_state(term.ends_on, today)
        title = (_("换届逾期：%(org)s") if state == "overdue" else _("即将换届：%(org)s")) % {"org": unit.name}
        values = {"org": unit.name, "end": date_text(term.ends_on, "Y年n月j日")}
        if unit.level == Level.BRANCH:
            body = _("%(org)s支部委员会任期于%(end)s届满，请按期换届。") % values
        else:
            body = _("%(org)s委员会任期于%(end)s届满，请按期换届。") % values
        subject, period_code = f"term{term.pk}", state
        for member_id, user_id in secretaries.get(unit.pk, []):
            notices.append(_alert(unit, NoticeKind.TERM_ENDING, subject, period_code, title, body, now,
                                  member_id=member_id, user_id=user_id))  # fmt: skip
        for user_id in reviewers.get(parents[unit.pk], []):
            notices.append(_alert(unit, NoticeKind.TERM_ENDING, subject, period_code, title, body, now,
                                  user_id=user_id))  # fmt: skip
    return notices


def _secretary_lecture_alerts(today: date, now: datetime) -> list[Notice]:
    """A 党委 whose 书记 gave no 党课 in the year that ended before `today` (支部工作条例 §16) → the 党委's
    secretary, its own reviewers (who read its compliance page) and its parent's; once per 党委 and year."""
    year = meeting_rules.period_containing("year", date(today.year - 1, 7, 1))
    committees = list(Organisation.objects.filter(level__in=meeting_rules.LECTURING_COMMITTEE_LEVELS).order_by("path"))
    missed = [
        item.organisation
        for item in meeting_selectors.secretary_lectures(committees, year, today)
        if item.status == meeting_rules.RED
    ]
    if not missed:
        return []
    parent_paths = {o.path[: -o.steplen] for o in missed if o.depth > 1}
    by_path = dict(Organisation.objects.filter(path__in=parent_paths).values_list("path", "pk"))
    parents = {o.pk: parent_id(o, by_path) for o in missed}
    secretaries = secretaries_of(parents)
    reviewers = reviewers_of({o.pk for o in missed} | {p for p in parents.values() if p}, today)
    notices = []
    for unit in missed:
        title = _("逾期：%(org)s 党委书记讲党课") % {"org": unit.name}
        values = {"org": unit.name, "year": year.year}
        body = _("%(org)s在%(year)s年没有党委书记讲党课的记录（每年至少一次）。") % values
        for member_id, user_id in secretaries.get(unit.pk, []):
            notices.append(_alert(unit, NoticeKind.OVERDUE, "secretary_lecture", year.code, title, body, now,
                                  member_id=member_id, user_id=user_id))  # fmt: skip
        for user_id in dict.fromkeys([*reviewers.get(unit.pk, []), *reviewers.get(parents[unit.pk], [])]):
            notices.append(_alert(unit, NoticeKind.OVERDUE, "secretary_lecture", year.code, title, body, now,
                                  user_id=user_id))  # fmt: skip
    return notices


def _alert(unit, kind, subject, period_code, title, body, now, *, user_id=None, member_id=None) -> Notice:
    recipient = f"member:{member_id}" if member_id else f"user:{user_id}"
    return Notice(
        key=rules.alert_key(kind, unit.pk, subject, period_code, recipient),
        kind=kind,
        user_id=user_id,
        member_id=member_id,
        organisation=unit,
        title=title[:200],
        body=body,
        link=unit.get_absolute_url(),
        due_at=now,
    )
