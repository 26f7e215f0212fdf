"""`bench/load`: the portal served as in production (gunicorn, PostgreSQL, a private Redis, DEBUG off) under locust's
headless load — 50 concurrent users following the user journeys of bench/locustfile.py for 5 minutes on the large
data set (`--quick`: the 200-branch set, 20 users, 1 minute) — aimed at 127.0.0.1 only. Prints p50, p95 and p99 per
page, the requests and the errors, and the targets: zero errors, p95 under 300 ms for pages (1 s for dashboards).
"""

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import suite  # noqa: E402

LOCUST = suite.ROOT / ".venv" / "bin" / "locust"
#: Pages whose name says they are dashboards get the dashboards' target.
PAGE_P95_MS, DASHBOARD_P95_MS = 300, 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="the 200-branch set, 20 users, 1 minute")
    parser.add_argument("--users", type=int, help="concurrent users (default 50; --quick 20)")
    parser.add_argument("--minutes", type=float, help="how long (default 5; --quick 1)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    args = parser.parse_args()
    data = suite.QUICK[1] if args.quick else suite.FULL[1]
    users = args.users or (20 if args.quick else 50)
    minutes = args.minutes or (1 if args.quick else 5)
    users, minutes = max(1, min(users, 200)), max(0.1, min(minutes, 30))  # bounded, whatever the arguments
    suite.ensure(data, rebuild=False)
    redis = suite.start_redis()
    port = suite.free_port()
    server = None
    try:
        setup = subprocess.run(
            [suite.PYTHON, str(suite.ROOT / "bench" / "load_setup.py")],
            cwd=suite.ROOT, env=suite.env_for(data), check=True, capture_output=True, text=True,
        )  # fmt: skip
        server = subprocess.Popen(
            [suite.GUNICORN, "config.wsgi", "--workers", str(args.workers), "--bind", f"127.0.0.1:{port}",
             "--timeout", "120", "--log-level", "warning"],
            cwd=suite.ROOT, env=suite.env_for(data),
        )  # fmt: skip
        suite.wait_for(port)
        with tempfile.TemporaryDirectory() as work:
            context = Path(work) / "context.json"
            context.write_text(setup.stdout, encoding="utf-8")
            prefix = Path(work) / "stats"
            suite.log(f"locust: {users} users for {minutes:g} min against 127.0.0.1:{port} ({data.database})")
            started = time.monotonic()
            subprocess.run(
                [LOCUST, "-f", str(suite.ROOT / "bench" / "locustfile.py"), "--headless", "--users", str(users),
                 "--spawn-rate", str(max(1, users // 10)), "--run-time", f"{int(minutes * 60)}s",
                 "--host", f"http://127.0.0.1:{port}", "--csv", str(prefix), "--only-summary", "--stop-timeout", "10"],
                cwd=suite.ROOT, env={**os.environ, "LOAD_CONTEXT": str(context)}, check=False,
                stdout=subprocess.DEVNULL, stderr=sys.stderr,
            )  # fmt: skip
            elapsed = time.monotonic() - started
            with open(f"{prefix}_stats.csv", encoding="utf-8") as stats:
                rows = list(csv.DictReader(stats))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        redis.terminate()
        redis.wait(timeout=30)
    report(rows, data, users, minutes, elapsed, args.workers)


def report(rows: list[dict], data, users: int, minutes: float, elapsed: float, workers: int) -> None:
    print(
        f"\n**bench/load{' --quick' if data is suite.QUICK[1] else ''}** — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"{os.cpu_count()} CPUs; {data.label}; {users} users for {minutes:g} min ({elapsed:.0f} s), gunicorn "
        f"{workers} workers on the same machine as locust and PostgreSQL.\n"
    )
    print("| page | requests | errors | p50 ms | p95 ms | p99 ms | target p95 | result |")
    print("|---|---|---|---|---|---|---|---|")
    ok = True
    for row in rows:
        if row["Name"] == "Aggregated":
            continue
        target = DASHBOARD_P95_MS if "dashboard" in row["Name"] else PAGE_P95_MS
        p95, errors = float(row["95%"]), int(row["Failure Count"])
        passed = errors == 0 and p95 <= target
        ok &= passed
        print(
            f"| {row['Name']} | {row['Request Count']} | {errors} | {row['50%']} | {row['95%']} | {row['99%']} "
            f"| ≤ {target} | {'PASS' if passed else 'FAIL'} |"
        )
    total = next((r for r in rows if r["Name"] == "Aggregated"), None)
    if total:
        print(
            f"| **all** | {total['Request Count']} | {total['Failure Count']} | {total['50%']} | {total['95%']} "
            f"| {total['99%']} | | |"
        )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
