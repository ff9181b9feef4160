"""API tokens, idempotency records, webhook endpoints and kept inbound mail."""

import hashlib
import hmac
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicedesk.outbox.models import OutboxMessage
from servicedesk.outbox.topics import EventTopic as WebhookEvent  # noqa: F401 (its API name)

from .scopes import Scope

TOKEN_PREFIX_LENGTH = 8


def token_digest(secret: str) -> str:
    """HMAC-SHA256 of a token under SECRET_KEY: a stolen table is useless without the key."""
    return hmac.new(settings.SECRET_KEY.encode(), secret.encode(), hashlib.sha256).hexdigest()


class ApiToken(models.Model):
    """A per-integration credential. Only its digest is stored; the token is shown once."""

    name = models.CharField(_("name"), max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acts as user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    # The public part, shown in lists so that an administrator can tell tokens apart.
    prefix = models.CharField(_("prefix"), max_length=TOKEN_PREFIX_LENGTH, unique=True)
    digest = models.CharField(_("digest"), max_length=64, editable=False)
    scopes = models.JSONField(_("scopes"), default=list, blank=True)
    rate_per_minute = models.PositiveIntegerField(
        _("requests per minute"),
        null=True,
        blank=True,
        help_text=_("Empty: the site-wide API rate."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])

    def matches(self, secret: str) -> bool:
        return hmac.compare_digest(self.digest, token_digest(secret))


class IdempotencyRecord(models.Model):
    """The first response to a POST with an Idempotency-Key, replayed for 24 h.

    The row is inserted before the request runs, inside the request's transaction: a
    concurrent request with the same key waits on the unique index until the first
    commits, then replays its response (or proceeds if the first rolled back).
    """

    owner = models.CharField(_("owner"), max_length=64)
    key = models.CharField(_("key"), max_length=255)
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=500)
    request_hash = models.CharField(_("request hash"), max_length=64)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True)
    response_body = models.BinaryField(_("response body"), default=b"")
    response_headers = models.JSONField(_("response headers"), default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="idempotency_owner_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.owner}:{self.key}"


class WebhookEndpoint(models.Model):
    """An integration's receiver URL and the events it wants."""

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(
        _("signing secret"),
        max_length=100,
        help_text=_("Deliveries carry HMAC-SHA256 of timestamp.body under this secret."),
    )
    events = models.JSONField(_("events"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)
    consecutive_failures = models.PositiveIntegerField(_("consecutive failures"), default=0)
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["active"], condition=Q(active=True), name="webhook_active_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def wants(self, topic: str) -> bool:
        """The subscription rule (in SQL too: webhooks.WANTING_ENDPOINTS_SQL): the events
        list names the topic. Anything but a list (a bare string) wants nothing."""
        return isinstance(self.events, list) and topic in self.events


class WebhookDelivery(OutboxMessage):
    """Webhook rows of the outbox, for the administrators' list and replay action."""

    class Meta:
        proxy = True
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")


class RejectedInboundMail(models.Model):
    """An inbound message we refused, kept verbatim for an administrator to inspect."""

    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    source = models.CharField(_("source"), max_length=200)
    reason = models.CharField(_("reason"), max_length=500)
    sender = models.CharField(_("sender"), max_length=300, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    raw = models.BinaryField(_("raw message"))

    class Meta:
        verbose_name = _("rejected inbound e-mail")
        verbose_name_plural = _("rejected inbound e-mails")
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.received_at:%Y-%m-%d %H:%M} {self.reason}"


def inbound_mail_path(instance: "InboundMail", filename: str) -> str:
    # Our own name: nothing of the sender's reaches the storage path.
    return f"inbound-mail/{timezone.now():%Y/%m/%d}/{uuid.uuid4().hex}.eml"


class InboundMail(models.Model):
    """The raw bytes of an inbound message we accepted, kept (INBOUND_MAIL_RETENTION_DAYS)
    so that whatever parsing made of it can be checked against the original."""

    received_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)
    source = models.CharField(_("source"), max_length=200)
    sender = models.CharField(_("sender"), max_length=300, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    email_message_id = models.CharField(_("Message-ID"), max_length=255, blank=True)
    size_bytes = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64)
    raw = models.FileField(_("raw message"), upload_to=inbound_mail_path, max_length=255)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="inbound_mails",
    )
    message = models.ForeignKey(
        "tickets.TicketMessage",
        verbose_name=_("message"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    duplicate = models.BooleanField(_("duplicate delivery"), default=False)

    class Meta:
        verbose_name = _("inbound e-mail")
        verbose_name_plural = _("inbound e-mails")
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.received_at:%Y-%m-%d %H:%M} {self.sender}"


__all__ = [
    "ApiToken",
    "IdempotencyRecord",
    "InboundMail",
    "RejectedInboundMail",
    "Scope",
    "WebhookDelivery",
    "WebhookEndpoint",
]
