"""Every state change a complaint can undergo: one function per use case.

Each function locks the complaint row (NOWAIT: a second mover is told at once that
someone else is moving it), checks the order, the actor's authority and the content,
writes the stage entry, records the audit event, lets the SLA engine react and queues
outgoing work — all in one transaction, so a refusal leaves nothing written.

The verbs live in one module per concept (workflow, terms, compensation, scripts); callers
use them as `services.complaint_<verb>`, the one name this package gives them.
"""

from .common import COMPLAINTS_APP, ComplaintAction
from .compensation import (
    complaint_approve_compensation,
    complaint_reject_compensation,
    complaint_request_compensation,
)
from .reports import complaint_report_generate
from .scripts import reply_script_save
from .terms import complaint_change_terms
from .workflow import (
    complaint_advance,
    complaint_close,
    complaint_contact_record,
    complaint_open,
    complaint_reopen,
    complaint_ticket_status_guard,
)

__all__ = [
    "COMPLAINTS_APP",
    "ComplaintAction",
    "complaint_advance",
    "complaint_approve_compensation",
    "complaint_change_terms",
    "complaint_close",
    "complaint_contact_record",
    "complaint_open",
    "complaint_reject_compensation",
    "complaint_reopen",
    "complaint_report_generate",
    "complaint_request_compensation",
    "complaint_ticket_status_guard",
    "reply_script_save",
]
