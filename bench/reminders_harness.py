"""What bench/fault_reminders and bench/reminders_throughput share: a private redis-server, Celery workers as
child processes, due notices written in bulk, and the sweep played as beat would (every second here).

The harness configures the environment before Django starts, so the workers and this process agree on broker,
database, channels and lease. Only processes it started itself are stopped, by their process-group id.
"""

import argparse
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def arguments(description: str, default_count: int) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--count", type=int, default=default_count, help="due reminders to create")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", ""),
        help="database shared with the workers (default: $DATABASE_URL, else a scratch SQLite file)",
    )
    parser.add_argument("--no-migrate", action="store_true", help="the database is migrated already (tests)")
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes")
    parser.add_argument("--lease", type=int, default=20, help="seconds before a lost claim is swept again")
    parser.add_argument(
        "--queue-lease",
        type=int,
        default=0,
        help="seconds a chunk may wait in the broker before it is published again (default: --lease)",
    )
    parser.add_argument("--timeout", type=int, default=600, help="give up after this many seconds")
    return parser.parse_args()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Harness:
    """A private Redis and the worker processes, plus the environment both sides share."""

    def __init__(self, args: argparse.Namespace, *, chunk_size: int):
        self.args = args
        self.tmp = Path(tempfile.mkdtemp(prefix="portal-reminders-"))
        self.port = free_port()
        self.redis: subprocess.Popen | None = None
        self.workers: list[subprocess.Popen] = []
        database_url = args.database_url or f"sqlite:///{self.tmp / 'bench.sqlite3'}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.local"),
            "DATABASE_URL": database_url,
            "REDIS_URL": f"redis://127.0.0.1:{self.port}/0",
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{self.port}/0",
            "PORTAL_NOTIFICATION_CHANNELS": "notifications.channels.RecordingChannel",
            "PORTAL_NOTIFICATION_LEASE_SECONDS": str(args.lease),
            "PORTAL_NOTIFICATION_QUEUE_LEASE_SECONDS": str(args.queue_lease or args.lease),
            "PORTAL_NOTIFICATION_SEND_TIME_LIMIT": str(max(args.lease - 3, 2)),
            "PORTAL_NOTIFICATION_CHUNK_SIZE": str(chunk_size),
            "PORTAL_VAR_DIR": str(self.tmp / "var"),
            "DATABASE_CONN_MAX_AGE": "0",
        }
        os.environ.update(self.env)
        sys.path.insert(0, str(ROOT))

    # --- Redis ------------------------------------------------------------------------------------------------------

    def redis_start(self) -> None:
        server = shutil.which("redis-server")
        if not server:
            raise SystemExit("redis-server not found (Debian: apt-get install redis-server)")
        self.redis = subprocess.Popen(
            [
                server,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.tmp),
                "--logfile",
                str(self.tmp / "redis.log"),
            ],
            start_new_session=True,
        )
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise SystemExit("redis-server did not start")

    def redis_restart(self) -> None:
        """Stop Redis without saving (every queued message is lost), then start it again on the same port."""
        subprocess.run(["redis-cli", "-p", str(self.port), "shutdown", "nosave"], capture_output=True, timeout=10)
        if self.redis is not None:
            self.redis.wait(timeout=10)
        self.redis_start()

    # --- Workers ----------------------------------------------------------------------------------------------------

    def worker_start(self, name: str) -> subprocess.Popen:
        log = open(self.tmp / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
        worker = subprocess.Popen(
            [
                str(VENV_BIN / "celery"),
                "-A",
                "config",
                "worker",
                "--loglevel=WARNING",
                "-P",
                "prefork",
                f"--concurrency={self.args.concurrency}",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"{name}@%h",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.workers.append(worker)
        return worker

    def worker_kill(self, worker: subprocess.Popen) -> None:
        """SIGKILL the worker and its pool children (its own process group): a crash, no clean shutdown."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)

    def close(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                try:
                    os.killpg(worker.pid, signal.SIGTERM)
                    worker.wait(timeout=10)
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    self.worker_kill(worker)
        if self.redis is not None and self.redis.poll() is None:
            subprocess.run(["redis-cli", "-p", str(self.port), "shutdown", "nosave"], capture_output=True, timeout=10)
            self.redis.wait(timeout=10)
        if not os.environ.get("BENCH_KEEP_TMP"):
            shutil.rmtree(self.tmp, ignore_errors=True)

    # --- Django side ------------------------------------------------------------------------------------------------

    def django(self) -> None:
        import django

        django.setup()
        if not self.args.no_migrate:
            from django.core.management import call_command

            call_command("migrate", verbosity=0, interactive=False)


def seed(run: str, count: int) -> float:
    """Write `count` due reminders in bulk; returns the seconds the raw insert took."""
    from datetime import timedelta

    from django.utils import timezone

    from notifications.models import Notice, NoticeKind

    due = timezone.now() - timedelta(seconds=1)
    started = time.perf_counter()
    for start in range(0, count, 5000):
        Notice.objects.bulk_create(
            [
                Notice(key=f"{run}|{i}", kind=NoticeKind.MEETING_REMINDER, title=f"会议提醒 {i}", due_at=due)
                for i in range(start, min(start + 5000, count))
            ]
        )
    return time.perf_counter() - started


def sweep_and_enqueue() -> int:
    """One beat tick: the sweep task run in this process, publishing one message per chunk; returns messages."""
    from notifications.tasks import notices_sweep_task

    return notices_sweep_task()


def totals(run: str) -> dict[str, int]:
    from django.db.models import Count

    from notifications.models import Delivery, Notice, NoticeStatus

    mine = Notice.objects.filter(key__startswith=f"{run}|")
    by_status = dict(mine.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    deliveries = Delivery.objects.filter(notice__key__startswith=f"{run}|")
    duplicates = deliveries.values("notice_id", "channel").annotate(n=Count("pk")).filter(n__gt=1).count()
    return {
        "sent": by_status.get(NoticeStatus.SENT, 0),
        "failed": by_status.get(NoticeStatus.FAILED, 0),
        "delivered": deliveries.values("notice_id").distinct().count(),
        "duplicates": duplicates,
    }


def sent_count(run: str) -> int:
    from notifications.models import Notice, NoticeStatus

    return Notice.objects.filter(key__startswith=f"{run}|", status=NoticeStatus.SENT).count()


def done_count(run: str) -> int:
    from notifications.models import Notice, NoticeStatus

    return Notice.objects.filter(key__startswith=f"{run}|", status__in=(NoticeStatus.SENT, NoticeStatus.FAILED)).count()
