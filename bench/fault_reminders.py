"""Create N due reminders, SIGKILL the worker mid-run, restart Redis without saving, start a new worker, wait
for the queue to drain and print `expected=N sent=N duplicates=0 failed=0` (exit status 1 otherwise).

Nothing is lost because the rows, not the broker, are the truth: the sweep re-claims rows whose lease ran out
(their message died with Redis, or their worker with SIGKILL); nothing is sent twice because each send claims its
row by a conditional UPDATE and the delivery is recorded in the same transaction as its effect.
"""

import sys
import time
import uuid

from reminders_harness import Harness, arguments, done_count, seed, sent_count, sweep_and_enqueue, totals

T0 = time.monotonic()


def log(text: str) -> None:
    print(f"# {time.monotonic() - T0:6.1f}s {text}", file=sys.stderr, flush=True)


def main() -> int:
    args = arguments(__doc__.splitlines()[0], default_count=10_000)
    harness = Harness(args, chunk_size=100)
    try:
        harness.redis_start()
        harness.django()
        run = f"fault-{uuid.uuid4().hex[:8]}"
        log("django ready")
        seed(run, args.count)
        log(f"seeded {args.count}")
        worker = harness.worker_start("fault-1")
        deadline = time.monotonic() + args.timeout
        sweep_and_enqueue()
        # Let the first worker get well into the run, then crash it and lose every queued message.
        kill_at = max(1, args.count // 3)
        while sent_count(run) < kill_at and time.monotonic() < deadline:
            time.sleep(0.05)
        log(f"first sent: {sent_count(run)}")
        harness.worker_kill(worker)
        at_kill = sent_count(run)
        harness.redis_restart()
        log("worker killed, redis restarted")
        harness.worker_start("fault-2")
        while done_count(run) < args.count and time.monotonic() < deadline:
            published = sweep_and_enqueue()  # what beat does every minute; every second here
            if published:
                log(f"sweep published {published} messages; done={done_count(run)}")
            time.sleep(1)
        log("drained")
        result = totals(run)
        print(f"# killed the worker at sent={at_kill}; delivered={result['delivered']}", file=sys.stderr)
        sent, duplicates, failed = result["sent"], result["duplicates"], result["failed"]
        print(f"expected={args.count} sent={sent} duplicates={duplicates} failed={failed}")
        ok = result["sent"] == args.count == result["delivered"] and not result["duplicates"] and not result["failed"]
        return 0 if ok else 1
    finally:
        harness.close()


if __name__ == "__main__":
    sys.exit(main())
