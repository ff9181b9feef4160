"""Reply tokens: proof that an inbound reply answers mail we sent about a ticket.

Ticket references ([SD-000123]) are sequential and Message-IDs travel to every recipient,
so neither proves that a sender may write into a ticket. Every e-mail we send about a
ticket carries in its Message-ID a token only this installation can compute (an HMAC of
the ticket id under SECRET_KEY): a mail client answering it names that Message-ID in
In-Reply-To/References, and the token is checked there. Nothing is stored; rotating
SECRET_KEY invalidates the tokens of mail sent before (replies then thread only when the
sender is the ticket's customer).
"""

import re

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

TOKEN_SALT = "servicedesk.outbox.mail_threads.reply-token"
TOKEN_LENGTH = 32  # hex digits: 128 bits, not guessable
OUR_MESSAGE_ID = re.compile(rf"<outbox-\d+\.t(\d{{1,18}})\.([0-9a-f]{{{TOKEN_LENGTH}}})@[^<>\s]+>")


def ticket_reply_token(ticket_id: int) -> str:
    return salted_hmac(TOKEN_SALT, str(ticket_id), algorithm="sha256").hexdigest()[:TOKEN_LENGTH]


def outgoing_message_id(message) -> str:
    """The Message-ID of an outbox e-mail: stable across retries (a mail system that sees
    the message twice can tell) and, for mail about a ticket, carrying its reply token."""
    domain = settings.OUTBOX_MESSAGE_ID_DOMAIN
    if message.ticket_id is None:
        return f"<outbox-{message.pk}@{domain}>"
    token = ticket_reply_token(message.ticket_id)
    return f"<outbox-{message.pk}.t{message.ticket_id}.{token}@{domain}>"


def ticket_id_answered(message_ids: list[str]) -> int | None:
    """The ticket whose mail one of `message_ids` (In-Reply-To/References) names with a
    valid reply token; None when none does."""
    for message_id in reversed(message_ids):  # the newest reference comes last
        match = OUR_MESSAGE_ID.fullmatch(message_id)
        if match and constant_time_compare(match[2], ticket_reply_token(int(match[1]))):
            return int(match[1])
    return None
