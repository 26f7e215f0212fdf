"""Access-matrix entries for the meetings URLs (see tests/matrix.py and tests/test_access_matrix.py).

Each entry: URL name -> function(world) returning a list of Case. Roles not listed get 404
(anonymous a redirect to the login page). Helpers append their own sections below with small edits.
"""

from tests.matrix import Case  # noqa: F401  (used by the sections below)

CASES: dict = {}

EXEMPT: dict[str, str] = {}


# --- Compliance pages (compliance_views.py) -----------------------------------------------------------------------
#: Who reads branch A's compliance: its secretary, the reviewer of P1 (A is in P1's subtree) and admins.
_COMPLIANCE_A = {"secretary_a": 200, "reviewer": 200, "admin": 200}


def _requirement(meeting_type: str = "party_lecture", **changes) -> dict:
    return {"action": "set", "meeting_type": meeting_type, "period": "month", "count": "1", **changes}


CASES.update({
    "meetings:compliance": lambda w: [
        Case({"pk": w.branch_a.pk}, _COMPLIANCE_A),
        Case({"pk": w.branch_a.pk}, _COMPLIANCE_A, query="period=2026-11&status=red"),
        # A bad period shows the message at the field and the current quarter: never a 500.
        Case({"pk": w.branch_a.pk}, _COMPLIANCE_A, query="period=2026-13&status=nonsense"),
        Case({"pk": w.p1.pk}, {"reviewer": 200, "admin": 200}, query="period=2026"),
        Case({"pk": w.root.pk}, {"admin": 200}),
        Case({"pk": w.branch_b.pk}, {"secretary_b": 200, "admin": 200}, query="period=2026-Q3"),
        Case({"pk": 999999}, {}),
    ],
    "meetings:requirements": lambda w: [
        Case({"pk": w.branch_a.pk}, _COMPLIANCE_A),
        Case({"pk": w.p1.pk}, {"reviewer": 200, "admin": 200}),
        Case({"pk": w.branch_b.pk}, {"secretary_b": 200, "admin": 200}),
        # Setting: a committee's managers and admins; a branch secretary cannot lower their own requirements.
        Case({"pk": w.branch_a.pk}, {"admin": 302}, method="post", data=_requirement()),
        Case({"pk": w.p1.pk}, {"admin": 302}, method="post", data=_requirement(not_required="on")),
        Case({"pk": w.branch_a.pk}, {"admin": 302}, method="post",
             data={"action": "clear", "meeting_type": "party_lecture"}),
        # Bad input: the page again with the message at the field, nothing saved.
        Case({"pk": w.branch_a.pk}, {"admin": 200}, method="post", data=_requirement(count="-1")),
        Case({"pk": w.branch_a.pk}, {"admin": 200}, method="post", data=_requirement(meeting_type="other")),
        Case({"pk": w.branch_b.pk}, {"admin": 302}, method="post", data=_requirement()),
    ],
})

# --- Photos, attachments, minutes PDF, calendar, .ics feed, my meetings (tests/meetings/access_cases_files.py) ------
from tests.meetings.access_cases_files import CASES as _FILE_CASES  # noqa: E402

CASES.update(_FILE_CASES)

# --- Meeting pages: list, plan, record, attendance, finalise, amend, delete, history (access_cases_pages.py) -------
from tests.meetings.access_cases_pages import CASES as _PAGE_CASES  # noqa: E402

CASES.update(_PAGE_CASES)
