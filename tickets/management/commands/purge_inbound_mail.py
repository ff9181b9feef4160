"""Delete kept inbound mail past its retention (beat runs the same purge daily)."""

from django.core.management.base import BaseCommand

from tickets.mail_archive import inbound_mail_purge


class Command(BaseCommand):
    help = "Delete kept inbound mail (accepted and refused) older than INBOUND_MAIL_RETENTION_DAYS."

    def handle(self, *args, **options):
        self.stdout.write(f"purged={inbound_mail_purge()}")
