"""The conversation on a ticket: public replies, internal notes, customer messages and
attachments.
"""

import hashlib
import mimetypes
from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.db import transaction

from servicedesk.exceptions import (
    TransitionError,
    ValidationError,
)
from servicedesk.outbox.services import outbox_enqueue_email

from ..audit import EventAction, record_event
from ..extensions import (
    HandlingAct,
    check_handling,
)
from ..mentions import notify_mentions
from ..models import (
    Attachment,
    MessageKind,
    Status,
    Ticket,
    TicketMessage,
)
from ..sla import services as sla
from .common import (
    MSG_ATTACHMENT_EMPTY,
    MSG_ATTACHMENT_TOO_LARGE,
    MSG_ATTACHMENT_TYPE,
    MSG_CLOSED_TICKET,
    MSG_EMPTY_BODY,
    MSG_TOO_MANY_ATTACHMENTS,
    _lock,
    _person,
    _touch,
)
from .handling import _apply_status


def _check_body(body: str) -> str:
    if not body or not body.strip():
        raise ValidationError(MSG_EMPTY_BODY, field="body")
    return body.strip()


@transaction.atomic
def ticket_reply(
    *, ticket: Ticket, actor, body: str, uploaded_files: Sequence = ()
) -> TicketMessage:
    """A public reply to the customer: meets first response, e-mails the customer with
    `uploaded_files` attached. The reply and its files are one change: every file is
    checked (size, type, how many) before anything is written, so one refused file
    refuses the reply and nothing is sent."""
    body = _check_body(body)
    uploaded_files = [upload for upload in uploaded_files if upload is not None]
    _check_uploads(uploaded_files)
    ticket = _lock(ticket)
    if ticket.status == Status.CLOSED:
        raise TransitionError(MSG_CLOSED_TICKET, field="body")
    check_handling(ticket, HandlingAct(HandlingAct.REPLY, actor))
    message = TicketMessage.objects.create(
        ticket=ticket, kind=MessageKind.PUBLIC_REPLY, author=actor, body=body
    )
    fields = []
    if ticket.first_response_at is None:
        ticket.first_response_at = message.created_at
        fields.append("first_response_at")
    _touch(ticket, *fields)
    record_event(ticket, actor, EventAction.REPLIED, after={"message": message.pk})
    attachments = _attach_all(ticket, actor, uploaded_files, message)
    # Only a reply the outbox accepted for an address the customer has reaches them: a
    # customer without an e-mail address was sent nothing (complaint first contact waits).
    queued = None
    if ticket.customer_id and ticket.customer.email:
        queued = outbox_enqueue_email(
            topic="ticket.reply",
            to=ticket.customer.email,
            subject=f"[{ticket.reference}] {ticket.subject}",
            body=body,
            ticket=ticket,
            dedupe_key=f"ticket.reply:{message.pk}",
            # The e-mail sender attaches the files listed here (the reply's own).
            payload={"attachment_ids": [a.pk for a in attachments]} if attachments else None,
        )
    sla.sla_public_reply(
        ticket=ticket, at=message.created_at, actor=actor, delivered=queued is not None
    )
    if ticket.status == Status.NEW:
        # Answering a new ticket means someone is working it.
        _apply_status(ticket, actor, Status.NEW, Status.OPEN)
    return message


def _check_uploads(uploaded_files: Sequence) -> None:
    limit = settings.ATTACHMENTS_PER_MESSAGE
    if len(uploaded_files) > limit:
        raise ValidationError(
            MSG_TOO_MANY_ATTACHMENTS % {"count": len(uploaded_files), "limit": limit},
            field="file",
        )
    for upload in uploaded_files:
        _check_upload(upload)


def _attach_all(ticket: Ticket, actor, uploaded_files: Sequence, message) -> list[Attachment]:
    """Store the files; if one fails, the ones stored before it are removed from storage
    too (the transaction takes their rows back, Django has no on-rollback hook)."""
    attachments: list[Attachment] = []
    try:
        for upload in uploaded_files:
            attachments.append(
                ticket_attach(ticket=ticket, actor=actor, uploaded_file=upload, message=message)
            )
    except Exception:
        for attachment in attachments:
            attachment.file.storage.delete(attachment.file.name)
        raise
    return attachments


@transaction.atomic
def ticket_note(*, ticket: Ticket, actor, body: str) -> TicketMessage:
    """An internal note: never sent to the customer. The colleagues it @mentions who may
    see the ticket are told by e-mail (tickets/mentions.py); the message carries
    `mentions` (notified, not_notified) for the page to say so."""
    body = _check_body(body)
    ticket = _lock(ticket)
    message = TicketMessage.objects.create(
        ticket=ticket, kind=MessageKind.INTERNAL_NOTE, author=actor, body=body
    )
    _touch(ticket)
    message.mentions = notify_mentions(ticket=ticket, actor=actor, message=message)
    after = {"message": message.pk}
    if message.mentions.notified:
        after["mentioned"] = [_person(user) for user in message.mentions.notified]
    record_event(ticket, actor, EventAction.NOTED, after=after)
    return message


@transaction.atomic
def ticket_first_response_record(*, ticket: Ticket, at: datetime) -> None:
    """A first response made other than by a reply: a complaint's first contact, by phone
    or in person. The ticket's first_response_at is the earliest of its replies and such
    contacts, so the dashboard's time to first response counts complaints too. The caller
    writes the audit event of the contact itself; this is one more fact of it."""
    ticket = _lock(ticket)
    if ticket.first_response_at is None or at < ticket.first_response_at:
        ticket.first_response_at = at
        _touch(ticket, "first_response_at")


@transaction.atomic
def ticket_customer_message(
    *, ticket: Ticket, body: str, email_message_id: str = ""
) -> TicketMessage:
    """The customer wrote. A ticket waiting on the customer resumes (no pause gaming)."""
    body = _check_body(body)
    ticket = _lock(ticket)
    if ticket.status == Status.CLOSED:
        raise TransitionError(MSG_CLOSED_TICKET, field="body")
    message = TicketMessage.objects.create(
        ticket=ticket,
        kind=MessageKind.CUSTOMER_MESSAGE,
        body=body,
        email_message_id=email_message_id[:255],
    )
    _touch(ticket)
    record_event(ticket, None, EventAction.CUSTOMER_MESSAGE, after={"message": message.pk})
    sla.sla_customer_message(ticket=ticket, at=message.created_at)
    if ticket.status in (Status.PENDING_CUSTOMER, Status.RESOLVED):
        _apply_status(ticket, None, ticket.status, Status.OPEN)
    return message


def _sniffed_type(filename: str) -> str:
    guessed, _encoding = mimetypes.guess_type(filename)
    return guessed or "application/octet-stream"


def _check_upload(uploaded_file) -> tuple[int, str]:
    """The file's size and the content type its name implies, if both are allowed."""
    limit = settings.ATTACHMENT_MAX_BYTES
    size = uploaded_file.size or 0
    if size == 0:
        raise ValidationError(MSG_ATTACHMENT_EMPTY, field="file")
    if size > limit:
        raise ValidationError(
            MSG_ATTACHMENT_TOO_LARGE
            % {"size": f"{size / 1024 / 1024:.1f}", "limit": f"{limit / 1024 / 1024:.0f}"},
            field="file",
        )
    allowed = set(settings.ATTACHMENT_ALLOWED_CONTENT_TYPES)
    declared = (getattr(uploaded_file, "content_type", "") or "").split(";")[0].strip().lower()
    by_name = _sniffed_type(uploaded_file.name or "")
    for content_type in (declared or by_name, by_name):
        if content_type not in allowed:
            raise ValidationError(MSG_ATTACHMENT_TYPE % {"type": content_type}, field="file")
    return size, by_name


@transaction.atomic
def ticket_attach(
    *, ticket: Ticket, actor, uploaded_file, message: TicketMessage | None = None
) -> Attachment:
    """Store a file through Django's storage API after checking size and type.

    The declared content type and the one implied by the file name must both be on the
    allow-list: a client cannot smuggle `evil.exe` by declaring it `image/png`.
    """
    size, by_name = _check_upload(uploaded_file)
    ticket = _lock(ticket)
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    attachment = Attachment(
        ticket=ticket,
        message=message,
        original_name=(uploaded_file.name or "file")[:255],
        content_type=by_name,
        size_bytes=size,
        sha256=digest.hexdigest(),
        uploaded_by=actor if actor is not None and actor.is_authenticated else None,
    )
    attachment.file.save(uploaded_file.name or "file", uploaded_file, save=False)
    try:
        attachment.save()
        _touch(ticket)
        record_event(
            ticket,
            actor,
            EventAction.ATTACHMENT_ADDED,
            after={"name": attachment.original_name, "size": size, "type": by_name},
        )
    except Exception:
        # Django has no on-rollback hook: remove the stored file so no orphan remains.
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment
