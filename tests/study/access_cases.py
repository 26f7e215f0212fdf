# Study tasks in the every-URL × role matrix (tests/test_access_matrix.py). Roles: "member" (王党员 of branch A),
# "secretary_a" / "secretary_b" (also members of their branches), "reviewer" (P1's subtree), "admin".
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.matrix import Case

_MEMBERS = {"member": 200, "secretary_a": 200, "secretary_b": 200}
_ASSIGNERS = {"secretary_a": 200, "secretary_b": 200, "reviewer": 200, "admin": 200}
_READ_A = {"secretary_a": 200, "reviewer": 200, "admin": 200}
_READ_ROOT_TASK = {"secretary_a": 200, "secretary_b": 200, "reviewer": 200, "admin": 200}


def _task(w, organisation=None, **changes):
    """A task of branch A (a reflection), or of another organisation, assigned by SYSTEM."""
    from tests.study.helpers import assign

    changes.setdefault("completion", "reflection")
    return assign(organisation or w.branch_a, **changes)


def _row(w):
    return _task(w).assignments.get(member=w.member_a)


def _with_file(w):
    task = _task(w, files=[SimpleUploadedFile("材料.pdf", b"%PDF-1.4 test")])
    return task, task.files.get()


def _new_task_data(w) -> dict:
    from tests.study.helpers import task_data

    data = task_data(completion="read")
    data.update(organisation=w.branch_a.pk, starts_on=data["starts_on"].isoformat(), due_on=data["due_on"].isoformat())
    data.pop("meeting")
    data.pop("target_statuses")
    return data


def _file_cases(w):
    task, found = _with_file(w)
    return [
        Case({"pk": task.pk, "file_pk": found.pk}, {"member": 200, **_READ_A}),
        Case({"pk": task.pk, "file_pk": found.pk + 1000}, {}),
    ]


CASES = {
    "study:mine": lambda w: [
        Case({}, _MEMBERS),
        Case({}, _MEMBERS, query="show=done"),
        Case({}, _MEMBERS, query="show=nonsense&page=99"),
    ],
    # A member opens their own row only; saving a draft answers with the page again.
    "study:assignment": lambda w: [
        Case({"pk": _row(w).pk}, {"member": 200}),
        Case({"pk": _row(w).pk}, {"member": 302}, method="post", data={"action": "draft", "reflection": "草稿"}),
    ],
    "study:record": lambda w: [
        Case({"pk": w.member_a.pk}, {"member": 200, **_READ_A}),
        Case({"pk": w.member_b.pk}, {"secretary_b": 200, "admin": 200}, query="year=1900"),
    ],
    "study:list": lambda w: [Case({}, _ASSIGNERS), Case({}, _ASSIGNERS, query="page=abc")],
    # Assigning for branch A: its secretary, the reviewer of P1 and admins publish; secretary B's form refuses the
    # organisation (the form again, nothing saved).
    "study:create": lambda w: [
        Case({}, _ASSIGNERS),
        Case({}, _ASSIGNERS, query=f"organisation={w.branch_a.pk}"),
        Case(
            {},
            {"secretary_a": 302, "secretary_b": 200, "reviewer": 302, "admin": 302},
            method="post",
            data=lambda: _new_task_data(w),
        ),
    ],
    "study:detail": lambda w: [
        Case({"pk": _task(w).pk}, _READ_A),
        Case({"pk": _task(w, w.root).pk}, _READ_ROOT_TASK),
        Case({"pk": _task(w, w.branch_b).pk}, {"secretary_b": 200, "admin": 200}),
    ],
    "study:edit": lambda w: [
        Case({"pk": _task(w).pk}, _READ_A),
        Case({"pk": _task(w, w.root).pk}, {"admin": 200}),
    ],
    "study:members": lambda w: [
        Case({"pk": _task(w).pk}, _READ_A),
        Case({"pk": _task(w, w.root).pk}, _READ_ROOT_TASK, query="state=behind&page=2"),
    ],
    "study:remind": lambda w: [
        Case({"pk": _task(w).pk}, {"secretary_a": 302, "reviewer": 302, "admin": 302}),
        Case({"pk": _task(w).pk}, {"secretary_a": 302, "reviewer": 302, "admin": 302}, method="post"),
    ],
    "study:export": lambda w: [
        Case({"pk": _task(w).pk}, _READ_A),
        Case({"pk": _task(w, w.root).pk}, _READ_ROOT_TASK),
    ],
    "study:file": _file_cases,
    # A reviewer of completion reads a member's row; returning a row not yet submitted answers with the form again.
    "study:review": lambda w: [
        Case({"pk": _row(w).pk}, _READ_A),
        Case({"pk": _row(w).pk}, _READ_A, method="post", data={"comment": "请修改"}),
    ],
}
