"""Cached pages of meetings data (the meeting list, an organisation's compliance overview), renewed by every change
in the part of the tree they show (bench figures 2, 3 and 4).

Every organisation path has a version in the cache. A change moves, now and again once its transaction commits, the
version of the organisation it happened in and of each of its ancestors, and `ALL` (what an admin reads): `touch`.
Nothing outside this package touches a version: every writer says what changed through `meetings.compliance`:

- a meeting (plan, attendance, record, finalise, cancel, delete, restore; the admin): its organisation, before and
  after a move (`changed`, from `meetings.services` and `meetings.admin`);
- a member (counted as 正式党员, named as host), a committee term or post: their organisation (`changed`, through
  the hooks of `members.services` and `branches.services` that meetings registers in its `AppConfig.ready`);
- a requirement override, an organisation's name or place in the tree, a bulk load: every page
  (`everything_changed`; `reset` moves the generation shared by every key).

A page is cached under the versions of the subtrees it shows, so a change anywhere in them renders it afresh on the
next request, while changes elsewhere in the province leave it cached. The caller's scope still comes from the
access layer on every request: a key only names what was rendered for the same part of the tree, never decides
what may be seen. Writes that bypass the portal (a raw UPDATE) show at the latest when the entry expires, and the
nightly summary rebuild resets every page.
"""

import hashlib
import logging
import time
from collections.abc import Iterable, Sequence

from django.core.cache import cache
from django.db import transaction

from branches.models import Organisation

logger = logging.getLogger(__name__)
PREFIX = "meetings:pages"
GENERATION = f"{PREFIX}:generation"
ALL = f"{PREFIX}:v:*"


def _version_key(path: str) -> str:
    return f"{PREFIX}:v:{path}"


def _fresh() -> int:
    """A starting version no earlier one equals (the key was evicted or never set)."""
    return time.time_ns()


def _keys_touched(paths: Iterable[str]) -> set[str]:
    step = Organisation.steplen
    keys = {ALL}
    for path in paths:
        keys.update(_version_key(path[:end]) for end in range(step, len(path) + 1, step))
    return keys


def _incr(keys: Iterable[str]) -> None:
    try:
        for key in keys:
            try:
                cache.incr(key)
            except ValueError:  # not set yet, or evicted
                cache.set(key, _fresh(), timeout=None)
    except Exception:  # the write has committed; an unreachable cache must not turn it into an error page
        logger.warning("could not move the meetings pages' versions", exc_info=True)


def _now_and_on_commit(keys: set[str]) -> None:
    # Now: the writer's own next page shows the change. After commit: a page rendered meanwhile, from data read
    # before the commit, is not served under the version it was cached with.
    _incr(keys)
    transaction.on_commit(lambda: _incr(keys))


def touch(*paths: str) -> None:
    """The pages showing these organisations (their own pages and those of every organisation above) are stale."""
    _now_and_on_commit(_keys_touched(p for p in paths if p))


def touch_organisations(*organisation_ids: int | None) -> None:
    """`touch` for organisations given by id."""
    ids = {pk for pk in organisation_ids if pk is not None}
    if ids:
        touch(*Organisation.objects.filter(pk__in=ids).values_list("path", flat=True))


def reset() -> None:
    """Every page is stale (the tree or a requirement changed, or rows were loaded in bulk)."""
    _now_and_on_commit({GENERATION})


def _versions(keys: list[str]) -> list[int]:
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        for key in missing:
            cache.add(key, _fresh(), timeout=None)
        found.update(cache.get_many(missing))
    return [found.get(key, 0) for key in keys]


def key(kind: str, paths: Sequence[str] | None, *parts) -> str | None:
    """The cache key of a page of `kind` showing the subtrees under `paths` (None: the whole tree), rendered for
    `parts` (query, language …); None when the cache cannot be read (the page is then rendered, not cached)."""
    shown = None if paths is None else sorted(set(paths))
    names = [GENERATION, ALL] if shown is None else [GENERATION, *map(_version_key, shown)]
    try:
        versions = _versions(names)
    except Exception:
        logger.warning("meetings page cache unreachable", exc_info=True)
        return None
    text = "|".join([kind, "*" if shown is None else ",".join(shown), *map(str, parts), *map(str, versions)])
    return f"{PREFIX}:{kind}:{hashlib.sha256(text.encode()).hexdigest()[:32]}"


def get(page_key: str | None):
    if page_key is None:
        return None
    try:
        return cache.get(page_key)
    except Exception:
        logger.warning("meetings page cache unreachable", exc_info=True)
        return None


def put(page_key: str | None, value, seconds: int) -> None:
    if page_key is None:
        return
    try:
        cache.set(page_key, value, seconds)
    except Exception:
        logger.warning("meetings page cache unreachable", exc_info=True)
