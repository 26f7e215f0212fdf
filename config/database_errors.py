"""A database that drops its connections (a restart, a fail-over, an administrator's pg_terminate_backend) answers
503 with a page that says so, instead of a server error; the next request connects afresh.

Django closes a connection that raised at the end of the request (and `conn_health_checks` tests a kept one before
reusing it), so the recovery needs nothing more; this middleware only turns the failed request into a clear answer.
The page is rendered without the request: its context processors would query the database that just failed.
"""

import logging

from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

#: Seconds after which a browser or a proxy may try again.
RETRY_AFTER = 30


def _lost_connection(exception: BaseException) -> bool:
    if isinstance(exception, (OperationalError, InterfaceError)):
        return True
    # psycopg2 reports a connection closed under a running query as a DatabaseError naming it.
    return isinstance(exception, DatabaseError) and "connection" in str(exception).lower()


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not _lost_connection(exception):
            return None
        logger.warning("database unavailable during %s %s: %s", request.method, request.path, exception)
        for connection in connections.all(initialized_only=True):
            connection.close_if_unusable_or_obsolete()
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        return response
