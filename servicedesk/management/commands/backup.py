"""`manage.py backup [--output DIR]`: dump the database and the stored files (see
servicedesk/backup.py); prints the new backup's directory."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from servicedesk.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database (pg_dump, custom format) and the stored files."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default=None,
            help="Directory that receives a new timestamped backup (default: var/backups).",
        )

    def handle(self, *args, output: str | None, **options):
        root = Path(output) if output else Path(settings.VAR_DIR) / "backups"
        try:
            target = backup(root)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(str(target))
