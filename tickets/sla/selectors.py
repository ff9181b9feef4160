"""Read queries of the SLA engine about one ticket's clocks (ticket page and API).

The manager dashboard's figures are in tickets/sla/dashboard.py.
"""

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


def ticket_clocks(ticket: Ticket) -> list[Clock]:
    """Every clock of the ticket, each separately: running ones first, then by due time."""
    clocks = sla_clocks_queryset().filter(ticket=ticket)
    if "sla_clocks" in getattr(ticket, "_prefetched_objects_cache", {}):
        clocks = [c for c in ticket.sla_clocks.all() if c.state != ClockState.CANCELLED]
    return sorted(clocks, key=lambda clock: (_STATE_ORDER.get(clock.state, 9), clock.due_at))


__all__ = [
    "ticket_clocks",
]
