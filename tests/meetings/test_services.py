"""Meeting services: plan, edit, attendance, record, finalise, amend, cancel, delete and uploads."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from branches.errors import DomainError
from meetings import services
from meetings.models import (
    Amendment,
    Attendance,
    AttendanceState,
    Meeting,
    MeetingAttachment,
    MeetingPhoto,
    MeetingStatus,
    MeetingType,
)
from meetings.services import AttendanceEntry
from members.access import SYSTEM, scope_for
from members.models import Post, Status
from tests.factories import MemberFactory, make_committee

pytestmark = pytest.mark.django_db

T = MeetingType


def _past(days: int = 1):
    return timezone.now() - timedelta(days=days)


def _plan(world, types=(T.THEME_DAY,), **kwargs):
    kwargs.setdefault("starts_at", _past())
    kwargs.setdefault("topic", "学习党的二十届四中全会精神")
    kwargs.setdefault("by", SYSTEM)
    return services.meeting_plan(organisation=kwargs.pop("organisation", world.branch_a), types=list(types), **kwargs)


def _names(meeting: Meeting) -> set[str]:
    return set(meeting.attendances.values_list("member__name", flat=True))


def _held(world, types=(T.THEME_DAY,), **kwargs) -> Meeting:
    meeting = _plan(world, types, **kwargs)
    services.meeting_record(meeting=meeting, version=meeting.version, minutes="会议内容", decisions="", by=SYSTEM)
    return meeting


def _mark_all(meeting: Meeting, state=AttendanceState.PRESENT) -> None:
    entries = [AttendanceEntry(a.member, state) for a in meeting.attendances.select_related("member")]
    services.attendance_record(meeting=meeting, entries=entries, by=SYSTEM)


# --- Plan ----------------------------------------------------------------------------------------------------------


def test_plan_prefills_all_members_for_a_theme_day(world):
    """主题党日, 党课, 党员大会 …: all members (预备 and 正式) of the branch are expected; deleted ones are not."""
    deleted = MemberFactory(name="已删除党员", organisation=world.branch_a, is_deleted=True)
    MemberFactory(name="申请人", organisation=world.branch_a, status=Status.APPLICANT, confirmed_on=None)
    meeting = _plan(world, [T.THEME_DAY, T.PARTY_LECTURE])
    assert _names(meeting) == {"张书记", "王党员", "预备党员甲"}
    assert deleted.name not in _names(meeting)
    assert set(meeting.types) == {T.THEME_DAY, T.PARTY_LECTURE}
    assert meeting.attendances.filter(state=AttendanceState.EXPECTED).count() == 3


def test_plan_prefills_the_committee_for_a_committee_meeting(world):
    """支部委员会: the current committee's post holders are expected."""
    extra = MemberFactory(name="组织委员", organisation=world.branch_a)
    make_committee(world.branch_a, [(world.secretary_a_member, Post.SECRETARY), (extra, Post.ORGANISATION_OFFICER)])
    meeting = _plan(world, [T.COMMITTEE_MEETING])
    assert _names(meeting) == {"张书记", "组织委员"}


def test_plan_prefills_the_group_for_a_group_meeting(world):
    """党小组会: held by the party group, with the group's members expected."""
    meeting = _plan(world, [T.GROUP_MEETING], organisation=world.group_a1)
    assert _names(meeting) == {"王党员"}


def test_plan_takes_an_edited_list(world):
    """The expected list is editable: the given people replace the default."""
    meeting = _plan(world, attendees=[world.member_a])
    assert _names(meeting) == {"王党员"}


@pytest.mark.parametrize(
    ("types", "org", "field"),
    [
        ([], "branch_a", "types"),
        (["nonsense"], "branch_a", "types"),
        ([T.GROUP_MEETING], "branch_a", "types"),
        ([T.COMMITTEE_MEETING], "group_a1", "types"),
        ([T.THEME_DAY], "p1", "types"),  # a 党委 records only its 书记's 党课
    ],
)
def test_plan_refuses_wrong_types_or_organisation(world, types, org, field):
    """党小组会 belongs to a party group, 支委会 and 党员大会 to a branch; meetings are held by branches or groups
    (a 党委 records its 书记's yearly 党课 only)."""
    with pytest.raises(DomainError) as exc:
        _plan(world, types, organisation=getattr(world, org))
    assert exc.value.field == field
    assert Meeting.objects.count() == 0


def test_plan_refuses_an_end_before_the_start(world):
    """An end before the start: a Chinese message on ends_at, nothing saved."""
    start = _past()
    with pytest.raises(DomainError, match="结束时间不能早于开始时间") as exc:
        _plan(world, starts_at=start, ends_at=start - timedelta(minutes=1))
    assert exc.value.field == "ends_at"
    assert Meeting.objects.count() == 0


def test_plan_refuses_people_outside_the_branch(world):
    """Attendees, host and recorder must be members of the meeting's branch."""
    with pytest.raises(DomainError, match="赵党员不是本支部党员") as exc:
        _plan(world, attendees=[world.member_a, world.member_b])
    assert exc.value.field == "attendees"
    with pytest.raises(DomainError) as exc:
        _plan(world, host=world.member_b)
    assert exc.value.field == "host"
    assert Meeting.objects.count() == 0 and Attendance.objects.count() == 0


def test_plan_refuses_a_topic_too_long(world):
    """Field limits come back as a domain error at the field, not a database error."""
    with pytest.raises(DomainError) as exc:
        _plan(world, topic="长" * 201)
    assert exc.value.field == "topic"


def test_election_flag_only_for_a_general_meeting(world):
    """The election flag (4/5 quorum) belongs to a 支部党员大会; elsewhere it is dropped."""
    assert _plan(world, [T.GENERAL_MEETING], is_election=True).is_election
    assert not _plan(world, [T.THEME_DAY], is_election=True).is_election


# --- Edit ----------------------------------------------------------------------------------------------------------


def test_update_with_the_current_version_saves_and_bumps_it(world):
    """An edit with the version read saves the changes and the types, and raises the version."""
    meeting = _plan(world)
    services.meeting_update(
        meeting=meeting, version=1, data={"place": "三楼会议室"}, types=[T.THEME_DAY, T.PARTY_LECTURE], by=SYSTEM
    )
    meeting.refresh_from_db()
    assert meeting.place == "三楼会议室"
    assert meeting.version == 2
    assert set(Meeting.objects.get().types) == {T.THEME_DAY, T.PARTY_LECTURE}


def test_stale_edit_is_refused_and_the_first_change_kept(world):
    """Two people edit the same meeting: the second save is refused with a clear message; the first stays."""
    first = _plan(world)
    second = Meeting.objects.get(pk=first.pk)
    services.meeting_update(meeting=first, version=1, data={"place": "第一人的地点"}, by=SYSTEM)
    with pytest.raises(DomainError, match="该会议记录已被他人修改"):
        services.meeting_update(meeting=second, version=1, data={"place": "第二人的地点"}, by=SYSTEM)
    first.refresh_from_db()
    assert first.place == "第一人的地点"
    assert first.version == 2


def test_held_meeting_cannot_move_into_the_future(world):
    """A held meeting's start cannot be moved to a future time."""
    meeting = _held(world)
    with pytest.raises(DomainError, match="会议尚未召开"):
        services.meeting_update(
            meeting=meeting, version=meeting.version, data={"starts_at": timezone.now() + timedelta(days=2)}, by=SYSTEM
        )


def test_edit_to_a_finalised_record_is_refused(world):
    """A finalised record is read-only: edits, attendance, guests and uploads are refused."""
    meeting = _held(world)
    _mark_all(meeting)
    services.meeting_finalise(meeting=meeting, by=scope_for(world.secretary_a))
    version = meeting.version
    with pytest.raises(DomainError, match="已归档"):
        services.meeting_update(meeting=meeting, version=version, data={"place": "改"}, by=SYSTEM)
    with pytest.raises(DomainError, match="已归档"):
        services.meeting_record(meeting=meeting, version=version, minutes="改", by=SYSTEM)
    with pytest.raises(DomainError, match="已归档"):
        services.attendance_record(
            meeting=meeting, entries=[AttendanceEntry(world.member_a, AttendanceState.ABSENT)], by=SYSTEM
        )
    with pytest.raises(DomainError, match="已归档"):
        services.guest_add(meeting=meeting, name="访客", by=SYSTEM)
    meeting.refresh_from_db()
    assert meeting.version == version and meeting.place == ""


# --- Attendance ----------------------------------------------------------------------------------------------------


def test_attendance_record_sets_states_and_reasons(world):
    """Present, on leave with a reason, absent; a reason is dropped for anything but leave."""
    meeting = _plan(world)
    services.attendance_record(
        meeting=meeting,
        entries=[
            AttendanceEntry(world.secretary_a_member, AttendanceState.PRESENT, "不该保存"),
            AttendanceEntry(world.member_a, AttendanceState.LEAVE, "出差"),
        ],
        by=SYSTEM,
    )
    states = dict(meeting.attendances.values_list("member__name", "state"))
    assert states["张书记"] == AttendanceState.PRESENT
    assert states["王党员"] == AttendanceState.LEAVE
    assert meeting.attendances.get(member=world.member_a).leave_reason == "出差"
    assert meeting.attendances.get(member=world.secretary_a_member).leave_reason == ""


def test_leave_needs_a_reason(world):
    """Leave is recorded with its reason."""
    meeting = _plan(world)
    with pytest.raises(DomainError, match="请假原因"):
        services.attendance_record(
            meeting=meeting, entries=[AttendanceEntry(world.member_a, AttendanceState.LEAVE)], by=SYSTEM
        )


def test_attendance_for_someone_outside_the_branch_is_refused(world):
    """Attendance for a member of another branch: a Chinese message, nothing changed."""
    meeting = _plan(world)
    before = list(meeting.attendances.values_list("member_id", "state"))
    with pytest.raises(DomainError, match="不是本支部党员"):
        services.attendance_record(
            meeting=meeting,
            entries=[
                AttendanceEntry(world.member_a, AttendanceState.PRESENT),
                AttendanceEntry(world.member_b, AttendanceState.PRESENT),
            ],
            by=SYSTEM,
        )
    assert list(meeting.attendances.values_list("member_id", "state")) == before
    meeting.refresh_from_db()
    assert meeting.version == 1


def test_presence_cannot_be_recorded_before_the_meeting(world):
    """Leave can be asked for in advance; present or absent only once the meeting has started."""
    meeting = _plan(world, starts_at=timezone.now() + timedelta(days=3))
    services.attendance_record(
        meeting=meeting, entries=[AttendanceEntry(world.member_a, AttendanceState.LEAVE, "休假")], by=SYSTEM
    )
    with pytest.raises(DomainError, match="会议尚未召开"):
        services.attendance_record(
            meeting=meeting, entries=[AttendanceEntry(world.member_a, AttendanceState.PRESENT)], by=SYSTEM
        )


def test_attendees_set_adds_and_removes(world):
    """The expected list can be edited: new people are expected, those left out are removed."""
    meeting = _plan(world)
    services.attendees_set(meeting=meeting, members=[world.member_a], version=1, by=SYSTEM)
    assert _names(meeting) == {"王党员"}
    with pytest.raises(DomainError, match="已被他人修改"):
        services.attendees_set(meeting=meeting, members=[world.secretary_a_member], version=1, by=SYSTEM)
    assert _names(meeting) == {"王党员"}


def test_guests(world):
    """Guests (积极分子, observers from above) are added with a kind, and can be removed."""
    meeting = _plan(world)
    guest = services.guest_add(meeting=meeting, name="钱积极", kind="activist", by=SYSTEM)
    services.guest_add(meeting=meeting, name="孙部长", kind="superior", note="上级党委组织部", by=SYSTEM)
    assert meeting.guests.count() == 2
    services.guest_remove(guest=guest, by=SYSTEM)
    assert list(meeting.guests.values_list("name", flat=True)) == ["孙部长"]
    with pytest.raises(DomainError):
        services.guest_add(meeting=meeting, name=" ", by=SYSTEM)


# --- Record --------------------------------------------------------------------------------------------------------


def test_record_marks_held(world):
    """Recording the minutes makes the meeting held (a draft); on time it is not backfilled."""
    meeting = _held(world)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    assert meeting.recorded_at is not None
    assert not meeting.is_backfilled


def test_future_meeting_cannot_be_recorded_as_held(world):
    """A meeting in the future logged as held: a Chinese message, nothing changed."""
    meeting = _plan(world, starts_at=timezone.now() + timedelta(hours=2))
    with pytest.raises(DomainError, match="会议尚未召开") as exc:
        services.meeting_record(meeting=meeting, version=1, minutes="内容", by=SYSTEM)
    assert exc.value.field == "starts_at"
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED and meeting.minutes == ""


def test_record_refuses_an_end_before_the_start(world):
    """An end before the start is refused when recording too."""
    meeting = _plan(world)
    with pytest.raises(DomainError, match="结束时间不能早于开始时间"):
        services.meeting_record(
            meeting=meeting, version=1, minutes="内容", ends_at=meeting.starts_at - timedelta(hours=1), by=SYSTEM
        )
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED


def test_record_needs_minutes(world):
    meeting = _plan(world)
    with pytest.raises(DomainError) as exc:
        services.meeting_record(meeting=meeting, version=1, minutes="  ", by=SYSTEM)
    assert exc.value.field == "minutes"


def test_late_record_is_backfilled(world, settings):
    """A record entered more than MEETING_BACKFILL_DAYS after the meeting is marked backfilled, once."""
    settings.MEETING_BACKFILL_DAYS = 7
    late = _held(world, starts_at=_past(days=9))
    late.refresh_from_db()
    assert late.is_backfilled
    on_time = _held(world, starts_at=_past(days=6))
    on_time.refresh_from_db()
    assert not on_time.is_backfilled


def test_stale_record_is_refused(world):
    """Two people writing the minutes: the second save is refused and the first minutes kept."""
    meeting = _plan(world)
    services.meeting_record(meeting=meeting, version=1, minutes="第一人的记录", by=SYSTEM)
    with pytest.raises(DomainError, match="已被他人修改"):
        services.meeting_record(
            meeting=Meeting.objects.get(pk=meeting.pk), version=1, minutes="第二人的记录", by=SYSTEM
        )
    assert Meeting.objects.get(pk=meeting.pk).minutes == "第一人的记录"


# --- Finalise ------------------------------------------------------------------------------------------------------


def _committee(world, size=5):
    people = [world.secretary_a_member] + [
        MemberFactory(name=f"支委{i}", organisation=world.branch_a) for i in range(1, size)
    ]
    make_committee(world.branch_a, [(p, Post.COMMITTEE_MEMBER if i else Post.SECRETARY) for i, p in enumerate(people)])
    return people


def test_finalise_with_quorum(world):
    """支部委员会 with 3 of 5 present (more than half): finalised, read-only, no reason needed."""
    people = _committee(world)
    meeting = _held(world, [T.COMMITTEE_MEETING])
    services.attendance_record(
        meeting=meeting,
        entries=[AttendanceEntry(p, AttendanceState.PRESENT) for p in people[:3]]
        + [
            AttendanceEntry(people[3], AttendanceState.LEAVE, "出差"),
            AttendanceEntry(people[4], AttendanceState.ABSENT),
        ],
        by=SYSTEM,
    )
    services.meeting_finalise(meeting=meeting, by=scope_for(world.secretary_a), without_quorum_reason="不需要")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.FINALISED
    assert meeting.finalised_by == world.secretary_a and meeting.finalised_at is not None
    assert meeting.without_quorum_reason == ""


def test_finalise_without_quorum_needs_a_reason(world):
    """支部委员会 with 2 of 5 present: refused without a reason (figures in the message); with one, it is kept."""
    people = _committee(world)
    meeting = _held(world, [T.COMMITTEE_MEETING])
    services.attendance_record(
        meeting=meeting,
        entries=[AttendanceEntry(p, AttendanceState.PRESENT) for p in people[:2]]
        + [AttendanceEntry(p, AttendanceState.LEAVE, "培训") for p in people[2:]],
        by=SYSTEM,
    )
    with pytest.raises(DomainError, match="应到5人，实到2人，至少需3人") as exc:
        services.meeting_finalise(meeting=meeting, by=scope_for(world.secretary_a))
    assert exc.value.field == "without_quorum_reason"
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.HELD
    services.meeting_finalise(
        meeting=meeting, by=scope_for(world.secretary_a), without_quorum_reason="三名委员参加上级培训"
    )
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.FINALISED
    assert meeting.without_quorum_reason == "三名委员参加上级培训"


def test_general_meeting_quorum_counts_only_full_members(world):
    """支部党员大会: 预备党员 attend but are not counted; the base is every 正式党员 of the branch."""
    for i in range(2):
        MemberFactory(name=f"正式{i}", organisation=world.branch_a)
    # 4 正式党员 (张书记, 王党员, 正式0, 正式1) and 预备党员甲: quorum needs 3 of the 4.
    meeting = _held(world, [T.GENERAL_MEETING])
    present = {"张书记", "王党员", "预备党员甲"}
    entries = [
        AttendanceEntry(a.member, AttendanceState.PRESENT if a.member.name in present else AttendanceState.ABSENT)
        for a in meeting.attendances.select_related("member")
    ]
    services.attendance_record(meeting=meeting, entries=entries, by=SYSTEM)
    with pytest.raises(DomainError, match="应到4人，实到2人，至少需3人"):
        services.meeting_finalise(meeting=meeting, by=scope_for(world.secretary_a))


def test_removing_people_from_the_list_does_not_make_a_quorum(world):
    """The general meeting's base is all 正式党员, so a shortened list cannot fake a quorum."""
    for i in range(3):
        MemberFactory(name=f"正式{i}", organisation=world.branch_a)
    meeting = _held(world, [T.GENERAL_MEETING], attendees=[world.secretary_a_member, world.member_a])
    _mark_all(meeting)
    with pytest.raises(DomainError, match="应到5人，实到2人"):
        services.meeting_finalise(meeting=meeting, by=scope_for(world.secretary_a))


def test_election_needs_four_fifths(world):
    """An election at the 支部党员大会 needs four fifths of the voting members present."""
    others = [MemberFactory(name=f"正式{i}", organisation=world.branch_a) for i in range(3)]
    # 5 正式党员; 4 present is 4/5.
    meeting = _held(world, [T.GENERAL_MEETING], is_election=True)
    absent = others[0]
    services.attendance_record(
        meeting=meeting,
        entries=[
            AttendanceEntry(a.member, AttendanceState.ABSENT if a.member == absent else AttendanceState.PRESENT)
            for a in meeting.attendances.select_related("member")
        ],
        by=SYSTEM,
    )
    services.meeting_finalise(meeting=meeting, by=scope_for(world.secretary_a))
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.FINALISED

    second = _held(world, [T.GENERAL_MEETING], is_election=True)
    services.attendance_record(
        meeting=second,
        entries=[
            AttendanceEntry(a.member, AttendanceState.ABSENT if a.member in others[:2] else AttendanceState.PRESENT)
            for a in second.attendances.select_related("member")
        ],
        by=SYSTEM,
    )
    with pytest.raises(DomainError, match="至少需4人"):
        services.meeting_finalise(meeting=second, by=scope_for(world.secretary_a))


def test_finalise_needs_a_record_and_everyone_marked(world):
    """Only a recorded meeting can be finalised, and only once every expected person is marked."""
    meeting = _plan(world)
    with pytest.raises(DomainError, match="请先填写会议记录"):
        services.meeting_finalise(meeting=meeting, by=scope_for(world.secretary_a))
    services.meeting_record(meeting=meeting, version=1, minutes="内容", by=SYSTEM)
    with pytest.raises(DomainError, match="还有3人未登记出席情况"):
        services.meeting_finalise(meeting=meeting, by=scope_for(world.secretary_a))


def test_party_lecture_needs_lecturer_and_title(world):
    """A 党课 is finalised with its lecturer and title."""
    meeting = _held(world, [T.PARTY_LECTURE])
    _mark_all(meeting)
    with pytest.raises(DomainError, match="授课人和党课题目"):
        services.meeting_finalise(meeting=meeting, by=scope_for(world.secretary_a))
    services.meeting_update(
        meeting=meeting,
        version=meeting.version,
        data={"lecturer_name": "上级党校教授", "lecture_title": "党章学习"},
        by=SYSTEM,
    )
    services.meeting_finalise(meeting=meeting, by=scope_for(world.secretary_a))


def test_talk_is_recorded_as_a_pair(world):
    """谈心谈话 is a meeting with its two people; a third is refused at finalising."""
    talk = _held(world, [T.HEART_TO_HEART_TALK], attendees=[world.secretary_a_member, world.member_a])
    assert _names(talk) == {"张书记", "王党员"}
    _mark_all(talk)
    services.meeting_finalise(meeting=talk, by=scope_for(world.secretary_a))
    crowd = _held(world, [T.HEART_TO_HEART_TALK])
    _mark_all(crowd)
    with pytest.raises(DomainError, match="谈话双方两人"):
        services.meeting_finalise(meeting=crowd, by=scope_for(world.secretary_a))


def test_talk_plan_prefills_nobody(world):
    """A talk's two people are chosen, not prefilled."""
    assert _names(_plan(world, [T.HEART_TO_HEART_TALK])) == set()


# --- Amend ---------------------------------------------------------------------------------------------------------


def _finalised(world) -> Meeting:
    meeting = _held(world)
    _mark_all(meeting)
    return services.meeting_finalise(meeting=meeting, by=scope_for(world.secretary_a))


def test_amendment_keeps_the_original(world):
    """A finalised meeting cannot be edited; an amendment (author, time, reason) changes it and keeps the original."""
    meeting = _finalised(world)
    amendment = services.meeting_amend(
        meeting=meeting,
        by=scope_for(world.secretary_a),
        field="decisions",
        new_value="决定：下月开展志愿服务",
        reason="漏记决定",
    )
    meeting.refresh_from_db()
    assert meeting.decisions == "决定：下月开展志愿服务"
    assert meeting.status == MeetingStatus.FINALISED
    assert (amendment.old_value, amendment.new_value, amendment.reason) == ("", "决定：下月开展志愿服务", "漏记决定")
    assert amendment.author == world.secretary_a and amendment.at is not None
    assert str(amendment.field_label) == "决定事项"
    # The history keeps every version of the record too.
    assert meeting.history.filter(decisions="").exists()


@pytest.mark.parametrize(
    ("field", "value", "reason", "message"),
    [
        ("minutes", "新内容", "", "请填写更正原因"),
        ("status", "planned", "想改", "不能更正"),
        ("minutes", "会议内容", "同样", "相同"),
        ("topic", "", "清空", "请填写会议主题"),
    ],
)
def test_bad_amendments_are_refused(world, field, value, reason, message):
    """An amendment needs a reason, an amendable field and a real change."""
    meeting = _finalised(world)
    with pytest.raises(DomainError, match=message):
        services.meeting_amend(
            meeting=meeting, by=scope_for(world.secretary_a), field=field, new_value=value, reason=reason
        )
    assert Amendment.objects.count() == 0


def test_amend_only_finalised_records(world):
    """A draft is edited directly, not amended."""
    meeting = _held(world)
    with pytest.raises(DomainError, match="只有已归档"):
        services.meeting_amend(
            meeting=meeting, by=scope_for(world.secretary_a), field="minutes", new_value="x", reason="y"
        )


# --- Cancel, delete, restore ---------------------------------------------------------------------------------------


def test_cancel_a_planned_meeting(world):
    """A planned meeting can be cancelled (with a reason); a held one cannot."""
    meeting = _plan(world, starts_at=timezone.now() + timedelta(days=2))
    services.meeting_cancel(meeting=meeting, reason="台风", by=SYSTEM)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED and meeting.cancelled_reason == "台风"
    with pytest.raises(DomainError, match="已取消"):
        services.meeting_update(meeting=meeting, version=meeting.version, data={"place": "x"}, by=SYSTEM)
    with pytest.raises(DomainError, match="只能取消"):
        services.meeting_cancel(meeting=_held(world), by=SYSTEM)


def test_soft_delete_and_restore(world):
    """Deletion is soft: the meeting leaves the default manager, stays in all_objects, and can be restored."""
    meeting = _finalised(world)
    services.meeting_delete(meeting=meeting, by=SYSTEM)
    assert not Meeting.objects.filter(pk=meeting.pk).exists()
    deleted = Meeting.all_objects.get(pk=meeting.pk)
    assert deleted.is_deleted and deleted.deleted_at is not None
    with pytest.raises(DomainError, match="已被删除"):
        services.meeting_delete(meeting=deleted, by=SYSTEM)
    services.meeting_restore(meeting=deleted, by=SYSTEM)
    restored = Meeting.objects.get(pk=meeting.pk)
    assert not restored.is_deleted and restored.status == MeetingStatus.FINALISED
    assert restored.attendances.count() == 3
    with pytest.raises(DomainError, match="未被删除"):
        services.meeting_restore(meeting=restored, by=SYSTEM)


# --- Uploads -------------------------------------------------------------------------------------------------------


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (1600, 800), (200, 30, 30))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (30.0, 40.0, 0.0)}  # GPSInfo
    exif[0x010F] = "Camera maker"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_photo_is_reencoded_without_exif_under_a_random_name(world):
    """A photo follows the member photo rules: JPEG re-encoded without metadata, at most 1200 px, random name."""
    meeting = _plan(world)
    upload = SimpleUploadedFile("我的照片.jpg", _jpeg_with_gps(), content_type="image/jpeg")
    photo = services.meeting_photo_add(meeting=meeting, upload=upload, by=scope_for(world.secretary_a), caption="会场")
    assert "我的照片" not in photo.image.name and photo.image.name.startswith("meetings/photos/")
    with Image.open(photo.image.path) as stored:
        assert max(stored.size) == 1200
        assert not stored.getexif()
    services.meeting_photo_remove(photo=photo, by=SYSTEM)
    assert MeetingPhoto.objects.count() == 0


def test_a_photo_that_is_not_an_image_is_refused(world):
    """Not an image: a Chinese message at the field, nothing saved."""
    meeting = _plan(world)
    upload = SimpleUploadedFile("fake.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    with pytest.raises(DomainError, match="请上传JPG、PNG或WebP格式的图片") as exc:
        services.meeting_photo_add(meeting=meeting, upload=upload, by=SYSTEM)
    assert exc.value.field == "image"
    assert MeetingPhoto.objects.count() == 0
    assert Meeting.objects.get(pk=meeting.pk).version == 1


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("会议通知.pdf", b"%PDF-1.7\n%...", "application/pdf"),
        ("名单.doc", bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 100, "application/msword"),
        ("纪要.DOCX", _docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ],
)
def test_attachment_accepts_pdf_and_office(world, name, content, content_type):
    """PDF and Office files are stored under a random name with their original name for display."""
    meeting = _plan(world)
    attachment = services.meeting_attachment_add(meeting=meeting, upload=SimpleUploadedFile(name, content), by=SYSTEM)
    assert attachment.original_name == name
    assert attachment.content_type == content_type
    assert attachment.size == len(content)
    assert name.split(".")[0] not in attachment.file.name
    services.meeting_attachment_remove(attachment=attachment, by=SYSTEM)
    assert MeetingAttachment.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("病毒.exe", b"MZ....", "只能上传PDF或Office文档"),
        ("伪装.pdf", b"MZ....", "文件内容与扩展名不符"),
        ("伪装.docx", b"%PDF-1.4", "文件内容与扩展名不符"),
        ("表格.xlsx", _docx(), "文件内容与扩展名不符"),  # a Word package named .xlsx
        ("无扩展名", b"%PDF-1.4", "只能上传PDF或Office文档"),
        ("空.pdf", b"", "文件为空"),
    ],
)
def test_attachment_checks_extension_and_content(world, name, content, message):
    """Attachments are checked by extension AND content: a Chinese message, nothing saved."""
    meeting = _plan(world)
    with pytest.raises(DomainError, match=message):
        services.meeting_attachment_add(meeting=meeting, upload=SimpleUploadedFile(name, content), by=SYSTEM)
    assert MeetingAttachment.objects.count() == 0


def test_oversized_attachment_is_refused(world, settings):
    """An attachment above ATTACHMENT_MAX_BYTES is refused with the limit in the message."""
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    meeting = _plan(world)
    upload = SimpleUploadedFile("大文件.pdf", b"%PDF-1.4" + b"0" * (1024 * 1024))
    with pytest.raises(DomainError, match="附件不能超过1MB"):
        services.meeting_attachment_add(meeting=meeting, upload=upload, by=SYSTEM)
    assert MeetingAttachment.objects.count() == 0


# --- Requirements --------------------------------------------------------------------------------------------------


def test_requirement_override_set_and_clear(world):
    """An organisation sets its own requirement (update, not duplicate) and can clear it again."""
    services.requirement_override_set(
        organisation=world.p1, meeting_type=T.PARTY_LECTURE, period="month", count=1, by=SYSTEM
    )
    override = services.requirement_override_set(
        organisation=world.p1, meeting_type=T.PARTY_LECTURE, period="month", count=2, by=SYSTEM
    )
    assert override.count == 2
    assert world.p1.meeting_requirements.count() == 1
    with pytest.raises(DomainError):
        services.requirement_override_set(
            organisation=world.p1, meeting_type=T.PARTY_LECTURE, period="week", count=1, by=SYSTEM
        )
    services.requirement_override_clear(organisation=world.p1, meeting_type=T.PARTY_LECTURE, by=SYSTEM)
    assert world.p1.meeting_requirements.count() == 0


def test_a_caller_who_does_not_manage_the_branch_is_refused_and_nothing_changes(world):
    """The meeting services refuse a caller without the named permission: branch B's secretary, the reviewer and a
    member of the branch cannot plan a meeting of branch A, record, finalise, amend, cancel, delete or restore one,
    nor change its attendance, guests or files; branch A's secretary cannot set requirements (a committee's)."""
    from branches.errors import NotPermitted
    from members.access import scope_for

    meeting = _held(world)
    _mark_all(meeting)
    version = Meeting.objects.get(pk=meeting.pk).version
    for outsider in (world.secretary_b, world.reviewer, world.member_user):
        by = scope_for(outsider)
        refused = [
            lambda by=by: _plan(world, by=by),
            lambda by=by: services.meeting_update(meeting=meeting, version=version, data={"place": "x"}, by=by),
            lambda by=by: services.meeting_record(meeting=meeting, version=version, minutes="改", by=by),
            lambda by=by: services.attendance_record(meeting=meeting, entries=[], by=by),
            lambda by=by: services.attendees_set(meeting=meeting, members=[], by=by),
            lambda by=by: services.guest_add(meeting=meeting, name="访客", by=by),
            lambda by=by: services.meeting_finalise(meeting=meeting, by=by),
            lambda by=by: services.meeting_cancel(meeting=meeting, by=by),
            lambda by=by: services.meeting_delete(meeting=meeting, by=by),
            lambda by=by: services.meeting_restore(meeting=meeting, by=by),
            lambda by=by: services.meeting_attachment_add(meeting=meeting, upload=None, by=by),
        ]
        for call in refused:
            with pytest.raises(NotPermitted):
                call()
    with pytest.raises(NotPermitted):
        services.requirement_override_set(
            organisation=world.branch_a,
            meeting_type=T.PARTY_LECTURE,
            period="month",
            count=2,
            by=scope_for(world.secretary_a),
        )
    assert Meeting.all_objects.count() == 1
    stored = Meeting.objects.get(pk=meeting.pk)
    assert (stored.version, stored.status, stored.place) == (version, MeetingStatus.HELD, "")
    assert not world.branch_a.meeting_requirements.exists()
