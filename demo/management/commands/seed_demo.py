"""`manage.py seed_demo`: a provincial power company's Party organisation with about 250 people, two years of
meetings, reminders and five logins (password demo-pass-2026); a second run changes nothing."""

from django.core.management.base import BaseCommand

from demo.seed import demo_seed


class Command(BaseCommand):
    help = "Load the demo organisation, members and logins (password demo-pass-2026); a second run changes nothing."

    def handle(self, *args, **options):
        demo_seed(write=self.stdout.write)
