"""Read a Maildir or an mbox file and ingest every message (see tickets/inbound.py)."""

import mailbox
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tickets.inbound import InboundMailRejected, inbound_mail_ingest


class Command(BaseCommand):
    help = "Ingest RFC 822 messages from a Maildir directory or an mbox file."

    def add_arguments(self, parser):
        parser.add_argument("path", help="A Maildir (with cur/ new/ tmp/) or an mbox file.")
        parser.add_argument(
            "--remove",
            action="store_true",
            help="Remove each message from the mailbox once handled (refused ones are kept "
            "in the database).",
        )

    def handle(self, *args, path: str, remove: bool, **options):
        location = Path(path)
        if location.is_dir() and (location / "cur").is_dir():
            box = mailbox.Maildir(location, factory=None, create=False)
        elif location.is_file():
            box = mailbox.mbox(location, factory=None, create=False)
        else:
            raise CommandError(f"{path} is neither a Maildir nor an mbox file")
        counts = {"created": 0, "appended": 0, "duplicate": 0, "rejected": 0}
        handled = []
        box.lock()
        try:
            for key in list(box.keys()):
                raw = box.get_bytes(key)
                try:
                    result = inbound_mail_ingest(raw, source=f"{location.name}:{key}")
                except InboundMailRejected as error:
                    counts["rejected"] += 1
                    self.stderr.write(f"refused {key}: {error.message}")
                else:
                    if result.skipped_notice:
                        self.stderr.write(
                            f"{key} ({result.ticket.reference}): {result.skipped_notice}"
                        )
                    if result.duplicate:
                        counts["duplicate"] += 1
                    elif result.created:
                        counts["created"] += 1
                    else:
                        counts["appended"] += 1
                handled.append(key)
            if remove:
                for key in handled:
                    box.remove(key)
                box.flush()
        finally:
            box.unlock()
            box.close()
        self.stdout.write(" ".join(f"{name}={count}" for name, count in counts.items()))
