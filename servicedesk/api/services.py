"""State changes of the API app: tokens, webhook endpoints, delivery replays."""

import logging
import secrets

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicedesk.exceptions import ValidationError
from servicedesk.outbox.models import OutboxChannel, OutboxMessage, OutboxStatus

from .models import TOKEN_PREFIX_LENGTH, ApiToken, WebhookEndpoint, WebhookEvent, token_digest
from .receivers import url_names_denied_address
from .scopes import Scope

logger = logging.getLogger(__name__)

MSG_UNKNOWN_SCOPE = _("Unknown scope: %(scope)s.")
MSG_UNKNOWN_EVENT = _("Unknown event: %(event)s.")
MSG_NOT_WEBHOOK = _("Only webhook deliveries can be replayed here.")
MSG_DENIED_RECEIVER = _(
    "Webhooks may not be delivered to this address (local, link-local or reserved)."
)


def _check_receiver_url(url: str) -> str:
    if url_names_denied_address(url):
        raise ValidationError(MSG_DENIED_RECEIVER, field="url")
    return url


def _check_values(values, allowed, message, field) -> list[str]:
    for value in values:
        if value not in allowed:
            raise ValidationError(message % {"scope": value, "event": value}, field=field)
    return sorted(set(values))


def _audit_token(token: ApiToken, *, actor, action_flag: int, change: str) -> None:
    """The token's history: a log line always, and the admin's history entry when a
    person acted (`manage.py create_api_token` runs as nobody; its line says so)."""
    logger.info(
        "api token %s (%s) %s by %s for user %s, scopes %s",
        token.prefix,
        token.name,
        change,
        getattr(actor, "username", None) or "no user (manage.py)",
        token.user_id,
        ",".join(token.scopes),
    )
    if actor is not None:
        LogEntry.objects.log_actions(
            user_id=actor.pk,
            queryset=[token],
            action_flag=action_flag,
            change_message=(
                [{"added": {}}]
                if action_flag == ADDITION
                else [{"changed": {"fields": ["revoked_at"]}}]
            ),
            single_object=True,
        )


@transaction.atomic
def api_token_issue(
    *, user, name: str, scopes, rate_per_minute: int | None = None, actor=None
) -> tuple[ApiToken, str]:
    """Create a token; the plain value is returned once and never stored."""
    scopes = _check_values(scopes, Scope.values, MSG_UNKNOWN_SCOPE, "scopes")
    prefix = secrets.token_hex(TOKEN_PREFIX_LENGTH // 2)
    plain = f"sd_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        digest=token_digest(plain),
        scopes=scopes,
        rate_per_minute=rate_per_minute,
    )
    _audit_token(token, actor=actor, action_flag=ADDITION, change="added")
    return token, plain


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor=None) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        _audit_token(token, actor=actor, action_flag=CHANGE, change="revoked")
    return token


def webhook_endpoint_create(*, name: str, url: str, events, secret: str = "") -> WebhookEndpoint:
    events = _check_values(events, WebhookEvent.values, MSG_UNKNOWN_EVENT, "events")
    _check_receiver_url(url)
    return WebhookEndpoint.objects.create(
        name=name, url=url, events=events, secret=secret or secrets.token_urlsafe(32)
    )


@transaction.atomic
def webhook_endpoint_update(*, endpoint: WebhookEndpoint, changes: dict) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    if "events" in changes:
        changes["events"] = _check_values(
            changes["events"], WebhookEvent.values, MSG_UNKNOWN_EVENT, "events"
        )
    if "url" in changes:
        _check_receiver_url(changes["url"])
    for field in ("name", "url", "events", "secret"):
        if field in changes:
            setattr(endpoint, field, changes[field])
    if changes.get("active") and not endpoint.active:
        # Re-enabling starts a fresh failure count.
        endpoint.active, endpoint.disabled_at, endpoint.consecutive_failures = True, None, 0
    elif changes.get("active") is False:
        endpoint.active = False
    endpoint.save()
    return endpoint


def webhook_delivery_replay(*, message: OutboxMessage) -> OutboxMessage:
    """Send a delivery again (same delivery id, so receivers can still deduplicate)."""
    if message.channel != OutboxChannel.WEBHOOK:
        raise ValidationError(MSG_NOT_WEBHOOK)
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxStatus.PENDING, deliver_after=timezone.now(), last_error=""
    )
    message.refresh_from_db()
    return message
