"""`seed_demo`'s committees above the branches (issue 12, case 4): a 党总支's and a 基层党委's recorded terms, one
overdue and one extended with the superior's approval, the 党委书记's 党课 and a member under 留党察看, all visible
to the `committee` reviewer, built once."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from branches import rules as branch_rules
from branches.models import CommitteeTerm, Level, Organisation
from demo import meeting_history, reminders, tree
from meetings.models import Meeting
from meetings.rules import GREEN
from members.access import scope_for
from members.models import Member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _without_meeting_history(monkeypatch):
    """The committees do not need the two years of meetings (tests/demo/test_seed_demo_meetings.py loads those)."""
    monkeypatch.setattr(meeting_history, "meetings_load", lambda **kwargs: None)
    monkeypatch.setattr(reminders, "reminders_load", lambda **kwargs: None)


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _term(code: str) -> CommitteeTerm:
    return CommitteeTerm.objects.get(organisation__code=code, is_current=True)


def test_committees_above_the_branches_have_terms_in_every_state():
    """Every 党委 and 党总支 has a current term of its own length: the city company's 基层党委 past its five years
    with an approved extension, the 运维检修部党总支 overdue, the research 党总支 due within 90 days."""
    _seed()
    today = timezone.localdate()
    above = Organisation.objects.exclude(level__in=(Level.BRANCH, Level.PARTY_GROUP))
    assert {o.code for o in above} == {t.code for t in tree.walk(tree.TREE) if t.level not in ("branch",)}
    for organisation in above:
        term = _term(organisation.code)
        assert term.term_ends_on == branch_rules.term_ends_on(organisation.domain, term.elected_on, organisation.level)
    extended = _term("GW-SZ")
    assert extended.term_ends_on < today <= extended.ends_on and extended.extension_approved_on is not None
    assert branch_rules.term_state(extended.ends_on, today) == "ok"
    assert branch_rules.term_state(_term("GW-SZ-YJ").ends_on, today) == "overdue"
    assert branch_rules.term_state(_term("GW-DKY-JS").ends_on, today) == "due_soon"


def test_the_committee_reviewer_sees_them(client):
    """`committee` reads the 基层党委's extension and the 党总支's overdue term on their pages, and the 党委书记's 党课
    on the city company's compliance page; the research 党委 has none."""
    _seed()
    client.force_login(get_user_model().objects.get(username="committee"))
    page = client.get(Organisation.objects.get(code="GW-SZ").get_absolute_url())
    assert 'data-testid="term-extension"' in page.content.decode()
    page = client.get(Organisation.objects.get(code="GW-SZ-YJ").get_absolute_url())
    assert page.context["term_state"] == "overdue" and 'data-term-state="overdue"' in page.content.decode()
    root = Organisation.objects.get(code=tree.ROOT_CODE)
    response = client.get(reverse("meetings:compliance", args=[root.pk]))
    lectures = {item.organisation.code: item for item, _can in response.context["secretary_lectures"]}
    assert set(lectures) == {tree.ROOT_CODE, "GW-SZ", "GW-DKY"}
    if (timezone.localdate() - timedelta(days=5)).year == timezone.localdate().year:
        assert lectures["GW-SZ"].status == GREEN
    assert lectures["GW-DKY"].held == 0


def test_holders_are_no_demo_login_and_the_logins_keep_their_roles():
    """The committees' holders are 正式党员 of the branches below without a login: secretary still manages only
    their branch."""
    _seed()
    above = CommitteeTerm.objects.exclude(organisation__level__in=(Level.BRANCH, Level.PARTY_GROUP))
    assert not Member.objects.filter(committee_posts__term__in=above, user__isnull=False).exists()
    secretary = scope_for(get_user_model().objects.get(username="secretary"))
    assert not secretary.may_elect(Organisation.objects.get(code="GW-SZ-YJ"))
    assert secretary.may_elect(Organisation.objects.get(code=tree.SECRETARY_BRANCH))


def test_a_member_is_under_probation_and_keeps_membership():
    """One 正式党员 of the 配电抢修党支部 is under 留党察看 today: still on the roster, without a vote."""
    _seed()
    [member] = [m for m in Member.objects.filter(organisation__code="GW-SZ-YJ-03") if m.on_probation]
    assert member.status == "full" and not member.has_vote_on(timezone.localdate())


def test_the_lectures_are_finalised_records_of_the_committees():
    """The 党委书记's 党课 are finalised 党课 meetings of the 党委, given by its 书记."""
    _seed()
    lectures = Meeting.objects.filter(organisation__level__in=("superior_committee", "primary_committee"))
    assert lectures.count() == 2
    for meeting in lectures:
        assert meeting.status == "finalised" and meeting.types == ["party_lecture"]
        assert meeting.lecturer.committee_posts.filter(term__organisation=meeting.organisation, post="secretary")


def test_second_run_changes_nothing():
    """Seeding again elects, records and changes nothing."""
    _seed()

    def counts():
        return (
            CommitteeTerm.objects.count(),
            CommitteeTerm.history.count(),
            Meeting.all_objects.count(),
            Meeting.history.count(),
            Member.history.count(),
        )

    first = counts()
    output = _seed()
    assert counts() == first
    assert "演示上级委员会已存在，未作改动。" in output
