"""Meeting pages: list, plan, record, attendance, finalise, amend, cancel, delete, restore and history."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from branches.errors import DomainError
from meetings import services
from meetings.models import Amendment, Attendance, AttendanceState, Guest, Meeting, MeetingStatus, MeetingType
from meetings.selectors import members_of
from members.access import SYSTEM
from members.models import Member, Post
from tests.factories import MemberFactory, listed, make_committee, make_meeting

pytestmark = pytest.mark.django_db

T = MeetingType


def _local(days: float = 0, hours: float = 0) -> str:
    """A datetime-local form value relative to now."""
    return timezone.localtime(timezone.now() + timedelta(days=days, hours=hours)).strftime("%Y-%m-%dT%H:%M")


def _meeting(organisation, status=MeetingStatus.PLANNED, types=(T.THEME_DAY,), days=-1, **extra):
    """A meeting of `organisation` with all its party members expected (present when held or finalised)."""
    people = list(members_of(organisation))
    present = people if status in (MeetingStatus.HELD, MeetingStatus.FINALISED) else ()
    return make_meeting(
        organisation,
        types,
        status=status,
        starts_at=timezone.now() + timedelta(days=days),
        attendees=people,
        present=present,
        **extra,
    )


def _login(client, world, role: str):
    client.force_login(world.users()[role])
    return client


def _plan_data(organisation, **changes) -> dict:
    return {
        "types": [T.THEME_DAY],
        "organisation": organisation.pk,
        "starts_at": _local(days=2),
        "ends_at": _local(days=2, hours=1.5),
        "place": "党员活动室",
        "topic": "学习党章",
        "agenda": "一、学习党章\n二、交流发言",
        **changes,
    }


def _edit_data(meeting: Meeting, **changes) -> dict:
    meeting.refresh_from_db()
    data = {
        "types": meeting.types,
        "starts_at": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": "",
        "place": meeting.place,
        "topic": meeting.topic,
        "agenda": meeting.agenda,
        "minutes": meeting.minutes,
        "decisions": meeting.decisions,
        "version": meeting.version,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _follow_messages(client, response) -> str:
    return client.get(response["Location"]).content.decode()


# --- List ----------------------------------------------------------------------------------------------------------


def test_list_shows_each_role_the_meetings_of_its_scope(client, world):
    """A member sees their branch's meetings (its 党小组's too); the reviewer their subtree; B's secretary only B."""
    _meeting(world.branch_a, topic="甲支部主题党日")
    _meeting(world.group_a1, types=(T.GROUP_MEETING,), topic="甲第一党小组会")
    _meeting(world.branch_b, topic="乙支部主题党日")
    expected = {
        "member": {"甲支部主题党日", "甲第一党小组会"},
        "reviewer": {"甲支部主题党日", "甲第一党小组会"},
        "secretary_a": {"甲支部主题党日", "甲第一党小组会"},
        "secretary_b": {"乙支部主题党日"},
        "admin": {"甲支部主题党日", "甲第一党小组会", "乙支部主题党日"},
    }
    for role, topics in expected.items():
        response = _login(client, world, role).get(reverse("meetings:list"))
        assert {m.topic for m in listed(response)} == topics, role
        assert response.context["total"] == len(topics)


def test_list_searches_and_filters(client, world):
    """Search by topic; filter by type, status, month, organisation and 补录; sort by date either way."""
    first = _meeting(world.branch_a, MeetingStatus.FINALISED, topic="学习二十届四中全会精神", days=-40)
    second = _meeting(world.group_a1, types=(T.GROUP_MEETING,), topic="党小组学习", is_backfilled=True)
    _meeting(world.branch_a, topic="主题党日活动")
    _login(client, world, "secretary_a")

    def topics(query: str) -> list[str]:
        return [m.topic for m in listed(client.get(reverse("meetings:list") + "?" + query))]

    assert topics("q=学习") == [second.topic, first.topic]
    assert topics("q=学习&ordering=starts_at") == [first.topic, second.topic]
    assert topics("type=group_meeting") == [second.topic]
    assert topics("status=finalised") == [first.topic]
    assert topics(f"organisation={world.group_a1.pk}") == [second.topic]
    assert topics("backfilled=yes") == [second.topic]
    month = timezone.localtime(first.starts_at).strftime("%Y-%m")
    assert first.topic in topics(f"month={month}")
    assert topics("month=2019-01") == []
    # Nonsense matches nothing or is reported at the field; never a 500.
    assert client.get(reverse("meetings:list") + "?month=2026-13&type=x&organisation=abc").status_code == 200


def test_list_sort_choices_are_named_in_chinese(client, world):
    """Both sort directions carry a Chinese label (django-filter's "(descending)" suffix never shows)."""
    page = _login(client, world, "secretary_a").get(reverse("meetings:list")).content.decode()
    assert "会议时间（最早在前）" in page and "会议时间（最新在前）" in page
    assert "descending" not in page


def test_list_empty_state_offers_a_new_meeting_to_secretaries_only(client, world):
    """With no meetings a secretary is offered "新建会议"; a member reads who records meetings."""
    page = _login(client, world, "secretary_a").get(reverse("meetings:list")).content.decode()
    assert "还没有会议记录" in page and reverse("meetings:create") in page
    page = _login(client, world, "member").get(reverse("meetings:list")).content.decode()
    assert "还没有会议记录" in page and reverse("meetings:create") not in page


def test_list_is_paginated_with_the_total(client, world, settings):
    """A page holds PAGE_SIZE meetings; the total counts them all; a page number too large shows the last page."""
    settings.PAGE_SIZE = 3
    for i in range(7):
        _meeting(world.branch_a, topic=f"会议{i}", days=-i - 1)
    response = _login(client, world, "secretary_a").get(reverse("meetings:list") + "?page=99")
    assert response.context["total"] == 7
    assert len(listed(response)) == 1
    assert "共 7 次" in response.content.decode()


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", ["member", "secretary_a", "reviewer", "admin"])
def test_list_queries_do_not_grow_with_meetings(client, world, settings, role, django_assert_num_queries):
    """The list costs the same number of queries with 5 and with 50 meetings on the page."""
    settings.PAGE_SIZE = 100
    _login(client, world, role)
    url = reverse("meetings:list")
    for i in range(5):
        _meeting(world.branch_a, MeetingStatus.FINALISED, types=(T.THEME_DAY, T.PARTY_LECTURE), days=-i - 1)
    small = _count_queries(client, url)
    for i in range(45):
        _meeting(world.group_a1, types=(T.GROUP_MEETING,), days=-i - 10)
    with django_assert_num_queries(small):
        response = client.get(url)
    assert len(listed(response)) == 50


def _grow_branch(world, total: int) -> None:
    have = Member.objects.filter(organisation=world.branch_a).count()
    for _i in range(total - have):
        MemberFactory(organisation=world.branch_a)


def test_detail_queries_do_not_grow_with_attendees(client, world, django_assert_num_queries):
    """The record costs the same number of queries with 5 and with 50 attendees, guests and amendments."""
    _login(client, world, "secretary_a")
    _grow_branch(world, 5)
    small_meeting = _meeting(world.branch_a, MeetingStatus.FINALISED, types=(T.GENERAL_MEETING,))
    Guest.objects.create(meeting=small_meeting, name="列席甲")
    Amendment.objects.create(meeting=small_meeting, author=world.secretary_a, reason="笔误", field="place")
    small = _count_queries(client, reverse("meetings:detail", args=[small_meeting.pk]))
    _grow_branch(world, 50)
    big_meeting = _meeting(world.branch_a, MeetingStatus.FINALISED, types=(T.GENERAL_MEETING,))
    for i in range(5):
        Guest.objects.create(meeting=big_meeting, name=f"列席{i}")
        Amendment.objects.create(meeting=big_meeting, author=world.secretary_a, reason="笔误", field="place")
    assert big_meeting.attendances.count() >= 50
    with django_assert_num_queries(small):
        client.get(reverse("meetings:detail", args=[big_meeting.pk]))


def test_attendance_page_queries_do_not_grow_with_attendees(client, world, django_assert_num_queries):
    """The attendance page costs the same number of queries with 5 and with 50 people expected."""
    _login(client, world, "secretary_a")
    _grow_branch(world, 5)
    small = _count_queries(client, reverse("meetings:attendance", args=[_meeting(world.branch_a).pk]))
    _grow_branch(world, 50)
    big = _meeting(world.branch_a)
    with django_assert_num_queries(small):
        client.get(reverse("meetings:attendance", args=[big.pk]))


# --- Plan ----------------------------------------------------------------------------------------------------------


def test_secretary_plans_a_meeting_with_the_expected_attendees_prefilled(client, world):
    """Planning a 主题党日 expects every party member of the branch; the success message names the meeting."""
    _login(client, world, "secretary_a")
    page = client.get(reverse("meetings:create"))
    assert page.context["form"].initial["organisation"] == world.branch_a
    assert page.context["form"].initial["host"] == world.secretary_a_member.pk
    response = client.post(reverse("meetings:create"), _plan_data(world.branch_a, host=world.secretary_a_member.pk))
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    assert meeting.status == MeetingStatus.PLANNED and meeting.host == world.secretary_a_member
    assert set(meeting.attendances.values_list("member__name", flat=True)) == {"张书记", "王党员", "预备党员甲"}
    assert "已安排会议：学习党章" in _follow_messages(client, response)


def test_a_theme_day_with_a_party_lecture_counts_for_both(client, world):
    """One meeting may count for several types; the 党课 keeps its lecturer and title."""
    _login(client, world, "secretary_a")
    data = _plan_data(
        world.branch_a,
        types=[T.THEME_DAY, T.PARTY_LECTURE],
        lecturer=world.secretary_a_member.pk,
        lecture_title="新时代党员的责任",
    )
    assert client.post(reverse("meetings:create"), data).status_code == 302
    meeting = Meeting.objects.get()
    assert set(meeting.types) == {T.THEME_DAY, T.PARTY_LECTURE}
    assert meeting.lecturer == world.secretary_a_member and meeting.lecture_title == "新时代党员的责任"


def test_a_group_meeting_is_planned_for_the_group(client, world):
    """A 党小组会 of the 党小组 expects the group's members."""
    _login(client, world, "secretary_a")
    data = _plan_data(world.group_a1, types=[T.GROUP_MEETING])
    assert client.post(reverse("meetings:create"), data).status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.organisation == world.group_a1
    assert list(meeting.attendances.values_list("member__name", flat=True)) == ["王党员"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"ends_at": _local(days=1)}, "ends_at", "结束时间不能早于开始时间"),
        ({"types": []}, "types", "请选择会议类型"),
        ({"types": [T.GROUP_MEETING]}, "types", "党小组会应由党小组召开"),
        ({"topic": "  "}, "topic", "请填写会议主题"),
        ({"starts_at": "明天"}, "starts_at", ""),
    ],
)
def test_plan_refuses_bad_input_at_the_field(client, world, changes, field, message):
    """Bad input: a Chinese message at the field, nothing saved, never a 500."""
    _login(client, world, "secretary_a")
    response = client.post(reverse("meetings:create"), _plan_data(world.branch_a, **changes))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert message in " ".join(response.context["form"].errors[field])
    assert not Meeting.objects.exists()


def test_plan_refuses_people_and_organisations_outside_the_branch(client, world):
    """Another branch, or a host from another branch, is not among the choices: refused at the field."""
    _login(client, world, "secretary_a")
    response = client.post(reverse("meetings:create"), _plan_data(world.branch_b))
    assert "只能为您管理的党支部或党小组安排会议" in str(response.context["form"].errors["organisation"])
    response = client.post(reverse("meetings:create"), _plan_data(world.branch_a, host=world.member_b.pk))
    assert "所选人员不是本支部党员" in str(response.context["form"].errors["host"])
    assert not Meeting.objects.exists()


def test_admin_chooses_the_branch_first(client, world):
    """Someone who manages many branches picks one; the form then offers that branch's people."""
    _login(client, world, "admin")
    response = client.get(reverse("meetings:create"))
    assert response.context["choice_form"] is not None and response.context["form"] is None
    response = client.get(reverse("meetings:create") + f"?organisation={world.branch_b.pk}")
    form = response.context["form"]
    assert set(form.fields["host"].queryset) == {world.secretary_b_member, world.member_b}
    assert list(form.fields["organisation"].queryset) == [world.branch_b]


def test_reviewer_and_member_cannot_plan(client, world):
    """Planning is for those who manage a branch: the reviewer and a member get 404."""
    for role in ("reviewer", "member"):
        assert _login(client, world, role).get(reverse("meetings:create")).status_code == 404


def test_planning_from_the_due_list_prefills_the_type_it_owes(client, world):
    """本月待办 links with `type` and `organisation`: the form starts with that type ticked (and its expected
    attendees follow on saving); an unknown type is ignored, never a 500; the branch chooser keeps the type."""
    _login(client, world, "secretary_a")
    url = reverse("meetings:create")
    response = client.get(f"{url}?type={T.COMMITTEE_MEETING}&organisation={world.branch_a.pk}")
    form = response.context["form"]
    assert form.initial["types"] == [T.COMMITTEE_MEETING] and form.initial["organisation"] == world.branch_a
    assert re.search(r'<input[^>]*value="committee_meeting"[^>]*checked', response.content.decode())
    for bad in ("nonsense", "", "<script>"):
        response = client.get(f"{url}?type={bad}&organisation={world.branch_a.pk}")
        assert response.status_code == 200 and "types" not in response.context["form"].initial
    page = _login(client, world, "admin").get(f"{url}?type={T.COMMITTEE_MEETING}").content.decode()
    assert '<input type="hidden" name="type" value="committee_meeting">' in page


# --- Detail --------------------------------------------------------------------------------------------------------


def test_detail_shows_attendance_by_name_quorum_and_badges(client, world):
    """The record lists present / on leave (with the reason) / absent by name, guests, quorum and 补录."""
    meeting = _meeting(world.branch_a, MeetingStatus.HELD, types=(T.GENERAL_MEETING,), is_backfilled=True)
    Attendance.objects.filter(meeting=meeting, member=world.member_a).update(state="leave", leave_reason="出差")
    Attendance.objects.filter(meeting=meeting, member__name="预备党员甲").update(state="absent")
    Guest.objects.create(meeting=meeting, name="周积极", kind="activist")
    page = _login(client, world, "member").get(meeting.get_absolute_url()).content.decode()
    assert "王党员（出差）" in page and "周积极" in page and "补录" in page
    assert "支部党员大会：有表决权应到 2 人，实到 1 人，至少需 2 人" in page
    assert reverse("meetings:edit", args=[meeting.pk]) not in page  # a member reads only


def test_detail_offers_the_actions_to_managers_only(client, world):
    """The secretary sees attendance, edit, finalise and delete; the reviewer only the record and its history."""
    meeting = _meeting(world.branch_a, MeetingStatus.HELD)
    page = _login(client, world, "secretary_a").get(meeting.get_absolute_url()).content.decode()
    for name in ("attendance", "edit", "finalise", "delete", "history"):
        assert reverse(f"meetings:{name}", args=[meeting.pk]) in page
    page = _login(client, world, "reviewer").get(meeting.get_absolute_url()).content.decode()
    assert reverse("meetings:history", args=[meeting.pk]) in page
    assert reverse("meetings:edit", args=[meeting.pk]) not in page


def _next_step_href(html: str) -> str:
    match = re.search(r'href="([^"]+)" data-next-step', html)
    return match.group(1) if match else ""


def test_detail_leads_the_secretary_to_the_next_step(client, world):
    """The open record's primary button and hint follow the work: attendance first, then the minutes, then
    finalising; a finalised record and a reader's page have no next step."""
    meeting = _meeting(world.branch_a)
    _login(client, world, "secretary_a")
    assert _next_step_href(client.get(meeting.get_absolute_url()).content.decode()) == reverse(
        "meetings:attendance", args=[meeting.pk]
    )
    meeting.attendances.update(state=AttendanceState.PRESENT)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert _next_step_href(html) == reverse("meetings:edit", args=[meeting.pk])
    assert "下一步：填写会议内容" in html
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.HELD, minutes="学习党章。")
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert _next_step_href(html) == reverse("meetings:finalise", args=[meeting.pk])
    assert "下一步：核对无误后归档" in html
    assert not _next_step_href(_login(client, world, "reviewer").get(meeting.get_absolute_url()).content.decode())
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.FINALISED)
    assert not _next_step_href(_login(client, world, "secretary_a").get(meeting.get_absolute_url()).content.decode())


# --- Edit and record -----------------------------------------------------------------------------------------------


def test_writing_minutes_records_the_meeting_as_held(client, world):
    """Minutes written after the meeting make it 已召开 (a draft until finalised); the message confirms the save."""
    meeting = _meeting(world.branch_a)
    _login(client, world, "secretary_a")
    data = _edit_data(meeting, minutes="学习了党章第一章。", decisions="下月开展志愿服务。")
    response = client.post(reverse("meetings:edit", args=[meeting.pk]), data)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD and meeting.minutes == "学习了党章第一章。"
    assert meeting.recorded_at is not None and not meeting.is_backfilled
    assert "已保存会议" in _follow_messages(client, response)


def test_a_record_entered_long_after_the_meeting_is_backfilled(client, world):
    """Minutes entered more than 7 days after the meeting mark the record 补录, for reviewers."""
    meeting = _meeting(world.branch_a, days=-10)
    _login(client, world, "secretary_a")
    client.post(reverse("meetings:edit", args=[meeting.pk]), _edit_data(meeting, minutes="补记会议内容"))
    meeting.refresh_from_db()
    assert meeting.is_backfilled
    page = _login(client, world, "reviewer").get(reverse("meetings:list") + "?backfilled=yes")
    assert [m.pk for m in listed(page)] == [meeting.pk]


def test_a_meeting_in_the_future_cannot_be_logged_as_held(client, world):
    """Minutes for a meeting that has not started are refused with a message; nothing changes, not even the plan."""
    meeting = _meeting(world.branch_a, days=2)
    before = meeting.version
    _login(client, world, "secretary_a")
    data = _edit_data(meeting, minutes="提前写好的记录", topic="改了主题")
    response = client.post(reverse("meetings:edit", args=[meeting.pk]), data)
    assert response.status_code == 200
    assert "会议尚未召开，不能记录为已召开" in response.content.decode()
    meeting.refresh_from_db()
    assert (meeting.status, meeting.minutes, meeting.topic, meeting.version) == ("planned", "", "测试会议", before)


def test_an_end_before_the_start_is_refused_on_edit(client, world):
    """An end before the start: a message at 结束时间, nothing changed."""
    meeting = _meeting(world.branch_a)
    _login(client, world, "secretary_a")
    data = _edit_data(meeting, ends_at=_local(days=-3))
    response = client.post(reverse("meetings:edit", args=[meeting.pk]), data)
    assert "结束时间不能早于开始时间" in str(response.context["form"].errors["ends_at"])
    meeting.refresh_from_db()
    assert meeting.ends_at is None


def test_the_second_of_two_concurrent_edits_is_refused_and_the_first_kept(client, world):
    """Two people open the same meeting; the first save wins, the second is refused with a clear message."""
    meeting = _meeting(world.branch_a)
    first = _edit_data(meeting, topic="第一人的修改")
    second = _edit_data(meeting, topic="第二人的修改")
    _login(client, world, "secretary_a")
    assert client.post(reverse("meetings:edit", args=[meeting.pk]), first).status_code == 302
    response = _login(client, world, "admin").post(reverse("meetings:edit", args=[meeting.pk]), second)
    assert response.status_code == 200
    assert "该会议记录已被他人修改，您的修改未保存" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.topic == "第一人的修改"


def test_a_form_without_its_version_is_refused(client, world):
    """A save that cannot show which version it edited is treated as stale."""
    meeting = _meeting(world.branch_a)
    data = _edit_data(meeting, topic="新主题")
    del data["version"]
    response = _login(client, world, "secretary_a").post(reverse("meetings:edit", args=[meeting.pk]), data)
    assert response.status_code == 200
    meeting.refresh_from_db()
    assert meeting.topic == "测试会议"


def test_a_finalised_record_is_read_only(client, world):
    """After finalising, the edit and attendance pages refuse with a message and a POST changes nothing."""
    meeting = _meeting(world.branch_a, MeetingStatus.FINALISED, minutes="原内容")
    _login(client, world, "secretary_a")
    for name in ("edit", "attendance"):
        response = client.get(reverse(f"meetings:{name}", args=[meeting.pk]))
        assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
        assert "该会议记录已归档，不能直接修改" in _follow_messages(client, response)
    client.post(reverse("meetings:edit", args=[meeting.pk]), _edit_data(meeting, minutes="偷偷改"))
    client.post(reverse("meetings:attendance", args=[meeting.pk]), {"action": "guest_add", "name": "某人"})
    meeting.refresh_from_db()
    assert meeting.minutes == "原内容" and not meeting.guests.exists()


# --- Attendance ----------------------------------------------------------------------------------------------------


def _attendance_post(meeting: Meeting, states: dict, reasons: dict | None = None) -> dict:
    meeting.refresh_from_db()
    data = {"action": "attendance", "version": meeting.version}
    for member_id, state in states.items():
        data[f"state_{member_id}"] = state
    for member_id, reason in (reasons or {}).items():
        data[f"reason_{member_id}"] = reason
    return data


def test_attendance_records_present_leave_and_absent(client, world):
    """Each expected person is present, on leave with a reason, or absent; the record shows them by name."""
    meeting = _meeting(world.branch_a)
    probationary = Member.objects.get(name="预备党员甲")
    _login(client, world, "secretary_a")
    states = {world.secretary_a_member.pk: "present", world.member_a.pk: "leave", probationary.pk: "absent"}
    data = _attendance_post(meeting, states, {world.member_a.pk: "外出培训"})
    response = client.post(reverse("meetings:attendance", args=[meeting.pk]), data)
    assert response.status_code == 302
    got = dict(meeting.attendances.values_list("member__name", "state"))
    assert got == {"张书记": "present", "王党员": "leave", "预备党员甲": "absent"}
    assert meeting.attendances.get(member=world.member_a).leave_reason == "外出培训"
    assert "已保存出席情况" in _follow_messages(client, response)


def test_leave_needs_a_reason(client, world):
    """On leave without a reason: the message at that person's line, nothing saved."""
    meeting = _meeting(world.branch_a)
    _login(client, world, "secretary_a")
    data = _attendance_post(meeting, {world.member_a.pk: "leave"})
    response = client.post(reverse("meetings:attendance", args=[meeting.pk]), data)
    assert response.status_code == 200
    assert "请填写请假原因" in response.content.decode()
    assert meeting.attendances.get(member=world.member_a).state == AttendanceState.EXPECTED


def test_attendance_before_the_meeting_starts_is_refused_but_leave_is_allowed(client, world):
    """Before the start only leave can be recorded; present or absent is refused with a message."""
    meeting = _meeting(world.branch_a, days=3)
    _login(client, world, "secretary_a")
    data = _attendance_post(meeting, {world.member_a.pk: "present"})
    response = client.post(reverse("meetings:attendance", args=[meeting.pk]), data)
    assert response.status_code == 200
    assert "会议尚未召开，不能登记出席或缺席" in response.content.decode()
    assert meeting.attendances.get(member=world.member_a).state == AttendanceState.EXPECTED
    data = _attendance_post(meeting, {world.member_a.pk: "leave"}, {world.member_a.pk: "出差"})
    assert client.post(reverse("meetings:attendance", args=[meeting.pk]), data).status_code == 302
    assert meeting.attendances.get(member=world.member_a).state == AttendanceState.LEAVE


def test_stale_attendance_is_refused(client, world):
    """Attendance saved from an outdated page is refused; the other person's save stays."""
    meeting = _meeting(world.branch_a)
    stale = _attendance_post(meeting, {world.member_a.pk: "absent"})
    services.guest_add(meeting=meeting, name="周积极", by=SYSTEM)
    response = _login(client, world, "secretary_a").post(reverse("meetings:attendance", args=[meeting.pk]), stale)
    assert response.status_code == 200
    assert "该会议记录已被他人修改" in response.content.decode()
    assert meeting.attendances.get(member=world.member_a).state == AttendanceState.EXPECTED


def test_expected_people_can_be_added_and_removed_within_the_branch_only(client, world):
    """The expected list is editable among the branch's party members; someone of another branch is refused."""
    meeting = _meeting(world.branch_a)
    url = reverse("meetings:attendance", args=[meeting.pk])
    _login(client, world, "secretary_a")
    keep = [world.secretary_a_member.pk, world.member_a.pk]
    response = client.post(url, {"action": "attendees", "members": keep, "version": meeting.version})
    assert response.status_code == 302
    assert set(meeting.attendances.values_list("member_id", flat=True)) == set(keep)
    meeting.refresh_from_db()
    response = client.post(
        url, {"action": "attendees", "members": [*keep, world.member_b.pk], "version": meeting.version}
    )
    assert response.status_code == 200
    assert "不是本支部党员，不能列入参会人员" in response.content.decode()
    assert not meeting.attendances.filter(member=world.member_b).exists()


def test_guests_are_added_and_removed(client, world):
    """Guests (积极分子, observers from above) are added with a kind and a note, and removed again."""
    meeting = _meeting(world.branch_a)
    url = reverse("meetings:attendance", args=[meeting.pk])
    _login(client, world, "secretary_a")
    response = client.post(url, {"action": "guest_add", "name": "钱积极", "kind": "activist", "note": "团员"})
    assert response.status_code == 302
    guest = meeting.guests.get()
    assert (guest.name, guest.kind, guest.note) == ("钱积极", "activist", "团员")
    assert client.post(url, {"action": "guest_add", "name": "", "kind": "activist"}).status_code == 200
    assert client.post(url, {"action": "guest_remove", "guest": guest.pk}).status_code == 302
    assert not meeting.guests.exists()


def test_attendance_page_shows_every_expected_person(client, world):
    """The page lists each expected person with the three choices and the "全部出席" shortcut."""
    meeting = _meeting(world.branch_a)
    page = _login(client, world, "secretary_a").get(reverse("meetings:attendance", args=[meeting.pk]))
    html = page.content.decode()
    for name in ("张书记", "王党员", "预备党员甲", "全部出席", "出席", "请假", "缺席"):
        assert name in html


# --- Finalise ------------------------------------------------------------------------------------------------------


def _committee_meeting(world, present_count: int) -> Meeting:
    """A held 支部委员会 of branch A's three-member committee with `present_count` present, the others absent."""
    officers = [MemberFactory(name=f"委员{i}", organisation=world.branch_a) for i in range(2)]
    make_committee(
        world.branch_a,
        [
            (world.secretary_a_member, Post.SECRETARY),
            (officers[0], Post.ORGANISATION_OFFICER),
            (officers[1], Post.PUBLICITY_OFFICER),
        ],
    )
    people = [world.secretary_a_member, *officers]
    return make_meeting(
        world.branch_a,
        (T.COMMITTEE_MEETING,),
        status=MeetingStatus.HELD,
        attendees=people,
        present=people[:present_count],
        minutes="研究发展党员工作",
    )


def test_finalise_with_quorum_makes_the_record_read_only(client, world):
    """With a quorum the secretary confirms; the record is 已归档 and offers amendments instead of editing."""
    meeting = _committee_meeting(world, present_count=2)
    url = reverse("meetings:finalise", args=[meeting.pk])
    _login(client, world, "secretary_a")
    page = client.get(url).content.decode()
    assert "达到法定人数" in page and "支部委员会：有表决权应到 3 人，实到 2 人，至少需 2 人" in page
    response = client.post(url, {"version": meeting.version})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.FINALISED and meeting.finalised_by == world.secretary_a
    page = _follow_messages(client, response)
    assert "会议记录已归档" in page
    assert reverse("meetings:amend", args=[meeting.pk]) in page
    assert reverse("meetings:edit", args=[meeting.pk]) not in page


def test_finalise_without_quorum_needs_a_confirmation_and_a_reason(client, world):
    """Without a quorum the checkbox and a reason are both required; the reason is then shown on the record."""
    meeting = _committee_meeting(world, present_count=1)
    url = reverse("meetings:finalise", args=[meeting.pk])
    _login(client, world, "secretary_a")
    response = client.post(url, {"version": meeting.version})
    assert response.status_code == 200
    assert "confirm_without_quorum" in response.context["form"].errors
    # Confirmed without a reason: the service refuses (the rule lives there only) and the form shows its message.
    response = client.post(url, {"version": meeting.version, "confirm_without_quorum": "on"})
    assert response.status_code == 200
    assert "请说明原因后再归档" in " ".join(response.context["form"].errors["without_quorum_reason"])
    response = client.post(url, {"version": meeting.version, "without_quorum_reason": "两名委员出差"})
    assert response.status_code == 200
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    data = {"version": meeting.version, "confirm_without_quorum": "on", "without_quorum_reason": "两名委员出差"}
    assert client.post(url, data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.FINALISED and meeting.without_quorum_reason == "两名委员出差"
    page = _login(client, world, "reviewer").get(meeting.get_absolute_url()).content.decode()
    assert "未达到法定人数，经确认后归档" in page and "两名委员出差" in page


def test_finalise_refuses_a_record_with_people_unmarked(client, world):
    """Everyone expected must be marked present, on leave or absent before the record is finalised."""
    meeting = _meeting(world.branch_a, MeetingStatus.HELD)
    Attendance.objects.filter(meeting=meeting, member=world.member_a).update(state="expected")
    response = _login(client, world, "secretary_a").post(
        reverse("meetings:finalise", args=[meeting.pk]), {"version": meeting.version}
    )
    assert response.status_code == 200
    assert "还有1人未登记出席情况" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD


def test_a_planned_meeting_cannot_be_finalised(client, world):
    """A meeting without minutes is not finalised: the message asks for the record first and links to it."""
    meeting = _meeting(world.branch_a)
    page = _login(client, world, "secretary_a").get(reverse("meetings:finalise", args=[meeting.pk])).content.decode()
    assert f'href="{reverse("meetings:edit", args=[meeting.pk])}">去填写' in page
    response = client.post(reverse("meetings:finalise", args=[meeting.pk]), {"version": meeting.version})
    assert "请先填写会议记录，再归档" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED


# --- Amend ---------------------------------------------------------------------------------------------------------


def test_an_amendment_keeps_the_original_visible(client, world):
    """A finalised meeting cannot be edited; an amendment keeps the original, with author, time and reason."""
    meeting = _meeting(world.branch_a, MeetingStatus.FINALISED, minutes="原来的会议内容", place="二楼")
    url = reverse("meetings:amend", args=[meeting.pk])
    _login(client, world, "secretary_a")
    form = client.get(url + "?field=place").context["form"]
    assert form.initial == {"field": "place", "new_value": "二楼"}
    response = client.post(url, {"field": "minutes", "new_value": "更正后的会议内容", "reason": "漏记一项议题"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes == "更正后的会议内容" and meeting.status == MeetingStatus.FINALISED
    amendment = meeting.amendments.get()
    assert (amendment.old_value, amendment.author, amendment.reason) == (
        "原来的会议内容",
        world.secretary_a,
        "漏记一项议题",
    )
    page = _login(client, world, "member").get(meeting.get_absolute_url()).content.decode()
    assert "原来的会议内容" in page and "更正后的会议内容" in page and "漏记一项议题" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"field": "minutes", "new_value": "x", "reason": ""}, "请填写更正原因"),
        ({"field": "minutes", "new_value": "原内容", "reason": "无"}, "更正后的内容与原内容相同"),
        ({"field": "organisation", "new_value": "x", "reason": "无"}, ""),
        ({"field": "place", "new_value": "很" * 121, "reason": "无"}, "内容不能超过120个字"),
    ],
)
def test_bad_amendments_are_refused_at_the_field(client, world, data, message):
    """An amendment without a reason, without a change, of a field not amendable or too long: refused."""
    meeting = _meeting(world.branch_a, MeetingStatus.FINALISED, minutes="原内容")
    response = _login(client, world, "secretary_a").post(reverse("meetings:amend", args=[meeting.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not meeting.amendments.exists()


# --- Cancel, delete, restore, history ------------------------------------------------------------------------------


def test_a_planned_meeting_is_cancelled_after_confirmation(client, world):
    """Cancelling asks first; the record then shows 已取消 with the reason and offers no more edits."""
    meeting = _meeting(world.branch_a, days=2)
    url = reverse("meetings:cancel", args=[meeting.pk])
    _login(client, world, "secretary_a")
    assert "确认取消会议" in client.get(url).content.decode()
    response = client.post(url, {"reason": "与上级会议冲突", "version": meeting.version})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED and meeting.cancelled_reason == "与上级会议冲突"
    assert client.get(reverse("meetings:edit", args=[meeting.pk])).status_code == 302


def test_soft_delete_and_restore(client, world):
    """Deleting asks first and moves the meeting to the recycle bin; the secretary restores it unchanged."""
    meeting = _meeting(world.branch_a, MeetingStatus.HELD, minutes="内容")
    _login(client, world, "secretary_a")
    assert "确认删除" in client.get(reverse("meetings:delete", args=[meeting.pk])).content.decode()
    response = client.post(reverse("meetings:delete", args=[meeting.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("meetings:list")
    assert "移入回收站" in _follow_messages(client, response)
    assert client.get(meeting.get_absolute_url()).status_code == 404
    assert not listed(client.get(reverse("meetings:list")))
    trash = client.get(reverse("meetings:trash"))
    assert [m.pk for m in trash.context["meetings"]] == [meeting.pk] and trash.context["total"] == 1
    # B's secretary cannot restore A's meeting.
    assert _login(client, world, "secretary_b").post(reverse("meetings:restore", args=[meeting.pk])).status_code == 404
    response = _login(client, world, "secretary_a").post(reverse("meetings:restore", args=[meeting.pk]))
    assert response.status_code == 302
    meeting = Meeting.objects.get(pk=meeting.pk)
    assert meeting.minutes == "内容" and meeting.status == MeetingStatus.HELD


def test_history_lists_every_change_of_the_record(client, world):
    """Plan, record and finalise each appear in the history, with the changed items by name."""
    meeting = services.meeting_plan(
        organisation=world.branch_a,
        types=[T.THEME_DAY],
        starts_at=timezone.now() - timedelta(hours=3),
        topic="学习党章",
        host=world.secretary_a_member,
        by=SYSTEM,
    )
    services.meeting_update(meeting=meeting, version=meeting.version, data={"place": "三楼会议室"}, by=SYSTEM)
    response = _login(client, world, "member").get(reverse("meetings:history", args=[meeting.pk]))
    assert response.status_code == 200
    assert response.context["total"] == 2
    html = response.content.decode()
    assert "三楼会议室" in html and "地点" in html and "安排会议" in html


def test_history_queries_do_not_grow_with_versions(client, world, django_assert_num_queries):
    """The history page costs the same with 5 and with 50 saved versions."""
    meeting = _meeting(world.branch_a, host=world.secretary_a_member)
    url = reverse("meetings:history", args=[meeting.pk])
    _login(client, world, "secretary_a")

    def save_versions(count: int) -> None:
        for i in range(count):
            fresh = Meeting.objects.get(pk=meeting.pk)
            services.meeting_update(meeting=fresh, version=fresh.version, data={"place": f"会议室{i}"}, by=SYSTEM)

    save_versions(4)
    small = _count_queries(client, url)
    save_versions(45)
    with django_assert_num_queries(small):
        client.get(url)


def test_meeting_save_is_one_atomic_step(world):
    """meeting_save: the plan's change and the record together; a refused record keeps the plan unchanged."""
    meeting = _meeting(world.branch_a)
    services.meeting_save(
        meeting=meeting,
        version=meeting.version,
        data={"place": "二楼"},
        minutes="会议内容",
        decisions="决定",
        by=SYSTEM,
    )
    meeting.refresh_from_db()
    assert (meeting.place, meeting.status, meeting.decisions) == ("二楼", MeetingStatus.HELD, "决定")
    future = _meeting(world.branch_a, days=1)
    with pytest.raises(DomainError):
        services.meeting_save(meeting=future, version=future.version, data={"place": "三楼"}, minutes="x", by=SYSTEM)
    future.refresh_from_db()
    assert (future.place, future.status) == ("", MeetingStatus.PLANNED)


# --- Navigation and the branch page --------------------------------------------------------------------------------


def test_every_role_that_reads_meetings_has_the_menu_item(client, world):
    """ "会议" is in the menu of members, secretaries, reviewers and admins."""
    for role in ("member", "secretary_a", "reviewer", "admin"):
        page = _login(client, world, role).get(reverse("meetings:list")).content.decode()
        assert f'href="{reverse("meetings:list")}"' in page, role


def test_branch_page_shows_recent_meetings_with_a_link_to_the_filtered_list(client, world):
    """The branch page lists its latest meetings (its 党小组's too) and links to the list filtered by the branch."""
    _meeting(world.branch_a, topic="甲支部主题党日")
    _meeting(world.group_a1, types=(T.GROUP_MEETING,), topic="甲第一党小组会", days=-3)
    _meeting(world.branch_b, topic="乙支部主题党日")
    page = _login(client, world, "secretary_a").get(reverse("branches:detail", args=[world.branch_a.pk]))
    html = page.content.decode()
    assert "最近会议" in html and "甲支部主题党日" in html and "甲第一党小组会" in html
    assert "乙支部主题党日" not in html
    assert f"{reverse('meetings:list')}?organisation={world.branch_a.pk}" in html
    assert f"{reverse('meetings:create')}?organisation={world.branch_a.pk}" in html
    html = _login(client, world, "reviewer").get(reverse("branches:detail", args=[world.branch_a.pk])).content.decode()
    assert "甲支部主题党日" in html and f"{reverse('meetings:create')}?organisation=" not in html


def test_branch_page_shows_the_newest_meetings_first(client, world):
    """The card shows the five newest meetings, newest first (an aggregated query keeps no default order)."""
    for days in (-30, -2, -90, -1, -60, -10, -200):
        _meeting(world.branch_a, topic=f"{-days}天前的会议", days=days)
    html = _login(client, world, "secretary_a").get(reverse("branches:detail", args=[world.branch_a.pk])).content
    html = html.decode()
    shown = [f"{d}天前的会议" for d in (1, 2, 10, 30, 60)]
    positions = [html.index(topic) for topic in shown]
    assert positions == sorted(positions)
    assert "90天前的会议" not in html and "200天前的会议" not in html


def test_a_planned_committee_meeting_is_refused_for_want_of_a_record_not_of_quorum(client, world):
    """Finalising a planned meeting asks for the record first; the quorum question comes once it is held."""
    meeting = _committee_meeting(world, present_count=0)
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.PLANNED)
    url = reverse("meetings:finalise", args=[meeting.pk])
    _login(client, world, "secretary_a")
    assert "confirm_without_quorum" not in client.get(url).context["form"].fields
    response = client.post(url, {"version": meeting.version})
    assert "请先填写会议记录，再归档" in response.content.decode()


def test_list_filters_by_the_period_a_compliance_figure_counts(client, world):
    """A compliance figure links to the list with `period` (month, quarter or year, local dates); it is shown and
    can be cleared; a code that is no period matches nothing."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    shanghai = ZoneInfo("Asia/Shanghai")
    inside = _meeting(world.branch_a, MeetingStatus.FINALISED, topic="三季度末")
    Meeting.objects.filter(pk=inside.pk).update(starts_at=datetime(2025, 9, 30, 23, 30, tzinfo=shanghai))
    after = _meeting(world.branch_a, MeetingStatus.FINALISED, topic="四季度初")
    Meeting.objects.filter(pk=after.pk).update(starts_at=datetime(2025, 10, 1, 0, 30, tzinfo=shanghai))
    _login(client, world, "reviewer")

    def topics(query: str) -> list[str]:
        return [m.topic for m in listed(client.get(reverse("meetings:list") + "?" + query))]

    assert topics("period=2025-Q3") == ["三季度末"]
    assert topics("period=2025-10") == ["四季度初"]
    assert topics("period=2025") == ["四季度初", "三季度末"]
    assert topics("period=2025-Q5") == []
    page = client.get(reverse("meetings:list") + "?period=2025-Q3&type=theme_day").content.decode()
    assert "统计期间：2025年第3季度" in page and 'href="?type=theme_day"' in page


def test_history_shows_attendance_guest_and_type_changes_with_the_save_they_belong_to(client, world):
    """Every change is in the record's history: the people expected at planning, a type added, attendance
    (with the leave reason) and guests, each under the save that made it."""
    meeting = services.meeting_plan(
        organisation=world.branch_a,
        types=[T.THEME_DAY],
        starts_at=timezone.now() - timedelta(hours=3),
        topic="学习",
        by=SYSTEM,
    )
    services.meeting_update(
        meeting=meeting, version=meeting.version, data={}, types=[T.THEME_DAY, T.PARTY_LECTURE], by=SYSTEM
    )
    services.attendance_record(
        meeting=meeting, entries=[services.AttendanceEntry(world.member_a, AttendanceState.LEAVE, "出差")], by=SYSTEM
    )
    services.guest_add(meeting=meeting, name="周积极", kind="activist", by=SYSTEM)
    response = _login(client, world, "secretary_a").get(reverse("meetings:history", args=[meeting.pk]))
    lines = [(entry.kind, [(c.label, c.old, c.new) for c in entry.changes]) for entry in response.context["entries"]]
    assert lines[0][1] == [("列席人员", "—", "周积极（入党积极分子）")]
    assert lines[1][1] == [("出席情况 · 王党员", "应到", "请假（出差）")]
    assert lines[2][1] == [("会议类型", "—", "党课")]
    assert lines[3][0] == "创建" and ("应到人员", "—", "张书记、王党员、预备党员甲") in lines[3][1]


def test_history_names_who_planned_the_meeting(client, world):
    """The first version of a meeting planned on the page records the secretary who planned it."""
    _login(client, world, "secretary_a").post(reverse("meetings:create"), _plan_data(world.branch_a))
    meeting = Meeting.objects.get()
    [created] = meeting.history.all()
    assert (created.history_type, created.history_user) == ("+", world.secretary_a)
    assert created.topic == "学习党章"
    world.secretary_a.first_name = "张书记"
    world.secretary_a.save()
    page = client.get(reverse("meetings:history", args=[meeting.pk])).content.decode()
    assert "张书记" in page and world.secretary_a.get_username() not in page  # a person's name, not a login name


def test_history_shows_attendance_of_people_listed_without_a_history(client, world):
    """Attendance rows loaded in bulk (no earlier version) still show their change, from an unknown state."""
    meeting = _meeting(world.branch_a)
    services.attendance_record(
        meeting=meeting, entries=[services.AttendanceEntry(world.member_a, AttendanceState.LEAVE, "出差")], by=SYSTEM
    )
    response = _login(client, world, "secretary_a").get(reverse("meetings:history", args=[meeting.pk]))
    changes = [(c.label, c.old, c.new) for entry in response.context["entries"] for c in entry.changes]
    assert ("出席情况 · 王党员", "—", "请假（出差）") in changes


def test_the_branch_chooser_names_each_party_group_with_its_branch(client, world):
    """Many branches have a 第一党小组: the chooser shows "branch · group"."""
    page = _login(client, world, "admin").get(reverse("meetings:create")).content.decode()
    assert "甲党支部 · 甲第一党小组" in page and "乙党支部" in page
