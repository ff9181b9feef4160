"""Import customers from a CSV file (the same service as the managers' page and the API)."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from customers.importing import CustomerImportError, customers_import


class Command(BaseCommand):
    help = (
        "Import customers from a CSV file (UTF-8 or GBK; columns name, kind, email, phone, "
        "language, birthday, tags, spend, currency, spend_date). Every row is checked first; "
        "nothing is imported if one is bad, unless --skip-bad-rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--user", help="login of the person the import is recorded for")
        parser.add_argument(
            "--skip-bad-rows", action="store_true", help="import the good rows, report the bad"
        )

    def handle(self, *args, path: Path, user: str | None, skip_bad_rows: bool, **options):
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"No user {user!r}.")
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        try:
            report = customers_import(
                actor=actor, content=content, file_name=path.name, skip_bad_rows=skip_bad_rows
            )
        except CustomerImportError as error:
            for line in error.fields["file"]:
                self.stderr.write(line)
            raise CommandError(str(error.message)) from None
        for line, customer in report.already_registered:
            self.stdout.write(f"line {line}: already registered as customer {customer.pk}")
        for problem in report.skipped:
            self.stdout.write(f"skipped: {problem}")
        self.stdout.write(
            f"imported={len(report.imported)} already_registered="
            f"{len(report.already_registered)} skipped={len({p.line for p in report.skipped})}"
        )
