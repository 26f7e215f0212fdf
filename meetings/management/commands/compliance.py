"""`manage.py compliance [--org CODE] --period 2026-Q3 [--format table|json]`: the compliance pages' figures.

A thin wrapper over `selectors.compliance_for_branches`, the same call the compliance page makes, so the
figures printed here are exactly those the pages show.
"""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from branches.models import Organisation

from ... import rules, selectors
from ...models import MeetingType


class Command(BaseCommand):
    help = (
        "Print the compliance of every branch and party group under an organisation for a month (2026-11), "
        "a quarter (2026-Q3) or a year (2026): per meeting type the required and held counts and the status "
        "(green, yellow, red, neutral), the silent flag and the attendance rate; in the table, also the yearly "
        "party lecture by the secretary of each committee (党委) there."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", help="code of the organisation (default: the root organisation)")
        parser.add_argument("--period", required=True, help="2026-11, 2026-Q3 or 2026")
        parser.add_argument("--format", choices=("table", "json"), default="table")
        parser.add_argument("--today", help="judge as of this date (YYYY-MM-DD; default: today in Asia/Shanghai)")

    def handle(self, *args, **options):
        try:
            period = rules.parse_period(options["period"])
        except ValueError:
            raise CommandError(f"Bad period {options['period']!r}: use 2026-11, 2026-Q3 or 2026.") from None
        today = self._today(options["today"])
        organisation = self._organisation(options["org"])
        results = selectors.compliance_for_branches(selectors.compliance_units(organisation), period, today=today)
        if options["format"] == "json":
            self.stdout.write(json.dumps([r.as_dict() for r in results], ensure_ascii=False, indent=2))
        else:
            self._table(organisation, period, today, results)
            self._secretary_lectures(organisation, period, today)

    def _organisation(self, code: str | None) -> Organisation:
        if code:
            found = Organisation.objects.filter(code=code).first()
            if found is None:
                raise CommandError(f"No organisation with code {code!r}.")
            return found
        roots = list(Organisation.objects.get_root_nodes()[:2])
        if not roots:
            raise CommandError("There is no organisation yet.")
        if len(roots) > 1:
            raise CommandError("There are several root organisations: choose one with --org CODE.")
        return roots[0]

    def _today(self, text: str | None) -> date:
        if not text:
            return timezone.localdate()
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise CommandError(f"Bad date {text!r}: use YYYY-MM-DD.") from None

    def _table(self, organisation, period, today, results) -> None:
        write = self.stdout.write
        write(f"{organisation.code} {organisation.name}  period {period.code}  as of {today.isoformat()}")
        if not results:
            write("No branch or party group under this organisation.")
            return
        for result in results:
            rate = result.attendance_rate
            write("")
            write(
                f"{result.organisation.code}  {result.organisation.name}  status={result.status}  "
                f"attendance={'-' if rate is None else f'{rate:.1%}'}  silent={'yes' if result.silent else 'no'}"
            )
            for item in result.types:
                if item.required == 0 and item.held == 0:
                    continue
                write(
                    f"    {item.meeting_type:<30}{MeetingType(item.meeting_type).label:<8}"
                    f"required={item.required:<3}held={item.held:<3}{item.status:<8}window={item.window.code}"
                )

    def _secretary_lectures(self, organisation, period, today) -> None:
        """The yearly 党课 by each 党委's 书记 (支部工作条例 §16), for the period's year, as the compliance page
        shows it."""
        year = rules.period_range("year", period.year)
        lectures = selectors.secretary_lectures(selectors.lecturing_committees_under(organisation), year, today)
        if not lectures:
            return
        self.stdout.write("")
        self.stdout.write(f"Committee secretary's party lecture {year.code}")
        for item in lectures:
            self.stdout.write(
                f"    {item.organisation.code}  {item.organisation.name}  required={item.required:<3}"
                f"held={item.held:<3}{item.status}"
            )
