"""`manage.py seed_scale --branches N --members M --years Y [--seed S]`: a provincial-size data set for benchmarks.

Runs only on a database without organisations, people or meetings; `--reset` first empties every table of the
portal apps (users and sessions are kept). The same seed and `--until` day give the same data.
"""

import sys
import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from demo import scale, scale_evaluations, scale_study
from demo.scale_tree import ScaleSpec


class Command(BaseCommand):
    help = "Build a large generated data set (tree, people, meetings, dues, study, evaluations) for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--branches", type=int, default=2000)
        parser.add_argument("--members", type=int, default=60000)
        parser.add_argument("--years", type=int, default=3)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--until", type=date.fromisoformat, default=None, help="last day of history (default: today)"
        )
        parser.add_argument("--reset", action="store_true", help="empty every portal table first")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options):
        if options["branches"] < 1 or options["members"] < 0 or options["years"] < 1:
            raise CommandError("--branches and --years must be at least 1, --members at least 0.")
        if options["reset"]:
            scale.wipe()
        elif scale.has_data():
            raise CommandError(
                "The database already holds organisations, members or meetings: seed_scale builds on an empty "
                "data set. Use --reset to empty the portal tables first."
            )
        spec = ScaleSpec(
            branches=options["branches"],
            members=options["members"],
            years=options["years"],
            seed=options["seed"],
            until=options["until"] or timezone.localdate(),
        )
        started = time.monotonic()
        show = not options["no_progress"]

        def report(p: scale.Progress) -> None:
            if not show:
                return
            done = p.branches_done / p.branches if p.branches else 1
            bar = "#" * int(done * 30)
            sys.stderr.write(
                f"\r[{bar:<30}] {done:4.0%} branches {p.branches_done}/{p.branches} members {p.members} "
                f"meetings {p.meetings} attendance {p.attendances} {time.monotonic() - started:5.0f}s"
            )
            sys.stderr.flush()

        progress = scale.build(spec, report)
        if show:
            sys.stderr.write("\n")
        study_rows = scale_study.study_build(spec)
        appraisal_results, branch_scores = scale_evaluations.evaluations_build(spec)
        self.stdout.write(
            f"seed_scale: {progress.branches} branches, {progress.members} members, {progress.meetings} meetings, "
            f"{progress.attendances} attendance rows, {study_rows} study-task rows, "
            f"{progress.dues_payments} dues payments, {appraisal_results} appraisal results, "
            f"{branch_scores} branch scores "
            f"in {time.monotonic() - started:.0f}s."
        )
