"""`seed_scale`: a tiny generated set whose tree, people, meetings and attendance are consistent."""

from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import F, Q

from branches.models import CommitteeTerm, Domain, Level, Organisation
from demo import scale_branch, scale_tree
from meetings import selectors
from meetings.models import Attendance, AttendanceState, Meeting, MeetingStatus, MeetingTypeLink, MonthSummary
from members.models import MEMBER_STATUSES, Member, Status

pytestmark = pytest.mark.django_db

BRANCHES, MEMBERS, UNTIL = 12, 700, date(2026, 6, 30)
SPEC = scale_tree.ScaleSpec(branches=BRANCHES, members=MEMBERS, years=1, seed=7, until=UNTIL)


@pytest.fixture(scope="module")
def tiny(django_db_setup, django_db_blocker):
    """The tiny set, built once for this module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command(
            "seed_scale", "--branches", BRANCHES, "--members", MEMBERS, "--years", 1, "--seed", 7,
            "--until", UNTIL.isoformat(), "--no-progress", stdout=out,
        )  # fmt: skip
        yield out.getvalue()
        transaction.set_rollback(True)


def test_tree_is_a_valid_materialised_path_tree(tiny):
    """Paths, depths and child counts are what treebeard would have written; every domain type appears."""
    assert Organisation.objects.find_problems() == ([], [], [], [], [])
    for org in Organisation.objects.all():
        assert org.numchild == Organisation.objects.filter(path__startswith=org.path, depth=org.depth + 1).count()
    levels = Counter(Organisation.objects.values_list("level", flat=True))
    assert levels[Level.SUPERIOR_COMMITTEE] == 1
    assert levels[Level.BRANCH] == BRANCHES
    assert levels[Level.PRIMARY_COMMITTEE] >= 1
    assert set(Organisation.objects.filter(level=Level.BRANCH).values_list("domain", flat=True)) == set(Domain.values)
    for group in Organisation.objects.filter(level=Level.PARTY_GROUP):
        assert Organisation.objects.get_parent(group).level == Level.BRANCH


def test_large_branches_have_party_groups_and_members_are_placed_in_them(tiny):
    """Branch size rule: a branch of more than 50 members forms 党小组; group members belong to its branch."""
    for branch in Organisation.objects.filter(level=Level.BRANCH):
        size = Member.objects.filter(organisation=branch).count()
        groups = Organisation.objects.get_children(branch).filter(level=Level.PARTY_GROUP)
        assert groups.exists() == (size > scale_tree.LARGE_BRANCH)
    grouped = Member.objects.filter(party_group__isnull=False)
    assert grouped.exists()
    assert not grouped.exclude(party_group__path__startswith=F("organisation__path")).exists()
    assert not grouped.exclude(status__in=MEMBER_STATUSES).exists()


def test_counts_match_the_request_and_the_report(tiny):
    """Exactly the requested members, at every status, all in branches; the report counts what was written."""
    assert Member.objects.count() == MEMBERS
    # 已转出 is written only by a transfer out of the portal, which the generated set has none of.
    assert set(Member.objects.values_list("status", flat=True)) == set(Status.values) - {Status.TRANSFERRED_OUT}
    assert not Member.objects.exclude(organisation__level=Level.BRANCH).exists()
    assert f"{Meeting.objects.count()} meetings" in tiny
    assert f"{Attendance.objects.count()} attendance rows" in tiny
    assert Member.objects.filter(id_number_index="").count() == 0
    assert Member.objects.values("id_number_index").distinct().count() == MEMBERS


def test_committees_follow_the_committee_rule(tiny):
    """A branch with 7 or more 正式党员 has a current term of 3–5 post holders, all its own 正式党员."""
    for term in CommitteeTerm.objects.filter(is_current=True).prefetch_related("posts__member"):
        full = Member.objects.filter(organisation=term.organisation, status=Status.FULL).count()
        holders = [post.member for post in term.posts.all()]
        assert 3 <= len(holders) <= 5 if full >= 7 else len(holders) == 1
        assert all(m.organisation_id == term.organisation_id and m.status == Status.FULL for m in holders)


def test_meetings_have_types_and_attendance_of_their_own_people(tiny):
    """Every meeting counts for a type; attendees are members of the meeting's branch or party group; records
    up to the last day are held, finalised or cancelled, later ones planned with everyone still expected."""
    assert Meeting.objects.count() > BRANCHES * 12
    assert not Meeting.objects.filter(type_links__isnull=True).exists()
    assert MeetingTypeLink.objects.count() >= Meeting.objects.count()
    outsiders = Attendance.objects.exclude(
        Q(member__organisation=F("meeting__organisation")) | Q(member__party_group=F("meeting__organisation"))
    )
    assert not outsiders.exists()
    assert not Attendance.objects.exclude(member__status__in=MEMBER_STATUSES).exists()
    assert not Attendance.objects.filter(meeting__status=MeetingStatus.CANCELLED).exists()
    finalised = Attendance.objects.filter(meeting__status=MeetingStatus.FINALISED)
    assert set(finalised.values_list("state", flat=True)) == {
        AttendanceState.PRESENT,
        AttendanceState.LEAVE,
        AttendanceState.ABSENT,
    }
    assert Meeting.objects.filter(status=MeetingStatus.FINALISED).count() > 0.9 * Meeting.objects.count()
    assert not Meeting.objects.filter(starts_at__date__gt=UNTIL).exclude(status=MeetingStatus.PLANNED).exists()


def test_compliance_engine_reads_the_set(tiny):
    """The compliance of the root covers every branch and party group, with met and unmet requirements."""
    root = Organisation.objects.get(code=scale_tree.ROOT_CODE)
    results = selectors.compliance_for_branches(selectors.compliance_units(root), "2026-Q2", today=UNTIL)
    assert len(results) == Organisation.objects.filter(level__in=(Level.BRANCH, Level.PARTY_GROUP)).count()
    statuses = Counter(r.status for r in results)
    assert statuses["green"] > 0
    assert len(statuses) > 1


def test_the_monthly_summary_counts_what_was_written(tiny):
    """Every finalised meeting type and attendance row is in the summary the engine reads, and nothing more."""
    rows = list(MonthSummary.objects.values_list("held", "expected", "present"))
    finalised = {"meeting__status": MeetingStatus.FINALISED, "meeting__is_deleted": False}
    assert sum(sum(held.values()) for held, _e, _p in rows) == MeetingTypeLink.objects.filter(**finalised).count()
    assert sum(e for _h, e, _p in rows) == Attendance.objects.filter(**finalised).count()
    present = Attendance.objects.filter(**finalised, state=AttendanceState.PRESENT).count()
    assert sum(p for _h, _e, p in rows) == present


def test_sequences_continue_after_the_generated_keys(tiny):
    """A meeting saved through the ORM after seeding gets a fresh primary key."""
    branch = Organisation.objects.filter(level=Level.BRANCH).first()
    top = Meeting.all_objects.order_by("-pk").values_list("pk", flat=True).first()
    meeting = Meeting.objects.create(organisation=branch, starts_at=Meeting.objects.first().starts_at, topic="x")
    assert meeting.pk > top


def test_refuses_a_database_with_data_unless_reset(tiny):
    """Without --reset the command refuses to add to existing data and changes nothing."""
    before = Meeting.all_objects.count()
    with pytest.raises(CommandError):
        call_command("seed_scale", "--branches", 2, "--members", 10, "--years", 1, "--no-progress", stdout=StringIO())
    assert Meeting.all_objects.count() == before


def test_same_seed_gives_the_same_rows():
    """The tree and a branch's people, committee and meetings depend only on the seed (the ciphertext aside:
    Fernet draws a fresh IV, so the encrypted ID number is left out of the comparison)."""

    def branch_rows(spec):
        tree = scale_tree.plan_tree(spec, first_id=1)
        branch = max((o for o in tree if o.level == Level.BRANCH), key=lambda o: o.size)
        rows = scale_branch.Rows()
        scale_branch.BranchBuilder(spec, branch, scale_branch.Ids(1, 1, 1, 1, 1, 1), rows).build()
        members = [row[:5] + row[6:] for row in rows.tables[Member]]
        others = {m._meta.label: r for m, r in rows.tables.items() if m is not Member}
        return [o.row() for o in tree], members, others

    first, second = branch_rows(SPEC), branch_rows(SPEC)
    assert first == second
    assert branch_rows(scale_tree.ScaleSpec(BRANCHES, MEMBERS, 1, seed=8, until=UNTIL))[0] != first[0]


def test_dues_are_declared_and_paid_with_some_arrears(tiny):
    """Every Party member has a declared base and a year of payments, some in arrears (warning and escalation); the
    root's ledger and the branches' ledgers agree."""
    from dues import rules as dues_rules
    from dues import selectors as dues_selectors
    from dues.models import DuesDeclaration, DuesPaymentMonth
    from members.access import SYSTEM

    members = Member.objects.filter(status__in=MEMBER_STATUSES)
    assert DuesDeclaration.objects.count() == members.exclude(joined_on__gt=UNTIL).count()
    assert DuesPaymentMonth.objects.filter(month=date(2026, 6, 1)).exists()
    root = Organisation.objects.get(depth=1)
    month = date(2026, 6, 1)
    whole = dues_selectors.ledger_for(organisation=root, month=month, today=UNTIL, by=SYSTEM)
    assert whole.escalations and whole.warnings
    branches = [
        dues_selectors.ledger_for(organisation=b, month=month, today=UNTIL, by=SYSTEM)
        for b in Organisation.objects.filter(level=Level.BRANCH)
    ]
    assert sum(b.paid for b in branches) == whole.paid
    assert sum(b.expected for b in branches) == whole.expected
    assert dues_rules.month_of(UNTIL) == month


def test_transfers_go_between_branches_and_the_accepted_ones_moved(tiny):
    """About one member in a hundred has a transfer: waiting, accepted (the member is in the receiving branch) or
    returned; never to the member's own branch, decided on or after the start."""
    from members.models import Transfer, TransferStatus

    transfers = list(Transfer.objects.select_related("member"))
    assert transfers and {t.status for t in transfers} == {"pending", "accepted", "returned"}
    assert all(t.from_organisation_id != t.to_organisation_id for t in transfers)
    assert all(t.decided_on is None or t.decided_on >= t.started_on for t in transfers)
    for t in transfers:
        expected = t.to_organisation_id if t.status == TransferStatus.ACCEPTED else t.from_organisation_id
        assert t.member.organisation_id == expected


def test_appraisals_and_the_root_scheme_are_scored(tiny):
    """Two years of finished 民主评议党员 in every branch: a result for each 正式党员 and 预备党员 who had joined by
    the opening, 优秀 within the cap of one third (evaluations.rules.excellent_cap), a reason and a follow-up for each
    不合格; the root's scheme of each year scores every branch, the earlier one published."""
    from demo.scale_evaluations import appraisal_years
    from evaluations import rules as evaluation_rules
    from evaluations.models import Appraisal, AppraisalResult, BranchScore, Grade, ManualScore, Scheme, Step

    years = appraisal_years(UNTIL)
    assert years == [2024, 2025]
    branches = Organisation.objects.filter(level=Level.BRANCH)
    assert Appraisal.objects.filter(step=Step.FINISHED).count() == Appraisal.objects.count() == 2 * BRANCHES
    assert f"{AppraisalResult.objects.count()} appraisal results" in tiny
    for appraisal in Appraisal.objects.filter(year=years[-1]):
        rated = Member.objects.filter(organisation=appraisal.organisation, status__in=MEMBER_STATUSES).filter(
            Q(joined_on__isnull=True) | Q(joined_on__lte=appraisal.opened_on)
        )
        results = AppraisalResult.objects.filter(appraisal=appraisal)
        assert set(results.values_list("member_id", flat=True)) == set(rated.values_list("pk", flat=True))
        excellent = results.filter(grade=Grade.EXCELLENT).count()
        assert excellent <= evaluation_rules.excellent_cap(results.count())
    unqualified = AppraisalResult.objects.filter(grade=Grade.UNQUALIFIED)
    assert unqualified.exists() and not unqualified.filter(reason="").exists()
    assert not unqualified.filter(follow_up__isnull=True).exists()
    assert not AppraisalResult.objects.filter(feedback="").exists()
    root = Organisation.objects.get(depth=1)
    schemes = list(Scheme.objects.filter(organisation=root).order_by("year"))
    assert [s.year for s in schemes] == years
    assert [s.is_published for s in schemes] == [True, False]
    for scheme in schemes:
        assert ManualScore.objects.filter(indicator__scheme=scheme).count() == 2 * BRANCHES
        scores = BranchScore.objects.filter(scheme=scheme)
        assert scores.count() == BRANCHES == branches.count()
        latest = scores.first()
        assert set(latest.inputs) == set(scheme.indicators.values_list("kind", flat=True))
        assert latest.inputs["appraisal"]["value"] is not None
    assert f"{2 * BRANCHES} branch scores" in tiny
