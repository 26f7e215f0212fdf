"""Study tasks of the large data set: over its years, about 40 tasks per member per year — 4 a year assigned by the
root organisation to everyone, 36 a year by each branch to its members — with four in five rows completed, written
by PostgreSQL in set-based statements (a few million rows in minutes)."""

from django.db import connection, transaction

from .scale_tree import ScaleSpec

ROOT_TASKS_PER_YEAR = 4
BRANCH_TASKS_PER_YEAR = 36

_ROOT_TASKS = """
INSERT INTO study_studytask (organisation_id, title, content, starts_on, due_on, hours, completion, min_length,
                             target_kind, target_statuses, version, created_at)
SELECT o.id, '上级党委学习任务 ' || n, '', d, d + 20, 2, 'read', 0, 'organisation', '[]'::jsonb, 1, now()
  FROM branches_organisation o,
       generate_series(0, %(years)s * %(root_per_year)s - 1) AS n,
       LATERAL (SELECT (%(until)s::date - (n * 365 / %(root_per_year)s) - 25) AS d) AS day
 WHERE o.depth = 1
"""

_BRANCH_TASKS = """
INSERT INTO study_studytask (organisation_id, title, content, starts_on, due_on, hours, completion, min_length,
                             target_kind, target_statuses, version, created_at)
SELECT o.id, '支部学习任务 ' || n, '', d, d + 14, 1,
       CASE WHEN n %% 4 = 0 THEN 'reflection' ELSE 'read' END, 0, 'organisation', '[]'::jsonb, 1, now()
  FROM branches_organisation o,
       generate_series(0, %(years)s * %(branch_per_year)s - 1) AS n,
       LATERAL (SELECT (%(until)s::date - (n * 365 / %(branch_per_year)s) - 10) AS d) AS day
 WHERE o.level = 'branch'
"""

_ASSIGNMENTS = """
INSERT INTO study_assignment (task_id, member_id, state, reflection, return_comment, completed_via, completed_at,
                              updated_at)
SELECT t.id, m.id,
       CASE WHEN (t.id + m.id) %% 5 = 0 AND t.due_on >= %(until)s::date - 60 THEN 'todo' ELSE 'done' END,
       '', '',
       CASE WHEN (t.id + m.id) %% 5 = 0 AND t.due_on >= %(until)s::date - 60 THEN '' ELSE t.completion END,
       CASE WHEN (t.id + m.id) %% 5 = 0 AND t.due_on >= %(until)s::date - 60 THEN NULL
            ELSE (t.due_on - 2)::timestamptz END,
       now()
  FROM study_studytask t
  JOIN branches_organisation o ON o.id = t.organisation_id
  JOIN branches_organisation b ON b.path LIKE o.path || '%%' AND b.level = 'branch'
  JOIN members_member m ON m.organisation_id = b.id AND NOT m.is_deleted AND m.status IN ('probationary', 'full')
"""


def study_build(spec: ScaleSpec) -> int:
    """Write the data set's study tasks and their rows (PostgreSQL only); returns the number of rows."""
    if connection.vendor != "postgresql":
        return 0
    params = {
        "years": spec.years,
        "until": spec.until,
        "root_per_year": ROOT_TASKS_PER_YEAR,
        "branch_per_year": BRANCH_TASKS_PER_YEAR,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_ROOT_TASKS, params)
        cursor.execute(_BRANCH_TASKS, params)
        cursor.execute(_ASSIGNMENTS, params)
        return cursor.rowcount
