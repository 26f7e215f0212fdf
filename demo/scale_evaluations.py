"""民主评议党员 and 支部考核 of the large data set (`seed_scale`): two years of finished appraisals in every branch, and
the root organisation's scoring scheme of each year with its branches' scores.

- Appraisals of the last two years whose appraisal was over by the last day of history (opened on 8 October,
  finished on 30 November): a result per 正式党员 and 预备党员 of the branch who had joined by the opening, 优秀
  within the default cap of one third, about one in 53 基本合格, one in 211 不合格 (with its reason and a follow-up),
  each fed back; the confirmation is the branch's first finalised 支部党员大会 after the opening, when there is one.
  No ballots: the results are what the indicators read (as if imported). Written by PostgreSQL in set-based
  statements.
- A scheme of the root per year (every indicator with a source, and the two scored by hand, whose scores are
  written for every branch); the earlier year's scores are published, the latest year's are not yet. The scores
  themselves are computed by `evaluations.services.scores_compute`, as the scoring task does.

The same seed and last day give the same rows.
"""

from datetime import date

from django.db import connection, transaction
from django.utils.translation import gettext as _

from branches.models import Organisation
from evaluations.models import Indicator, IndicatorKind, Scheme
from evaluations.services import scores_compute
from members.access import SYSTEM

from .scale_tree import ScaleSpec

BANDS = [[90, "五星"], [80, "四星"], [70, "三星"], [60, "二星"], [0, "一星"]]
PARTS = (
    (IndicatorKind.COMPLIANCE, 20),
    (IndicatorKind.ATTENDANCE, 15),
    (IndicatorKind.ACTIVITY, 10),
    (IndicatorKind.APPRAISAL, 10),
    (IndicatorKind.STUDY, 10),
    (IndicatorKind.DUES, 10),
    (IndicatorKind.DEVELOPMENT, 5),
    (IndicatorKind.RESULTS, 10),
    (IndicatorKind.SATISFACTION, 10),
)
OPENS, FINISHES = (10, 8), (11, 30)

_APPRAISALS = """
INSERT INTO evaluations_appraisal (organisation_id, year, step, step_dates, ballot_closed, voters_expected,
                                   confirmation_meeting_id, opened_on)
SELECT o.id, y, 'finished',
       jsonb_build_object('study', make_date(y, 10, 8), 'self_assessment', make_date(y, 10, 15),
                          'mutual_assessment', make_date(y, 10, 22), 'ballot', make_date(y, 11, 1),
                          'proposal', make_date(y, 11, 8), 'confirmation', make_date(y, 11, 15),
                          'feedback', make_date(y, 11, 22), 'finished', make_date(y, 11, 30)),
       true,
       (SELECT count(*) FROM members_member m
         WHERE m.organisation_id = o.id AND NOT m.is_deleted AND m.status = 'full'),
       (SELECT mt.id FROM meetings_meeting mt JOIN meetings_meetingtypelink l ON l.meeting_id = mt.id
         WHERE mt.organisation_id = o.id AND l.type = 'general_meeting' AND mt.status = 'finalised'
           AND NOT mt.is_deleted AND mt.starts_at >= make_date(y, 10, 8) AND mt.starts_at < make_date(y + 1, 1, 1)
         ORDER BY mt.starts_at, mt.id LIMIT 1),
       make_date(y, 10, 8)
  FROM branches_organisation o, unnest(%(years)s::int[]) AS y
 WHERE o.level = 'branch'
"""

_RESULTS = """
INSERT INTO evaluations_appraisalresult (appraisal_id, member_id, grade, reason, feedback)
SELECT appraisal_id, member_id, grade,
       CASE WHEN grade = 'unqualified' THEN %(reason)s ELSE '' END,
       CASE WHEN grade = 'excellent' THEN %(feedback_excellent)s ELSE %(feedback)s END
  FROM (
    SELECT a.id AS appraisal_id, m.id AS member_id,
           CASE WHEN (m.id + a.year) %% 211 = 0 THEN 'unqualified'
                WHEN (m.id + a.year) %% 53 = 0 THEN 'basically_qualified'
                WHEN row_number() OVER w <= count(*) OVER (PARTITION BY a.id) / 3 THEN 'excellent'
                ELSE 'qualified' END AS grade
      FROM evaluations_appraisal a
      JOIN members_member m ON m.organisation_id = a.organisation_id AND NOT m.is_deleted
       AND m.status IN ('probationary', 'full') AND (m.joined_on IS NULL OR m.joined_on <= a.opened_on)
     WHERE a.year = ANY(%(years)s::int[])
    WINDOW w AS (PARTITION BY a.id ORDER BY (m.id * 7919 + a.year) %% 1009, m.id)
  ) graded
"""

_FOLLOW_UPS = """
INSERT INTO evaluations_followup (result_id, education, deadline, outcome)
SELECT r.id, %(education)s, make_date(a.year + 1, 5, 31), ''
  FROM evaluations_appraisalresult r JOIN evaluations_appraisal a ON a.id = r.appraisal_id
 WHERE r.grade = 'unqualified' AND a.year = ANY(%(years)s::int[])
"""

_MANUAL = """
INSERT INTO evaluations_manualscore (indicator_id, organisation_id, value, justification)
SELECT i.id, o.id, 60 + (o.id * 7 + s.year + length(i.kind)) %% 41,
       CASE WHEN i.kind = 'results' THEN %(results)s ELSE %(satisfaction)s END
  FROM evaluations_indicator i
  JOIN evaluations_scheme s ON s.id = i.scheme_id
  JOIN branches_organisation root ON root.id = s.organisation_id
  JOIN branches_organisation o ON o.path LIKE root.path || '%%' AND o.level = 'branch'
 WHERE i.scheme_id = ANY(%(schemes)s::bigint[]) AND i.kind IN ('results', 'satisfaction')
"""


def appraisal_years(until: date) -> list[int]:
    """The last two years whose appraisal was finished by `until` (oldest first)."""
    last = until.year if until >= date(until.year, *FINISHES) else until.year - 1
    return [last - 1, last]


def evaluations_build(spec: ScaleSpec) -> tuple[int, int]:
    """Write the appraisals, the root's schemes and their scores (PostgreSQL only); returns (appraisal results,
    branch scores)."""
    if connection.vendor != "postgresql":
        return 0, 0
    years = appraisal_years(spec.until)
    root = Organisation.objects.filter(depth=1).order_by("path").first()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_APPRAISALS, {"years": years})
        cursor.execute(
            _RESULTS,
            {
                "years": years,
                "reason": _("长期不参加组织生活，经教育仍无明显转变"),
                "feedback_excellent": _("希望继续发挥先锋模范作用。"),
                "feedback": _("希望加强学习，立足岗位作贡献。"),
            },
        )
        results = cursor.rowcount
        cursor.execute(_FOLLOW_UPS, {"years": years, "education": _("支部书记谈话，结对帮扶，限期改正")})
        schemes = [
            Scheme.objects.create(
                organisation=root,
                year=year,
                name=_("党支部星级评定"),
                bands=BANDS,
                published_on=date(year + 1, 1, 15) if year != years[-1] else None,
            )
            for year in years
        ]
        Indicator.objects.bulk_create(
            [Indicator(scheme=scheme, kind=kind, weight=weight) for scheme in schemes for kind, weight in PARTS]
        )
        cursor.execute(
            _MANUAL,
            {
                "schemes": [s.pk for s in schemes],
                "results": _("完成年度重点工作，服务保障有力"),
                "satisfaction": _("群众座谈会意见汇总"),
            },
        )
    # The scores as the scoring task computes them (each scheme in its own transaction), with the planner's
    # statistics of the tables just written in bulk.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    scores = sum(scores_compute(scheme=scheme, by=SYSTEM) for scheme in schemes)
    return results, scores
