"""Import a country's official holidays and make-up workdays for a year from a CSV file."""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from servicedesk.exceptions import ServiceDeskError
from tickets.sla.models import ExceptionKind
from tickets.sla.official_import import official_year_import, parse_official_csv


class Command(BaseCommand):
    help = (
        "Import a country's official calendar for a year (CSV lines: date,kind,name with kind "
        "holiday or workday). It replaces the holiday package's dates of that year and "
        "re-plans the open clocks on that country's calendars."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The CSV file (UTF-8), or - for standard input.")
        parser.add_argument("--country", required=True, help="ISO code such as CN.")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument(
            "--user",
            required=True,
            help="Login name of the administrator the import is recorded under.",
        )

    def handle(self, *args, path: str, country: str, year: int, user: str, **options):
        actor = get_user_model().objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(f"no active user {user!r}")
        try:
            content = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from error
        try:
            entries = parse_official_csv(content, year)
            official = official_year_import(
                country=country, year=year, entries=entries, actor=actor
            )
        except ServiceDeskError as error:
            problems = [problem for values in error.fields.values() for problem in values]
            raise CommandError("\n".join(str(p) for p in problems or [error.message])) from error
        holidays = sum(1 for entry in entries if entry.kind == ExceptionKind.HOLIDAY)
        self.stdout.write(
            f"imported {official.country} {official.year}: holidays={holidays} "
            f"workdays={len(entries) - holidays}"
        )
