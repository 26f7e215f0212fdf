"""Figure 8 of `bench/run`: the scoring of the root organisation's 支部考核 scheme over all its branches
(`evaluations.services.scores_compute`, what `scheme_score_task` runs) against hand-written SQL gathering the same
inputs: meeting compliance counts, 谈心谈话, attendance and last activity (from the meetings and attendance
themselves, as figure 6), appraisal results, study completion, dues paid in full, development steps on time and the
manual scores. Imported by `bench/measure.py` once Django is set up."""

import statistics
import time
from datetime import date

from django.db import connection
from django.utils import timezone

from branches.models import Organisation
from evaluations.models import Scheme
from evaluations.services import scores_compute
from meetings import rules
from members.access import SYSTEM

#: Everything one scoring run reads, for the branches under the scheme's organisation, in one statement.
SCORING_SQL = """
WITH branches AS MATERIALIZED (
    SELECT id FROM branches_organisation WHERE path LIKE %(path)s AND level = 'branch'
), units AS MATERIALIZED (
    SELECT id FROM branches_organisation WHERE path LIKE %(path)s AND level IN ('branch', 'party_group')
), members AS MATERIALIZED (
    SELECT id, organisation_id FROM members_member
     WHERE organisation_id IN (SELECT id FROM branches) AND NOT is_deleted AND status IN ('probationary', 'full')
       AND (joined_on IS NULL OR joined_on <= %(last_day)s)
), holders AS MATERIALIZED (
    SELECT t.organisation_id, p.member_id FROM branches_committeepost p
      JOIN branches_committeeterm t ON t.id = p.term_id
     WHERE t.is_current AND t.organisation_id IN (SELECT id FROM branches)
), talks AS MATERIALIZED (
    SELECT a.member_id, a.meeting_id FROM meetings_attendance a
      JOIN meetings_meeting m ON m.id = a.meeting_id JOIN meetings_meetingtypelink l ON l.meeting_id = m.id
     WHERE a.state = 'present' AND m.status = 'finalised' AND NOT m.is_deleted AND l.type = 'heart_to_heart_talk'
       AND m.starts_at >= %(start)s AND m.starts_at < %(end)s AND m.organisation_id IN (SELECT id FROM units)
), dues_owed AS (
    SELECT DISTINCT ON (d.member_id) d.member_id, d.amount FROM dues_duesdeclaration d
     WHERE d.declared_on < %(month_end)s AND d.member_id IN (SELECT id FROM members)
     ORDER BY d.member_id, d.declared_on DESC
)
SELECT 'held', m.organisation_id, l.type, date_part('month', m.starts_at AT TIME ZONE %(tz)s)::int, count(*), 0
  FROM meetings_meetingtypelink l JOIN meetings_meeting m ON m.id = l.meeting_id
 WHERE m.organisation_id IN (SELECT id FROM units) AND m.status = 'finalised' AND NOT m.is_deleted
   AND m.starts_at >= %(start)s AND m.starts_at < %(end)s
 GROUP BY 2, 3, 4
UNION ALL
SELECT 'attendance', m.organisation_id, '', date_part('month', m.starts_at AT TIME ZONE %(tz)s)::int,
       count(*), count(*) FILTER (WHERE a.state = 'present')
  FROM meetings_attendance a JOIN meetings_meeting m ON m.id = a.meeting_id
 WHERE m.organisation_id IN (SELECT id FROM units) AND m.status = 'finalised' AND NOT m.is_deleted
   AND m.starts_at >= %(start)s AND m.starts_at < %(end)s
 GROUP BY 2, 4
UNION ALL
SELECT 'last', m.organisation_id, '', 0, extract(epoch FROM max(m.starts_at))::bigint, 0
  FROM meetings_meeting m
 WHERE m.organisation_id IN (SELECT id FROM units) AND m.status IN ('held', 'finalised') AND NOT m.is_deleted
   AND m.starts_at < %(until)s
 GROUP BY 2
UNION ALL
SELECT 'talks', e.organisation_id, '', coalesce(t.n, 0), count(*),
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM holders h WHERE h.member_id = e.id))
  FROM members e LEFT JOIN (SELECT member_id, count(*) AS n FROM talks GROUP BY 1) t ON t.member_id = e.id
 GROUP BY 2, 4
UNION ALL
SELECT 'committee_talked', h.organisation_id, '', 0, count(DISTINCT h.member_id), 0
  FROM holders h JOIN talks t ON t.member_id = h.member_id
  JOIN talks c ON c.meeting_id = t.meeting_id AND c.member_id <> h.member_id
  JOIN holders o ON o.member_id = c.member_id AND o.organisation_id = h.organisation_id
 GROUP BY 2
UNION ALL
SELECT 'appraisal', a.organisation_id, '', 0, count(*),
       count(*) FILTER (WHERE r.grade IN ('excellent', 'qualified'))
  FROM evaluations_appraisalresult r JOIN evaluations_appraisal a ON a.id = r.appraisal_id
 WHERE a.organisation_id IN (SELECT id FROM branches) AND a.year = %(year)s AND a.step IN ('feedback', 'finished')
 GROUP BY 2
UNION ALL
SELECT 'study', m.organisation_id, '', 0, count(*), count(*) FILTER (WHERE a.state = 'done')
  FROM study_assignment a JOIN study_studytask t ON t.id = a.task_id JOIN members_member m ON m.id = a.member_id
 WHERE m.organisation_id IN (SELECT id FROM branches) AND t.due_on >= %(first_day)s AND t.due_on <= %(as_of)s
 GROUP BY 2
UNION ALL
SELECT 'dues', m.organisation_id, '', 0, count(*), count(*) FILTER (WHERE coalesce(p.paid, 0) < o.amount)
  FROM dues_owed o JOIN members m ON m.id = o.member_id
  LEFT JOIN (SELECT member_id, sum(amount) AS paid FROM dues_duespaymentmonth WHERE month = %(month)s
              GROUP BY 1) p ON p.member_id = o.member_id
 GROUP BY 2
UNION ALL
SELECT 'development', m.organisation_id, '', 0, count(*), count(*) FILTER (WHERE s.is_late)
  FROM development_step s JOIN members_member m ON m.id = s.member_id
 WHERE m.organisation_id IN (SELECT id FROM branches) AND s.done_on >= %(first_day)s AND s.done_on <= %(last_day)s
 GROUP BY 2
UNION ALL
SELECT 'manual', s.organisation_id, i.kind, 0, s.value, 0
  FROM evaluations_manualscore s JOIN evaluations_indicator i ON i.id = s.indicator_id
 WHERE i.scheme_id = %(scheme)s
"""


def _median_seconds(fn, repeat: int) -> float:
    fn()  # warm caches
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def root_scheme(ctx: dict) -> Scheme | None:
    """The root organisation's latest current scheme (the one `seed_scale` computes last)."""
    return Scheme.objects.filter(organisation_id=ctx["root"], is_current=True).order_by("-year").first()


def scoring_vs_sql(ctx: dict, repeat: int) -> dict:
    """The root's scheme scored (in-process, as the task does) against `SCORING_SQL`; medians in seconds."""
    scheme = root_scheme(ctx)
    if scheme is None:
        return {}
    root = Organisation.objects.get(pk=ctx["root"])
    tz = timezone.get_default_timezone()
    start, end = rules.period_datetimes(rules.period_range("year", scheme.year), tz)
    as_of = min(timezone.localdate(), date(scheme.year, 12, 31))
    month = date(scheme.year, max(as_of.month - 1, 1), 1) if as_of.month != 12 else date(scheme.year, 12, 1)
    month_end = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    params = {
        "path": root.path + "%",
        "tz": str(tz),
        "start": start,
        "end": end,
        "until": timezone.now(),
        "year": scheme.year,
        "first_day": date(scheme.year, 1, 1),
        "last_day": date(scheme.year, 12, 31),
        "as_of": as_of,
        "month": month,
        "month_end": month_end,
        "scheme": scheme.pk,
    }

    def score() -> int:
        return scores_compute(scheme=scheme, by=SYSTEM)

    def hand() -> list:
        with connection.cursor() as cursor:
            cursor.execute(SCORING_SQL, params)
            return cursor.fetchall()

    return {
        "year": scheme.year,
        "branches": score(),
        "scoring_s": _median_seconds(score, repeat),
        "sql_s": _median_seconds(hand, repeat),
        "scheme": scheme.pk,
    }
