"""`manage.py compliance`: the same figures as the compliance page, as a table or JSON; clear errors."""

import json
from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from branches.models import Level
from meetings.models import MeetingType
from tests.factories import MemberFactory, make_meeting, make_org

pytestmark = pytest.mark.django_db

T = MeetingType
SH = ZoneInfo("Asia/Shanghai")


def at(y, m, d):
    return datetime(y, m, d, 9, 0, tzinfo=SH)


def run(*args) -> str:
    out = StringIO()
    call_command("compliance", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def history(world):
    """Branch A held its 2025-Q3 主题党日 and general meeting with attendance; branch B held nothing."""
    present = [world.secretary_a_member, world.member_a]
    for month in (7, 8, 9):
        make_meeting(world.branch_a, [T.THEME_DAY], starts_at=at(2025, month, 12),
                     attendees=[*present, MemberFactory(organisation=world.branch_a)], present=present)
    make_meeting(world.branch_a, [T.GENERAL_MEETING, T.PARTY_LECTURE], starts_at=at(2025, 8, 20))
    make_meeting(world.group_a1, [T.GROUP_MEETING], starts_at=at(2025, 8, 22))
    return world


@pytest.mark.parametrize("period", ["2025-08", "2025-Q3", "2025"])
def test_command_figures_are_exactly_those_the_page_shows(client, history, period):
    """For every branch and party group: the same status, silent flag, attendance and, per type, the same
    required and held counts and status on the page and in the command's JSON."""
    world = history
    client.force_login(world.admin)
    response = client.get(reverse("meetings:compliance", args=[world.root.pk]) + f"?period={period}")
    page = {
        result.organisation.code: {
            "status": result.status,
            "silent": result.silent,
            "attendance_rate": None if result.attendance_rate is None else round(result.attendance_rate, 4),
            "types": {cell.meeting_type: (cell.required, cell.held, cell.status) for cell in cells},
        }
        for result, _label, cells in response.context["rows"]
    }
    command = json.loads(run("--period", period, "--format", "json"))
    assert [row["organisation"] for row in command] == list(page)  # every unit, in the page's order
    for row in command:
        shown = page[row["organisation"]]
        assert (row["status"], row["silent"], row["attendance_rate"]) == (
            shown["status"], shown["silent"], shown["attendance_rate"]
        )
        for meeting_type, (required, held, status) in shown["types"].items():
            figures = row["types"][meeting_type]
            assert (figures["required"], figures["held"], figures["status"]) == (required, held, status)
    html = response.content.decode()
    for row in command:
        assert f'data-organisation="{row["organisation"]}"' in html


def test_json_is_a_list_of_objects(history):
    """JSON output: one object per unit with the organisation code, status, silent flag, attendance and types."""
    rows = json.loads(run("--org", "A", "--period", "2025-Q3", "--format", "json"))
    assert [r["organisation"] for r in rows] == ["A", "A1"]
    a = rows[0]
    assert a["types"]["theme_day"] == {"type": "theme_day", "required": 3, "held": 3, "status": "green",
                                       "window": "2025-Q3"}
    assert a["types"]["general_meeting"]["status"] == "green"
    assert a["types"]["member_appraisal"] == {"type": "member_appraisal", "required": 1, "held": 0,
                                              "status": "red", "window": "2025"}
    assert a["attendance_rate"] == round(6 / 9, 4)
    assert a["silent"] is False


def test_table_lists_every_unit_with_required_held_and_status(history):
    """The default table names each unit and, per type it owes, required=, held= and the status word."""
    out = run("--period", "2025-Q3")
    assert out.splitlines()[0].startswith("ROOT 测试公司党委  period 2025-Q3")
    for code in ("A ", "A1 ", "B "):
        assert f"\n{code} " in out
    assert "theme_day" in out and "required=3  held=3  green" in out
    assert "general_meeting" in out and "required=1  held=0  red" in out  # branch B


def test_org_defaults_to_the_single_root_and_several_roots_need_one(world):
    """Without --org the root is used; with two roots the command asks for --org."""
    assert "ROOT 测试公司党委" in run("--period", "2025")
    other = make_org(level=Level.SUPERIOR_COMMITTEE, code="ROOT2")
    make_org(other, level=Level.BRANCH, code="ROOT2-B")
    with pytest.raises(CommandError, match="several root organisations"):
        run("--period", "2025")
    assert "ROOT2-B" in run("--org", "ROOT2", "--period", "2025")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--org", "NOPE", "--period", "2025-Q3"), "No organisation with code 'NOPE'"),
        (("--period", "2025-Q5"), "Bad period '2025-Q5'"),
        (("--period", "2025-13"), "Bad period"),
        (("--period", "last quarter"), "Bad period"),
        (("--period", "2025", "--today", "2025-02-30"), "Bad date"),
    ],
)
def test_bad_arguments_are_a_clear_error(world, args, message):
    """Bad arguments raise CommandError with a clear message (a non-zero exit, no traceback)."""
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_today_option_judges_an_open_period(world):
    """--today fixes the day the statuses are judged on: a month with time left is neutral, near its end yellow."""
    rows = json.loads(run("--org", "A", "--period", "2026-11", "--today", "2026-11-10", "--format", "json"))
    assert rows[0]["types"]["theme_day"]["status"] == "neutral"
    rows = json.loads(run("--org", "A", "--period", "2026-11", "--today", "2026-11-25", "--format", "json"))
    assert rows[0]["types"]["theme_day"]["status"] == "yellow"
