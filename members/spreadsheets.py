"""The roster as an Excel workbook: the import template, reading an uploaded file, and the export.

The column headers are a file format shared by the template, the import and the export, so they stay Chinese in
every interface language (a file downloaded in English can still be imported).

Every row the portal writes goes through `row_append` (a styled cell through `cell_write`): text typed by people (a
work unit such as `=HYPERLINK(...)`, an organisation's name) is always stored as text, never as a formula.
"""

import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from branches.errors import DomainError
from branches.models import Organisation

from .models import Education, Gender, Member, Status


@dataclass(frozen=True)
class Column:
    """One column of the roster workbook and the member field it holds."""

    header: str
    field: str
    required: bool = False
    kind: str = "text"  # text, date, choice, bool, code
    width: int = 14


COLUMNS: tuple[Column, ...] = (
    Column("姓名", "name", required=True, width=10),
    Column("性别", "gender", required=True, kind="choice", width=6),
    Column("民族", "ethnicity", width=8),
    Column("出生日期", "birth_date", required=True, kind="date", width=12),
    Column("身份证号", "id_number", required=True, width=21),
    Column("手机号", "phone", width=14),
    Column("学历", "education", kind="choice", width=12),
    Column("工作单位", "work_unit", width=22),
    Column("职务", "position", width=12),
    Column("党支部代码", "organisation", required=True, kind="code", width=12),
    Column("党小组代码", "party_group", kind="code", width=12),
    Column("政治面貌", "status", required=True, kind="choice", width=12),
    Column("递交入党申请日期", "applied_on", kind="date", width=16),
    Column("入党日期", "joined_on", kind="date", width=12),
    Column("转正日期", "confirmed_on", kind="date", width=12),
    Column("流动党员", "is_mobile", kind="bool", width=9),
)
HEADERS: tuple[str, ...] = tuple(c.header for c in COLUMNS)
HEADER_OF: dict[str, str] = {c.field: c.header for c in COLUMNS}
HEADERS_FIELD: dict[str, str] = {c.header: c.field for c in COLUMNS}
CHOICES = {"gender": Gender, "education": Education, "status": Status}
YES, NO = "是", "否"

DATA_SHEET = "党员名册"
HELP_SHEET = "填写说明"
CODES_SHEET = "组织代码"
#: Rows of data one upload may hold; larger rosters are imported in parts.
MAX_ROWS = 5000
#: Reading stops after this many empty rows in a row (formatted but unused rows at the end of a sheet).
MAX_BLANK_RUN = 1000
#: Uncompressed size a workbook may unpack to: guards against zip bombs.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
DATE_FORMAT = "yyyy-mm-dd"


def choice_labels(field_name: str) -> list[str]:
    """The Chinese labels of a choice column, as the template offers them."""
    with translation.override("zh-hans"):
        return [str(label) for label in CHOICES[field_name].labels]


def choice_lookup(field_name: str) -> dict[str, str]:
    """Map what a cell may hold (Chinese label, label in the current language, stored value) to the value."""
    choices = CHOICES[field_name]
    lookup = {value: value for value in choices.values}
    lookup.update({str(label): value for value, label in choices.choices})
    with translation.override("zh-hans"):
        lookup.update({str(label): value for value, label in choices.choices})
    return lookup


# --- writing cells ----------------------------------------------------------------------------------------------

#: What a spreadsheet program may read as the start of a formula or a command when the text is typed or pasted in:
#: = + - @, and a tab or carriage return before them (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_write(sheet, value: Any, *, number_format: str | None = None) -> Cell:
    """The one way the portal writes a cell, for normal and write-only sheets alike (pass it to `sheet.append`).

    Text is stored as a string cell whatever it begins with: openpyxl would otherwise store "=1+1" as a formula and
    "#N/A" as an error. Text that begins like a formula also gets Excel's quote prefix (the style of a cell typed as
    '=1+1), so it stays text when someone edits the cell. Control characters a workbook cannot hold are dropped
    instead of failing the whole file.
    """
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    if number_format is not None:
        cell.number_format = number_format
    return cell


def _plain(value: Any) -> bool:
    """Whether openpyxl stores a value as it is: anything but text it would read as a formula or an error code, or
    that holds characters a workbook cannot (such text needs `cell_write`)."""
    if not isinstance(value, str):
        return True
    return not (value.startswith(FORMULA_STARTS) or value in ERROR_CODES or ILLEGAL_CHARACTERS_RE.search(value))


def row_append(sheet, values: Iterable[Any]) -> None:
    """Append one row: cells as they are, plain values as they are, any other text through `cell_write`.

    Only text that needs it gets a cell of its own: a roster of 60,000 rows is written as fast as before.
    """
    sheet.append([value if isinstance(value, Cell) or _plain(value) else cell_write(sheet, value) for value in values])


# --- the template -----------------------------------------------------------------------------------------------

_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="C8102E")
_REQUIRED_FILL = PatternFill("solid", fgColor="9E0B23")


def _help_rows() -> list[tuple[str, str, str, str]]:
    """Instructions for each column: header, required, how to fill it, allowed values."""
    date_hint = _("Excel日期，或按“2024-05-01”格式填写的文本")
    notes = {
        "name": (_("与身份证一致"), ""),
        "gender": (_("从下拉列表选择"), "、".join(choice_labels("gender"))),
        "ethnicity": (_("如“汉族”；不填默认为汉族"), ""),
        "birth_date": (_("须与身份证号中的出生日期一致") + "；" + date_hint, ""),
        "id_number": (_("18位，最后一位可为X；请保持单元格为文本格式，以免末位丢失"), ""),
        "phone": (_("11位手机号或固定电话"), ""),
        "education": (_("从下拉列表选择"), "、".join(choice_labels("education"))),
        "work_unit": ("", ""),
        "position": ("", ""),
        "organisation": (_("见“组织代码”工作表；只能导入到您管理的党支部"), ""),
        "party_group": (_("见“组织代码”工作表；须属于所填党支部"), ""),
        "status": (_("从下拉列表选择"), "、".join(choice_labels("status"))),
        "applied_on": (_("递交申请时须年满18周岁") + "；" + date_hint, ""),
        "joined_on": (_("不得早于递交入党申请日期") + "；" + date_hint, ""),
        "confirmed_on": (_("不得早于入党日期") + "；" + date_hint, ""),
        "is_mobile": (_("不填视为“否”"), f"{YES}、{NO}"),
    }
    return [(c.header, _("必填") if c.required else _("选填"), *notes[c.field]) for c in COLUMNS]


def template_workbook(*, organisations: Iterable[Organisation]) -> Workbook:
    """Build the import template: an empty roster sheet, the instructions, and the codes the user may import to."""
    with translation.override("zh-hans"):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = DATA_SHEET
        _write_header(sheet)
        last = MAX_ROWS + 1
        for index, column in enumerate(COLUMNS, start=1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].number_format = DATE_FORMAT if column.kind == "date" else "@"
            for row in range(2, min(last, 501) + 1):
                # Text format keeps ID numbers and codes as typed (a number loses the last digits).
                sheet.cell(row=row, column=index).number_format = DATE_FORMAT if column.kind == "date" else "@"
            validation = _validation_for(column)
            if validation is not None:
                validation.add(f"{letter}2:{letter}{last}")
                sheet.add_data_validation(validation)

        codes = workbook.create_sheet(CODES_SHEET)
        row_append(codes, [_("党支部代码"), _("党支部名称"), _("党小组代码"), _("党小组名称（所属党支部）")])
        branches, groups = [], []
        for org in organisations:
            (groups if org.is_party_group else branches).append(org)
        branch_name = {b.path: b.name for b in branches}
        for i in range(max(len(branches), len(groups))):
            branch = branches[i] if i < len(branches) else None
            group = groups[i] if i < len(groups) else None
            row_append(
                codes,
                [
                    branch.code if branch else None,
                    branch.name if branch else None,
                    group.code if group else None,
                    f"{group.name}（{branch_name.get(group.path[: -Organisation.steplen], '')}）" if group else None,
                ],
            )
        for letter, width in zip("ABCD", (14, 28, 14, 36), strict=True):
            codes.column_dimensions[letter].width = width
        for cell in codes[1]:
            cell.font = Font(bold=True)
        if branches:
            validation = DataValidation(
                type="list", formula1=f"'{CODES_SHEET}'!$A$2:$A${len(branches) + 1}", allow_blank=True
            )
            validation.error = _("请填写“组织代码”工作表中列出的党支部代码。")
            validation.showErrorMessage = True
            letter = get_column_letter(HEADERS.index("党支部代码") + 1)
            validation.add(f"{letter}2:{letter}{last}")
            sheet.add_data_validation(validation)

        help_sheet = workbook.create_sheet(HELP_SHEET)
        row_append(help_sheet, [_("党员名册导入说明")])
        help_sheet["A1"].font = Font(bold=True, size=14)
        for line in (
            _("1. 在“党员名册”工作表中每行填写一名党员，第一行列名不要修改、删除或调换。"),
            _("2. 标为“必填”的列不能为空；日期填Excel日期或“2024-05-01”格式的文本。"),
            _("3. 上传后系统逐行检查并列出问题；只有全部行都没有问题时才能确认导入，否则不会保存任何数据。"),
            _("4. 一次最多导入{count}行。").format(count=MAX_ROWS),
            "",
        ):
            row_append(help_sheet, [line])
        row_append(help_sheet, [_("列名"), _("是否必填"), _("填写要求"), _("可选值")])
        for cell in help_sheet[help_sheet.max_row]:
            cell.font = Font(bold=True)
        for row in _help_rows():
            row_append(help_sheet, row)
        for letter, width in zip("ABCD", (18, 10, 60, 60), strict=True):
            help_sheet.column_dimensions[letter].width = width
        for row in help_sheet.iter_rows(min_row=7):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    return workbook


def _write_header(sheet) -> None:
    row_append(sheet, HEADERS)
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = _HEADER_FONT
        cell.fill = _REQUIRED_FILL if column.required else _HEADER_FILL
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"


def _validation_for(column: Column) -> DataValidation | None:
    if column.kind == "choice":
        values = choice_labels(column.field)
    elif column.kind == "bool":
        values = [YES, NO]
    else:
        return None
    validation = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=not column.required)
    validation.error = _("请从下拉列表中选择：{values}").format(values="、".join(values))
    validation.showErrorMessage = True
    return validation


def workbook_bytes(workbook: Workbook) -> bytes:
    """Serialise a workbook to .xlsx bytes."""
    from io import BytesIO

    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- reading an upload ------------------------------------------------------------------------------------------


@dataclass
class RawRow:
    """One non-empty row of an uploaded roster: its line in the sheet and its cells by field name."""

    line: int
    cells: dict[str, Any] = field(default_factory=dict)


def _not_xlsx() -> DomainError:
    return DomainError(_("文件不是有效的Excel（.xlsx）文件。"), field="file")


def workbook_read(upload: IO[bytes], *, size: int | None = None) -> list[RawRow]:
    """Read the roster rows of an uploaded .xlsx; a broken file, wrong columns or too many rows raise DomainError."""
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    upload.seek(0)
    if size > settings.ATTACHMENT_MAX_BYTES:
        raise DomainError(
            _("文件过大：最大{size}MB。").format(size=settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)), field="file"
        )
    try:
        with zipfile.ZipFile(upload) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise _not_xlsx()
        upload.seek(0)
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except DomainError:
        raise
    except Exception as exc:  # openpyxl and zipfile raise many kinds of errors for a file that is not a workbook
        raise _not_xlsx() from exc
    try:
        sheet = workbook[DATA_SHEET] if DATA_SHEET in workbook.sheetnames else workbook.worksheets[0]
        rows = list(_rows(sheet))
    except DomainError:
        raise
    except Exception as exc:
        raise _not_xlsx() from exc
    finally:
        workbook.close()
    if not rows:
        raise DomainError(_("文件中没有党员数据：请从第2行起每行填写一名党员。"), field="file")
    return rows


def _header_problem(header: list[str]) -> str | None:
    present = [h for h in header if h]
    missing = [h for h in HEADERS if h not in present]
    unknown = [h for h in present if h not in HEADERS]
    repeated = sorted({h for h in present if present.count(h) > 1 and h in HEADERS}, key=HEADERS.index)
    parts = []
    if missing:
        parts.append(_("缺少列：{names}").format(names="、".join(missing)))
    if unknown:
        parts.append(_("无法识别的列：{names}").format(names="、".join(unknown)))
    if repeated:
        parts.append(_("重复的列：{names}").format(names="、".join(repeated)))
    if not parts:
        return None
    return _("表头与导入模板不一致（{details}）。请下载最新模板，不要修改第一行的列名。").format(
        details="；".join(parts)
    )


def _rows(sheet) -> Iterator[RawRow]:
    rows = sheet.iter_rows(values_only=True)
    first = next(rows, None)
    header = [str(v).strip() if v is not None else "" for v in (first or ())]
    while header and not header[-1]:
        header.pop()
    if not header:
        raise DomainError(_("文件中没有数据：第一行应为导入模板的列名。"), field="file")
    problem = _header_problem(header)
    if problem:
        raise DomainError(problem, field="file")
    positions = {HEADERS_FIELD[h]: i for i, h in enumerate(header) if h}
    count = blank_run = 0
    for line, values in enumerate(rows, start=2):
        cells = {name: (values[i] if i < len(values) else None) for name, i in positions.items()}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells.values()):
            blank_run += 1
            if blank_run >= MAX_BLANK_RUN:
                break
            continue
        blank_run = 0
        count += 1
        if count > MAX_ROWS:
            raise DomainError(_("一次最多导入{count}行，请分批导入。").format(count=MAX_ROWS), field="file")
        yield RawRow(line=line, cells=cells)


# --- cell values ------------------------------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A cell as stripped text; whole numbers without a trailing ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def cell_date(value: Any) -> date | None:
    """A date cell: an Excel date, or text like 2024-05-01 (also 2024/5/1 and 2024.5.1); ValueError otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        for separator in ("-", "/", "."):
            parts = text.split(separator)
            if len(parts) == 3 and all(p.strip().isdecimal() for p in parts):
                year, month, day = (int(p) for p in parts)
                if year >= 1900:
                    return date(year, month, day)
    raise ValueError(value)


# --- the export -------------------------------------------------------------------------------------------------


def roster_workbook(members: Iterable[Member], *, id_number_for) -> Workbook:
    """Write members in the template's columns (write-only, so memory stays flat); `id_number_for(member)` decides
    what the ID column shows."""
    with translation.override("zh-hans"):
        labels = {name: dict(choices.choices) for name, choices in CHOICES.items()}
        labels = {name: {k: str(v) for k, v in values.items()} for name, values in labels.items()}
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(DATA_SHEET)
        for index, column in enumerate(COLUMNS, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        sheet.freeze_panes = "A2"
        header = []
        for column in COLUMNS:
            cell = cell_write(sheet, column.header)
            cell.font = _HEADER_FONT
            cell.fill = _REQUIRED_FILL if column.required else _HEADER_FILL
            header.append(cell)
        sheet.append(header)
        for member in members:
            row = []
            for column in COLUMNS:
                if column.field == "id_number":
                    value: Any = id_number_for(member)
                elif column.kind == "code":
                    org = getattr(member, column.field)
                    value = org.code if org else None
                elif column.kind == "choice":
                    raw = getattr(member, column.field)
                    value = labels[column.field].get(raw, raw) or None
                elif column.kind == "bool":
                    value = YES if getattr(member, column.field) else NO
                else:
                    value = getattr(member, column.field) or None
                if column.kind == "date" and value is not None:
                    value = cell_write(sheet, value, number_format=DATE_FORMAT)
                row.append(value)
            row_append(sheet, row)
    return workbook
