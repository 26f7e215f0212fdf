# Each entry: URL name -> function(world) returning a list of Case (see tests/matrix.py).
from tests.matrix import Case

#: Readers of branch A (its secretary, P1's reviewer, admins) and of branch B (its secretary, admins).
_A_READERS = {"secretary_a": 200, "reviewer": 200, "admin": 200}
_B_READERS = {"secretary_b": 200, "admin": 200}
_READERS = {"secretary_a": 302, "secretary_b": 302, "reviewer": 302, "admin": 302}


def _person(world):
    from tests.development.helpers import candidate

    return candidate(world.branch_a, name="发展对象丙")


def _step_data():
    return {"kind": "talk", "done_on": "2025-01-21", "actor": "张书记"}


CASES = {
    # 发展党员 in the navigation: the board of the reader's own part of the tree; a member has none.
    "development:index": lambda w: [Case({}, _READERS)],
    "development:board": lambda w: [
        Case({"pk": w.branch_a.pk}, _A_READERS),
        Case({"pk": w.branch_a.pk}, _A_READERS, query="stage=candidate&state=overdue&page=3"),
        Case({"pk": w.branch_b.pk}, _B_READERS),
        Case({"pk": w.root.pk}, {"admin": 200}),
        # A 党小组 keeps no people of its own: no board.
        Case({"pk": w.group_a1.pk}, {}),
    ],
    "development:funnel": lambda w: [
        Case({"pk": w.p1.pk}, {"reviewer": 200, "admin": 200}, query="year=2025"),
        Case({"pk": w.branch_a.pk}, _A_READERS),
    ],
    "development:path": lambda w: [Case({"pk": _person(w).pk}, _A_READERS)],
    # Recording a step: branch A's managers and admins; the reviewer reads the path but records nothing.
    "development:record": lambda w: [
        Case({"pk": _person(w).pk}, {"secretary_a": 200, "admin": 200}),
        # The talk is already recorded: the form comes back with the rule, nothing saved.
        Case({"pk": _person(w).pk}, {"secretary_a": 200, "admin": 200}, method="post", data=_step_data),
        # A 正式党员 is not on the path: no step to record.
        Case({"pk": w.member_a.pk}, {}),
    ],
}

EXEMPT: dict[str, str] = {}
