"""The tickets section of the customer profile (registered from TicketsConfig.ready, since
customers sits below tickets): the customer's tickets this user may see, how many on each
channel, the latest PROFILE_TICKETS of them."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.urls import reverse

from .models import OPEN_STATUSES, Channel, Ticket

# A long-standing organisation may have thousands; the API's /tickets/?customer= pages all.
PROFILE_TICKETS = 100


@dataclass
class CustomerTickets:
    total: int = 0
    open: int = 0
    # (channel, its label, tickets) for each channel the customer came by, most used first.
    by_channel: list[tuple[str, str, int]] = field(default_factory=list)
    recent: list[Ticket] = field(default_factory=list)


def customer_tickets(*, customer_ids: Sequence[int], user) -> dict[int, CustomerTickets]:
    """Set-based: three queries (two after the user's teams) for any number of customers."""
    visible = Ticket.objects.visible_to(user).filter(customer_id__in=customer_ids)
    found: dict[int, CustomerTickets] = {}
    counts = (
        visible.values("customer_id", "channel")
        .annotate(tickets=Count("pk"), open=Count("pk", filter=Q(status__in=OPEN_STATUSES)))
        .order_by("customer_id", "-tickets", "channel")
    )
    for row in counts:
        item = found.setdefault(row["customer_id"], CustomerTickets())
        item.total += row["tickets"]
        item.open += row["open"]
        item.by_channel.append((row["channel"], str(Channel(row["channel"]).label), row["tickets"]))
    recent = (
        visible.select_related("assignee", "team")
        .annotate(
            position=Window(
                RowNumber(),
                partition_by=[F("customer_id")],
                order_by=[F("created_at").desc(), F("pk").desc()],
            )
        )
        .filter(position__lte=PROFILE_TICKETS)
        .order_by("customer_id", "position")
    )
    for ticket in recent:
        found[ticket.customer_id].recent.append(ticket)
    return found


def customer_tickets_json(tickets: CustomerTickets | None, request) -> dict:
    tickets = tickets or CustomerTickets()
    return {
        "total": tickets.total,
        "open": tickets.open,
        "by_channel": [
            {"channel": channel, "tickets": count} for channel, _label, count in tickets.by_channel
        ],
        "recent": [
            {
                "id": ticket.pk,
                "reference": ticket.reference,
                "subject": ticket.subject,
                "kind": ticket.kind,
                "status": ticket.status,
                "channel": ticket.channel,
                "priority": ticket.priority,
                "created_at": ticket.created_at,
                "url": reverse("tickets:detail", args=[ticket.reference]),
            }
            for ticket in tickets.recent
        ],
    }
