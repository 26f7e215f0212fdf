"""A real Celery worker on the real Redis sends reminders once, even when a message is delivered twice, and the
fault bench (worker SIGKILLed, Redis restarted without saving) loses and repeats nothing.

These tests need REDIS_URL and a database a second process can share (PostgreSQL; the in-memory SQLite test
database is invisible to a worker), so they commit for real (`transaction=True`).
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from config.celery import app
from notifications.models import Delivery, Notice, NoticeStatus
from notifications.tasks import notices_send_task, notices_sweep_task
from tests.notifications.helpers import plan

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def shared_database() -> str:
    """The test database as a URL for another process; skips where a worker cannot reach it."""
    if not os.environ.get("REDIS_URL"):
        pytest.skip("needs REDIS_URL: these tests run a real Celery worker on Redis")
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL): a worker process cannot see the in-memory SQLite test database")
    d = connection.settings_dict
    auth = quote(d["USER"] or "") + (f":{quote(d['PASSWORD'])}" if d["PASSWORD"] else "")
    return f"postgres://{auth}@{d['HOST'] or 'localhost'}:{d['PORT'] or 5432}/{d['NAME']}"


def _wait_for(condition, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def worker(shared_database):
    """A worker process on REDIS_URL consuming a queue of its own (so nothing else on that Redis is touched)."""
    queue = f"notifications-test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DATABASE_URL": shared_database, "DJANGO_SETTINGS_MODULE": "config.settings.test",
           "DATABASE_CONN_MAX_AGE": "0"}
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "celery"), "-A", "config", "worker", "-Q", queue, "--concurrency=1",
         "--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"{queue}@%h"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    try:
        yield queue
    finally:
        app.conf.task_default_queue = previous
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def test_worker_sends_a_reminder_once_when_its_message_comes_twice(world, worker):
    """The sweep enqueues after commit; the worker sends; a second copy of the message sends nothing."""
    meeting = plan(world, starts_in=timedelta(minutes=30), attendees=[world.member_a])
    reminder = Notice.objects.get(meeting=meeting)
    assert notices_sweep_task() == 1
    notices_send_task.apply_async(args=[[reminder.pk]], queue=worker)  # a redelivered copy
    # A marker sent after both: the worker takes messages in order, so once it is sent both copies were handled.
    marker = plan(world, starts_in=timedelta(minutes=20), attendees=[world.member_a], topic="标记")
    marker_reminder = Notice.objects.get(meeting=marker)
    Notice.objects.filter(pk=marker_reminder.pk).update(status=NoticeStatus.QUEUED)
    notices_send_task.apply_async(args=[[marker_reminder.pk]], queue=worker)
    assert _wait_for(lambda: Notice.objects.filter(pk=marker_reminder.pk, status=NoticeStatus.SENT).exists())
    reminder.refresh_from_db()
    assert reminder.status == NoticeStatus.SENT and reminder.shown_at is not None
    assert Delivery.objects.filter(notice=reminder).count() == 1


def test_fault_bench_loses_and_repeats_nothing(shared_database):
    """bench/fault_reminders at a small size: worker SIGKILLed and Redis restarted mid-run, all sent exactly once."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "fault_reminders.py"), "--count", "150", "--no-migrate",
         "--database-url", shared_database, "--lease", "6", "--timeout", "90"],
        cwd=ROOT, capture_output=True, text=True, timeout=150,
    )
    last = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    assert last == "expected=150 sent=150 duplicates=0 failed=0", result.stdout + result.stderr
