"""Bulk changes from the queue: the ordinary service for each ticket, each ticket in its
own transaction, so a version conflict on one is reported for that ticket and the others
still change."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from servicedesk.exceptions import ServiceDeskError

from .models import Ticket
from .services import ticket_assign, ticket_change_status

MSG_NOT_FOUND = _("No such ticket, or not one you may see.")


@dataclass(frozen=True)
class BulkOutcome:
    reference: str
    error: str = ""

    @property
    def changed(self) -> bool:
        return not self.error


BulkItem = tuple[str, int]  # (reference, the version the agent saw)


def _each(
    items: Iterable[BulkItem], tickets: dict[str, Ticket], change: Callable[[Ticket, int], None]
) -> list[BulkOutcome]:
    outcomes = []
    for reference, version in items:
        ticket = tickets.get(reference)
        if ticket is None:
            outcomes.append(BulkOutcome(reference, str(MSG_NOT_FOUND)))
            continue
        try:
            with transaction.atomic():
                change(ticket, version)
        except ServiceDeskError as error:
            outcomes.append(BulkOutcome(reference, str(error.message)))
        else:
            outcomes.append(BulkOutcome(reference))
    return outcomes


def ticket_bulk_assign(
    *, actor, items: list[BulkItem], tickets: dict[str, Ticket], assignee
) -> list[BulkOutcome]:
    """ticket_assign for each (reference, version); `tickets` are those the actor may see."""
    return _each(
        items,
        tickets,
        lambda ticket, version: ticket_assign(
            ticket=ticket, actor=actor, assignee=assignee, expected_version=version
        ),
    )


def ticket_bulk_change_status(
    *, actor, items: list[BulkItem], tickets: dict[str, Ticket], to: str
) -> list[BulkOutcome]:
    """ticket_change_status for each (reference, version)."""
    return _each(
        items,
        tickets,
        lambda ticket, version: ticket_change_status(
            ticket=ticket, actor=actor, to=to, expected_version=version
        ),
    )
