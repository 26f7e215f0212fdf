"""The dues ledger as an Excel workbook, written through the roster's text-only writer (`row_append`): a name that
looks like a formula stays text."""

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from members.services import cell_write, row_append

from . import ledger
from .selectors import Ledger

AMOUNT_FORMAT = "0.00"


def _state_labels() -> dict[str, str]:
    return {
        ledger.PAID: _("已交"),
        ledger.PARTIAL: _("未交足"),
        ledger.UNPAID: _("未交"),
        ledger.UNDECLARED: _("未申报基数"),
        ledger.NOT_OWED: _("无需交纳"),
    }


def _amount(sheet, value):
    return None if value is None else cell_write(sheet, value, number_format=AMOUNT_FORMAT)


def ledger_workbook(result: Ledger) -> Workbook:
    """One sheet: a row per member (a branch) or per organisation under it, then the totals."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("党费台账"))
    if result.by_member:
        headers = [_("姓名"), _("应交（元）"), _("实交（元）"), _("状态"), _("连续未交（月）")]
        widths = [14, 12, 12, 12, 14]
        labels = _state_labels()
        rows = [
            [line.name, _amount(sheet, line.expected), _amount(sheet, line.paid), labels[line.state], line.arrears]
            for line in result.lines
        ]
    else:
        headers = [_("党组织"), _("党员数"), _("应交（元）"), _("实交（元）"), _("未交人数"), _("未申报基数"),
                   _("欠交3个月以上"), _("欠交6个月以上")]  # fmt: skip
        widths = [30, 8, 12, 12, 10, 10, 12, 12]
        rows = [
            [total.organisation.name, total.members, _amount(sheet, total.expected), _amount(sheet, total.paid),
             total.unpaid_members, total.undeclared, total.warnings + total.escalations, total.escalations]
            for total in result.totals.iterator(chunk_size=2000)
        ]  # fmt: skip
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    row_append(sheet, [result.organisation.name, _("月份"), f"{result.month:%Y-%m}"])
    row_append(sheet, headers)
    for row in rows:
        row_append(sheet, row)
    row_append(
        sheet,
        [_("合计"), _("应交"), _amount(sheet, result.expected), _("实交"), _amount(sheet, result.paid), _("未交"),
         _amount(sheet, result.unpaid)],
    )  # fmt: skip
    return workbook
