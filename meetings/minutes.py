"""The minutes of a meeting as a PDF in the standard 会议记录 layout, for printing and filing.

The PDF embeds a Chinese font (a subset), so it reads the same on any machine: `branches.fonts` finds it.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from branches.downloads import download_name
from branches.fonts import SYSTEM_FONTS, VENDORED_FONT, font_path  # noqa: F401 - the minutes' font, as before
from branches.unreadable_dates import date_text, is_unreadable, time_text

from . import selectors
from .models import AttendanceState, Meeting, MeetingStatus

FONT = "minutes"


def _day(value) -> str:
    """A moment's local day; 日期无效 for a stored date that cannot be read."""
    return date_text(timezone.localtime(value), "DATE_FORMAT")


def _when(meeting: Meeting) -> str:
    start = timezone.localtime(meeting.starts_at)
    text = f"{_day(start)} {time_text(start, 'H:i')}".strip()
    if meeting.ends_at:
        end = timezone.localtime(meeting.ends_at)
        if end.date() == start.date() and not is_unreadable(end):
            text += f"—{time_text(end, 'H:i')}"
        else:
            text += f" — {_day(end)} {time_text(end, 'H:i')}".rstrip()
    return text


@dataclass(frozen=True)
class AttendanceLines:
    """Who was expected, present, on leave (with reasons) and absent, by name."""

    expected: list[str]
    present: list[str]
    leave: list[str]
    absent: list[str]


def attendance_lines(meeting: Meeting) -> AttendanceLines:
    """The names on the minutes from the prefetched attendances (no query when prefetched)."""
    expected, present, leave, absent = [], [], [], []
    for attendance in meeting.attendances.all():
        name = attendance.member.name
        expected.append(name)
        if attendance.state == AttendanceState.PRESENT:
            present.append(name)
        elif attendance.state == AttendanceState.LEAVE:
            leave.append(_("%(name)s（%(reason)s）") % {"name": name, "reason": attendance.leave_reason})
        elif attendance.state == AttendanceState.ABSENT:
            absent.append(name)
    return AttendanceLines(expected, present, leave, absent)


def quorum_line(check: selectors.QuorumCheck) -> str:
    """One type's quorum on the minutes: voters expected and present, the fewest needed, and the outcome."""
    outcome = _("达到法定人数") if check.met else _("未达到法定人数")
    return _("%(type)s：有表决权应到 %(expected)d 人，实到 %(present)d 人，至少需 %(needed)d 人，%(outcome)s") % {
        "type": check.label,
        "expected": check.voting_expected,
        "present": check.voting_present,
        "needed": check.needed,
        "outcome": outcome,
    }


class MinutesDocument(FPDF):
    """An A4 page with the portal's footer: organisation, page x of n."""

    footer_text = ""

    def footer(self):
        self.set_y(-15)
        self.set_font(FONT, size=9)
        self.set_text_color(100)
        page = _("第 %(page)s 页，共 %(pages)s 页") % {"page": self.page_no(), "pages": "{nb}"}
        self.cell(0, 8, f"{self.footer_text}    {page}", align="C")


class _Writer:
    """Writes the sections of the minutes in order."""

    label_width = 28

    def __init__(self, pdf: MinutesDocument):
        self.pdf = pdf

    def title(self, text: str, subtitle: str) -> None:
        self.pdf.set_font(FONT, size=18)
        self.pdf.multi_cell(0, 10, text, align="C", new_x="LMARGIN", new_y="NEXT")
        if subtitle:
            self.pdf.set_font(FONT, size=12)
            self.pdf.multi_cell(0, 7, subtitle, align="C", new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(3)

    def field(self, label: str, value: str) -> None:
        """A label and its value on one line, the value wrapping under itself."""
        pdf = self.pdf
        pdf.set_font(FONT, size=11)
        y = pdf.get_y()
        pdf.set_text_color(80)
        pdf.cell(self.label_width, 7, label)
        pdf.set_text_color(0)
        pdf.set_xy(pdf.l_margin + self.label_width, y)
        pdf.multi_cell(0, 7, value or "—", new_x="LMARGIN", new_y="NEXT")

    def people(self, label: str, names: list[str]) -> None:
        count = _("%(n)d人") % {"n": len(names)}
        self.field(label, f"{count}：{'、'.join(names)}" if names else count)

    def section(self, heading: str, body: str) -> None:
        pdf = self.pdf
        pdf.ln(2)
        pdf.set_font(FONT, size=13)
        pdf.cell(0, 8, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_draw_color(200, 16, 46)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
        pdf.ln(1.5)
        pdf.set_font(FONT, size=11)
        pdf.multi_cell(0, 7, body.strip() or "—", new_x="LMARGIN", new_y="NEXT")


def minutes_pdf(meeting: Meeting) -> bytes:
    """The minutes (会议记录) of a meeting: title, time, place, host, recorder, attendance by name with counts,
    guests, agenda, content, decisions, then the amendments (更正记录); page numbers in the footer.

    Expects a meeting from `selectors.meeting_detail_queryset` (attendances, guests and amendments prefetched).
    """
    pdf = MinutesDocument(format="A4")
    pdf.set_title(_("%(org)s会议记录") % {"org": meeting.organisation.name})
    pdf.set_creator(_("党支部工作管理平台"))
    pdf.add_font(FONT, "", str(font_path(settings.MINUTES_FONT_PATH)))
    pdf.footer_text = _("%(org)s会议记录") % {"org": meeting.organisation.name}
    pdf.alias_nb_pages()
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.set_margins(20, 18, 20)
    pdf.add_page()
    w = _Writer(pdf)

    w.title(_("%(org)s会议记录") % {"org": meeting.organisation.name}, "、".join(meeting.type_labels))
    if meeting.status != MeetingStatus.FINALISED:
        pdf.set_font(FONT, size=10)
        pdf.set_text_color(200, 16, 46)
        pdf.multi_cell(0, 6, _("（%(status)s，尚未归档）") % {"status": meeting.get_status_display()}, align="C",
                       new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0)
    w.field(_("会议主题"), meeting.topic)
    w.field(_("会议时间"), _when(meeting))
    w.field(_("地点"), meeting.place)
    w.field(_("主持人"), meeting.host.name if meeting.host else "")
    w.field(_("记录人"), meeting.recorder.name if meeting.recorder else "")
    if meeting.lecture_title or meeting.lecturer_id or meeting.lecturer_name:
        w.field(_("授课人"), meeting.lecturer.name if meeting.lecturer else meeting.lecturer_name)
        w.field(_("党课题目"), meeting.lecture_title)

    lines = attendance_lines(meeting)
    w.people(_("应到"), lines.expected)
    w.people(_("实到"), lines.present)
    w.people(_("请假"), lines.leave)
    w.people(_("缺席"), lines.absent)
    guests = [
        f"{g.name}（{g.get_kind_display()}{'，' + g.note if g.note else ''}）" for g in meeting.guests.all()
    ]
    w.field(_("列席"), "、".join(guests))
    if meeting.status in (MeetingStatus.HELD, MeetingStatus.FINALISED):
        for check in selectors.meeting_quorum(meeting):  # a finalised record's figures as stored when finalised
            w.field(_("法定人数"), quorum_line(check))
    if meeting.without_quorum_reason:
        w.field(_("未达法定人数说明"), meeting.without_quorum_reason)

    w.section(_("议程"), meeting.agenda)
    w.section(_("会议内容"), meeting.minutes)
    w.section(_("决定事项"), meeting.decisions)

    amendments = list(meeting.amendments.all())
    if amendments:
        pdf.ln(2)
        pdf.set_font(FONT, size=13)
        pdf.cell(0, 8, _("更正记录"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, size=10)
        for n, amendment in enumerate(amendments, start=1):
            author = amendment.author.get_full_name() or amendment.author.get_username()
            head = _("%(n)d. %(day)s %(time)s，%(author)s更正“%(field)s”，原因：%(reason)s") % {
                "n": n,
                "day": _day(amendment.at),
                "time": f"{timezone.localtime(amendment.at):%H:%M}",
                "author": author,
                "field": amendment.field_label,
                "reason": amendment.reason,
            }
            pdf.multi_cell(0, 6, head, new_x="LMARGIN", new_y="NEXT")
            pdf.set_x(pdf.l_margin + 6)
            pdf.multi_cell(0, 6, _("原内容：%(v)s") % {"v": amendment.old_value or "—"}, new_x="LMARGIN", new_y="NEXT")
            pdf.set_x(pdf.l_margin + 6)
            pdf.multi_cell(0, 6, _("更正后：%(v)s") % {"v": amendment.new_value or "—"}, new_x="LMARGIN",
                           new_y="NEXT")
            pdf.ln(1)

    pdf.ln(8)
    pdf.set_font(FONT, size=11)
    if meeting.finalised_at:
        pdf.cell(0, 7, _("归档时间：%(day)s") % {"day": _day(meeting.finalised_at)}, new_x="LMARGIN", new_y="NEXT")
    if meeting.is_backfilled:
        pdf.cell(0, 7, _("本记录为补录。"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    half = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
    pdf.cell(half, 7, _("主持人（签字）：____________"))
    pdf.cell(half, 7, _("记录人（签字）：____________"), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def minutes_filename(meeting: Meeting) -> str:
    """The PDF's download name: the organisation's 会议记录 and the meeting's date, safe whatever the name holds."""
    title = _("%(org)s会议记录") % {"org": meeting.organisation.name}
    if is_unreadable(meeting.starts_at):
        return download_name(f"{title}_{date_text(meeting.starts_at)}", extension="pdf")
    return download_name(title, day=timezone.localtime(meeting.starts_at).date(), extension="pdf")
