"""Logins for `bench/load` (run in-process against a bench data set; prints JSON): a secretary login for each of
the first branches with a committee, a member login for members of those branches, a reviewer of the root, and
the pages each journey opens."""

import json
import os
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402

from branches.models import Level, Organisation, ReviewerAppointment  # noqa: E402
from members.models import CommitteePost, Member, Post  # noqa: E402

PASSWORD = "bench-pass-2026"
SECRETARIES = int(os.environ.get("LOAD_SECRETARIES", "20"))
MEMBERS = int(os.environ.get("LOAD_MEMBERS", "60"))


def _user(username: str):
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username)
    if created or not user.check_password(PASSWORD):
        user.set_password(PASSWORD)
        user.save()
    return user


def main() -> None:
    root = Organisation.objects.filter(depth=1).order_by("path").first()
    posts = list(
        CommitteePost.objects.current()
        .filter(post=Post.SECRETARY, term__organisation__level=Level.BRANCH)
        .select_related("term__organisation", "member")
        .order_by("term__organisation__path")[:SECRETARIES]
    )
    secretaries, members, branches = [], [], []
    for i, post in enumerate(posts):
        user = _user(f"load-secretary-{i}")
        Member.all_objects.filter(user=user).exclude(pk=post.member_id).update(user=None)
        Member.all_objects.filter(pk=post.member_id).update(user=user)
        secretaries.append({"username": user.username, "branch": post.term.organisation_id})
        branches.append(post.term.organisation_id)
    people = list(
        Member.objects.filter(organisation_id__in=branches, user__isnull=True).order_by("organisation_id", "pk")[
            :MEMBERS
        ]
    )
    for i, person in enumerate(people):
        user = _user(f"load-member-{i}")
        Member.all_objects.filter(user=user).exclude(pk=person.pk).update(user=None)
        Member.all_objects.filter(pk=person.pk).update(user=user)
        members.append({"username": user.username})
    reviewer = _user("load-reviewer")
    ReviewerAppointment.objects.get_or_create(
        user=reviewer, organisation=root, defaults={"appointed_on": date(2000, 1, 1)}
    )
    print(
        json.dumps(
            {
                "root": root.pk,
                "secretaries": secretaries,
                "members": members,
                "reviewers": [{"username": "load-reviewer"}],
            }
        )
    )


if __name__ == "__main__":
    main()
