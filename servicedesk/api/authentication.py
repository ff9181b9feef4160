"""`Authorization: Bearer sd_<prefix>_<secret>` — per-integration tokens, stored hashed."""

from datetime import timedelta

from django.db import connection
from django.db.models import TextField, Value
from django.db.models.expressions import RawSQL
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .models import TOKEN_PREFIX_LENGTH, ApiToken
from .permission_cache import fill_permission_cache, permission_names_sql

TOKEN_SCHEME = "Bearer"
# last_used_at is informational: writing it on every request would cost a row update each.
LAST_USED_RESOLUTION = timedelta(minutes=1)

MSG_BAD_TOKEN = _("The API token is unknown, revoked or malformed.")


def split_token(raw: str) -> tuple[str, str] | None:
    """`sd_<prefix>_<secret>` → (prefix, whole token), or None if it has another shape."""
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != "sd" or len(parts[1]) != TOKEN_PREFIX_LENGTH:
        return None
    return parts[1], raw


# Where the token verified for this request is kept on Django's HttpRequest, so the
# idempotency middleware's check and DRF's authentication read the row once between them.
_VERIFIED_TOKEN = "_servicedesk_api_token"


def request_token_from_header(request: HttpRequest) -> ApiToken | None:
    """token_from_header for this request's Authorization header, read once per request."""
    if hasattr(request, _VERIFIED_TOKEN):
        return getattr(request, _VERIFIED_TOKEN)
    token = token_from_header(request.META.get("HTTP_AUTHORIZATION", ""))
    setattr(request, _VERIFIED_TOKEN, token)
    return token


def token_from_header(header: str) -> ApiToken | None:
    """The active token named by an Authorization header value; raises on a bad one.

    Returns None when the header is not a bearer token at all (another scheme may apply).
    """
    scheme, _sep, credential = header.partition(" ")
    if scheme.lower() != TOKEN_SCHEME.lower():
        return None
    parsed = split_token(credential.strip())
    if parsed is None:
        raise exceptions.AuthenticationFailed(MSG_BAD_TOKEN)
    prefix, secret = parsed
    token = _token_with_user(prefix)
    if (
        token is None
        or not token.matches(secret)
        or not token.is_active
        or not token.user.is_active
    ):
        raise exceptions.AuthenticationFailed(MSG_BAD_TOKEN)
    return token


def _token_with_user(prefix: str) -> ApiToken | None:
    """The token of this prefix with its user and the user's permission names, in one query.

    Every API request starts here; the permission names that the views check ride along
    instead of costing a query of their own (the ORM has no portable string aggregate:
    that one column is written out, see permission_cache.py).
    """
    token = (
        ApiToken.objects.select_related("user")
        .annotate(permission_names=_permission_names(connection.vendor))
        .filter(prefix=prefix)
        .first()
    )
    if token is not None and connection.vendor in _STRING_AGGREGATE:
        # Permission names never contain spaces ("app_label.codename"); none: NULL.
        fill_permission_cache(token.user, (token.permission_names or "").split())
    return token


def _permission_names(vendor: str) -> RawSQL | Value:
    """The token owner's permission names joined by spaces, or NULL where the backend has
    no string aggregate (the views then read the permissions themselves)."""
    aggregate = _STRING_AGGREGATE.get(vendor)
    if aggregate is None:
        return Value(None, output_field=TextField())
    quote = connection.ops.quote_name
    owner = f"{quote(ApiToken._meta.db_table)}.{quote(ApiToken._meta.get_field('user').column)}"
    # Identifiers from model metadata and the aggregate's name; no value enters the text.
    return RawSQL(  # noqa: S611  # nosec B611
        f"SELECT {aggregate}(granted.name, ' ') "  # noqa: S608  # nosec B608
        f"FROM ({permission_names_sql(owner)}) AS granted",
        (),
        output_field=TextField(),
    )


# The text aggregate of each backend; on others the views read the permissions themselves.
_STRING_AGGREGATE = {"postgresql": "string_agg", "sqlite": "group_concat"}


class ApiTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        if not request.META.get("HTTP_AUTHORIZATION", ""):
            return None
        token = request_token_from_header(request._request)
        if token is None:
            return None
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.user, token

    def authenticate_header(self, request) -> str:
        return f'{TOKEN_SCHEME} realm="api"'


def request_token(request) -> ApiToken | None:
    """The token a DRF request was authenticated with, if any."""
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiToken) else None


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "servicedesk.api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "sd_<prefix>_<secret>",
            "description": "A per-integration token; its scopes limit what it may do.",
        }
