"""Roster import from the Excel template (preview, all or nothing) and export of the filtered roster."""

import io
import zipfile
from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from branches.errors import DomainError
from members import crypto, spreadsheets
from members.access import SYSTEM, scope_for
from members.imports import import_rows_check, members_import
from members.models import IdNumberAccess, ImportStage, Member, Status
from tests.downloads import disposition_name
from tests.factories import MemberFactory, make_id_number

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _row(
    name: str = "新党员",
    *,
    birth: date = date(1990, 2, 3),
    id_number: str | None = None,
    branch: str = "A",
    group: str = "",
    status: str = "入党申请人",
    applied: object = "2024-05-06",
    **overrides,
) -> list:
    """One roster row in the template's column order."""
    values = {
        "姓名": name,
        "性别": "女",
        "民族": "汉族",
        "出生日期": birth,
        "身份证号": id_number or make_id_number(birth),
        "手机号": "13800138000",
        "学历": "本科",
        "工作单位": "供电公司",
        "职务": "工程师",
        "党支部代码": branch,
        "党小组代码": group,
        "政治面貌": status,
        "递交入党申请日期": applied,
        "入党日期": None,
        "转正日期": None,
        "流动党员": "否",
    }
    values.update(overrides)
    return [values[h] for h in spreadsheets.HEADERS]


def _workbook(rows: list[list], headers: list[str] | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(headers or spreadsheets.HEADERS))
    for row in rows:
        sheet.append(row)
    return spreadsheets.workbook_bytes(workbook)


def _upload(client, content: bytes, name: str = "名册.xlsx"):
    """Upload a file and follow on to its preview (a fully valid file is kept and previewed on a page of its own)."""
    return client.post(
        reverse("members:import"),
        {"action": "upload", "file": SimpleUploadedFile(name, content, content_type=XLSX)},
        follow=True,
    )


def _staged_token(client) -> str:
    """The token of the upload the client's user has waiting for confirmation ("" when none)."""
    user_id = client.session["_auth_user_id"]
    return ImportStage.objects.filter(user_id=user_id).values_list("token", flat=True).first() or ""


def _confirm(client):
    return client.post(reverse("members:import"), {"action": "confirm", "token": _staged_token(client)})


def _content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _export(client, query: str = "", *, full: bool = False) -> list[tuple]:
    """The rows of an export: the GET link with `query`, or (`full`) the POST form with the same fields."""
    if full:
        data = {key: value for key, _eq, value in (part.partition("=") for part in query.split("&") if part)}
        response = client.post(reverse("members:export"), {**data, "ids": "full"})
    else:
        response = client.get(reverse("members:export") + (f"?{query}" if query else ""))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(_content(response)), read_only=True).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


# --- the template ---------------------------------------------------------------------------------------------------


def test_template_has_the_columns_instructions_and_only_the_users_codes(client, world):
    """The template carries the 16 Chinese columns, an instructions sheet, and the codes the secretary may use."""
    client.force_login(world.secretary_a)
    response = client.get(reverse("members:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "filename*=utf-8''" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [spreadsheets.DATA_SHEET, spreadsheets.CODES_SHEET, spreadsheets.HELP_SHEET]
    data = workbook[spreadsheets.DATA_SHEET]
    assert [c.value for c in data[1]] == list(spreadsheets.HEADERS)
    assert len(spreadsheets.HEADERS) == 16
    lists = [v.formula1 for v in data.data_validations.dataValidation]
    assert '"男,女"' in lists
    assert any("入党申请人" in f for f in lists)
    codes = list(workbook[spreadsheets.CODES_SHEET].iter_rows(min_row=2, values_only=True))
    assert codes == [("A", "甲党支部", "A1", "甲第一党小组（甲党支部）")]
    help_text = " ".join(str(c) for row in workbook[spreadsheets.HELP_SHEET].iter_rows(values_only=True) for c in row)
    assert "身份证号" in help_text and "大专" in help_text


def test_template_and_export_download_under_dated_safe_names(client, world):
    """The template and the roster export are named by the one safe-name function: title, today's date, .xlsx."""
    client.force_login(world.secretary_a)
    today = timezone.localdate().isoformat()
    template = client.get(reverse("members:import_template"))
    assert disposition_name(template) == f"党员名册导入模板_{today}.xlsx"
    export = client.get(reverse("members:export"))
    assert disposition_name(export) == f"党员名册_{today}.xlsx"


def test_template_round_trip_creates_members_with_encrypted_id_numbers(client, world):
    """Download the template, fill three rows, upload, confirm: three members, ID numbers encrypted and masked."""
    client.force_login(world.secretary_a)
    workbook = load_workbook(io.BytesIO(client.get(reverse("members:import_template")).content))
    sheet = workbook[spreadsheets.DATA_SHEET]
    ids = [make_id_number(date(1990, 2, 3)), make_id_number(date(1988, 11, 30)), make_id_number(date(1979, 1, 9))]
    rows = [
        _row("刘一", id_number=ids[0]),
        _row(
            "陈二",
            birth=date(1988, 11, 30),
            id_number=ids[1],
            group="A1",
            status="预备党员",
            applied=datetime(2020, 3, 1),
            入党日期="2021-07-01",
            流动党员="是",
        ),
        _row(
            "杨三",
            birth=date(1979, 1, 9),
            id_number=ids[2].lower(),
            status="正式党员",
            applied="2000/3/1",
            入党日期="2001-07-01",
            转正日期="2002-07-01",
            学历=None,
        ),
    ]
    for line, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            sheet.cell(row=line, column=column, value=value)

    preview = _upload(client, spreadsheets.workbook_bytes(workbook))
    assert preview.status_code == 200
    assert [r.problems for r in preview.context["rows"]] == [[], [], []]
    assert "全部检查通过" in preview.content.decode()
    assert ids[0] not in preview.content.decode()  # the preview shows masked numbers only
    assert Member.objects.filter(name__in=["刘一", "陈二", "杨三"]).count() == 0
    assert ImportStage.objects.filter(user=world.secretary_a).count() == 1
    assert preview.context["token"] == _staged_token(client)

    response = _confirm(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("members:list")
    created = {m.name: m for m in Member.objects.filter(name__in=["刘一", "陈二", "杨三"])}
    assert len(created) == 3
    for member, id_number in zip((created["刘一"], created["陈二"], created["杨三"]), ids, strict=True):
        assert member.organisation == world.branch_a
        assert id_number not in member.id_number_encrypted
        assert crypto.decrypt(member.id_number_encrypted) == id_number
        assert member.id_number_masked == id_number[:4] + "*" * 10 + id_number[-4:]
    chen = created["陈二"]
    assert (chen.party_group, chen.status, chen.is_mobile) == (world.group_a1, Status.PROBATIONARY, True)
    assert (chen.applied_on, chen.joined_on) == (date(2020, 3, 1), date(2021, 7, 1))
    assert created["杨三"].education == "" and created["杨三"].applied_on == date(2000, 3, 1)
    assert not ImportStage.objects.exists()  # the staged upload is gone


def test_one_bad_row_among_good_ones_saves_nothing(client, world):
    """A preview with one bad row names it in Chinese, offers no confirmation and keeps no file; forcing a
    confirmation saves nothing."""
    client.force_login(world.secretary_a)
    bad_id = make_id_number(date(1991, 4, 5))
    bad_id = bad_id[:17] + ("0" if bad_id[17] != "0" else "1")
    content = _workbook([_row("好一"), _row("坏二", birth=date(1991, 4, 5), id_number=bad_id), _row("好三")])
    preview = _upload(client, content)
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "第3行 身份证号：身份证号码无效" in html
    assert 'value="confirm"' not in html
    assert "其中1行有问题" in html

    assert not ImportStage.objects.exists()

    before = Member.objects.count()
    response = client.post(reverse("members:import"), {"action": "confirm", "token": preview.context["token"]})
    assert response.status_code == 302
    assert Member.objects.count() == before


def test_service_saves_all_rows_or_none(world):
    """`members_import` refuses rows with problems, and rolls back every row when one fails while saving."""
    scope = scope_for(world.secretary_a)
    first = make_id_number(date(1990, 2, 3))
    raw = spreadsheets.workbook_read(io.BytesIO(_workbook([_row("甲", id_number=first), _row("乙")])))
    rows = import_rows_check(raw_rows=raw, scope=scope)
    assert all(row.is_valid for row in rows)
    # Someone registers the second person after the preview: the save fails on row 3, and row 2 is not kept.
    MemberFactory(organisation=world.branch_b, id_number=rows[1].id_number, birth_date=date(1990, 2, 3))
    before = Member.objects.count()
    with pytest.raises(DomainError, match="第3行 身份证号"):
        members_import(rows=rows, by=SYSTEM)
    assert Member.objects.count() == before
    assert not Member.objects.filter(name="甲").exists()

    rows[0].problems.append("x")
    with pytest.raises(DomainError, match="未导入任何数据"):
        members_import(rows=rows, by=SYSTEM)


def test_wrong_columns_are_named_in_one_message(client, world):
    """A sheet with a missing and an unknown column is refused with one message naming both."""
    client.force_login(world.secretary_a)
    headers = [h if h != "民族" else "备注" for h in spreadsheets.HEADERS]
    response = _upload(client, _workbook([_row()], headers=headers))
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert len(errors) == 1
    assert "缺少列：民族" in errors[0] and "无法识别的列：备注" in errors[0]
    assert not ImportStage.objects.exists()


NOT_XLSX = "文件不是有效的Excel（.xlsx）文件。"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"name,id\n", NOT_XLSX),  # a CSV renamed to .xlsx
        (b"PK\x03\x04 broken zip", NOT_XLSX),
        ("zip", NOT_XLSX),  # a real zip that is not a workbook
        (b"", "所提交的是空文件。"),
    ],
)
def test_a_file_that_is_not_xlsx_is_refused(client, world, content, message):
    """Anything that is not a real .xlsx workbook gets a clear message at the field, never a 500."""
    if content == "zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("hello.txt", "hi")
        content = buffer.getvalue()
    client.force_login(world.secretary_a)
    response = _upload(client, content)
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [message]
    assert message in response.content.decode()
    assert not ImportStage.objects.exists()


def test_file_over_the_size_cap_is_refused(client, world, settings):
    """A workbook over ATTACHMENT_MAX_BYTES is refused at the field."""
    settings.ATTACHMENT_MAX_BYTES = 1000
    client.force_login(world.secretary_a)
    response = _upload(client, _workbook([_row()]))
    assert "文件过大" in response.context["form"].errors["file"][0]


def test_too_many_rows_and_no_rows_are_refused(client, world, monkeypatch):
    """More rows than the cap, or only the header, are refused with a message at the field."""
    monkeypatch.setattr(spreadsheets, "MAX_ROWS", 2)
    client.force_login(world.secretary_a)
    response = _upload(client, _workbook([_row(), _row(), _row()]))
    assert "一次最多导入2行" in response.context["form"].errors["file"][0]
    response = _upload(client, _workbook([]))
    assert "没有党员数据" in response.context["form"].errors["file"][0]


def test_duplicate_id_inside_the_file_and_against_the_database(client, world):
    """An ID number twice in the file is reported on its second row; one already registered is reported too."""
    client.force_login(world.secretary_a)
    twice = make_id_number(date(1990, 2, 3))
    registered = crypto.decrypt(world.member_b.id_number_encrypted)
    content = _workbook(
        [
            _row("甲", id_number=twice),
            _row("乙", id_number=twice),
            _row("丙", birth=world.member_b.birth_date, id_number=registered),
        ]
    )
    rows = _upload(client, content).context["rows"]
    assert rows[0].problems == []
    assert rows[1].problems == ["第3行 身份证号：与第2行的身份证号重复。"]
    assert rows[2].problems == ["第4行 身份证号：该身份证号码已登记在其他党员档案中。"]


def test_organisation_outside_the_scope_reads_as_unknown(client, world):
    """A secretary cannot import into another branch: its code gets the same message as a code that does not exist."""
    client.force_login(world.secretary_a)
    content = _workbook(
        [_row("甲", branch="B"), _row("乙", branch="NOPE"), _row("丙", branch="P1"), _row("丁", group="ZZ")]
    )
    rows = _upload(client, content).context["rows"]
    assert rows[0].problems == ["第2行 党支部代码：党支部代码“B”不存在或不在您管理的范围内。"]
    assert rows[1].problems == ["第3行 党支部代码：党支部代码“NOPE”不存在或不在您管理的范围内。"]
    assert rows[2].problems == ["第4行 党支部代码：党支部代码“P1”不存在或不在您管理的范围内。"]
    assert rows[3].problems == ["第5行 党小组代码：党小组代码“ZZ”不存在或不在您管理的范围内。"]


def test_admin_imports_anywhere_and_a_group_must_belong_to_the_branch(client, world):
    """An admin may import into any branch; a party group of another branch is refused by the member rules."""
    client.force_login(world.admin)
    rows = _upload(client, _workbook([_row("甲", branch="B"), _row("乙", branch="B", group="A1")])).context["rows"]
    assert rows[0].problems == []
    assert rows[1].problems == ["第3行 党小组代码：党小组应属于所在党支部。"]


def test_cell_problems_are_reported_in_chinese_at_their_column(client, world):
    """Choices by Chinese label, dates as Excel dates or YYYY-MM-DD text, required cells and the member rules."""
    client.force_login(world.secretary_a)
    content = _workbook(
        [
            _row("甲", 性别="男性", 出生日期="1990年2月3日"),
            _row("", 政治面貌=None, 流动党员="不是"),
            _row("丙", applied="2099-01-01"),
            _row("丁", 身份证号=520102199002030000, 学历="研究生"),
            _row("戊", birth=date(1990, 2, 3), 出生日期=date(1991, 2, 3)),
            _row("己", 入党日期="2023-01-01"),
            _row("庚" * 41),
        ]
    )
    rows = _upload(client, content).context["rows"]
    assert rows[0].problems[0].startswith("第2行 性别：“男性”不是可选值，应为：男、女")
    assert rows[0].problems[1] == "第2行 出生日期：日期格式不正确，应为Excel日期或“2024-05-01”格式。"
    assert "第3行 姓名：必须填写。" in rows[1].problems
    assert "第3行 政治面貌：必须填写。" in rows[1].problems
    assert "第3行 流动党员：应填写“是”或“否”。" in rows[1].problems
    assert rows[2].problems == ["第4行 递交入党申请日期：日期不能晚于今天。"]
    assert "第5行 身份证号：请将身份证号单元格设为文本格式后重新填写（数字格式会丢失末位）。" in rows[3].problems
    assert any(p.startswith("第5行 学历：“研究生”不是可选值") for p in rows[3].problems)
    assert rows[4].problems == ["第6行 出生日期：出生日期与身份证号码不一致。"]
    assert rows[5].problems == ["第7行 入党日期：入党日期不能早于递交入党申请日期。"]
    assert rows[6].problems == ["第8行 姓名：最多40个字符。"]


def test_chinese_labels_are_accepted_in_the_english_interface(world):
    """The file format stays Chinese: an English session still reads 女 and 正式党员."""
    with translation.override("en"):
        raw = spreadsheets.workbook_read(
            io.BytesIO(_workbook([_row(status="正式党员", 入党日期="2024-07-01", 转正日期="2025-07-01")]))
        )
        rows = import_rows_check(raw_rows=raw, scope=scope_for(world.admin))
    assert rows[0].problems == []
    assert (rows[0].data["gender"], rows[0].data["status"]) == ("female", Status.FULL)


def test_confirm_without_a_pending_upload_saves_nothing(client, world):
    """A confirm with a token that is not this session's pending upload is refused."""
    client.force_login(world.secretary_a)
    before = Member.objects.count()
    response = client.post(reverse("members:import"), {"action": "confirm", "token": "0" * 32})
    assert response.status_code == 302
    assert response["Location"] == reverse("members:import")
    _upload(client, _workbook([_row()]))
    token = _staged_token(client)
    other = client.__class__()
    other.force_login(world.admin)
    other.post(reverse("members:import"), {"action": "confirm", "token": token})
    assert Member.objects.count() == before


def test_confirm_checks_every_row_again(client, world):
    """Rows valid at preview are checked again at confirm: a number registered meanwhile stops the whole import."""
    client.force_login(world.secretary_a)
    late = make_id_number(date(1990, 2, 3))
    _upload(client, _workbook([_row("甲"), _row("乙", id_number=late)]))
    MemberFactory(organisation=world.branch_b, id_number=late, birth_date=date(1990, 2, 3))
    before = Member.objects.count()
    response = _confirm(client)
    assert response.status_code == 200
    assert "第3行 身份证号：该身份证号码已登记在其他党员档案中。" in response.content.decode()
    assert Member.objects.count() == before


def test_a_secretary_who_lost_the_post_cannot_confirm(client, world):
    """Confirmation goes through the access layer again: without a current post the answer is 404."""
    client.force_login(world.secretary_a)
    _upload(client, _workbook([_row()]))
    world.branch_a.committee_terms.update(is_current=False)
    before = Member.objects.count()
    assert _confirm(client).status_code == 404
    assert Member.objects.count() == before


def test_cancel_removes_the_pending_upload(client, world):
    """Cancelling a preview deletes the staged file and saves nothing."""
    client.force_login(world.secretary_a)
    _upload(client, _workbook([_row()]))
    assert ImportStage.objects.count() == 1
    before = Member.objects.count()
    response = client.post(reverse("members:import"), {"action": "cancel"})
    assert response.status_code == 302
    assert not ImportStage.objects.exists()
    assert Member.objects.count() == before


def test_reviewer_and_member_cannot_import(client, world):
    """Only those who manage a branch may import; a reviewer or a plain member gets 404."""
    for user in (world.reviewer, world.member_user):
        client.force_login(user)
        assert client.get(reverse("members:import")).status_code == 404
        assert _upload(client, _workbook([_row()])).status_code == 404
        assert client.get(reverse("members:import_template")).status_code == 404


# --- the export -----------------------------------------------------------------------------------------------------


def test_export_masks_id_numbers_for_a_reviewer(client, world):
    """A reviewer's export lists their subtree with masked ID numbers, even when asking for full ones."""
    client.force_login(world.reviewer)
    response = client.post(reverse("members:export"), {"ids": "full"})
    assert "attachment" in response["Content-Disposition"]
    assert "filename*=utf-8''" in response["Content-Disposition"]
    rows = _export(client, full=True)
    assert rows[0] == spreadsheets.HEADERS
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {"张书记", "王党员", "预备党员甲"}
    id_column = spreadsheets.HEADERS.index("身份证号")
    assert by_name["王党员"][id_column] == world.member_a.id_number_masked
    assert by_name["王党员"][spreadsheets.HEADERS.index("党小组代码")] == "A1"
    assert by_name["王党员"][spreadsheets.HEADERS.index("政治面貌")] == "正式党员"
    assert not IdNumberAccess.objects.exists()


def test_export_applies_the_roster_filters(client, world):
    """The export holds what the roster shows with the same query string."""
    client.force_login(world.admin)
    assert [row[0] for row in _export(client, "status=probationary")[1:]] == ["预备党员甲"]
    assert [row[0] for row in _export(client, f"organisation={world.branch_b.pk}&ordering=name")[1:]] == sorted(
        ["李书记", "赵党员"]
    )


def test_full_id_numbers_only_on_request_for_managed_members_and_logged(client, world):
    """Masked by default (and on a GET link asking for full numbers); the POST form with ids=full gives a secretary
    full numbers of their branch, each logged as an export."""
    client.force_login(world.secretary_a)
    id_column = spreadsheets.HEADERS.index("身份证号")
    masked = {row[0]: row[id_column] for row in _export(client)[1:]}
    assert masked["王党员"] == world.member_a.id_number_masked
    linked = {row[0]: row[id_column] for row in _export(client, "ids=full")[1:]}
    assert linked == masked
    assert not IdNumberAccess.objects.exists()

    full = {row[0]: row[id_column] for row in _export(client, full=True)[1:]}
    assert full["王党员"] == crypto.decrypt(world.member_a.id_number_encrypted)
    logs = IdNumberAccess.objects.filter(user=world.secretary_a, purpose="export")
    assert logs.count() == 3
    assert set(logs.values_list("member__name", flat=True)) == {"张书记", "王党员", "预备党员甲"}


def test_export_round_trips_through_the_import_checks(client, world):
    """An exported file has the template's columns, so it reads back as rows (here: every ID already registered)."""
    client.force_login(world.admin)
    response = client.post(reverse("members:export"), {"ids": "full", "organisation": world.branch_a.pk})
    raw = spreadsheets.workbook_read(io.BytesIO(_content(response)))
    rows = import_rows_check(raw_rows=raw, scope=scope_for(world.admin))
    assert len(rows) == 3
    assert all(any("已登记" in p for p in row.problems) for row in rows)


def test_member_cannot_export(client, world):
    """A plain member reads only their own record and has no export."""
    client.force_login(world.member_user)
    assert client.get(reverse("members:export")).status_code == 404


@pytest.mark.parametrize("role", ["reviewer", "admin"])
def test_export_query_count_does_not_grow_with_rows(client, world, role, django_assert_num_queries):
    """The export costs the same number of queries with 5 and with 50 members (full numbers logged in bulk)."""
    client.force_login(world.users()[role])
    url = reverse("members:export")

    def grow(total: int) -> None:
        for _i in range(total - Member.objects.filter(organisation=world.branch_a).count()):
            MemberFactory(organisation=world.branch_a, party_group=world.group_a1)

    grow(5)
    with CaptureQueriesContext(connection) as captured:
        _content(client.post(url, {"ids": "full"}))
    grow(50)
    with django_assert_num_queries(len(captured)):
        rows = _content(client.post(url, {"ids": "full"}))
    assert len(load_workbook(io.BytesIO(rows)).worksheets[0]["A"]) >= 51
