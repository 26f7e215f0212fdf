"""The meeting list's cached pages: a page of rows is rendered once and served again until a meeting in the
reader's part of the tree changes (bench figures 3 and 4).

Every organisation path has a version in the cache. A change to a meeting moves, once its transaction commits,
the version of the meeting's organisation and of each of its ancestors, and `ALL` (what an admin reads): `touch`.
A page is cached under the versions of the subtrees its reader may read, with the query string and the language,
so a change anywhere in those subtrees makes the next request render the page afresh, while changes elsewhere in
the province leave it cached. A generation shared by every key moves when the tree itself changes (a name, a
move), which renames or re-paths what the rows show.

The scope still comes from the access layer on every request; the key only names what was rendered for a scope
of the same paths, never decides what may be seen. Writes that bypass the services and the admin (a raw UPDATE)
show at the latest after `settings.MEETING_LIST_CACHE_SECONDS`.
"""

import hashlib
import logging
import time
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import translation

from branches.access import READ, Scope
from branches.models import Organisation

logger = logging.getLogger(__name__)
PREFIX = "meetings:list"
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
        logger.warning("could not move the meeting list's versions", exc_info=True)


def touch(*paths: str) -> None:
    """Move the versions of these organisations and their ancestors now (the writer's own next page shows the
    change) and again once the transaction commits (a page rendered meanwhile, from data read before the commit,
    is not served under the version it was cached with)."""
    keys = _keys_touched(p for p in paths if p)
    _incr(keys)
    transaction.on_commit(lambda: _incr(keys))


def touch_organisations(*organisation_ids: int | None) -> None:
    """`touch` for organisations given by id (a meeting's organisation, before and after a change)."""
    ids = {pk for pk in organisation_ids if pk is not None}
    touch(*Organisation.objects.filter(pk__in=ids).values_list("path", flat=True))


def reset() -> None:
    """Move the generation: every cached page is rendered afresh (the tree changed, or rows were loaded in bulk)."""
    _incr([GENERATION])
    transaction.on_commit(lambda: _incr([GENERATION]))


def _versions(keys: list[str]) -> list[int]:
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        for key in missing:
            cache.add(key, _fresh(), timeout=None)
        found.update(cache.get_many(missing))
    return [found.get(key, 0) for key in keys]


def page_key(scope: Scope, query: str) -> str | None:
    """The cache key of one page of the list as this scope sees it for this query string (None: no cache)."""
    try:
        return _page_key(scope, query)
    except Exception:
        logger.warning("meeting list cache unreachable", exc_info=True)
        return None


def _page_key(scope: Scope, query: str) -> str:
    if scope.is_admin:
        readable: list[str] = []
        keys = [GENERATION, ALL]
    else:
        readable = sorted(set(scope.paths(READ)) | ({scope.member_branch_path} if scope.member_branch_path else set()))
        keys = [GENERATION, *(_version_key(path) for path in readable)]
    parts = [
        "admin" if scope.is_admin else ",".join(readable),
        query,
        translation.get_language() or "",
        str(settings.PAGE_SIZE),
        str(settings.LIST_COUNT_CAP),
        *map(str, _versions(keys)),
    ]
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]
    return f"{PREFIX}:page:{digest}"


def get(key: str) -> dict | None:
    try:
        return cache.get(key)
    except Exception:
        logger.warning("meeting list cache unreachable", exc_info=True)
        return None


def put(key: str, value: dict) -> None:
    try:
        cache.set(key, value, settings.MEETING_LIST_CACHE_SECONDS)
    except Exception:
        logger.warning("meeting list cache unreachable", exc_info=True)
