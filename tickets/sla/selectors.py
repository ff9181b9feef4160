"""Read queries of the SLA engine (placeholder until issue #4 lands)."""


def ticket_clocks(ticket) -> list:
    """Every clock of the ticket, running ones first, for the ticket page and the API."""
    return []
