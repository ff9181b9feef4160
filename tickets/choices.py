"""The choices of a ticket: channel, kind, complexity, priority and status with its moves."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    # Every intake channel has a responsible team [S1 §2.1].
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    WEB = "web", _("Web form")
    CHAT = "chat", _("Online chat")
    SOCIAL = "social", _("Social media")
    QUESTIONNAIRE = "questionnaire", _("Questionnaire")
    API = "api", _("API integration")
    # A dedicated complaint hotline and mailbox feed complaints in [S1 §5.3].
    COMPLAINT_HOTLINE = "complaint_hotline", _("Complaint hotline")
    COMPLAINT_MAILBOX = "complaint_mailbox", _("Complaint mailbox")


class Kind(models.TextChoices):
    REQUEST = "request", _("Request")
    COMPLAINT = "complaint", _("Complaint")
    FEEDBACK = "feedback", _("Feedback / suggestion")
    INCIDENT = "incident", _("Incident")


class Complexity(models.TextChoices):
    # Simple requests get a plan within 24 h, complex ones within 3–5 business days [S1 §2.2].
    SIMPLE = "simple", _("Simple")
    COMPLEX = "complex", _("Complex")


class Priority(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")
    LOW = "low", _("Low")


PRIORITY_RANK = {Priority.URGENT: 0, Priority.HIGH: 1, Priority.NORMAL: 2, Priority.LOW: 3}


class Status(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    PENDING_CUSTOMER = "pending_customer", _("Pending customer")
    PENDING_INTERNAL = "pending_internal", _("Pending internal")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


# The one table of allowed status moves; everything else is refused.
# Resolved → open is the reopen; closed is final (a new problem is a new ticket).
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset(
        {Status.OPEN, Status.PENDING_CUSTOMER, Status.PENDING_INTERNAL, Status.RESOLVED}
    ),
    Status.OPEN: frozenset({Status.PENDING_CUSTOMER, Status.PENDING_INTERNAL, Status.RESOLVED}),
    Status.PENDING_CUSTOMER: frozenset({Status.OPEN, Status.PENDING_INTERNAL, Status.RESOLVED}),
    Status.PENDING_INTERNAL: frozenset({Status.OPEN, Status.PENDING_CUSTOMER, Status.RESOLVED}),
    Status.RESOLVED: frozenset({Status.OPEN, Status.CLOSED}),
    Status.CLOSED: frozenset(),
}
OPEN_STATUSES = frozenset(
    {Status.NEW, Status.OPEN, Status.PENDING_CUSTOMER, Status.PENDING_INTERNAL}
)


def is_status_move_allowed(before: str, after: str) -> bool:
    return after in STATUS_TRANSITIONS.get(before, frozenset())
