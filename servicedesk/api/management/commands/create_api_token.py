"""`manage.py create_api_token --user NAME --scopes a,b --name LABEL [--rate N]`.

Issues an integration token (as the admin and POST /api/v1/tokens/ do) and prints the
secret once, alone on stdout so a deployment script can capture it; it is not stored.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from servicedesk.api.scopes import Scope
from servicedesk.api.services import api_token_issue
from servicedesk.exceptions import ServiceDeskError


class Command(BaseCommand):
    help = "Issue an API token for a user and print its secret once."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="Username the token acts as.")
        parser.add_argument(
            "--scopes",
            required=True,
            help=f"Comma-separated scopes: {', '.join(Scope.values)}.",
        )
        parser.add_argument("--name", required=True, help="What the token is for (shown in lists).")
        parser.add_argument(
            "--rate", type=int, default=None, help="Requests per minute (default: site-wide)."
        )

    def handle(self, *args, user: str, scopes: str, name: str, rate: int | None, **options):
        owner = get_user_model().objects.filter(username=user, is_active=True).first()
        if owner is None:
            raise CommandError(f"No active user named {user!r}.")
        if rate is not None and rate < 1:
            raise CommandError("--rate must be at least 1.")
        wanted = [scope.strip() for scope in scopes.split(",") if scope.strip()]
        if not wanted:
            raise CommandError("Give at least one scope.")
        try:
            token, plain = api_token_issue(
                user=owner, name=name, scopes=wanted, rate_per_minute=rate
            )
        except ServiceDeskError as error:
            raise CommandError(error.message) from error
        self.stderr.write(
            f"Token {token.prefix}… for {owner.get_username()} ({', '.join(token.scopes)}). "
            "Copy the secret now; it is not shown again:"
        )
        self.stdout.write(plain)
