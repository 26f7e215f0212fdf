"""Sessions end after a working day without activity (`PORTAL_SESSION_IDLE_HOURS`, default 9).

A session's expiry is renewed by a request at most every `RENEW_AFTER` seconds (not on every request: each renewal is a
write), so a user active through the day stays logged in and one who walked away is logged out `SESSION_COOKIE_AGE`
after their last renewal, at most five minutes early. Logging out ends the session (Django flushes it); changing a
password ends every other session of that user at its next request (Django keeps a hash of the password in the
session and refuses one whose hash no longer matches: `update_session_auth_hash` keeps only the changer's own).
"""

import time

#: Seconds between two renewals of a session's expiry.
RENEW_AFTER = 300
_KEY = "_portal_renewed"


class IdleExpiryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated and not session.is_empty():
            now = int(time.time())
            if now - session.get(_KEY, 0) >= RENEW_AFTER:
                session[_KEY] = now  # modified: SessionMiddleware saves it with a fresh expiry
        return response


def renewed_at_login(sender, request, user, **kwargs) -> None:
    """A login saves the session anyway: it starts the renewal clock, so the requests that follow write nothing."""
    session = getattr(request, "session", None)
    if session is not None:
        session[_KEY] = int(time.time())
