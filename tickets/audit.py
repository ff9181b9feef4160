"""The audit trail: `record_event` is the only writer of TicketEvent rows."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from .models import Ticket, TicketEvent


class EventAction:
    """Actions the tickets core records; other apps add theirs with a dotted prefix."""

    CREATED = "ticket.created"
    FIELD_CHANGED = "ticket.field_changed"
    STATUS_CHANGED = "ticket.status_changed"
    PRIORITY_CHANGED = "ticket.priority_changed"
    ASSIGNED = "ticket.assigned"
    REPLIED = "ticket.replied"
    NOTED = "ticket.noted"
    CUSTOMER_MESSAGE = "ticket.customer_message"
    ATTACHMENT_ADDED = "ticket.attachment_added"
    TAGS_CHANGED = "ticket.tags_changed"


ACTION_LABELS = {
    EventAction.CREATED: _("created the ticket"),
    EventAction.FIELD_CHANGED: _("changed a field"),
    EventAction.STATUS_CHANGED: _("changed the status"),
    EventAction.PRIORITY_CHANGED: _("changed the priority"),
    EventAction.ASSIGNED: _("changed the assignment"),
    EventAction.REPLIED: _("replied to the customer"),
    EventAction.NOTED: _("added an internal note"),
    EventAction.CUSTOMER_MESSAGE: _("customer wrote"),
    EventAction.ATTACHMENT_ADDED: _("attached a file"),
    EventAction.TAGS_CHANGED: _("changed the tags"),
}


def register_action_labels(labels: dict[str, Any]) -> None:
    """Other apps (SLA, complaints) add labels for their actions at import time."""
    ACTION_LABELS.update(labels)


def action_label(action: str):
    return ACTION_LABELS.get(action, action)


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool | list | dict):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "pk"):
        return {"id": value.pk, "label": str(value)}
    return str(value)


def record_event(
    ticket: Ticket,
    actor,
    action: str,
    *,
    field: str = "",
    before: Any = None,
    after: Any = None,
) -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        field=field,
        before=_jsonable(before),
        after=_jsonable(after),
    )
