"""The benchmark suite behind `bench/run`: builds (or reuses) two PostgreSQL data sets with `seed_scale`, measures
query counts in-process (`bench/measure.py`) and timings through gunicorn with 2 workers over real HTTP with
logged-in sessions, and prints a Markdown table: one row per figure of issue 4, its target, PASS or FAIL.
"""

import argparse
import concurrent.futures
import hashlib
import http.client
import json
import math
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.figures import figures  # noqa: E402

PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
BASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432")
PASSWORD = "bench-pass-2026"


def _generator_digest() -> str:
    """A digest of the data generator's code (demo/scale*.py): a set built by other code is rebuilt, not reused."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "demo").glob("scale*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


GENERATOR = _generator_digest()


@dataclass(frozen=True)
class DataSet:
    database: str
    branches: int
    members: int
    years: int
    redis_db: int  # each set its own Redis database: cached pages of one set are never served for the other
    seed: int = 1

    @property
    def label(self) -> str:
        return (
            f"seed_scale branches={self.branches} members={self.members} years={self.years} seed={self.seed} "
            f"generator={GENERATOR}"
        )

    @property
    def url(self) -> str:
        return f"{BASE_URL}/{self.database}"


FULL = (DataSet("portal_bench_small", 20, 600, 1, 1), DataSet("portal_bench", 2000, 60000, 3, 2))
QUICK = (DataSet("portal_bench_quick_small", 20, 600, 1, 3), DataSet("portal_bench_quick", 200, 6000, 1, 4))


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


#: The private Redis the measured processes share as their cache and session store, as in production (set by
#: `start_redis`; every gunicorn worker then reads the same cached pages and sessions).
REDIS_URL = ""


def env_for(data: DataSet) -> dict:
    env = {**os.environ, "DATABASE_URL": data.url, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    if REDIS_URL:
        env["REDIS_URL"] = f"{REDIS_URL}/{data.redis_db}"
    return env


def start_redis() -> subprocess.Popen:
    """A private redis-server on a free port that keeps nothing on disk (never the machine's shared one)."""
    global REDIS_URL
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(50):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                REDIS_URL = f"redis://127.0.0.1:{port}"
                log(f"private redis-server on port {port}")
                return server
        time.sleep(0.1)
    server.terminate()
    raise SystemExit("redis-server did not start (Debian: apt-get install redis-server)")


# --- Data sets ----------------------------------------------------------------------------------------------------


def ensure(data: DataSet, rebuild: bool) -> None:
    """Create, migrate and seed the database unless it already holds this data set (its comment says which)."""
    admin = psycopg2.connect(f"{BASE_URL}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [data.database]
        )
        row = cursor.fetchone()
        if row is None:
            cursor.execute(f'CREATE DATABASE "{data.database}"')
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env_for(data), check=True)
    if row is not None and row[0] == data.label and not rebuild:
        log(f"{data.database}: reusing {data.label}")
        admin.close()
        return
    log(f"{data.database}: building {data.label}")
    started = time.monotonic()
    subprocess.run(
        [PYTHON, "manage.py", "seed_scale", "--reset", "--branches", str(data.branches), "--members",
         str(data.members), "--years", str(data.years), "--seed", str(data.seed)],
        cwd=ROOT, env=env_for(data), check=True, stdout=sys.stderr,
    )  # fmt: skip
    with admin.cursor() as cursor:
        cursor.execute(f'COMMENT ON DATABASE "{data.database}" IS %s', [data.label])
    admin.close()
    subprocess.run(["psql", data.url, "-qc", "VACUUM ANALYZE"], check=True)
    log(f"{data.database}: built in {time.monotonic() - started:.0f}s")


def measure(data: DataSet, repeat: int) -> dict:
    out = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "measure.py")],
        cwd=ROOT, env={**env_for(data), "BENCH_REPEAT": str(repeat)}, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(out.stdout)


# --- HTTP ---------------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Session:
    """A logged-in browser session over plain http.client (one keep-alive connection per thread)."""

    def __init__(self, port: int, username: str | None):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.local = threading.local()
        if username:
            self.login(username)

    def _conn(self) -> http.client.HTTPConnection:
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = self.local.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        return conn

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Connection": "keep-alive"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        for attempt in range(2):
            conn = self._conn()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                conn.close()
                self.local.conn = None
                if attempt:
                    raise
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, data

    def get(self, path: str) -> tuple[int, bytes]:
        return self.request("GET", path)

    def login(self, username: str) -> None:
        status, page = self.get("/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD})
        status, _ = self.request("POST", "/accounts/login/", body)
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"login of {username} failed ({status})")


def latency(session: Session, path: str, repeat: int, budget: float = 90.0) -> dict:
    """Sequential requests after a warm-up: median and p95 in milliseconds (fewer samples, at least 5, when a page
    is so slow that `repeat` of them would take longer than `budget` seconds)."""
    # gunicorn's sync workers close every connection, so each request may reach either worker: warm both (their
    # first request of a page loads its templates and opens a database connection), not just one.
    for _ in range(10):
        status, _ = session.get(path)
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
    samples: list[float] = []
    deadline = time.perf_counter() + budget
    while len(samples) < repeat and (len(samples) < 5 or time.perf_counter() < deadline):
        started = time.perf_counter()
        session.get(path)
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[max(0, math.ceil(0.95 * len(samples)) - 1)]
    return {"median": statistics.median(samples), "p95": p95, "n": len(samples)}


def throughput(session: Session, path: str, seconds: float, clients: int = 4) -> float:
    """Requests per second with `clients` concurrent keep-alive connections for `seconds`."""
    session.get(path)
    deadline = time.perf_counter() + seconds

    def worker() -> int:
        n = 0
        while time.perf_counter() < deadline:
            status, _ = session.get(path)
            if status != 200:
                raise SystemExit(f"{path} answered {status}")
            n += 1
        return n

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        total = sum(pool.map(lambda _i: worker(), range(clients)))
    return total / (time.perf_counter() - started)


def start_server(data: DataSet, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [GUNICORN, "config.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}", "--timeout", "300",
         "--log-level", "warning"],
        cwd=ROOT, env=env_for(data),
    )  # fmt: skip
    try:
        wait_for(port)
    except SystemExit:
        server.terminate()
        raise
    return server


def wait_for(port: int) -> None:
    """Until the server on 127.0.0.1:`port` answers its health check (20 s at most)."""
    for _ in range(100):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


# --- Figures ------------------------------------------------------------------------------------------------------


def run_http(data: DataSet, ctx: dict, quick: bool) -> dict:
    port = free_port()
    log(f"gunicorn (2 workers) on port {port} against {data.database}")
    server = start_server(data, port)
    try:
        admin, secretary, reviewer = (Session(port, u) for u in ("bench-admin", "bench-secretary", "bench-reviewer"))
        anonymous = Session(port, None)
        n = 15 if quick else 60
        seconds = 4 if quick else 15
        root, branch, meeting = ctx["root"], ctx["branch"], ctx["meeting"]
        result = {}
        log("latency: meeting list and compliance, root vs branch")
        result["list_root"] = latency(reviewer, "/meetings/", n)
        result["list_branch"] = latency(secretary, "/meetings/", n)
        result["compliance_root"] = latency(admin, f"/meetings/compliance/{root}/", n)
        result["compliance_branch"] = latency(admin, f"/meetings/compliance/{branch}/", n)
        log("latency: the study-task completion page, root task vs branch task")
        result["study_root"] = latency(reviewer, f"/study/tasks/{ctx['root_task']}/", n)
        result["study_branch"] = latency(secretary, f"/study/tasks/{ctx['branch_task']}/", n)
        log("latency: dues ledger, root (its reviewer) vs branch (its secretary)")
        result["ledger_root"] = latency(reviewer, f"/dues/ledger/{root}/", n)
        result["ledger_branch"] = latency(secretary, f"/dues/ledger/{branch}/", n)
        log("latency: access layer, admin vs secretary")
        result["detail_admin"] = latency(admin, f"/meetings/{meeting}/", n)
        result["detail_secretary"] = latency(secretary, f"/meetings/{meeting}/", n)
        result["compliance_branch_admin"] = result["compliance_branch"]
        result["compliance_branch_secretary"] = latency(secretary, f"/meetings/compliance/{branch}/", n)
        log("latency: the pipeline board of 发展党员, root vs branch")
        result["board_root"] = latency(admin, f"/development/organisation/{root}/", n)
        result["board_branch"] = latency(admin, f"/development/organisation/{branch}/", n)
        if ctx.get("scheme"):
            log("latency: 支部考核 results, the root's scheme (its reviewer) vs a branch's scores (its secretary)")
            result["scheme_root"] = latency(reviewer, f"/evaluations/scheme/{ctx['scheme']}/", n)
            result["assessment_branch"] = latency(secretary, f"/evaluations/assessment/{branch}/", n)
        log("throughput: bare view, meeting list, admin changelist")
        result["rps_bare"] = throughput(anonymous, "/bench/bare/", seconds)
        result["rps_list"] = throughput(admin, "/meetings/", seconds)
        result["rps_admin"] = throughput(admin, "/admin/meetings/meeting/", seconds)
        return result
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a small data set; under 5 minutes")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the data sets even if present")
    args = parser.parse_args()
    small_set, large_set = QUICK if args.quick else FULL
    started = time.monotonic()
    for data in (small_set, large_set):
        ensure(data, args.rebuild)
    redis = start_redis()
    try:
        log("query counts and compliance vs SQL (in-process)")
        small = measure(small_set, 3)
        large = measure(large_set, 3 if args.quick else 7)
        http_results = run_http(large_set, large["context"], args.quick)
    finally:
        redis.terminate()
        redis.wait(timeout=30)
    rows, details = figures(small, large, http_results)
    size = large["size"]
    print(
        f"\n**bench/run{' --quick' if args.quick else ''}** — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"{os.cpu_count()} CPUs, {_ram_gb():.0f} GB RAM; large set: {size['branches']} branches, "
        f"{size['party_groups']} party groups, {size['members']} members, {size['meetings']} meetings, "
        f"{size['attendance']} attendance rows; small set: {small['size']['branches']} branches, "
        f"{small['size']['meetings']} meetings.\n"
    )
    print("| figure | target | measured | result |\n|---|---|---|---|")
    for name, target, measured, ok in rows:
        print(f"| {name} | {target} | {measured} | {'PASS' if ok else 'FAIL'} |")
    print("\n<details><summary>measurements</summary>\n\n| figure | what | value |\n|---|---|---|")
    print("\n".join(details))
    print("\n</details>")
    log(f"done in {time.monotonic() - started:.0f}s")
    sys.exit(0 if all(ok for *_rest, ok in rows) else 1)


def _ram_gb() -> float:
    with open("/proc/meminfo") as f:
        return int(f.readline().split()[1]) / 1024 / 1024


if __name__ == "__main__":
    main()
