"""`manage.py restore DIR`: restore a backup made by `manage.py backup` into the
configured database, which must be empty, and its files under MEDIA_ROOT."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from servicedesk.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup directory into an empty database and MEDIA_ROOT."

    def add_arguments(self, parser):
        parser.add_argument("source", help="A backup directory (database.dump, media.tar.gz).")

    def handle(self, *args, source: str, **options):
        try:
            manifest = restore(Path(source))
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"restored the backup of {manifest['created_at']} ({manifest['files']} stored files)"
        )
