"""The whole demo in one place: the organisation and its people, two years of meetings, the committees above the
branches, the study tasks, a year of dues, the development of members, the transfers and mobile members, then
the reminders.

Each part is built once and left alone when it exists, so seeding again changes nothing.
"""

from collections.abc import Callable

from django.utils import timezone

from . import (
    committees,
    development,
    dues,
    evaluations,
    meeting_history,
    people,
    regulation_cases,
    reminders,
    study,
    transfers,
)


def demo_seed(*, write: Callable[[str], None]) -> None:
    """Load every part of the demo that is missing, reporting each, then list the demo logins."""
    today = timezone.localdate()
    people.people_load(today=today, write=write)
    meeting_history.meetings_load(today=today, write=write)
    committees.committees_load(today=today, write=write)
    study.study_load(today=today, write=write)
    dues.dues_load(today=today, write=write)
    regulation_cases.regulation_cases_load(today=today, write=write)
    evaluations.evaluations_load(today=today, write=write)
    development.development_load(today=today, write=write)
    transfers.transfers_load(today=today, write=write)
    reminders.reminders_load(now=timezone.now(), write=write)
    people.logins_print(write)
