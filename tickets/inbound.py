"""Inbound e-mail: RFC 822 messages become tickets, or customer messages on their ticket.

A new message opens a ticket on the e-mail channel — or, when sent to
COMPLAINT_MAILBOX_ADDRESS, a complaint (ticket and complaint record, through the complaint
service) on the complaint-mailbox channel [S1 §5.3]. A reply is appended to its ticket
only when it may write there: it answers mail we sent about the ticket (the reply token
of servicedesk/outbox/mail_threads.py in In-Reply-To/References), or it names the ticket
(a stored Message-ID, or `[SD-000123]` in the subject) and comes from the ticket's
customer. References are sequential and Message-IDs are seen by every recipient, so a
mail that only names a ticket opens a new ticket for its sender instead, with an internal
note saying which ticket it named — nothing is lost and the named ticket is untouched.
The sender of a new ticket is matched to a customer by e-mail address, or registered.
Attachments of an allowed type are kept; the others are listed in an internal note. A
message that cannot be read is refused and kept verbatim (RejectedInboundMail) for an
administrator.
Delivering the same message twice (same Message-ID) changes nothing the second time.
"""

import re
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr

import nh3
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from customers.crypto import email_lookups
from customers.models import Customer
from customers.selectors import customers_by_email
from customers.services import customer_create
from servicedesk.api.models import RejectedInboundMail
from servicedesk.exceptions import (
    ConflictError,
    ServiceDeskError,
    TransitionError,
    ValidationError,
)
from servicedesk.outbox.mail_threads import ticket_id_answered
from servicedesk.text import as_single_line

from . import services
from .extensions import mail_opener
from .mail_archive import inbound_mail_discard, inbound_mail_store
from .mail_decoding import MAIL_POLICY, unsplit_multipart_text
from .models import Channel, Kind, Status, Ticket, TicketMessage

REFERENCE_IN_SUBJECT = re.compile(r"\[(SD-\d{6,})\]")
MESSAGE_ID = re.compile(r"<[^<>\s]+>")
MAX_SUBJECT = 200

MSG_EMPTY = _("The message is empty.")
MSG_UNREADABLE = _("The message is not a readable RFC 822 e-mail.")
MSG_NO_SENDER = _("The message has no valid From address.")
MSG_NO_CONTENT = _("The message has neither a subject nor a text body.")
MSG_NO_SUBJECT = _("(no subject)")
MSG_SKIPPED = _("Attachments not kept (type not accepted): %(files)s")
MSG_SKIPPED_TOO_LARGE = _("Attachments not kept (too large, over %(limit)s MB): %(files)s")
MSG_TOO_LARGE = _(
    "The message is %(size)s MB; at most %(limit)s MB is accepted. It is kept, refused, for an "
    "administrator."
)
MSG_CLOSED_FOLLOW_UP = _("Follow-up to the closed ticket %(reference)s.")
MSG_NOT_THREADED = _(
    "This e-mail names the ticket %(reference)s, but its sender %(sender)s is not that "
    "ticket's customer and it does not answer mail we sent about it, so it was opened as "
    "a new ticket."
)


class InboundMailRejected(ServiceDeskError):
    code = "email_rejected"
    status_code = 400
    default_message = MSG_UNREADABLE


class InboundMailTooLarge(InboundMailRejected):
    code = "email_too_large"
    status_code = 413


@dataclass
class InboundResult:
    ticket: Ticket
    message: TicketMessage | None
    created: bool
    duplicate: bool = False
    skipped_attachments: list[str] = field(default_factory=list)
    # The internal note that lists them, and why (type not accepted, too large).
    skipped_notice: str = ""


@dataclass
class _Parsed:
    sender: str
    sender_name: str
    subject: str
    body: str
    message_id: str
    references: list[str]
    recipients: list[str]
    attachments: list[tuple[str, str, bytes]]


def _body_of(message: EmailMessage) -> str:
    """The plain text (else the HTML as text), and the text of any multipart part whose
    boundary is missing or unused, which get_body() would skip."""
    texts = []
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",)) if plain is None else None
    if plain is not None:
        texts.append(plain.get_content().strip())
    elif html is not None:
        texts.append(nh3.clean(html.get_content(), tags=set()).strip())
    texts.extend(unsplit_multipart_text(message))
    return "\n\n".join(text for text in texts if text)


def _parse(raw: bytes) -> _Parsed:
    if not raw or not raw.strip():
        raise InboundMailRejected(MSG_EMPTY)
    try:
        message = BytesParser(policy=MAIL_POLICY).parsebytes(raw)
        name, sender = parseaddr(str(message.get("From", "")))
    except (ValueError, TypeError, IndexError, LookupError, AttributeError):
        raise InboundMailRejected(MSG_UNREADABLE) from None
    if not sender or "@" not in sender or not message.keys():
        raise InboundMailRejected(MSG_NO_SENDER)
    try:
        Address(addr_spec=sender)
    except (ValueError, IndexError, TypeError):
        raise InboundMailRejected(MSG_NO_SENDER) from None
    try:
        # Mail cannot be refused for a stray control character: drop it (servicedesk.text).
        subject = as_single_line(" ".join(str(message.get("Subject", "")).split()))
        body = _body_of(message)
        attachments = [
            (
                part.get_filename() or "attachment",
                part.get_content_type(),
                part.get_payload(decode=True) or b"",
            )
            for part in message.iter_attachments()
        ]
        recipients = [
            address.lower()
            for _name, address in getaddresses(
                [
                    str(value)
                    for header in ("To", "Cc", "Delivered-To", "X-Original-To")
                    for value in message.get_all(header, [])
                ]
            )
            if address
        ]
        references = MESSAGE_ID.findall(
            f"{message.get('In-Reply-To', '')} {message.get('References', '')}"
        )
        message_id = (MESSAGE_ID.findall(str(message.get("Message-ID", ""))) or [""])[0]
    except (ValueError, TypeError, IndexError, LookupError, AttributeError, KeyError):
        raise InboundMailRejected(MSG_UNREADABLE) from None
    if not subject and not body:
        raise InboundMailRejected(MSG_NO_CONTENT)
    return _Parsed(
        sender=sender.lower(),
        sender_name=name.strip(),
        subject=subject,
        body=body,
        message_id=message_id[:255],
        references=references,
        recipients=recipients,
        attachments=attachments,
    )


def _customer_for(parsed: _Parsed) -> Customer:
    existing = customers_by_email(parsed.sender).first()
    if existing is not None:
        return existing
    name = parsed.sender_name or parsed.sender.split("@", 1)[0]
    try:
        return customer_create(actor=None, name=as_single_line(name)[:200], email=parsed.sender)
    except ConflictError:
        # Another mail of this first-time sender registered them at the same moment.
        existing = customers_by_email(parsed.sender).first()
        if existing is None:
            raise
        return existing


def _ticket_named(parsed: _Parsed) -> Ticket | None:
    if parsed.references:
        message = (
            TicketMessage.objects.filter(email_message_id__in=parsed.references)
            .select_related("ticket")
            .order_by("-pk")
            .first()
        )
        if message is not None:
            return message.ticket
    match = REFERENCE_IN_SUBJECT.search(parsed.subject)
    if match:
        return Ticket.objects.filter(reference=match[1]).first()
    return None


def _thread_of(parsed: _Parsed) -> tuple[Ticket | None, Ticket | None]:
    """(the ticket this mail continues, a ticket it names but may not write into)."""
    answered = ticket_id_answered(parsed.references)
    if answered is not None:
        ticket = Ticket.objects.filter(pk=answered).first()
        if ticket is not None:
            return ticket, None
    named = _ticket_named(parsed)
    if named is None:
        return None, None
    if named.customer_id and named.customer.email_lookup in email_lookups(parsed.sender):
        return named, None
    return None, named


def _is_complaint(parsed: _Parsed) -> bool:
    return settings.COMPLAINT_MAILBOX_ADDRESS.lower() in parsed.recipients


def _attach_all(
    ticket: Ticket, message: TicketMessage | None, parsed: _Parsed
) -> tuple[list[str], str]:
    """Keep the attachments the rules allow; (those skipped, the note that says why)."""
    limit = settings.ATTACHMENT_MAX_BYTES
    refused, too_large = [], []
    for name, content_type, content in parsed.attachments:
        upload = SimpleUploadedFile(name[:255], content, content_type=content_type)
        try:
            services.ticket_attach(ticket=ticket, actor=None, uploaded_file=upload, message=message)
        except ValidationError:
            (too_large if len(content) > limit else refused).append(f"{name} ({content_type})")
    lines = []
    if refused:
        lines.append(_t(MSG_SKIPPED) % {"files": ", ".join(refused)})
    if too_large:
        files = ", ".join(too_large)
        lines.append(_t(MSG_SKIPPED_TOO_LARGE) % {"files": files, "limit": _megabytes(limit)})
    notice = "\n".join(lines)
    if notice:
        services.ticket_note(ticket=ticket, actor=None, body=notice)
    return refused + too_large, notice


def _megabytes(size: int) -> str:
    return f"{size / 2**20:.1f}".removesuffix(".0")


def _open_ticket(parsed: _Parsed, customer: Customer, *, follow_up_of: Ticket | None = None):
    description = parsed.body
    if follow_up_of is not None:
        description = (
            f"{_t(MSG_CLOSED_FOLLOW_UP) % {'reference': follow_up_of.reference}}\n\n{description}"
        )
    subject = (parsed.subject or _t(MSG_NO_SUBJECT))[:MAX_SUBJECT]
    if _is_complaint(parsed):
        # Through the complaints app's own service (registered in its AppConfig.ready), so
        # the five-step workflow and its SLA clocks start [S1 §5.3].
        ticket = mail_opener(Kind.COMPLAINT)(
            actor=None, subject=subject, description=description, customer=customer
        )
    else:
        ticket = services.ticket_create(
            actor=None,
            subject=subject,
            description=description,
            channel=Channel.EMAIL,
            kind=Kind.REQUEST,
            customer=customer,
        )
    message = None
    if parsed.message_id:
        # Keeps the Message-ID so that the customer's later replies find this ticket.
        message = services.ticket_customer_message(
            ticket=ticket, body=parsed.body or ticket.subject, email_message_id=parsed.message_id
        )
    return ticket, message


def _ingest_and_keep(raw: bytes, parsed: _Parsed, *, source: str) -> InboundResult:
    archived = inbound_mail_store(raw, source=source)
    try:
        with transaction.atomic():
            result = _ingest(parsed)
            archived.sender = parsed.sender[:300]
            archived.subject = parsed.subject[:300]
            archived.email_message_id = parsed.message_id
            archived.ticket = result.ticket
            archived.message = result.message
            archived.duplicate = result.duplicate
            archived.save()
    except BaseException:
        inbound_mail_discard(archived)
        raise
    return result


@transaction.atomic
def _ingest(parsed: _Parsed) -> InboundResult:
    if parsed.message_id:
        seen = (
            TicketMessage.objects.filter(email_message_id=parsed.message_id)
            .select_related("ticket")
            .first()
        )
        if seen is not None:
            return InboundResult(ticket=seen.ticket, message=seen, created=False, duplicate=True)
    ticket, named = _thread_of(parsed)
    if ticket is not None and ticket.status != Status.CLOSED:
        try:
            message = services.ticket_customer_message(
                ticket=ticket,
                body=parsed.body or parsed.subject,
                email_message_id=parsed.message_id,
            )
        except TransitionError:
            ticket = None  # closed meanwhile
        else:
            skipped, notice = _attach_all(ticket, message, parsed)
            return InboundResult(
                ticket=ticket,
                message=message,
                created=False,
                skipped_attachments=skipped,
                skipped_notice=notice,
            )
    follow_up_of = ticket
    ticket, message = _open_ticket(parsed, _customer_for(parsed), follow_up_of=follow_up_of)
    if named is not None:
        services.ticket_note(
            ticket=ticket,
            actor=None,
            body=_t(MSG_NOT_THREADED) % {"reference": named.reference, "sender": parsed.sender},
        )
    skipped, notice = _attach_all(ticket, message, parsed)
    return InboundResult(
        ticket=ticket,
        message=message,
        created=True,
        skipped_attachments=skipped,
        skipped_notice=notice,
    )


def inbound_mail_ingest(raw: bytes, *, source: str) -> InboundResult:
    """Turn one RFC 822 message into a ticket or a reply; raises InboundMailRejected.

    Whatever happens, the raw message is kept: verbatim in storage beside the ticket and
    message it became (InboundMail), or as refused (RejectedInboundMail)."""
    try:
        limit = settings.INBOUND_MAIL_MAX_BYTES
        if len(raw) > limit:
            sizes = {"size": _megabytes(len(raw)), "limit": _megabytes(limit)}
            raise InboundMailTooLarge(_t(MSG_TOO_LARGE) % sizes)
        parsed = _parse(raw)
        return _ingest_and_keep(raw, parsed, source=source)
    except InboundMailRejected as error:
        _keep_rejected(raw, source=source, reason=str(error.message))
        raise
    except ValidationError as error:
        # A domain rule refused the content (e.g. an empty body): still the sender's mail.
        _keep_rejected(raw, source=source, reason=str(error.message))
        raise InboundMailRejected(error.message) from error


def _keep_rejected(raw: bytes, *, source: str, reason: str) -> RejectedInboundMail:
    sender = subject = ""
    try:
        headers = BytesParser(policy=MAIL_POLICY).parsebytes(raw or b"", headersonly=True)
        sender = str(headers.get("From", ""))[:300]
        subject = str(headers.get("Subject", ""))[:300]
    except Exception:  # noqa: S110 — the raw bytes are kept whatever the headers hold  # nosec B110
        pass
    return RejectedInboundMail.objects.create(
        source=source[:200], reason=reason[:500], sender=sender, subject=subject, raw=raw or b""
    )
