"""Access-matrix entries for the meetings URLs (see tests/matrix.py and tests/test_access_matrix.py).

Each entry: URL name -> function(world) returning a list of Case. Roles not listed get 404
(anonymous a redirect to the login page). Helpers append their own sections below with small edits.
"""

from tests.matrix import Case  # noqa: F401  (used by the sections below)

CASES: dict = {}

EXEMPT: dict[str, str] = {}

# --- Photos, attachments, minutes PDF, calendar, .ics feed, my meetings (tests/meetings/access_cases_files.py) ------
from tests.meetings.access_cases_files import CASES as _FILE_CASES  # noqa: E402

CASES.update(_FILE_CASES)
