"""What every complaint service shares: the audit actions, the messages a person reads,
the row lock (NOWAIT) and the webhook payload.
"""

from django.db import DatabaseError
from django.utils.translation import gettext_lazy as _

from servicedesk.exceptions import (
    ConflictError,
)
from tickets.models import Priority

from ..actions import ComplaintAction  # noqa: F401  (the services' callers import it here)
from ..models import (
    Complaint,
    Severity,
)

MSG_STAGE_ORDER = _(
    "A complaint at “%(before)s” can only move to “%(expected)s”, not to “%(after)s”."
)
MSG_COMPLAINT_CLOSED = _("The complaint is closed; a supervisor or above can reopen it.")
MSG_CONFLICT = _("Someone else changed this complaint at the same time; reload it and try again.")
MSG_APPROVAL_PENDING = _(
    "The compensation is waiting for approval; the stage cannot complete until it is decided."
)
MSG_COMPENSATION_MISSING = _(
    "Request a compensation and have it approved, or tick “No compensation agreed”."
)
MSG_COMPENSATION_AND_NONE = _(
    "A compensation is approved for this complaint; “No compensation agreed” cannot be ticked."
)
MSG_COMPENSATION_STAGE = _("Compensation is requested once negotiation is recorded.")
MSG_COMPENSATION_ALREADY_PENDING = _("A compensation for this complaint is already waiting.")
MSG_AMOUNT_INVALID = _("Enter the amount as a number, such as 150.00.")
MSG_AMOUNT_NEGATIVE = _("The amount cannot be negative.")
MSG_AMOUNT_ZERO = _("A money compensation needs an amount above zero.")
MSG_CURRENCY = _("“%(currency)s” is not a configured currency; use one of %(allowed)s.")
MSG_GOODS_REQUIRED = _("Say which goods or service the customer receives.")
MSG_NOT_PENDING = _("This compensation was already decided.")
MSG_OWN_COMPENSATION = _("You cannot approve or reject your own compensation request.")
MSG_NO_APPROVAL_RIGHT = _("Only supervisors and managers approve compensation.")
MSG_ABOVE_LIMIT = _(
    "%(amount)s %(currency)s is above your approval limit of %(limit)s %(currency)s."
)
MSG_REASON_REQUIRED = _("Give a reason.")
MSG_LOWER_SEVERITY = _("Only a supervisor or above may lower a complaint's severity.")
MSG_REOPEN_RIGHT = _("Only a supervisor or above may reopen a complaint.")
MSG_REOPEN_STAGE = _("Choose a stage already reached to redo from.")
MSG_REOPEN_PENDING = _("Decide the waiting compensation before reopening the complaint.")
MSG_REOPEN_TICKET_CLOSED = _("The ticket is closed for good; open a new complaint instead.")
MSG_RESOLVE_BEFORE_CLOSED = _(
    "This complaint is at “%(stage)s”; finish its steps (up to follow-up and close) first."
)

# The ticket services open a complaint's ticket only for this app (see apps.py).
COMPLAINTS_APP = "complaints"
# The ticket's queue priority mirrors the complaint's severity.
PRIORITY_FOR_SEVERITY = {
    Severity.URGENT: Priority.URGENT,
    Severity.IMPORTANT: Priority.HIGH,
    Severity.ROUTINE: Priority.NORMAL,
}
SEVERITY_RANK = {Severity.ROUTINE: 0, Severity.IMPORTANT: 1, Severity.URGENT: 2}


def _lock(complaint: Complaint, *, expected_version: int | None = None) -> Complaint:
    """Lock the complaint row without waiting: a concurrent mover gets ConflictError now."""
    try:
        locked = (
            Complaint.objects.select_for_update(nowait=True, of=("self",))
            .select_related("ticket", "ticket__customer", "category")
            .get(pk=complaint.pk)
        )
    except DatabaseError as error:
        # 55P03 lock_not_available: another transaction is moving this complaint right now.
        if getattr(error.__cause__, "pgcode", None) != "55P03":
            raise
        raise ConflictError(MSG_CONFLICT) from error
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(MSG_CONFLICT)
    return locked


def _touch(complaint: Complaint, *fields: str) -> None:
    complaint.version += 1
    complaint.save(update_fields=[*fields, "version", "updated_at"])


def _webhook_payload(complaint: Complaint) -> dict:
    return {
        "reference": complaint.ticket.reference,
        "ticket_id": complaint.ticket_id,
        "complaint_id": complaint.pk,
        "stage": complaint.stage,
        "severity": complaint.severity,
        "complexity": complaint.complexity,
        "version": complaint.version,
    }


def _has_perm(user, permission: str) -> bool:
    return user is not None and user.is_authenticated and user.has_perm(permission)
