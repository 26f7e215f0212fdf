"""100,000 due reminders drain through a real worker on Redis and the fake sender, in chunks: print the broker
messages published (at most 500), wall time, reminders per second, and that rate divided by the raw rate of
inserting the same rows (bulk_create)."""

import sys
import time
import uuid

from reminders_harness import Harness, arguments, done_count, seed, sweep_and_enqueue, totals


def main() -> int:
    args = arguments(__doc__.splitlines()[0], default_count=100_000)
    harness = Harness(args, chunk_size=250)
    try:
        harness.redis_start()
        harness.django()
        harness.worker_start("throughput")
        # Warm up: the worker is up and connected before the clock starts.
        warm = f"warm-{uuid.uuid4().hex[:8]}"
        seed(warm, 1)
        deadline = time.monotonic() + args.timeout
        while done_count(warm) < 1 and time.monotonic() < deadline:
            sweep_and_enqueue()
            time.sleep(0.2)
        run = f"throughput-{uuid.uuid4().hex[:8]}"
        insert_seconds = seed(run, args.count)
        started = time.monotonic()
        messages = 0
        while done_count(run) < args.count and time.monotonic() < deadline:
            messages += sweep_and_enqueue()
            time.sleep(0.5)
        wall = time.monotonic() - started
        result = totals(run)
        rate = args.count / wall
        insert_rate = args.count / insert_seconds
        print(
            f"reminders={args.count} sent={result['sent']} duplicates={result['duplicates']} "
            f"failed={result['failed']} messages={messages} wall={wall:.1f}s rate={rate:.0f}/s "
            f"insert_rate={insert_rate:.0f}/s ratio={rate / insert_rate:.3f}"
        )
        return 0 if result["sent"] == args.count and messages <= 500 and not result["duplicates"] else 1
    finally:
        harness.close()


if __name__ == "__main__":
    sys.exit(main())
