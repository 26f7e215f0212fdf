"""Ballots are anonymous: no column, history, log line, task argument, page or admin screen ties a ballot to its
voter (issue 15; `BallotVoter` holds who has voted, `BallotMark` what was voted, with nothing between them)."""

import logging
from unittest import mock

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import reverse

from evaluations import services
from evaluations.models import BallotMark, BallotVoter, Grade, Step
from members.access import SYSTEM
from tests.evaluations.helpers import add_members, marks_for, member_scope, open_at

pytestmark = pytest.mark.django_db


def _columns(model) -> dict[str, str]:
    with connection.cursor() as cursor:
        described = connection.introspection.get_table_description(cursor, model._meta.db_table)
    return {column.name: column.type_code for column in described}


def test_schema_keeps_voters_and_marks_apart():
    """A mark has no voter, no time and a random key; a voter row has no grade or time; neither has a history table,
    and no other table refers to either."""
    assert set(_columns(BallotMark)) == {"id", "appraisal_id", "member_id", "grade"}
    assert set(_columns(BallotVoter)) == {"id", "appraisal_id", "voter_id"}
    assert BallotMark._meta.pk.get_internal_type() == "UUIDField"
    labels = {model._meta.label for model in apps.get_models()}
    assert not {label for label in labels if "HistoricalBallot" in label}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.is_relation and field.related_model in (BallotMark, BallotVoter) and field.concrete:
                pytest.fail(f"{model._meta.label}.{field.name} refers to a ballot table")


def test_casting_logs_nothing_and_enqueues_nothing(world, caplog, django_capture_on_commit_callbacks):
    """Casting a ballot writes no log line and hands no task anything (nothing to match a voter against)."""
    appraisal = open_at(world, Step.BALLOT)
    with (
        caplog.at_level(logging.DEBUG),
        mock.patch("celery.app.task.Task.apply_async") as sent,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        services.ballot_cast(
            appraisal=appraisal, marks=marks_for(world, world.member_a), by=member_scope(world.member_a)
        )
    assert not [r for r in caplog.records if not r.name.startswith("django.db")]
    assert not sent.called and not callbacks


def test_marks_are_not_stored_in_voting_order(world):
    """Marks carry random keys: read in key order they do not come back voter by voter."""
    add_members(world)
    appraisal = open_at(world, Step.BALLOT)
    voters = [world.member_a, world.secretary_a_member]
    grades = (Grade.EXCELLENT, Grade.BASICALLY_QUALIFIED)
    for voter, grade in zip(voters, grades, strict=True):
        services.ballot_cast(appraisal=appraisal, marks=marks_for(world, voter, grade), by=member_scope(voter))
    in_key_order = list(BallotMark.objects.filter(appraisal=appraisal).order_by("pk").values_list("grade", flat=True))
    assert len(in_key_order) == 8
    # Each key is random: the chance that 8 keys sort into the two voters' blocks is 2 in 70 per run; check that the
    # keys are UUID4s (random), which is what makes the order meaningless.
    assert all(mark.id.version == 4 for mark in BallotMark.objects.all())


def test_no_page_or_admin_screen_shows_who_gave_which_grade(world):
    """The secretary's pages show turnout (then counts per member), the admin lists voters and marks apart: no
    page names a voter beside a grade they gave."""
    extra = add_members(world)[:1]
    appraisal = open_at(world, Step.BALLOT)
    voter = world.member_a
    services.ballot_cast(appraisal=appraisal, marks=marks_for(world, voter, Grade.UNQUALIFIED), by=member_scope(voter))
    secretary, admin = Client(), Client()
    secretary.force_login(world.secretary_a)
    admin.force_login(world.admin)
    detail = secretary.get(reverse("evaluations:detail", args=[appraisal.pk])).content.decode()
    assert "不合格" not in detail.split('data-testid="turnout"')[1].split("</section>")[0]
    mark = BallotMark.objects.filter(appraisal=appraisal).first()
    voter_row = BallotVoter.objects.get(appraisal=appraisal)
    pages = [
        admin.get(reverse("admin:evaluations_ballotmark_changelist")).content.decode(),
        admin.get(reverse("admin:evaluations_ballotmark_change", args=[mark.pk])).content.decode(),
        admin.get(reverse("admin:evaluations_ballotvoter_changelist")).content.decode(),
        admin.get(reverse("admin:evaluations_ballotvoter_change", args=[voter_row.pk])).content.decode(),
    ]
    assert "投票人" not in pages[0] and "投票人" not in pages[1]
    for page in pages[2:]:
        assert "不合格" not in page and "等次" not in page
    for other in (world.secretary_a_member, *extra):
        services.ballot_cast(appraisal=appraisal, marks=marks_for(world, other), by=member_scope(other))
    services.ballot_close(appraisal=appraisal, by=SYSTEM)
    tally = secretary.get(reverse("evaluations:detail", args=[appraisal.pk])).content.decode()
    assert 'data-testid="tally"' in tally
