"""`manage.py restore --input FILE --yes`: replace the database and the uploaded files with a backup's."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from config import backup


class Command(BaseCommand):
    help = "Restore the database and the uploaded files from a backup archive (replaces everything)."

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, type=Path, help="the archive made by `manage.py backup`")
        parser.add_argument("--yes", action="store_true", help="confirm: every table and uploaded file is replaced")

    def handle(self, *args, input: Path, yes: bool, **options):
        if not yes:
            raise CommandError(_("恢复会替换全部数据和上传的文件；确认后请加 --yes 再运行。"))
        if not input.is_file():
            raise CommandError(_("找不到备份文件：%(file)s") % {"file": input})
        try:
            manifest = backup.restore(input)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(_("已从 %(file)s 恢复（备份时间 %(when)s）。") % {"file": input, "when": manifest.created_at})
