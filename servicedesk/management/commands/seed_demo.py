"""`manage.py seed_demo [--if-empty] [--tickets N] [--months M]`: load the demo organisation.

Staff, teams, customers and categories are created or refreshed (demo passwords reset);
each run then adds N worked tickets. `make run` passes --if-empty, so demo data is
loaded once on a fresh database and never on top of real work.
"""

import time

from django.core.management.base import BaseCommand

from servicedesk.demo import seed_demo
from tickets.models import Ticket


class Command(BaseCommand):
    help = "Load demo staff, customers and a few hundred tickets (through the services)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if any ticket exists."
        )
        parser.add_argument("--tickets", type=int, default=300, help="Tickets to add (300).")
        parser.add_argument(
            "--months",
            type=int,
            default=4,
            help="Months of complaint history (4, this one included).",
        )
        parser.add_argument("--seed", type=int, default=20260101, help="Random seed.")

    def handle(self, *args, if_empty: bool, tickets: int, months: int, seed: int, **options):
        if if_empty and Ticket.objects.exists():
            self.stdout.write("seed_demo: tickets exist already; nothing loaded.")
            return
        started = time.monotonic()
        self.stdout.write("seed_demo: loading demo staff, customers, tickets and complaints")
        demo = seed_demo(
            ticket_count=tickets, seed=seed, history_months=months, progress=self.progress
        )
        self.stdout.write(
            f"seed_demo: {len(demo.staff)} staff, {len(demo.customers)} customers, "
            f"{len(demo.tickets)} tickets in {time.monotonic() - started:.1f} s"
        )

    def progress(self, what: str, done: int, total: int) -> None:
        """A bar redrawn in place: the first run spends most of its minute here."""
        width = 30
        filled = width * done // max(total, 1)
        bar = "#" * filled + "." * (width - filled)
        self.stdout.write(f"\r  {what:<12} [{bar}] {done}/{total}", ending="")
        if done == total:
            self.stdout.write("")
        self.stdout.flush()
