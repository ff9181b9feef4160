"""The transactional outbox: work that leaves the process (e-mail, webhooks).

Rows are written in the same transaction as the change that causes them and delivered
afterwards by a Celery task, so a rolled-back change sends nothing and a slow receiver
never blocks an agent.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OutboxChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    WEBHOOK = "webhook", _("Webhook")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    # Claimed by a delivery worker until lease_expires_at (see outbox/delivery.py).
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DEAD = "dead", _("Gave up")


class OutboxMessage(models.Model):
    channel = models.CharField(_("channel"), max_length=20, choices=OutboxChannel.choices)
    topic = models.CharField(_("topic"), max_length=100)
    recipient = models.CharField(_("recipient"), max_length=500)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("body"), blank=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    # A natural key for the cause (e.g. "sla.breached:clock:42:user:7"): inserting twice is
    # refused by the unique constraint, so a repeated sweep cannot queue a second notice.
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, null=True, blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outbox_messages",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # Not before this time: retries back off, and working-time notices wait for office hours.
    deliver_after = models.DateTimeField(_("deliver after"))
    last_error = models.TextField(_("last error"), blank=True)
    lease_expires_at = models.DateTimeField(_("delivery lease expires at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["dedupe_key"], name="outbox_unique_dedupe_key"),
        ]
        indexes = [
            models.Index(
                fields=["deliver_after"],
                condition=Q(status="pending"),
                name="outbox_pending_due_idx",
            ),
            models.Index(
                fields=["lease_expires_at"],
                condition=Q(status="sending"),
                name="outbox_sending_lease_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.topic} → {self.recipient}"
