"""`Authorization: Bearer sd_<prefix>_<secret>` — per-integration tokens, stored hashed."""

from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .models import TOKEN_PREFIX_LENGTH, ApiToken

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
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if (
        token is None
        or not token.matches(secret)
        or not token.is_active
        or not token.user.is_active
    ):
        raise exceptions.AuthenticationFailed(MSG_BAD_TOKEN)
    return token


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
