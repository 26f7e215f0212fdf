"""The rules of 发展党员 (《中国共产党发展党员工作细则》, domain-rules "Development of members"), step by step at their
edges: the day before, of and after each earliest date and deadline."""

from datetime import date

import pytest

from development import rules
from development.rules import PathFacts

APPLIED = date(2024, 3, 15)


def facts(applied_on=APPLIED, admission_passed=None, confirmation_passed=None, extension_months=0, **done):
    """Facts with the given steps done on the given dates (votes passed when done, unless said otherwise)."""
    if admission_passed is None:
        admission_passed = rules.ADMISSION_VOTE in done
    if confirmation_passed is None:
        confirmation_passed = rules.CONFIRMATION_VOTE in done
    return PathFacts(applied_on, dict(done), admission_passed, confirmation_passed, extension_months)


#: A path up to and including the admission approval: 积极分子 2024-05-10, 发展对象 2025-05-10, vote 2025-07-01.
ADMITTED = {
    "talk": date(2024, 4, 1),
    "activist": date(2024, 5, 10),
    "candidate": date(2025, 5, 10),
    "political_review": date(2025, 5, 20),
    "training": date(2025, 5, 25),
    "pre_review": date(2025, 6, 5),
    "public_notice": date(2025, 6, 9),  # a Monday: 5 working days end on Friday 13 June
    "admission_vote": date(2025, 7, 1),
    "admission_approval": date(2025, 8, 1),
}


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # a day February lacks falls back to its last day
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 11, 15), 3, date(2025, 2, 15)),  # across the year
        (date(2024, 3, 15), 12, date(2025, 3, 15)),
    ],
)
def test_months_after(day, months, expected):
    """A calendar month later: the same day, or the month's last day."""
    assert rules.months_after(day, months) == expected


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (date(2025, 6, 9), date(2025, 6, 13)),  # Monday → Friday
        (date(2025, 6, 11), date(2025, 6, 17)),  # Wednesday → next Tuesday (the weekend does not count)
        (date(2025, 6, 14), date(2025, 6, 20)),  # posted on a Saturday: Monday to Friday
    ],
)
def test_public_notice_lasts_five_working_days(start, expected):
    """细则第十九条 (default 5 working days): the notice's last day."""
    assert rules.notice_ends_on(start) == expected


# --- Earliest dates and deadlines ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "late"),
    [(date(2024, 4, 14), False), (date(2024, 4, 15), False), (date(2024, 4, 16), True)],
)
def test_the_talk_is_due_within_a_month_of_the_application(day, late):
    """细则第六条: the branch talks with the applicant within one month; a talk after it is kept and shown late."""
    assert rules.step_window(rules.TALK, facts()).deadline == date(2024, 4, 15)
    assert rules.step_problem(rules.TALK, day, facts()) is None
    assert rules.step_late(rules.TALK, day, facts()) is late


def test_the_talk_is_not_before_the_application():
    """细则第六条: the talk follows the application."""
    assert rules.step_problem(rules.TALK, date(2024, 3, 14), facts()).code == "talk_before_application"


@pytest.mark.parametrize(
    ("day", "problem"),
    [(date(2025, 5, 9), "cultivation"), (date(2025, 5, 10), None), (date(2025, 5, 11), None)],
)
def test_candidate_at_least_a_year_after_becoming_activist(day, problem):
    """细则第十三条: at least one year of cultivation from 入党积极分子 to 发展对象; the day before is refused."""
    path = facts(talk=date(2024, 4, 1), activist=date(2024, 5, 10))
    found = rules.step_problem(rules.CANDIDATE, day, path)
    assert (found.code if found else None) == problem
    if found:
        assert found.values["date"] == date(2025, 5, 10)


@pytest.mark.parametrize(
    ("day", "problem"),
    [(date(2025, 6, 13), "notice"), (date(2025, 6, 14), None), (date(2025, 6, 16), None)],
)
def test_the_admission_vote_follows_the_end_of_the_public_notice(day, problem):
    """细则第十九条, 第二十二条: the 支部党员大会 discusses the admission after the notice has run its course."""
    path = facts(**{k: v for k, v in ADMITTED.items() if k not in ("admission_vote", "admission_approval")})
    found = rules.step_problem(rules.ADMISSION_VOTE, day, path)
    assert (found.code if found else None) == problem


@pytest.mark.parametrize(
    ("day", "late"),
    [(date(2025, 9, 30), False), (date(2025, 10, 1), False), (date(2025, 10, 2), True), (date(2026, 1, 1), True)],
)
def test_approval_within_three_months_of_the_vote_else_late(day, late):
    """细则第二十六条: the superior approves within three months of the vote; a later approval is kept, shown late."""
    path = facts(**{k: v for k, v in ADMITTED.items() if k != "admission_approval"})
    assert rules.step_problem(rules.ADMISSION_APPROVAL, day, path) is None
    assert rules.step_late(rules.ADMISSION_APPROVAL, day, path) is late


@pytest.mark.parametrize(
    ("day", "problem"),
    [(date(2026, 7, 1), "probation"), (date(2026, 7, 2), None), (date(2026, 7, 3), None)],
)
def test_confirmation_not_before_a_year_of_probation(day, problem):
    """细则第二十八条: the 预备期 is one year from the admission vote (2025-07-01 → 2026-07-01); 转正 is discussed
    once it has ended."""
    found = rules.step_problem(rules.CONFIRMATION_VOTE, day, facts(**ADMITTED))
    assert (found.code if found else None) == problem


@pytest.mark.parametrize(
    ("months", "problem"),
    [(5, "extension_months"), (6, None), (12, None), (13, "extension_months"), (None, "extension_months")],
)
def test_an_extension_is_six_to_twelve_months(months, problem):
    """细则第三十三条: the 预备期 may be extended by six months to a year."""
    found = rules.step_problem(rules.EXTENSION, date(2026, 7, 2), facts(**ADMITTED), extension_months=months)
    assert (found.code if found else None) == problem


def test_an_extension_once_only_and_it_moves_the_end_of_probation():
    """细则第三十三条: once; an extension of 6 months moves the earliest 转正 vote by 6 months."""
    extended = facts(extension_months=6, extension=date(2026, 7, 2), **ADMITTED)
    assert rules.probation_ends_on(extended) == date(2027, 1, 1)
    assert rules.step_problem(rules.EXTENSION, date(2027, 1, 5), extended, extension_months=6).code == (
        "extension_once"
    )
    assert rules.step_problem(rules.CONFIRMATION_VOTE, date(2027, 1, 1), extended).code == "probation"
    assert rules.step_problem(rules.CONFIRMATION_VOTE, date(2027, 1, 2), extended) is None


@pytest.mark.parametrize(
    ("kind", "missing"),
    [
        (rules.ACTIVIST, rules.TALK),
        (rules.CANDIDATE, rules.ACTIVIST),
        (rules.PRE_REVIEW, rules.POLITICAL_REVIEW),
        (rules.PUBLIC_NOTICE, rules.PRE_REVIEW),
        (rules.ADMISSION_APPROVAL, rules.ADMISSION_VOTE),
        (rules.CONFIRMATION_VOTE, rules.ADMISSION_APPROVAL),
    ],
)
def test_a_step_needs_the_step_before_it(kind, missing):
    """The 细则's order: a step is recorded once the steps it follows are done."""
    found = rules.step_problem(kind, date(2025, 1, 1), facts())
    assert found.code == "requires" and found.values["step"] == missing


def test_a_step_is_not_dated_before_the_step_it_follows():
    """Dates out of order are refused: political review before becoming 发展对象."""
    path = facts(talk=date(2024, 4, 1), activist=date(2024, 5, 10), candidate=date(2025, 5, 10))
    assert rules.step_problem(rules.POLITICAL_REVIEW, date(2025, 5, 9), path).code == "before_previous"


def test_a_failed_vote_may_be_held_again_a_passed_one_not():
    """A vote not carried leaves the person where they were; a carried one is done."""
    failed = facts(admission_passed=False, **{k: v for k, v in ADMITTED.items() if k != "admission_approval"})
    assert rules.step_problem(rules.ADMISSION_VOTE, date(2025, 8, 1), failed) is None
    assert rules.next_step(failed).kind == rules.ADMISSION_VOTE
    passed = facts(**{k: v for k, v in ADMITTED.items() if k != "admission_approval"})
    assert rules.step_problem(rules.ADMISSION_VOTE, date(2025, 8, 1), passed).code == "done"


@pytest.mark.parametrize(
    ("kind", "count", "problem"),
    [
        (rules.ACTIVIST, 0, "mentors"),
        (rules.ACTIVIST, 1, None),
        (rules.ACTIVIST, 2, None),
        (rules.ACTIVIST, 3, "mentors"),
        (rules.CANDIDATE, 1, "sponsors"),
        (rules.CANDIDATE, 2, None),
        (rules.CANDIDATE, 3, "sponsors"),
    ],
)
def test_mentors_and_sponsors(kind, count, problem):
    """细则第九条: one or two 培养联系人; 细则第十四条: two 入党介绍人."""
    found = rules.people_problem(kind, count)
    assert (found.code if found else None) == problem


# --- The next step ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("done", "kind", "earliest", "deadline"),
    [
        ({}, rules.TALK, APPLIED, date(2024, 4, 15)),
        ({"talk": date(2024, 4, 1)}, rules.ACTIVIST, date(2024, 4, 1), None),
        # Cultivating: the half-yearly review is due before the year is up.
        (
            {"talk": date(2024, 4, 1), "activist": date(2024, 5, 10)},
            rules.ACTIVIST_REVIEW,
            date(2024, 5, 10),
            date(2024, 11, 10),
        ),
        # After two reviews the last falls after the year: 确定为发展对象 is next, from the anniversary.
        (
            {"talk": date(2024, 4, 1), "activist": date(2024, 5, 10), "activist_review": date(2024, 11, 20)},
            rules.CANDIDATE,
            date(2025, 5, 10),
            None,
        ),
        (
            {k: v for k, v in ADMITTED.items() if k not in ("admission_approval",)},
            rules.ADMISSION_APPROVAL,
            date(2025, 7, 1),
            date(2025, 10, 1),
        ),  # fmt: skip
        (ADMITTED, rules.PROBATION_REVIEW, date(2025, 8, 1), date(2026, 1, 1)),
        (
            {**ADMITTED, "probation_review": date(2026, 1, 5)},
            rules.CONFIRMATION_VOTE,
            date(2026, 7, 2),
            date(2026, 8, 1),
        ),  # fmt: skip
        (
            {**ADMITTED, "confirmation_vote": date(2026, 7, 10)},
            rules.CONFIRMATION_APPROVAL,
            date(2026, 7, 10),
            date(2026, 10, 10),
        ),  # fmt: skip
    ],
)
def test_next_step_with_its_earliest_date_and_deadline(done, kind, earliest, deadline):
    """Each person shows their next step, its earliest date and its deadline (细则, step by step)."""
    due = rules.next_step(facts(**done))
    assert (due.kind, due.earliest, due.deadline) == (kind, earliest, deadline)


def test_no_next_step_once_confirmed():
    """细则第三十二条: once the superior approves 转正 the path is complete; nothing more may be recorded."""
    path = facts(**ADMITTED, confirmation_vote=date(2026, 7, 10), confirmation_approval=date(2026, 8, 1))
    assert rules.next_step(path) is None
    assert rules.step_problem(rules.PROBATION_REVIEW, date(2026, 9, 1), path).code == "finished"


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (date(2024, 3, 20), "due_soon"),
        (date(2024, 4, 15), "due_soon"),
        (date(2024, 4, 16), "overdue"),
    ],
)
def test_due_state(today, state):
    """Amber within 30 days of the deadline, red the day after it."""
    assert rules.due_state(rules.next_step(facts()), today) == state


def test_due_state_waiting_and_open():
    """Grey before the earliest date; green when it may be done and no deadline presses."""
    due = rules.DueStep(rules.CANDIDATE, date(2025, 5, 10), None)
    assert rules.due_state(due, date(2025, 5, 9)) == "waiting"
    assert rules.due_state(due, date(2025, 5, 10)) == "open"


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        ("applicant", rules.TALK),
        ("activist", rules.CANDIDATE),  # no date known: the year of cultivation cannot be counted
        ("candidate", rules.POLITICAL_REVIEW),
        ("probationary", rules.CONFIRMATION_VOTE),  # no 入党日期 known: the 预备期 cannot be counted
    ],
)
def test_a_record_kept_before_the_portal_starts_at_its_stage(status, kind):
    """A person recorded at a later stage (imported, 发展 begun on paper) has the earlier stages behind them: their
    next step is their stage's, and a step of an earlier stage is refused as done."""
    path = PathFacts(applied_on=APPLIED, status=status)
    assert rules.next_step(path).kind == kind
    if status != "applicant":
        assert rules.step_problem(rules.TALK, date(2024, 4, 1), path).code == "done"


def test_a_full_member_has_no_next_step():
    """A 正式党员's path is complete."""
    assert rules.next_step(PathFacts(applied_on=APPLIED, status="full")) is None
