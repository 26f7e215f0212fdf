# Each entry: URL name -> function(world) returning a list of Case.
# Case(kwargs, allowed) : `allowed` maps role -> expected status for GET, roles:
#   "anonymous", "member", "secretary_a", "secretary_b", "reviewer", "admin".
# Missing roles default to 404 (anonymous defaults to 302 to login).
from members.access import SYSTEM
from tests.matrix import Case

#: Roles who manage a branch (may import) and roles who may read a roster (may export).
_MANAGERS = {"secretary_a": 200, "secretary_b": 200, "admin": 200}
_READERS = {**_MANAGERS, "reviewer": 200}

CASES = {
    # Excel import and export (tests/members/test_excel.py covers what each role gets inside the file).
    "members:import_template": lambda w: [Case({}, _MANAGERS)],
    "members:import": lambda w: [
        Case({}, _MANAGERS),
        # An upload without a file shows the form again with its error; nothing is saved.
        Case({}, _MANAGERS, method="post", data={"action": "upload"}),
        Case({}, {"secretary_a": 302, "secretary_b": 302, "admin": 302}, method="post", data={"action": "cancel"}),
        # A filled template: A's secretary and admins are sent on to its preview (with the confirm step); for B's
        # secretary branch A is unknown, so the preview shows the problem at once and nothing is kept.
        Case(
            {},
            {"secretary_a": 302, "secretary_b": 200, "admin": 302},
            method="post",
            data=lambda: _import_upload_data("A"),
        ),
    ],
    "members:export": lambda w: [
        Case({}, _READERS),
        Case({}, _READERS, query="ids=full"),
        Case({}, _READERS, query=f"status=full&q={w.member_b.name}"),
        # The export with full ID numbers is the roster's POST form.
        Case({}, _READERS, method="post", data={"ids": "full", "status": "full"}),
    ],
}

EXEMPT: dict[str, str] = {}


def _import_upload_data(branch_code: str) -> dict:
    """The import's first step: a template filled with one valid applicant of the branch."""
    from datetime import date

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    from members.spreadsheets import HEADERS, workbook_bytes
    from tests.factories import make_id_number

    values = {
        "姓名": "新党员",
        "性别": "女",
        "民族": "汉族",
        "出生日期": date(1990, 2, 3),
        "身份证号": make_id_number(date(1990, 2, 3)),
        "党支部代码": branch_code,
        "政治面貌": "入党申请人",
        "递交入党申请日期": "2024-05-06",
        "流动党员": "否",
    }
    workbook = Workbook()
    workbook.active.append(list(HEADERS))
    workbook.active.append([values.get(header) for header in HEADERS])
    return {"action": "upload", "file": SimpleUploadedFile("名册.xlsx", workbook_bytes(workbook))}


# --- Member pages (H2a) -------------------------------------------------------------------------------------------
#: Who reads member A's record (branch A): the member themself, A's secretary, the reviewer of P1 and admins.
_READ_A = {"member": 200, "secretary_a": 200, "reviewer": 200, "admin": 200}
_READ_B = {"secretary_b": 200, "admin": 200}
_MANAGE_A = {"secretary_a": 200, "admin": 200}
_MANAGE_B = {"secretary_b": 200, "admin": 200}


def _with_photo(member):
    """Give a member a photo (through the service) so that the photo URL has something to stream."""
    from members.services import member_photo_set
    from tests.members.images import image_bytes, upload

    member_photo_set(member=member, upload=upload(image_bytes()), by=SYSTEM)
    return member


def _deleted_in(organisation):
    from tests.factories import MemberFactory

    return MemberFactory(organisation=organisation, is_deleted=True)


def _member_post_data(member, **changes) -> dict:
    """The edit form's fields for a member, as the page sends them."""
    from members.services import EDITABLE_FIELDS

    data = {}
    for name in EDITABLE_FIELDS:
        value = getattr(member, f"{name}_id" if name in ("organisation", "party_group") else name)
        if value is None:
            value = ""
        elif isinstance(value, bool):
            value = "on" if value else ""
        data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    data["version"] = member.version
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def _new_member_data(organisation) -> dict:
    from datetime import date

    from tests.factories import make_id_number

    birth = date(1990, 2, 3)
    return {
        "name": "新党员",
        "gender": "female",
        "ethnicity": "汉族",
        "birth_date": "1990-02-03",
        "id_number": make_id_number(birth),
        "organisation": organisation.pk,
        "status": "applicant",
        "applied_on": "2024-05-06",
    }


CASES.update(
    {
        "members:list": lambda w: [
            Case({}, {"member": 200, **_READERS}),
            Case({}, {"member": 200, **_READERS}, query=f"organisation={w.branch_b.pk}&status=full&ordering=-name"),
            Case({}, {"member": 200, **_READERS}, query="q=%E7%8E%8B&age=under35&mobile=yes&page=99"),
            # The search form posts and is sent back to the roster's address.
            Case({}, {"member": 302, **dict.fromkeys(_READERS, 302)}, method="post", data={"q": "王"}),
        ],
        "members:create": lambda w: [
            Case({}, _MANAGERS),
            # A branch outside the user's scope is not a choice: the form comes back with the error, nothing is saved.
            Case(
                {},
                {"secretary_a": 302, "secretary_b": 200, "admin": 302},
                method="post",
                data=lambda: _new_member_data(w.branch_a),
            ),
            Case({}, _MANAGERS, method="post", data={"name": ""}),
        ],
        "members:detail": lambda w: [
            Case({"pk": w.member_a.pk}, _READ_A),
            Case({"pk": w.member_b.pk}, _READ_B),
            Case({"pk": _deleted_in(w.branch_a).pk}, {}),
        ],
        "members:edit": lambda w: [
            Case({"pk": w.member_a.pk}, _MANAGE_A),
            Case({"pk": w.member_b.pk}, _MANAGE_B),
            Case(
                {"pk": w.member_a.pk},
                {"secretary_a": 302, "admin": 302},
                method="post",
                data=lambda: _member_post_data(w.member_a, work_unit="供电局"),
            ),
            Case(
                {"pk": w.member_b.pk},
                {"secretary_b": 302, "admin": 302},
                method="post",
                data=lambda: _member_post_data(w.member_b, work_unit="供电局"),
            ),
        ],
        "members:delete": lambda w: [
            Case({"pk": w.member_a.pk}, _MANAGE_A),
            Case({"pk": w.member_a.pk}, {"secretary_a": 302, "admin": 302}, method="post"),
            Case({"pk": w.member_b.pk}, {"secretary_b": 302, "admin": 302}, method="post"),
        ],
        "members:trash": lambda w: [Case({}, _MANAGERS)],
        "members:restore": lambda w: [
            Case({"pk": _deleted_in(w.branch_a).pk}, {"secretary_a": 302, "admin": 302}, method="post"),
            Case({"pk": _deleted_in(w.branch_b).pk}, {"secretary_b": 302, "admin": 302}, method="post"),
            Case({"pk": _deleted_in(w.branch_a).pk}, {"secretary_a": 405, "admin": 405}),
            # A record that is not deleted is not in the recycle bin.
            Case({"pk": w.member_a.pk}, {}, method="post"),
        ],
        "members:history": lambda w: [
            Case({"pk": w.member_a.pk}, _READ_A),
            Case({"pk": w.member_b.pk}, _READ_B),
        ],
        "members:show_id": lambda w: [
            # The member themself, their branch's secretary and admins; not the reviewer.
            Case({"pk": w.member_a.pk}, {"member": 200, "secretary_a": 200, "admin": 200}, method="post"),
            Case({"pk": w.member_b.pk}, _MANAGE_B, method="post"),
            Case({"pk": w.member_a.pk}, {"member": 405, "secretary_a": 405, "admin": 405}),
        ],
        "members:photo": lambda w: [
            Case({"pk": _with_photo(w.member_a).pk}, _READ_A),
            Case({"pk": _with_photo(w.member_b).pk}, _READ_B),
            # No photo: nothing to stream, for anyone.
            Case({"pk": w.secretary_a_member.pk}, {}),
        ],
        "members:photo_upload": lambda w: [
            Case({"pk": w.member_a.pk}, _MANAGE_A),
            Case({"pk": w.member_a.pk}, {"secretary_a": 302, "admin": 302}, method="post", data=_photo_upload_data),
            Case({"pk": w.member_b.pk}, {"secretary_b": 302, "admin": 302}, method="post", data=_photo_upload_data),
        ],
    }
)


def _photo_upload_data() -> dict:
    from tests.members.images import image_bytes, upload

    return {"photo": upload(image_bytes())}


# --- Transfers (组织关系转接) and mobile members --------------------------------------------------------------------
#: Who reads a transfer between A and B: both branches' secretaries, the reviewer of P1 (above A) and admins.
_READ_TRANSFER = {"secretary_a": 200, "secretary_b": 200, "reviewer": 200, "admin": 200}


def _transfer(w, *, to_b: bool = True, outgoing: bool = False):
    """A transfer waiting: from A to B (or B to A), or out of the portal from A; started through the service."""
    from django.utils import timezone

    from members.services.transfers import transfer_start
    from tests.factories import MemberFactory

    source = w.branch_a if to_b or outgoing else w.branch_b
    member = MemberFactory(organisation=source)
    target = None if outgoing else (w.branch_b if to_b else w.branch_a)
    return transfer_start(
        member=member,
        to_organisation=target,
        destination="中共某县委组织部" if outgoing else "",
        reason="工作调动",
        started_on=timezone.localdate(),
        by=SYSTEM,
    )


def _start_data(w) -> dict:
    from django.utils import timezone

    return {
        "to_organisation": w.branch_b.pk,
        "reason": "工作调动",
        "started_on": timezone.localdate().isoformat(),
        "valid_days": "30",
    }


CASES.update(
    {
        "members:transfers": lambda w: [
            Case({}, _READERS),
            Case({}, _READERS, query="state=incoming&page=2"),
            Case({}, _READERS, query="state=closed"),
        ],
        "members:transfer_detail": lambda w: [
            Case({"pk": _transfer(w).pk}, _READ_TRANSFER),
            Case({"pk": _transfer(w, outgoing=True).pk}, {"secretary_a": 200, "reviewer": 200, "admin": 200}),
        ],
        "members:transfer_start": lambda w: [
            Case({"pk": w.member_a.pk}, _MANAGE_A),
            Case({"pk": w.member_b.pk}, _MANAGE_B),
            Case({"pk": w.member_a.pk}, {"secretary_a": 302, "admin": 302}, method="post", data=lambda: _start_data(w)),
            # To one's own branch: the form comes back with the rule; nothing is saved.
            Case(
                {"pk": w.member_b.pk},
                _MANAGE_B,
                method="post",
                data=lambda: {**_start_data(w), "to_organisation": w.branch_b.pk},
            ),
        ],
        "members:transfer_accept": lambda w: [
            Case({"pk": _transfer(w).pk}, {"secretary_b": 302, "admin": 302}, method="post"),
            Case({"pk": _transfer(w, to_b=False).pk}, {"secretary_a": 302, "admin": 302}, method="post"),
            Case({"pk": _transfer(w).pk}, {"secretary_b": 405, "admin": 405}),
        ],
        "members:transfer_return": lambda w: [
            Case({"pk": _transfer(w).pk}, {"secretary_b": 200, "admin": 200}),
            Case(
                {"pk": _transfer(w).pk},
                {"secretary_b": 302, "admin": 302},
                method="post",
                data={"return_reason": "接收单位有误"},
            ),
            Case({"pk": _transfer(w).pk}, {"secretary_b": 200, "admin": 200}, method="post", data={}),
        ],
        "members:transfer_cancel": lambda w: [
            Case({"pk": _transfer(w).pk}, {"secretary_a": 302, "admin": 302}, method="post"),
            Case({"pk": _transfer(w).pk}, {"secretary_a": 405, "admin": 405}),
        ],
        "members:transfer_left": lambda w: [
            Case({"pk": _transfer(w, outgoing=True).pk}, {"secretary_a": 302, "admin": 302}, method="post"),
            # Inside the portal the receiving branch accepts: the sender is told so, nothing changes.
            Case({"pk": _transfer(w).pk}, {"secretary_a": 302, "admin": 302}, method="post"),
        ],
        "members:transfer_letter": lambda w: [
            Case({"pk": _transfer(w, outgoing=True).pk}, {"secretary_a": 200, "admin": 200}, method="post"),
            Case({"pk": _transfer(w, to_b=False).pk}, {"secretary_b": 200, "admin": 200}, method="post"),
            Case({"pk": _transfer(w).pk}, {"secretary_a": 405, "admin": 405}),
        ],
        "members:mobile": lambda w: [Case({}, _READERS), Case({}, _READERS, query="page=3")],
    }
)
