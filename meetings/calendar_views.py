"""Meetings in time: a month calendar, the member's own meetings, and an iCalendar feed of upcoming meetings.

Calendar apps cannot log in, so the feed's address carries a signed token naming the user; it stops working when
the user changes their password (the token includes a fingerprint of the password hash).
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View
from icalendar import Calendar, Event

from branches.downloads import download_name
from branches.models import Level, Organisation
from branches.paging import paginate
from branches.unreadable_dates import is_unreadable
from members.access.views import ScopedViewMixin
from members.models import Member

from . import selectors
from .models import Meeting

ICS_SALT = "meetings.ics"


# --- Calendar ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Day:
    day: date
    in_month: bool
    is_today: bool
    meetings: list[Meeting]


def parse_month(value: str | None, today: date) -> date:
    """The first day of the month named `YYYY-MM`; this month when the value is missing or not a month."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        if 1900 <= year <= 2100 and 1 <= month <= 12:
            return date(year, month, 1)
    except ValueError:
        pass
    return today.replace(day=1)


def _shift(month: date, months: int) -> date:
    n = month.year * 12 + month.month - 1 + months
    return date(n // 12, n % 12 + 1, 1)


class CalendarView(ScopedViewMixin, TemplateView):
    """A month of meetings in the user's scope (or of one organisation): a grid on desktops, a list by day on phones."""

    template_name = "meetings/calendar.html"

    def get_organisation(self) -> Organisation | None:
        raw = self.request.GET.get("org", "")
        if not raw:
            return None
        if not raw.isdecimal():
            raise Http404
        organisation = self.scope.organisations_with_meetings_readable().filter(pk=int(raw)).first()
        if organisation is None:
            raise Http404
        return organisation

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        month = parse_month(self.request.GET.get("month"), today)
        organisation = self.get_organisation()
        weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
        by_day = selectors.meetings_by_day(self.scope, weeks[0][0], weeks[-1][-1], organisation=organisation)
        grid = [
            [Day(d, d.month == month.month, d == today, by_day.get(d, [])) for d in week] for week in weeks
        ]
        query = f"&org={organisation.pk}" if organisation else ""
        # Several units' meetings on one page: each chip names its organisation.
        units = {m.organisation_id for day in by_day.values() for m in day}
        return super().get_context_data(
            month=month,
            weeks=grid,
            days_with_meetings=[day for week in grid for day in week if day.meetings and day.in_month],
            total=sum(len(v) for d, v in by_day.items() if d.month == month.month),
            weekday_names=[_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日")],
            organisation=organisation,
            show_organisation=len(units) > 1,
            branches=self.branch_choices(),
            previous_url=f"?month={_shift(month, -1):%Y-%m}{query}",
            next_url=f"?month={_shift(month, 1):%Y-%m}{query}",
            today_url=f"?month={today:%Y-%m}{query}",
            list_url=reverse("meetings:list") + (f"?organisation={organisation.pk}" if organisation else ""),
            calendar_url=f"?month={month:%Y-%m}{query}",
            **kwargs,
        )

    def branch_choices(self) -> list[Organisation]:
        """Branches and party groups the user may pick among those they read (one query; none for a member, who
        reads no part of the tree)."""
        if not self.scope.may_read_organisations():
            return []
        units = self.scope.organisations_readable().filter(level__in=(Level.BRANCH, Level.PARTY_GROUP))
        return list(units[:200])


# --- .ics feed -----------------------------------------------------------------------------------------------------


def _password_fingerprint(user) -> str:
    return salted_hmac(ICS_SALT, f"{user.pk}:{user.password}").hexdigest()[:16]


def ics_token(user) -> str:
    """A signed token naming the user, for the address of their calendar feed."""
    return signing.dumps({"u": user.pk, "p": _password_fingerprint(user)}, salt=ICS_SALT, compress=False)


def user_for_ics_token(token: str):
    """The active user a token names, or None when it is forged, malformed or outdated by a password change."""
    try:
        payload = signing.loads(token, salt=ICS_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        return None
    user = get_user_model().objects.filter(pk=payload["u"], is_active=True).first()
    if user is None or not constant_time_compare(str(payload.get("p", "")), _password_fingerprint(user)):
        return None
    return user


def ics_url(request, user) -> str:
    return request.build_absolute_uri(reverse("meetings:ics", kwargs={"token": ics_token(user)}))


def meetings_ics(meetings, *, link) -> bytes:
    """An iCalendar document of meetings, times in Asia/Shanghai with its VTIMEZONE."""
    tz = ZoneInfo(settings.TIME_ZONE)
    cal = Calendar()
    cal.add("prodid", "-//Party branch portal//meetings//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _("我的会议"))
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    now = timezone.now()
    for meeting in meetings:
        if is_unreadable(meeting.starts_at):  # stored before the date rules, or by hand: no time to put it at
            continue
        starts = meeting.starts_at.astimezone(tz)
        end = meeting.ends_at if meeting.ends_at and not is_unreadable(meeting.ends_at) else None
        ends = (end or meeting.starts_at + timedelta(hours=1)).astimezone(tz)
        event = Event()
        event.add("uid", f"meeting-{meeting.pk}@party-portal")
        event.add("dtstamp", now)
        event.add("dtstart", starts)
        event.add("dtend", ends)
        event.add("summary", f"{'、'.join(meeting.type_labels)}：{meeting.topic}")
        if meeting.place:
            event.add("location", meeting.place)
        lines = [meeting.organisation.name]
        if meeting.host:
            lines.append(_("主持人：%(name)s") % {"name": meeting.host.name})
        if meeting.agenda:
            lines.append(_("议程：%(agenda)s") % {"agenda": meeting.agenda})
        url = link(meeting)
        lines.append(url)
        event.add("description", "\n".join(lines))
        event.add("url", url)
        event.add("status", "CONFIRMED")
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


class IcsFeedView(View):
    """The upcoming meetings a user is expected at, as an iCalendar feed; the token in the address is the key."""

    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        user = user_for_ics_token(kwargs["token"])
        member = Member.objects.filter(user=user).first() if user is not None else None
        if member is None:
            raise Http404
        meetings = selectors.meetings_upcoming_for(member)[:200]
        body = meetings_ics(meetings, link=lambda m: request.build_absolute_uri(m.get_absolute_url()))
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(False, download_name("meetings", extension="ics"))
        response["Cache-Control"] = "private, max-age=900"
        return response


# --- The member's own meetings -------------------------------------------------------------------------------------


class MyMeetingsView(ScopedViewMixin, TemplateView):
    """A member's page (phone first): upcoming meetings, own attendance history, and the calendar subscription."""

    template_name = "meetings/my_meetings.html"

    def get_context_data(self, **kwargs):
        member = Member.objects.filter(pk=self.scope.member_id).first() if self.scope.member_id else None
        context = {"member": member}
        if member is not None:
            upcoming = selectors.meetings_upcoming_for(member)
            paginator, page = paginate(self.request, selectors.attendance_history_for(member))
            feed = ics_url(self.request, self.request.user)
            context.update(
                upcoming=list(upcoming[: settings.PAGE_SIZE]),
                upcoming_total=upcoming.count(),
                history=page.object_list,
                page_obj=page,
                paginator=paginator,
                history_total=paginator.count,
                ics_url=feed,
                webcal_url="webcal://" + feed.split("://", 1)[1],
            )
        return super().get_context_data(**context, **kwargs)

