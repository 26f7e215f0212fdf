"""`seed_scale`'s development of members: every person on the path gets the steps of their stage, dated back from
their record (bulk, as an import), then their next step (`development.services.paths_refresh`), so the pipeline
board, the funnel and the reminders have work at provincial size. The same seed gives the same rows."""

from datetime import date, timedelta

from development import rules, selectors, services
from development.models import Step
from members.access import SYSTEM
from members.models import Member, Status

CHUNK = 5000


def _steps(person: Member, until: date) -> list[tuple[str, date, dict]]:
    applied = person.applied_on or until - timedelta(days=60)
    if person.status == Status.APPLICANT:
        return [(rules.TALK, applied + timedelta(days=20), {})] if applied + timedelta(days=20) <= until else []
    if person.status == Status.PROBATIONARY and person.joined_on:
        vote = person.joined_on
        candidate = vote - timedelta(days=60)
        activist = rules.months_after(candidate, -12) - timedelta(days=10)
        return [
            (rules.TALK, activist - timedelta(days=30), {}),
            (rules.ACTIVIST, activist, {}),
            (rules.CANDIDATE, candidate, {}),
            (rules.POLITICAL_REVIEW, vote - timedelta(days=45), {}),
            (rules.TRAINING, vote - timedelta(days=40), {}),
            (rules.PRE_REVIEW, vote - timedelta(days=25), {}),
            (rules.PUBLIC_NOTICE, vote - timedelta(days=14), {}),
            (rules.ADMISSION_VOTE, vote, {"passed": True}),
            (rules.ADMISSION_APPROVAL, min(vote + timedelta(days=30), until), {}),
        ]
    talk, activist = applied + timedelta(days=14), applied + timedelta(days=45)
    steps = [(rules.TALK, talk, {}), (rules.ACTIVIST, min(activist, until), {})]
    if person.status == Status.CANDIDATE:
        steps.append((rules.CANDIDATE, min(rules.months_after(activist, 12) + timedelta(days=20), until), {}))
    return steps


def development_write(until: date) -> int:
    """Write the steps and next steps of everyone on the path; returns how many steps."""
    people = list(Member.objects.filter(status__in=selectors.PIPELINE_STATUSES).order_by("pk"))
    rows: list[Step] = []
    written = 0
    for person in people:
        done: list[Step] = []
        for kind, day, extra in _steps(person, until):
            facts = selectors.path_facts(person, done)
            step = Step(
                member_id=person.pk,
                kind=kind,
                done_on=day,
                deadline=rules.step_window(kind, facts).deadline,
                is_late=rules.step_late(kind, day, facts),
                **extra,
            )
            done.append(step)
            rows.append(step)
        if len(rows) >= CHUNK:
            Step.objects.bulk_create(rows, batch_size=CHUNK)
            written, rows = written + len(rows), []
    Step.objects.bulk_create(rows, batch_size=CHUNK)
    services.paths_refresh(by=SYSTEM, members=people)
    return written + len(rows)
