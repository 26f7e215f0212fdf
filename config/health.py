"""GET /healthz: whether the database and the Celery broker answer."""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from config.celery import app


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def _broker_ok() -> bool:
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        return False


@require_GET
def healthz(request):
    """Answer 200 with each service's state when all answer, 503 when one does not."""
    state = {"database": _database_ok(), "broker": _broker_ok()}
    status = 200 if all(state.values()) else 503
    body = {name: "ok" if ok else "unavailable" for name, ok in state.items()}
    body["status"] = "ok" if status == 200 else "degraded"
    return JsonResponse(body, status=status)
