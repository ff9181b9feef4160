"""Delivering the outbox: claim a due row, send it through its channel's sender, mark it.

Exactly-once is impossible across an SMTP or HTTP boundary, so this is the trade-off,
chosen on purpose — mark before send, with a lease:

1. Claim: one due pending row is taken with SELECT … FOR UPDATE SKIP LOCKED and moved to
   "sending" (attempts + 1, lease_expires_at) in its own short transaction, committed
   before anything is sent. Two workers never hold the same row.
2. Send, outside any transaction (a slow receiver never holds a database lock).
3. Mark: "sent" by compare-and-swap on (status = sending, attempts = N). A row marked
   sent is never claimed again, so a delivered row is never sent twice.

The one ambiguous case is a worker killed between 2 and 3: the receiver may or may not
have the message. Such a row stays "sending" until its lease expires and is then
   - given up ("dead", with the reason) for channels whose receivers cannot deduplicate
     (e-mail, the default): never sent twice, at the price that a worker killed *before*
     sending leaves a row for an administrator to resend;
   - sent again for channels registered with resend_after_interruption=True, whose
     receivers deduplicate on the row id (webhooks carry it as the delivery id):
     at-least-once.
Failures a sender reports with DeliveryError(retry=True) are retried with exponential
backoff; after OUTBOX_MAX_ATTEMPTS, or with retry=False, the row is "dead".
"""

import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .mail_threads import outgoing_message_id
from .models import OutboxChannel, OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)

MSG_INTERRUPTED = _(
    "A delivery worker stopped while sending; not sent again automatically, because the "
    "receiver may already have it. Check with the recipient and resend if needed."
)


class DeliveryError(Exception):
    """Raised by a sender: retry=True for transient failures, False for permanent ones."""

    def __init__(self, message: str, *, retry: bool = True):
        super().__init__(message)
        self.retry = retry


Sender = Callable[[OutboxMessage], None]


@dataclass(frozen=True)
class ChannelSender:
    send: Sender
    resend_after_interruption: bool


_senders: dict[str, ChannelSender] = {}


def register_channel_sender(
    channel: str, sender: Sender, *, resend_after_interruption: bool = False
) -> None:
    """Plug in the sender of a channel (apps call this from AppConfig.ready())."""
    _senders[channel] = ChannelSender(sender, resend_after_interruption)


def send_email(message: OutboxMessage) -> None:
    """The e-mail sender, through Django's configured e-mail backend."""
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        headers={"Message-ID": outgoing_message_id(message)},
    )
    try:
        # Files carried by reference, e.g. the complaint handling report (complaints.report).
        for attachment in _payload_attachments(message):
            with attachment.file.open("rb") as stored:
                email.attach(attachment.original_name, stored.read(), attachment.content_type)
    except FileNotFoundError as error:
        raise DeliveryError(f"attachment missing: {error}", retry=False) from None
    try:
        email.send(fail_silently=False)
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, ValueError) as error:
        raise DeliveryError(f"refused: {error}", retry=False) from None
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryError(f"mail server unavailable: {error}", retry=True) from None


# (ticket id, attachment ids) → the files to attach. The outbox is foundation and knows no
# ticket model: the tickets app sets this from its AppConfig.ready().
AttachmentLoader = Callable[[int, list[int]], list]
_attachment_loaders: list[AttachmentLoader] = []


def register_attachment_loader(loader: AttachmentLoader) -> None:
    _attachment_loaders[:] = [loader]


def _payload_attachments(message: OutboxMessage) -> list:
    """The ticket's attachments listed in payload["attachment_ids"]."""
    ids = (message.payload or {}).get("attachment_ids") or []
    if not ids or message.ticket_id is None:
        return []
    return [file for load in _attachment_loaders for file in load(message.ticket_id, ids)]


register_channel_sender(OutboxChannel.EMAIL, send_email)


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: base, 2×base, 4×base … capped."""
    base = settings.OUTBOX_RETRY_BASE_SECONDS
    return timedelta(
        seconds=min(base * 2 ** max(attempts - 1, 0), settings.OUTBOX_RETRY_MAX_SECONDS)
    )


@dataclass
class DeliveryReport:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    dead: int = 0
    interrupted: int = 0


def outbox_claim_next() -> OutboxMessage | None:
    """Take one due pending row for this worker (committed before it is sent)."""
    now = timezone.now()
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(
                status=OutboxStatus.PENDING,
                deliver_after__lte=now,
                channel__in=list(_senders),
            )
            .order_by("deliver_after", "pk")
            .first()
        )
        if message is None:
            return None
        message.status = OutboxStatus.SENDING
        message.attempts += 1
        message.lease_expires_at = now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
        message.save(update_fields=["status", "attempts", "lease_expires_at"])
    return message


def _finish(message: OutboxMessage, **changes) -> bool:
    """Compare-and-swap from this worker's claim; False if the claim was no longer ours."""
    changed = OutboxMessage.objects.filter(
        pk=message.pk, status=OutboxStatus.SENDING, attempts=message.attempts
    ).update(lease_expires_at=None, **changes)
    if not changed:
        logger.warning("outbox row %s changed under its sender; outcome not recorded", message.pk)
    return bool(changed)


def outbox_deliver_one(message: OutboxMessage, report: DeliveryReport) -> None:
    """Send a claimed row and record the outcome."""
    sender = _senders[message.channel]
    try:
        sender.send(message)
    except DeliveryError as error:
        failure, retry = str(error), error.retry
    except Exception as error:
        # An unexpected sender bug is treated as transient; the backoff limits the damage.
        logger.exception("outbox row %s: sender failed", message.pk)
        failure, retry = f"{type(error).__name__}: {error}", True
    else:
        if _finish(message, status=OutboxStatus.SENT, sent_at=timezone.now(), last_error=""):
            report.sent += 1
        return
    if retry and message.attempts < settings.OUTBOX_MAX_ATTEMPTS:
        retry_at = timezone.now() + retry_delay(message.attempts)
        if _finish(
            message, status=OutboxStatus.PENDING, deliver_after=retry_at, last_error=failure
        ):
            report.retried += 1
    elif _finish(message, status=OutboxStatus.DEAD, last_error=failure):
        report.dead += 1
    logger.info("outbox row %s attempt %s failed: %s", message.pk, message.attempts, failure)


def outbox_recover_interrupted() -> int:
    """Rows whose worker died mid-send (lease expired): resend or give up, per channel."""
    now = timezone.now()
    expired = OutboxMessage.objects.filter(status=OutboxStatus.SENDING, lease_expires_at__lt=now)
    resendable = [
        channel for channel, sender in _senders.items() if sender.resend_after_interruption
    ]
    count = expired.filter(
        channel__in=resendable, attempts__lt=settings.OUTBOX_MAX_ATTEMPTS
    ).update(status=OutboxStatus.PENDING, deliver_after=now, lease_expires_at=None)
    count += expired.update(
        status=OutboxStatus.DEAD, lease_expires_at=None, last_error=str(MSG_INTERRUPTED)
    )
    return count


def outbox_deliver_due(*, limit: int = 100) -> DeliveryReport:
    """Deliver up to `limit` due rows, one claim at a time."""
    report = DeliveryReport(interrupted=outbox_recover_interrupted())
    for _attempt in range(limit):
        message = outbox_claim_next()
        if message is None:
            break
        report.claimed += 1
        outbox_deliver_one(message, report)
    return report
