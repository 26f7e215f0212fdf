"""Search by ID number without the number in any address.

A GET query string is written to the web server's access log, the browser's history and every proxy's log, so a
full ID number must never be part of one. The roster's search form (and the admin's member search) is therefore
sent by POST; `search_query` turns the form into the query string of the address to redirect to, and replaces a
search text shaped like an ID number by a token: the number's blind index and masked form are kept in the user's
session under a random token, and the address carries only `idq=<token>`. The token means nothing outside that
session and says nothing about the person; the number itself is kept nowhere.

Searching by name or phone number stays a plain GET (`?q=张`), which links and bookmarks keep using.
"""

import secrets
from dataclasses import dataclass

from django.http import QueryDict

from . import crypto, rules

#: Parameter of the search text, and of the token that stands for an ID number.
TEXT_PARAM = "q"
TOKEN_PARAM = "idq"
#: Where a session keeps its ID searches, and how many (older tokens stop working).
SESSION_KEY = "members_id_searches"
MAX_SEARCHES = 20
#: Form fields that never belong in the address.
NOT_IN_ADDRESS = ("csrfmiddlewaretoken",)
#: Bounds of the address built from a submitted form: a search or filter value longer than this is cut, and fields
#: beyond this many are left out (no form of the roster or the admin list has as many), so a hostile form cannot
#: make an address longer than a redirect may carry.
MAX_VALUE_LENGTH = 200
MAX_FIELDS = 40


@dataclass(frozen=True)
class IdSearch:
    """An ID-number search of this session: what to match (the blind index) and what to show (the masked form)."""

    index: str
    masked: str


def id_search_start(session, id_number: str) -> str:
    """Keep an ID-number search in the session and return its token."""
    number = rules.id_number_normalise(id_number)
    token = secrets.token_urlsafe(12)
    searches = dict(session.get(SESSION_KEY) or {})
    searches[token] = {"index": crypto.blind_index(number), "masked": rules.id_number_mask(number)}
    session[SESSION_KEY] = dict(list(searches.items())[-MAX_SEARCHES:])
    return token


def id_search_get(session, token: str | None) -> IdSearch | None:
    """The search a token stands for in this session, or None (unknown, expired, or another session's)."""
    found = (session.get(SESSION_KEY) or {}).get(token or "")
    if not isinstance(found, dict):
        return None
    return IdSearch(index=str(found.get("index", "")), masked=str(found.get("masked", "")))


def id_number_in(data: QueryDict) -> bool:
    """Whether any value of a query is shaped like an ID number (it must not stay in an address)."""
    return any(rules.looks_like_id_number(value) for _key, values in data.lists() for value in values)


def search_query(session, data: QueryDict, *, leave_out: tuple[str, ...] = ()) -> str:
    """The query string of the address for a submitted search form.

    Empty fields, the CSRF token and `leave_out` (such as the page number) are left out. A search text shaped like
    an ID number becomes `idq=<token>`; any other search text ends an earlier ID search; with no search text, an
    earlier ID search (its token) is kept, so changing a filter keeps it. An ID number in any other field is no
    value of that field: it is left out. Values are cut at MAX_VALUE_LENGTH and fields at MAX_FIELDS.
    """
    query = QueryDict(mutable=True)
    for key, values in list(data.lists())[:MAX_FIELDS]:
        kept = [value[:MAX_VALUE_LENGTH] for value in values if value.strip()]
        if key != TEXT_PARAM:
            kept = [value for value in kept if not rules.looks_like_id_number(value)]
        if kept and key not in NOT_IN_ADDRESS and key not in leave_out:
            query.setlist(key, kept)
    text = query.get(TEXT_PARAM, "").strip()
    if text:
        query.pop(TOKEN_PARAM, None)
        if rules.looks_like_id_number(text):
            query.pop(TEXT_PARAM)
            query[TOKEN_PARAM] = id_search_start(session, text)
    return query.urlencode()


def address_for(path: str, session, data: QueryDict, *, leave_out: tuple[str, ...] = ()) -> str:
    """`path` with the query string of `search_query`."""
    query = search_query(session, data, leave_out=leave_out)
    return f"{path}?{query}" if query else path
