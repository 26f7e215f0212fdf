"""`manage.py compliance_rebuild`: recount the monthly summary from the meetings and renew every cached page.

What the nightly task does (`meetings.tasks.month_summary_rebuild_task`), for right after loading meetings in bulk or
repairing them in the database, past the services that keep the summary.
"""

from django.core.management.base import BaseCommand

from ... import compliance


class Command(BaseCommand):
    help = (
        "Recount the monthly meeting summary the compliance pages read, from the meetings themselves, and renew "
        "every cached page (run it after loading or repairing meetings past the portal)."
    )

    def handle(self, *args, **options):
        rows = compliance.everything_changed(recount=True)
        self.stdout.write(f"Monthly summary rebuilt: {rows} rows; every cached page renewed.")
