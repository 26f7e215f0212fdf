"""In-process measurements against one benchmark database; prints JSON for `bench/suite.py`.

- prepares three logins (an admin, the secretary of one branch, a reviewer of the root organisation);
- counts the queries of every list, detail and compliance page with the Django test client (figures 1 and 5);
- times the compliance engine for the root organisation against hand-written SQL for the same counts (figure 6);
- times the scoring of the root's 支部考核 scheme against hand-written SQL for its inputs (figure 8, bench/scoring.py).

Run with DJANGO_SETTINGS_MODULE=bench.settings and DATABASE_URL pointing at the benchmark database.
"""

import json
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import scoring  # noqa: E402
from branches.models import Level, Organisation, ReviewerAppointment  # noqa: E402
from meetings import rules, selectors  # noqa: E402
from meetings.models import Meeting, MeetingStatus  # noqa: E402
from members.models import (  # noqa: E402
    CommitteePost,
    Member,  # noqa: E402
    Post,
)
from study.models import StudyTask  # noqa: E402

PASSWORD = "bench-pass-2026"
USERS = ("bench-admin", "bench-secretary", "bench-reviewer")


def prepare() -> dict:
    """Create the three logins once; return the objects the pages are measured on."""
    User = get_user_model()
    root = Organisation.objects.filter(depth=1).order_by("path").first()
    # The secretary's branch: the first branch in tree order with a committee and party groups (a busy page).
    post = (
        CommitteePost.objects.current().filter(
            post=Post.SECRETARY, term__organisation__level=Level.BRANCH, term__organisation__numchild__gt=0
        )
        .select_related("term__organisation", "member")
        .order_by("term__organisation__path")
        .first()
    )  # fmt: skip
    if post is None:
        post = CommitteePost.objects.current().filter(post=Post.SECRETARY).order_by("pk").first()
    branch = post.term.organisation
    users = {}
    for username in USERS:
        user, _created = User.objects.get_or_create(username=username)
        user.password = make_password(PASSWORD)
        user.is_staff = user.is_superuser = username == "bench-admin"
        user.save()
        users[username] = user
    Member.all_objects.filter(user=users["bench-secretary"]).exclude(pk=post.member_id).update(user=None)
    Member.all_objects.filter(pk=post.member_id).update(user=users["bench-secretary"])
    ReviewerAppointment.objects.get_or_create(
        user=users["bench-reviewer"], organisation=root, defaults={"appointed_on": date(2000, 1, 1)}
    )
    meeting = Meeting.objects.filter(organisation=branch, status=MeetingStatus.FINALISED).order_by("-starts_at").first()
    member = Member.objects.filter(organisation=branch).order_by("pk").first()
    # The completion page: the root's latest task (reaching every member) and the branch's own latest task.
    root_task = StudyTask.objects.filter(organisation=root).order_by("-due_on", "-pk").first()
    branch_task = StudyTask.objects.filter(organisation=branch).order_by("-due_on", "-pk").first()
    scheme = scoring.root_scheme({"root": root.pk})
    return {
        "scheme": scheme.pk if scheme else None,
        "root_task": root_task.pk if root_task else None,
        "branch_task": branch_task.pk if branch_task else None,
        "root": root.pk,
        "branch": branch.pk,
        "meeting": meeting.pk,
        "member": member.pk,
        "branch_name": str(branch),
    }


def pages(ctx: dict) -> dict[str, str]:
    """Every list, detail and compliance page, by a stable name."""
    return {
        "meetings:list": reverse("meetings:list"),
        "meetings:detail": reverse("meetings:detail", args=[ctx["meeting"]]),
        "meetings:compliance (root)": reverse("meetings:compliance", args=[ctx["root"]]),
        "meetings:compliance (branch)": reverse("meetings:compliance", args=[ctx["branch"]]),
        "members:list": reverse("members:list"),
        "members:detail": reverse("members:detail", args=[ctx["member"]]),
        "branches:list": reverse("branches:list"),
        "branches:detail (branch)": reverse("branches:detail", args=[ctx["branch"]]),
        "dues:ledger (root)": reverse("dues:ledger", args=[ctx["root"]]),
        "dues:ledger (branch)": reverse("dues:ledger", args=[ctx["branch"]]),
        "admin meetings changelist": reverse("admin:meetings_meeting_changelist"),
        **(
            {
                "study:detail (root)": reverse("study:detail", args=[ctx["root_task"]]),
                "study:detail (branch)": reverse("study:detail", args=[ctx["branch_task"]]),
            }
            if ctx.get("root_task") and ctx.get("branch_task")
            else {}
        ),
        "development:board (root)": reverse("development:board", args=[ctx["root"]]),
        "development:board (branch)": reverse("development:board", args=[ctx["branch"]]),
        "development:funnel (root)": reverse("development:funnel", args=[ctx["root"]]),
        **(
            {
                "evaluations:scheme (root)": reverse("evaluations:scheme", args=[ctx["scheme"]]),
                "evaluations:assessment (branch)": reverse("evaluations:assessment", args=[ctx["branch"]]),
                "evaluations:distribution (root)": reverse("evaluations:distribution", args=[ctx["root"]]),
            }
            if ctx.get("scheme")
            else {}
        ),
    }


def query_counts(ctx: dict) -> dict[str, dict[str, int]]:
    """{role: {page: queries}}; a page the role may not see is left out."""
    User = get_user_model()
    result: dict[str, dict[str, int]] = {}
    for username in USERS:
        client = Client()
        client.force_login(User.objects.get(username=username))
        client.get(reverse("home"))  # the first request of a session loads it; pages are measured warm
        counts = {}
        for name, url in pages(ctx).items():
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            if response.status_code == 200:
                counts[name] = len(queries)
        result[username] = counts
    return result


HAND_SQL = """
WITH units AS (
    SELECT id FROM branches_organisation WHERE path LIKE %(path)s AND level IN ('branch', 'party_group')
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
SELECT 'full', organisation_id, '', 0, count(*), 0 FROM members_member
 WHERE organisation_id IN (SELECT id FROM units) AND status = 'full' AND NOT is_deleted GROUP BY 2
UNION ALL
SELECT 'committee', t.organisation_id, '', 0, count(*), 0
  FROM branches_committeepost p JOIN branches_committeeterm t ON t.id = p.term_id
 WHERE t.organisation_id IN (SELECT id FROM units) AND t.is_current GROUP BY 2
UNION ALL
SELECT 'last', m.organisation_id, '', 0, extract(epoch FROM max(m.starts_at))::bigint, 0
  FROM meetings_meeting m
 WHERE m.organisation_id IN (SELECT id FROM units) AND m.status IN ('held', 'finalised') AND NOT m.is_deleted
   AND m.starts_at < %(until)s
 GROUP BY 2
"""


#: The same counts from the monthly summary the engine reads (for comparison; figure 6 is against HAND_SQL, which
#: computes them from the meetings and attendance themselves).
HAND_SQL_SUMMARY = """
WITH units AS (
    SELECT id FROM branches_organisation WHERE path LIKE %(path)s AND level IN ('branch', 'party_group')
)
SELECT 'held', s.organisation_id, kv.key, date_part('month', s.month)::int, kv.value::int, 0
  FROM meetings_monthsummary s CROSS JOIN LATERAL jsonb_each_text(s.held) kv
 WHERE s.organisation_id IN (SELECT id FROM units) AND s.month >= %(start)s::date AND s.month < %(end)s::date
UNION ALL
SELECT 'attendance', s.organisation_id, '', date_part('month', s.month)::int, s.expected, s.present
  FROM meetings_monthsummary s
 WHERE s.organisation_id IN (SELECT id FROM units) AND s.month >= %(start)s::date AND s.month < %(end)s::date
UNION ALL
SELECT 'full', organisation_id, '', 0, count(*), 0 FROM members_member
 WHERE organisation_id IN (SELECT id FROM units) AND status = 'full' AND NOT is_deleted GROUP BY 2
UNION ALL
SELECT 'committee', t.organisation_id, '', 0, count(*), 0
  FROM branches_committeepost p JOIN branches_committeeterm t ON t.id = p.term_id
 WHERE t.organisation_id IN (SELECT id FROM units) AND t.is_current GROUP BY 2
UNION ALL
SELECT 'last', s.organisation_id, '', 0, extract(epoch FROM max(s.last_activity))::bigint, 0
  FROM meetings_monthsummary s
 WHERE s.organisation_id IN (SELECT id FROM units) AND s.last_activity < %(until)s
 GROUP BY 2
"""


def _median_seconds(fn, repeat: int) -> float:
    fn()  # warm caches
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def compliance_vs_sql(ctx: dict, repeat: int) -> dict:
    """Figure 6: the compliance engine for the root (what the `compliance` command computes) against hand SQL."""
    root = Organisation.objects.get(pk=ctx["root"])
    today = timezone.localdate()
    period = rules.period_containing("quarter", today)
    tz = timezone.get_default_timezone()
    start, end = rules.period_datetimes(rules.period_range("year", period.year), tz)
    params = {"path": root.path + "%", "tz": str(tz), "start": start, "end": end, "until": timezone.now()}

    def engine():
        return selectors.compliance_for_branches(selectors.compliance_units(root), period, today=today)

    def hand():
        with connection.cursor() as cursor:
            cursor.execute(HAND_SQL, params)
            return cursor.fetchall()

    def hand_summary():
        with connection.cursor() as cursor:
            cursor.execute(HAND_SQL_SUMMARY, params)
            return cursor.fetchall()

    units = len(engine())
    return {
        "units": units,
        "engine_s": _median_seconds(engine, repeat),
        "sql_s": _median_seconds(hand, repeat),
        "summary_sql_s": _median_seconds(hand_summary, repeat),
        "period": period.code,
    }


def compliance_page_cold(ctx: dict, repeat: int) -> dict:
    """The root's compliance page right after a change under it (its cached overview renewed): what the first
    reader after each write waits. Figure 2 measures the pages as they are served between writes; this is reported
    beside it."""
    from meetings.compliance import page_cache  # the versions alone, without the write's own queries

    root_path = Organisation.objects.get(pk=ctx["root"]).path
    User = get_user_model()
    client = Client()
    client.force_login(User.objects.get(username="bench-admin"))
    url = reverse("meetings:compliance", args=[ctx["root"]])
    client.get(url)

    def cold():
        page_cache.touch(root_path)  # a meeting written somewhere under the root
        assert client.get(url).status_code == 200

    def warm():
        assert client.get(url).status_code == 200

    return {"cold_s": _median_seconds(cold, repeat), "warm_s": _median_seconds(warm, repeat)}


def data_size() -> dict:
    from meetings.models import Attendance

    levels = dict(Organisation.objects.values_list("level").annotate(n=Count("id")).order_by())
    return {
        "organisations": sum(levels.values()),
        "branches": levels.get(Level.BRANCH, 0),
        "party_groups": levels.get(Level.PARTY_GROUP, 0),
        "members": Member.all_objects.count(),
        "meetings": Meeting.all_objects.count(),
        "attendance": Attendance.objects.count(),
    }


def main() -> None:
    repeat = int(os.environ.get("BENCH_REPEAT", "5"))
    ctx = prepare()
    out = {
        "context": ctx,
        "size": data_size(),
        "queries": query_counts(ctx),
        "compliance": compliance_vs_sql(ctx, repeat),
        "compliance_page": compliance_page_cold(ctx, repeat),
        "scoring": scoring.scoring_vs_sql(ctx, repeat),
        "pages": pages(ctx),
    }
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
