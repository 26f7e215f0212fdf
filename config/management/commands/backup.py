"""`manage.py backup --output FILE`: the database and the uploaded files in one archive (config/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from config import backup


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one .tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, type=Path, help="the archive to write (.tar.gz)")

    def handle(self, *args, output: Path, **options):
        try:
            manifest = backup.backup(output)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _("已备份到 %(file)s（%(vendor)s，%(apps)d 个应用的数据库结构）。")
            % {"file": output, "vendor": manifest.vendor, "apps": len(manifest.migrations)}
        )
