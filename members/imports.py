"""Importing a roster from Excel: check every row, then save all of them or none.

Between the preview and the confirmation the uploaded file waits as an `ImportStage` row, Fernet-encrypted (it holds
ID numbers in clear), for an hour at most: `import_stage` keeps it, `import_stage_confirm` imports it,
`import_stage_discard` drops it when the user cancels, and `import_stages_purge_expired` (a beat task) removes
previews nobody confirmed or cancelled.
"""

import io
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import IO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import audit_record
from branches.errors import DomainError, NotPermitted
from branches.models import Level, Organisation

from . import crypto, rules
from .access import Scope
from .models import ImportStage, Member
from .services import member_check, member_create
from .spreadsheets import HEADER_OF, NO, YES, RawRow, cell_date, cell_text, choice_lookup, workbook_read

#: How long a checked upload waits for its confirmation; older ones are refused and purged.
STAGE_MAX_AGE = timedelta(hours=1)

_TEXT_LIMITS = {
    name: Member._meta.get_field(name).max_length for name in ("name", "ethnicity", "phone", "work_unit", "position")
}
_PHONE_CHARS = set("0123456789-+() ")
_DEFAULT_ETHNICITY = Member._meta.get_field("ethnicity").default


@dataclass
class ImportRow:
    """One checked row: the member's data ready for `member_create`, and its problems in Chinese."""

    line: int
    name: str = ""
    id_number: str = ""
    organisation: Organisation | None = None
    status_label: str = ""
    data: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    #: Fields whose cell could not be read; the member rules skip them.
    failed: set[str] = field(default_factory=set)

    @property
    def id_number_masked(self) -> str:
        return rules.id_number_mask(self.id_number) if self.id_number else ""

    @property
    def is_valid(self) -> bool:
        return not self.problems

    def add(self, field_name: str, message: str, *, unreadable: bool = False) -> None:
        if unreadable:
            self.failed.add(field_name)
        self.problems.append(
            _("第{line}行 {column}：{message}").format(line=self.line, column=HEADER_OF[field_name], message=message)
        )


def import_rows_check(*, raw_rows: list[RawRow], scope: Scope) -> list[ImportRow]:
    """Check each row of an upload: cell formats, choices, organisation codes in the user's scope, duplicates inside
    the file and the member rules (`member_check`); return every row with its problems."""
    codes = {cell_text(r.cells.get(f)) for r in raw_rows for f in ("organisation", "party_group")} - {""}
    organisations = {o.code: o for o in Organisation.objects.filter(code__in=codes)}
    lookups = {name: choice_lookup(name) for name in ("gender", "education", "status")}
    first_line_of_id: dict[str, int] = {}
    checked = []
    for raw in raw_rows:
        row = _row_parse(raw, organisations=organisations, lookups=lookups, scope=scope)
        id_number: str | None = None
        if row.id_number and "id_number" not in row.failed:
            if row.id_number in first_line_of_id:
                row.add("id_number", _("与第{line}行的身份证号重复。").format(line=first_line_of_id[row.id_number]))
            else:
                first_line_of_id[row.id_number] = row.line
                id_number = row.id_number
        data = {k: v for k, v in row.data.items() if k not in row.failed}
        for field_name, message in member_check(data=data, id_number=id_number).items():
            if field_name not in row.failed:
                row.add(field_name, message)
        checked.append(row)
    return checked


def _row_parse(raw: RawRow, *, organisations: dict, lookups: dict, scope: Scope) -> ImportRow:
    cells = raw.cells
    row = ImportRow(line=raw.line)
    data: dict = {}
    failed = row.failed

    def problem(field_name: str, message: str) -> None:
        row.add(field_name, message, unreadable=True)

    for name, limit in _TEXT_LIMITS.items():
        value = cell_text(cells.get(name))
        if len(value) > limit:
            problem(name, _("最多{limit}个字符。").format(limit=limit))
        data[name] = value
    row.name = data["name"]
    if not data["name"]:
        problem("name", _("必须填写。"))
    data["ethnicity"] = data["ethnicity"] or _DEFAULT_ETHNICITY
    if data["phone"] and "phone" not in failed and not set(data["phone"]) <= _PHONE_CHARS:
        problem("phone", _("只能包含数字、空格和“-”“+”。"))

    for name, lookup in lookups.items():
        text = cell_text(cells.get(name))
        if name == "status":
            row.status_label = text
        if not text:
            if name in ("gender", "status"):
                problem(name, _("必须填写。"))
            data[name] = ""
        elif text in lookup:
            data[name] = lookup[text]
        else:
            allowed = "、".join(k for k, v in lookup.items() if k != v)
            problem(name, _("“{value}”不是可选值，应为：{allowed}。").format(value=text, allowed=allowed))

    for name in ("birth_date", "applied_on", "joined_on", "confirmed_on"):
        try:
            data[name] = cell_date(cells.get(name))
        except (ValueError, TypeError, OverflowError):
            problem(name, _("日期格式不正确，应为Excel日期或“2024-05-01”格式。"))
            continue
        if name == "birth_date" and data[name] is None:
            problem(name, _("必须填写。"))

    id_cell = cells.get("id_number")
    if isinstance(id_cell, int | float):
        # Excel keeps 15 significant digits: an ID number stored as a number has lost its last digits.
        problem("id_number", _("请将身份证号单元格设为文本格式后重新填写（数字格式会丢失末位）。"))
    row.id_number = rules.id_number_normalise(cell_text(id_cell))
    if not row.id_number and "id_number" not in failed:
        problem("id_number", _("必须填写。"))

    code = cell_text(cells.get("organisation"))
    branch = organisations.get(code)
    if not code:
        problem("organisation", _("必须填写。"))
    elif branch is None or branch.level != Level.BRANCH or not scope.may_add_member_to(branch):
        # One message for "no such code" and "not yours", so codes outside the scope stay unknown.
        problem("organisation", _("党支部代码“{code}”不存在或不在您管理的范围内。").format(code=code))
    else:
        data["organisation"] = row.organisation = branch
    group_code = cell_text(cells.get("party_group"))
    group = organisations.get(group_code)
    if group_code and (group is None or not scope.may_add_member_to(group)):
        problem("party_group", _("党小组代码“{code}”不存在或不在您管理的范围内。").format(code=group_code))
    else:
        data["party_group"] = group

    mobile = cells.get("is_mobile")
    text = cell_text(mobile)
    if isinstance(mobile, bool):
        data["is_mobile"] = mobile
    elif text in ("", NO):
        data["is_mobile"] = False
    elif text == YES:
        data["is_mobile"] = True
    else:
        problem("is_mobile", _("应填写“是”或“否”。"))

    row.data = data
    return row


@transaction.atomic
def members_import(*, rows: list[ImportRow], by: Scope) -> list[Member]:
    """Create a member for every row, in one transaction: a single invalid row saves nothing."""
    if not by.may_import_members():
        raise NotPermitted
    if not rows:
        raise DomainError(_("没有要导入的党员。"))
    invalid = sum(1 for row in rows if row.problems)
    if invalid:
        raise DomainError(_("有{count}行存在问题，未导入任何数据。").format(count=invalid))
    created = []
    for row in rows:
        try:
            created.append(member_create(data=row.data, id_number=row.id_number, by=by))
        except DomainError as exc:
            column = HEADER_OF.get(exc.field or "", "")
            raise DomainError(
                _("第{line}行 {column}：{message} 未导入任何数据。").format(
                    line=row.line, column=column, message=exc.message
                )
            ) from exc
    return created


# --- the upload between preview and confirmation -----------------------------------------------------------------


@dataclass
class ImportPreview:
    """What the preview shows: every checked row, the file's name, and the token to confirm with (empty when a row
    has problems: such a file is not kept)."""

    rows: list[ImportRow]
    file_name: str
    token: str = ""


class ImportNotSaved(DomainError):
    """The confirmation checked the rows again and saved nothing; `preview` shows why."""

    def __init__(self, message: str, *, preview: ImportPreview):
        super().__init__(message)
        self.preview = preview


#: What a staged upload's token looks like (secrets.token_hex(16)).
_TOKEN = re.compile(r"[0-9a-f]{32}")


def _stage_expired() -> DomainError:
    return DomainError(_("待导入的文件已失效，请重新上传。"))


def import_stage(*, upload: IO[bytes], by: Scope, size: int | None = None) -> ImportPreview:
    """Read and check an upload; when every row is valid, keep the file encrypted (under `by`'s login) until it is
    confirmed.

    A new upload replaces the user's earlier one. A broken file raises DomainError and changes nothing.
    """
    if not (by.may_import_members() and by.user_id is not None):
        raise NotPermitted
    # Read and checked before the transaction: a large file takes seconds, and nothing is written until the end.
    rows = import_rows_check(raw_rows=workbook_read(upload, size=size), scope=by)
    preview = ImportPreview(rows=rows, file_name=(getattr(upload, "name", "") or "")[:120])
    content = b""
    if all(row.is_valid for row in rows):
        upload.seek(0)
        content = crypto.encrypt_bytes(upload.read())
    with transaction.atomic():
        ImportStage.objects.filter(user_id=by.user_id).delete()
        if content:
            token = secrets.token_hex(16)
            ImportStage.objects.create(
                token=token, user_id=by.user_id, file_name=preview.file_name, content_encrypted=content
            )
            preview.token = token
    return preview


def import_stage_load(*, token: str, user_id: int | None, lock: bool = False) -> ImportStage:
    """The user's staged upload under `token` if it is younger than STAGE_MAX_AGE; DomainError otherwise (also for
    a token that is not one `import_stage` makes: 32 hexadecimal digits)."""
    if not _TOKEN.fullmatch(token or ""):
        raise _stage_expired()
    stages = ImportStage.objects.filter(token=token, user_id=user_id, created_at__gte=timezone.now() - STAGE_MAX_AGE)
    stage = (stages.select_for_update() if lock else stages).first()
    if stage is None:
        raise _stage_expired()
    return stage


def import_stage_preview(*, token: str, by: Scope) -> ImportPreview:
    """The preview of the caller's staged upload, its rows checked again; DomainError when it is gone or expired."""
    if not by.may_import_members():
        raise NotPermitted
    stage = import_stage_load(token=token, user_id=by.user_id)
    raw_rows = workbook_read(io.BytesIO(crypto.decrypt_bytes(stage.content_encrypted)))
    return ImportPreview(import_rows_check(raw_rows=raw_rows, scope=by), stage.file_name, stage.token)


@transaction.atomic
def import_stage_confirm(*, token: str, by: Scope) -> list[Member]:
    """Check the staged rows again (the data or the user's posts may have changed) and import them all, or none.

    Raises ImportNotSaved (with the rows) when a row now has a problem, DomainError when the upload is gone or
    expired. A second confirmation of the same upload finds it gone.
    """
    if not by.may_import_members():
        raise NotPermitted
    stage = import_stage_load(token=token, user_id=by.user_id, lock=True)
    raw_rows = workbook_read(io.BytesIO(crypto.decrypt_bytes(stage.content_encrypted)))
    rows = import_rows_check(raw_rows=raw_rows, scope=by)
    try:
        created = members_import(rows=rows, by=by)
    except DomainError as exc:
        raise ImportNotSaved(exc.message, preview=ImportPreview(rows, stage.file_name, stage.token)) from exc
    stage.delete()
    audit_record(
        action=Action.IMPORT,
        user_id=by.user_id,
        target="members.member",
        detail=_("党员名册导入 %(n)d 人（%(file)s）") % {"n": len(created), "file": stage.file_name},
    )
    return created


@transaction.atomic
def import_stage_discard(*, by: Scope) -> int:
    """Drop the user's staged upload (the preview was cancelled); returns how many were removed."""
    deleted, _counts = ImportStage.objects.filter(user_id=by.user_id).delete()
    return deleted


@transaction.atomic
def import_stages_purge_expired(*, by: Scope, now: datetime | None = None) -> int:
    """Delete staged uploads older than STAGE_MAX_AGE (previews nobody confirmed or cancelled); harmless to repeat."""
    if not by.may_run_scheduled_jobs():
        raise NotPermitted
    limit = (now or timezone.now()) - STAGE_MAX_AGE
    deleted, _counts = ImportStage.objects.filter(created_at__lt=limit).delete()
    return deleted
