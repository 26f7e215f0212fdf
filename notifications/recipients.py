"""Who a notice about an organisation goes to: its secretaries, its reviewers, the organisation above it."""

from collections.abc import Iterable
from datetime import date

from branches.models import Organisation, ReviewerAppointment
from members.models import CommitteePost, Post


def secretaries(organisation_ids: Iterable[int]) -> dict[int, list[tuple[int, int | None]]]:
    """(member id, user id) of each organisation's secretary in its current committee term."""
    found: dict[int, list[tuple[int, int | None]]] = {}
    posts = (
        CommitteePost.objects.current()
        .filter(term__organisation_id__in=list(organisation_ids), post=Post.SECRETARY)
        .values_list("term__organisation_id", "member_id", "member__user_id")
    )
    for org_id, member_id, user_id in posts:
        found.setdefault(org_id, []).append((member_id, user_id))
    return found


def reviewers(organisation_ids: Iterable[int], today: date) -> dict[int, list[int]]:
    """User ids of the reviewers appointed to each organisation on `today`."""
    found: dict[int, list[int]] = {}
    rows = (
        ReviewerAppointment.objects.in_force(today)
        .filter(organisation_id__in=list(organisation_ids))
        .values_list("organisation_id", "user_id")
    )
    for org_id, user_id in rows:
        found.setdefault(org_id, []).append(user_id)
    return found


def parent_id(unit: Organisation, by_path: dict[str, int]) -> int | None:
    return by_path.get(unit.path[: -unit.steplen]) if unit.depth > 1 else None
