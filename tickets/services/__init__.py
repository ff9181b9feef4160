"""Every state change a ticket can undergo: one function per use case.

Each function locks the ticket row, checks the rule, writes, records the audit event,
lets the SLA engine react and queues outgoing work — all in one transaction.

The verbs live in one module per concept (intake, handling, conversation); callers use
them as `services.ticket_<verb>`, the one name this package gives them.
"""

from .conversation import (
    ticket_attach,
    ticket_customer_message,
    ticket_first_response_record,
    ticket_note,
    ticket_reply,
)
from .handling import (
    StatusGuard,
    register_status_guard,
    ticket_assign,
    ticket_change_priority,
    ticket_change_status,
    ticket_is_open,
    ticket_set_case_owner,
    ticket_transfer,
    ticket_update_details,
)
from .intake import team_for_channel, ticket_create

__all__ = [
    "StatusGuard",
    "register_status_guard",
    "team_for_channel",
    "ticket_assign",
    "ticket_attach",
    "ticket_change_priority",
    "ticket_change_status",
    "ticket_create",
    "ticket_customer_message",
    "ticket_first_response_record",
    "ticket_is_open",
    "ticket_note",
    "ticket_reply",
    "ticket_set_case_owner",
    "ticket_transfer",
    "ticket_update_details",
]
