"""Read queries of the SLA engine about one ticket's clocks (ticket page and API).

The manager dashboard's figures are in tickets/sla/dashboard.py.
"""

from collections.abc import Iterable

from django.db.models import QuerySet

from tickets.models import Ticket

from .models import Clock, ClockState

# --- a ticket's clocks (ticket page and API) ----------------------------------------------

_STATE_ORDER = {
    ClockState.RUNNING: 0,
    ClockState.PAUSED: 1,
    ClockState.BREACHED: 2,
    ClockState.MET: 3,
}


def sla_clocks_queryset() -> QuerySet[Clock]:
    """Clocks worth showing: all but those that no longer apply, soonest due first."""
    return Clock.objects.exclude(state=ClockState.CANCELLED).order_by("due_at", "pk")


def clocks_in_order(clocks: Iterable[Clock]) -> list[Clock]:
    """The one order of a ticket's clocks, on its page and in the API: running first, then
    paused, breached, met; soonest due first within each. Cancelled clocks no longer apply
    and are left out; each clock is listed separately (one deadline must not hide another)."""
    shown = (clock for clock in clocks if clock.state != ClockState.CANCELLED)
    return sorted(
        shown, key=lambda clock: (_STATE_ORDER.get(clock.state, 9), clock.due_at, clock.pk)
    )


def ticket_clocks(ticket: Ticket) -> list[Clock]:
    """Every clock of the ticket that applies, in clocks_in_order; from the ticket's
    prefetched clocks when it has them."""
    if "sla_clocks" in getattr(ticket, "_prefetched_objects_cache", {}):
        return clocks_in_order(ticket.sla_clocks.all())
    return clocks_in_order(sla_clocks_queryset().filter(ticket=ticket))


__all__ = [
    "clocks_in_order",
    "ticket_clocks",
]
