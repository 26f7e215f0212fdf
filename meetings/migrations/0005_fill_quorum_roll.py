"""Give every finalised meeting with a quorum (支部委员会, 支部党员大会) its stored roll (`Meeting.quorum_roll`).

Records finalised before the roll was stored get it from the best information kept: the members' status dates as
of the meeting's day (a 正式党员 then: a 正式党员 now whose 转正日期 and 入党日期 are not after that day), the
committee term in force that day, and the attendance as recorded. The rule is written out here, as it stood when
this migration was written, so that later changes to the code cannot change what it does.
"""

import math
from collections import defaultdict
from datetime import date

from django.db import migrations
from django.utils import timezone

QUORUM_TYPES = ("committee_meeting", "general_meeting")
BATCH = 500


def _day(moment) -> date | None:
    """The meeting's local day, or None for a stored time that cannot be read (such meetings are left alone)."""
    if getattr(moment, "raw", None) is not None:  # branches.unreadable_dates: a value Python cannot use
        return None
    try:
        return timezone.localtime(moment, timezone.get_default_timezone()).date()
    except (OverflowError, ValueError):
        return None


def _full_on(status: str, joined_on, confirmed_on, day: date) -> bool:
    return status == "full" and all(known is None or known <= day for known in (joined_on, confirmed_on))


def _needed(meeting_type: str, voters: int, election: bool) -> int:
    if meeting_type == "general_meeting" and election:
        return math.ceil(voters * 4 / 5)
    return voters // 2 + 1


def fill(apps, schema_editor):
    Meeting = apps.get_model("meetings", "Meeting")
    MeetingTypeLink = apps.get_model("meetings", "MeetingTypeLink")
    Attendance = apps.get_model("meetings", "Attendance")
    Member = apps.get_model("members", "Member")
    Organisation = apps.get_model("branches", "Organisation")
    CommitteeTerm = apps.get_model("branches", "CommitteeTerm")
    CommitteePost = apps.get_model("members", "CommitteePost")
    steplen = 4  # treebeard's default step length (branches.models.Organisation)

    types_of: dict[int, list[str]] = defaultdict(list)
    links = MeetingTypeLink.objects.filter(
        type__in=QUORUM_TYPES, meeting__status="finalised", meeting__quorum_roll__isnull=True
    ).values_list("meeting_id", "type")
    for meeting_id, meeting_type in links.iterator(chunk_size=2000):
        types_of[meeting_id].append(meeting_type)
    if not types_of:
        return
    ids = sorted(types_of)
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        meetings = list(
            Meeting.objects.filter(pk__in=chunk).only("pk", "organisation_id", "starts_at", "is_election")
        )
        organisations = {
            o.pk: o for o in Organisation.objects.filter(pk__in={m.organisation_id for m in meetings})
        }
        branch_paths = {
            o.path[:-steplen] for o in organisations.values() if o.level == "party_group" and len(o.path) > steplen
        }
        branch_by_path = {o.path: o for o in Organisation.objects.filter(path__in=branch_paths)}

        def branch_of(organisation):
            if organisation.level == "party_group":
                return branch_by_path.get(organisation.path[:-steplen], organisation)
            return organisation

        unit_ids = set(organisations)
        branch_ids = {branch_of(o).pk for o in organisations.values()}
        people = defaultdict(list)  # unit id -> (id, status, joined, confirmed) of its members
        rows = Member.objects.filter(is_deleted=False, status__in=("probationary", "full")).filter(
            organisation_id__in=branch_ids
        )
        for pk, org_id, group_id, status, joined, confirmed in rows.values_list(
            "pk", "organisation_id", "party_group_id", "status", "joined_on", "confirmed_on"
        ):
            people[org_id].append((pk, status, joined, confirmed))
            if group_id in unit_ids:
                people[group_id].append((pk, status, joined, confirmed))
        terms = defaultdict(list)  # branch id -> (elected_on, is_current, term id), newest first
        for term_id, org_id, elected_on, is_current in (
            CommitteeTerm.objects.filter(organisation_id__in=branch_ids)
            .order_by("-elected_on", "-pk")
            .values_list("pk", "organisation_id", "elected_on", "is_current")
        ):
            terms[org_id].append((elected_on, is_current, term_id))
        holders = defaultdict(list)  # term id -> (id, status, joined, confirmed)
        for term_id, pk, status, joined, confirmed in CommitteePost.objects.filter(
            term__organisation_id__in=branch_ids, member__is_deleted=False
        ).values_list("term_id", "member_id", "member__status", "member__joined_on", "member__confirmed_on"):
            holders[term_id].append((pk, status, joined, confirmed))
        present = defaultdict(set)
        for meeting_id, member_id in Attendance.objects.filter(meeting_id__in=chunk, state="present").values_list(
            "meeting_id", "member_id"
        ):
            present[meeting_id].add(member_id)

        changed = []
        for meeting in meetings:
            day = _day(meeting.starts_at)
            organisation = organisations.get(meeting.organisation_id)
            if day is None or organisation is None:
                continue
            roll = []
            for meeting_type in (t for t in QUORUM_TYPES if t in types_of[meeting.pk]):
                if meeting_type == "committee_meeting":
                    branch_terms = terms.get(branch_of(organisation).pk, [])
                    in_force = next((t for t in branch_terms if t[0] is not None and t[0] <= day), None)
                    in_force = in_force or next((t for t in branch_terms if t[1]), None)
                    candidates = holders.get(in_force[2], []) if in_force else []
                else:
                    candidates = people.get(organisation.pk, [])
                voters = sorted({pk for pk, status, joined, confirmed in candidates if _full_on(status, joined, confirmed, day)})
                election = bool(meeting.is_election) and meeting_type == "general_meeting"
                here = len(set(voters) & present[meeting.pk])
                needed = _needed(meeting_type, len(voters), election)
                roll.append(
                    {
                        "type": meeting_type,
                        "voters": voters,
                        "expected": len(voters),
                        "present": here,
                        "needed": needed,
                        "met": here >= needed,
                        "election": election,
                    }
                )
            meeting.quorum_roll = roll
            changed.append(meeting)
        Meeting.objects.bulk_update(changed, ["quorum_roll"])


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0004_meeting_quorum_roll"),
        ("members", "0004_member_probation"),
        ("branches", "0004_committee_term_extension"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
