"""支部考核: schemes with weights adding to 100, scores computed with their inputs and links, versions after
publishing, manual scores with a justification; and the distribution's queries bounded."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from branches.errors import DomainError, NotPermitted
from evaluations import indicators, selectors, services
from evaluations.models import BranchScore, IndicatorKind, Scheme
from members.access import SYSTEM, scope_for
from tests.factories import make_meeting, make_org

pytestmark = pytest.mark.django_db

BANDS = [(90, "好"), (75, "较好"), (60, "一般"), (0, "差")]
PARTS = [(IndicatorKind.COMPLIANCE, 40), (IndicatorKind.ATTENDANCE, 30), (IndicatorKind.RESULTS, 30)]


def _scheme(world, parts=PARTS) -> Scheme:
    return services.scheme_create(
        organisation=world.root,
        year=timezone.localdate().year,
        name="星级评定",
        bands=BANDS,
        parts=parts,
        by=scope_for(world.admin),
    )


def test_weights_must_add_up_to_100_and_only_committees_define(world):
    """Weights that do not add up to 100 are refused with nothing stored; a branch secretary defines no scheme."""
    with pytest.raises(DomainError, match="合计为100分"):
        _scheme(world, [(IndicatorKind.COMPLIANCE, 40), (IndicatorKind.ATTENDANCE, 30)])
    assert not Scheme.objects.exists()
    with pytest.raises(NotPermitted):
        services.scheme_create(
            organisation=world.branch_a, year=2025, name="x", bands=BANDS, parts=PARTS, by=scope_for(world.secretary_a)
        )


def test_scores_with_inputs_links_and_what_would_raise(world):
    """Each branch under the scheme gets a score stored with its inputs; every computed figure links to its
    records; a manual score needs a justification; no source counts uploads."""
    make_meeting(
        world.branch_a,
        ["general_meeting"],
        starts_at=timezone.now() - timedelta(days=1),
        attendees=[world.member_a],
        present=[world.member_a],
    )
    scheme = _scheme(world)
    results = scheme.indicators.get(kind=IndicatorKind.RESULTS)
    with pytest.raises(DomainError, match="评分依据"):
        services.manual_score_set(
            indicator=results, organisation=world.branch_a, value=80, justification=" ", by=SYSTEM
        )
    services.manual_score_set(
        indicator=results, organisation=world.branch_a, value=80, justification="服务群众", by=SYSTEM
    )
    assert services.scores_compute(scheme=scheme, by=SYSTEM) == 2
    score = BranchScore.objects.get(scheme=scheme, organisation=world.branch_a)
    assert score.inputs["attendance"]["value"] == 100.0
    assert score.inputs["attendance"]["link"].startswith(reverse("meetings:list"))
    assert score.inputs["compliance"]["link"].startswith(reverse("meetings:compliance", args=[world.branch_a.pk]))
    assert score.inputs["results"] == {"weight": 30, "points": 24.0, "value": 80.0, "detail": "服务群众", "link": ""}
    assert "photo" not in str(indicators.SOURCES) and "upload" not in str(indicators.SOURCES)
    client = Client()
    client.force_login(world.admin)
    page = client.get(reverse("evaluations:score", args=[score.pk])).content.decode()
    assert "提升空间" in page and score.inputs["attendance"]["link"].replace("&", "&amp;") in page


def test_editing_a_published_scheme_makes_a_new_version(world):
    """A scheme edited after its scores were published becomes a new version; the old scores keep theirs."""
    scheme = _scheme(world)
    services.scheme_publish(scheme=scheme, by=SYSTEM)
    old_scores = dict(BranchScore.objects.filter(scheme=scheme).values_list("organisation_id", "total"))
    new = services.scheme_update(
        scheme=scheme, name="星级评定（修订）", bands=BANDS, parts=[(IndicatorKind.COMPLIANCE, 100)], by=SYSTEM
    )
    scheme.refresh_from_db()
    assert new.pk != scheme.pk and new.version == 2 and not scheme.is_current
    assert dict(BranchScore.objects.filter(scheme=scheme).values_list("organisation_id", "total")) == old_scores
    with pytest.raises(DomainError, match="旧版本"):
        services.scheme_update(scheme=scheme, name="x", bands=BANDS, parts=PARTS, by=SYSTEM)


def test_a_branch_inherits_its_nearest_ancestors_scheme(world):
    """A branch is scored by its nearest ancestor's current scheme of the year."""
    year = timezone.localdate().year
    root_scheme = _scheme(world)
    p1_scheme = services.scheme_create(organisation=world.p1, year=year, name="P1", bands=BANDS, parts=PARTS, by=SYSTEM)
    assert selectors.scheme_for_branch(world.branch_a, year) == p1_scheme
    assert selectors.scheme_for_branch(world.branch_b, year) == root_scheme
    assert [b.pk for b in selectors.branches_scored_by(root_scheme)] == [world.branch_b.pk]


@pytest.mark.parametrize("extra_branches", [0, 6])
def test_distribution_queries_are_bounded(world, extra_branches, django_assert_num_queries):
    """The reviewer's distribution page costs the same number of queries whatever the size of the subtree
    (counts only)."""
    for n in range(extra_branches):
        make_org(world.p1, level="branch", name=f"支部{n}", code=f"X{n}")
    client = Client()
    client.force_login(world.reviewer)
    url = reverse("evaluations:distribution", args=[world.p1.pk])
    client.get(url)
    with django_assert_num_queries(DISTRIBUTION_QUERIES):
        assert client.get(url).status_code == 200


DISTRIBUTION_QUERIES = 7


def test_study_dues_and_development_give_their_indicators(world):
    """支部考核 computes from data the portal already holds (domain rules: "study completion, dues paid on time,
    development work"): study tasks completed, dues paid in full last month, development steps done on time."""
    from study.models import Assignment
    from study.services import assignment_confirm
    from tests.dues.helpers import declare, pay
    from tests.study.helpers import assign

    today = timezone.localdate()
    year = today.year
    task = assign(world.branch_a, starts_on=today - timedelta(days=20), due_on=today - timedelta(days=1))
    rows = list(Assignment.objects.filter(task=task).select_related("member"))
    assert rows
    assignment_confirm(assignment=rows[0], by=scope_for(rows[0].member.user) if rows[0].member.user else SYSTEM)
    study = indicators.figures(IndicatorKind.STUDY, [world.branch_a.pk], year)[world.branch_a.pk]
    assert study.value == round(100 / len(rows), 1) and f"1/{len(rows)}" in study.detail

    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1) if today.month > 1 else today.replace(day=1)
    declare(world.member_a, on=last_month)
    pay(world.member_a, last_month)
    dues = indicators.figures(IndicatorKind.DUES, [world.branch_a.pk], year)
    assert world.branch_a.pk in dues and dues[world.branch_a.pk].value is not None
    assert reverse("dues:ledger", args=[world.branch_a.pk]) in dues[world.branch_a.pk].link

    from development.models import Step as DevelopmentStep
    from development.models import StepKind

    DevelopmentStep.objects.create(member=world.member_a, kind=StepKind.TALK, done_on=today, is_late=False)
    DevelopmentStep.objects.create(member=world.member_a, kind=StepKind.ACTIVIST, done_on=today, is_late=True)
    development = indicators.figures(IndicatorKind.DEVELOPMENT, [world.branch_a.pk], year)[world.branch_a.pk]
    assert development.value == 50.0 and "1/2" in development.detail
