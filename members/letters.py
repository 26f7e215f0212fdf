"""The 介绍信 (中国共产党党员组织关系介绍信) of a transfer as an A4 PDF: the stub the sending branch keeps, the letter
the member carries and the return slip (回执) the receiving organisation sends back, each with the same number,
separated by cut lines. The Chinese font is embedded (`branches.fonts`)."""

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from fpdf import FPDF

from branches.downloads import download_name
from branches.fonts import font_path

from . import rules
from .models import Transfer

FONT = "letter"
BLANK = "__________"


def _day(value) -> str:
    return date_format(value, "Y年n月j日") if value else BLANK


def _month(value) -> str:
    return date_format(value, "Y年n月") if value else BLANK


def _facts(transfer: Transfer, id_number: str) -> dict[str, str]:
    member = transfer.member
    return {
        "number": transfer.letter_number,
        "name": member.name,
        "gender": member.get_gender_display(),
        "age": str(rules.age_on(member.birth_date, transfer.started_on)),
        "ethnicity": member.ethnicity or BLANK,
        "status": _("正式党员") if transfer.member_status == rules.FULL_STATUS else _("预备党员"),
        "id_number": id_number,
        "from": transfer.from_organisation.name,
        "to": transfer.destination_name,
        "dues": _month(transfer.dues_paid_until),
        "days": str(transfer.valid_days),
        "until": _day(rules.letter_valid_until(transfer.started_on, transfer.valid_days)),
        "issued": _day(transfer.started_on),
        "phone": member.phone or BLANK,
    }


class _Letter:
    def __init__(self, pdf: FPDF):
        self.pdf = pdf

    def heading(self, title: str, number: str) -> None:
        pdf = self.pdf
        pdf.set_font(FONT, size=16)
        pdf.set_text_color(200, 16, 46)
        pdf.multi_cell(0, 9, title, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0)
        pdf.set_font(FONT, size=10)
        pdf.multi_cell(0, 6, _("编号：%(number)s") % {"number": number}, align="R", new_x="LMARGIN", new_y="NEXT")

    def text(self, body: str, size: int = 11, align: str = "L") -> None:
        self.pdf.set_font(FONT, size=size)
        self.pdf.multi_cell(0, 7, body, align=align, new_x="LMARGIN", new_y="NEXT")

    def cut(self, label: str) -> None:
        pdf = self.pdf
        pdf.ln(3)
        pdf.set_font(FONT, size=8)
        pdf.set_text_color(110)
        pdf.set_dash_pattern(dash=1.5, gap=1.5)
        y = pdf.get_y() + 2
        pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
        pdf.set_dash_pattern()
        pdf.set_y(y + 1)
        pdf.multi_cell(0, 4, label, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0)
        pdf.ln(2)


def transfer_letter_pdf(transfer: Transfer, id_number: str) -> bytes:
    """The three parts of the 介绍信 on one A4 page. `transfer` with its member and both branches loaded;
    `id_number`: the member's full ID number (its reveal is logged by the service that asks for the letter)."""
    f = _facts(transfer, id_number)
    pdf = FPDF(format="A4")
    pdf.set_title(_("中国共产党党员组织关系介绍信"))
    pdf.set_creator(_("党支部工作管理平台"))
    pdf.add_font(FONT, "", str(font_path(settings.MINUTES_FONT_PATH)))
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.set_margins(20, 12, 20)
    pdf.add_page()
    w = _Letter(pdf)

    w.heading(_("中国共产党党员组织关系介绍信（存根）"), f["number"])
    w.text(
        _(
            "%(name)s同志（%(gender)s，%(age)s岁，%(ethnicity)s，%(status)s，身份证号码%(id_number)s），"
            "组织关系由%(from)s转到%(to)s。党费已交到%(dues)s。"
        )
        % f
    )
    w.text(_("有效期%(days)s天（至%(until)s）。开具日期：%(issued)s") % f, size=10)
    w.cut(_("（沿此线剪开，存根由转出党组织留存）"))

    w.heading(_("中国共产党党员组织关系介绍信"), f["number"])
    w.text(_("%(to)s：") % f)
    w.text(
        _(
            "    兹介绍%(name)s同志（%(gender)s，%(age)s岁，%(ethnicity)s），系中共%(status)s，"
            "身份证号码%(id_number)s，由%(from)s去%(to)s，请转接组织关系。该同志党费已交到%(dues)s。"
        )
        % f
    )
    w.text(_("（有效期%(days)s天，至%(until)s）") % f, size=10)
    w.text(_("党员联系电话：%(phone)s") % f, size=10)
    w.text(_("%(from)s（盖章）") % f, align="R")
    w.text(f["issued"], align="R")
    w.cut(_("（沿此线剪开，回执由接收党组织填写后寄回）"))

    w.heading(_("中国共产党党员组织关系介绍信回执"), f["number"])
    w.text(_("%(from)s：") % f)
    w.text(_("    %(name)s同志的党员组织关系已转达我处，特此回执。") % f)
    w.text(_("接收党组织（盖章）：____________________"), align="R")
    w.text(_("____年____月____日"), align="R")
    return bytes(pdf.output())


def transfer_letter_filename(transfer: Transfer) -> str:
    """The PDF's download name: the member's 介绍信 and the day it was issued."""
    return download_name(
        _("组织关系介绍信_%(name)s") % {"name": transfer.member.name}, day=transfer.started_on, extension="pdf"
    )
