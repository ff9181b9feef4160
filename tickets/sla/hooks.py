"""Events of the tickets core that the SLA engine reacts to.

The ticket services call these inside their transaction; the SLA engine decides which
clocks start, pause, resume, meet or re-plan.
"""

from datetime import datetime


def on_ticket_created(ticket, *, at: datetime) -> None:
    from . import services

    # Inside ticket_create's transaction, which any error of the engine rolls back whole.
    services.sla_ticket_created(ticket=ticket, at=at, savepoint=False)


def on_public_reply(ticket, *, at: datetime, delivered: bool) -> None:
    """A public reply; `delivered`: the outbox accepted it for the customer's address."""
    from . import services

    services.sla_public_reply(ticket=ticket, at=at, delivered=delivered)


def on_customer_message(ticket, *, at: datetime) -> None:
    from . import services

    services.sla_customer_message(ticket=ticket, at=at)


def on_status_changed(ticket, *, before: str, after: str, at: datetime) -> None:
    from . import services

    services.sla_status_changed(ticket=ticket, before=before, after=after, at=at)


def on_terms_changed(ticket, *, at: datetime) -> None:
    """Priority, tier, channel, kind or complexity changed: re-choose the policy."""
    from . import services

    services.sla_replan(ticket=ticket, at=at)


def on_complaint_received(ticket, *, at: datetime) -> None:
    """A complaint record was created: start first contact (1 h) and the severity's response."""
    from . import services

    services.sla_complaint_received(ticket=ticket, at=at)


def on_complaint_contact(ticket, *, contacted_at: datetime, answered_at: datetime | None) -> None:
    """Contact with the complaining customer happened (first contact); `answered_at`: when
    it brought the accepted complaint's answer (the response), or None."""
    from . import services

    services.sla_complaint_contact(
        ticket=ticket, contacted_at=contacted_at, answered_at=answered_at
    )


def on_complaint_stage_entered(ticket, *, stage: str, at: datetime) -> None:
    """A complaint entered a stage: meet the clocks that stage fulfils, start the next ones."""
    from . import services

    services.sla_complaint_stage_entered(ticket=ticket, stage=stage, at=at)


def on_ticket_classified(ticket, *, at: datetime) -> None:
    """The ticket's problem type (category) was set: meets chat classification (5 min)."""
    from . import services

    services.sla_ticket_classified(ticket=ticket, at=at)


def on_customer_tier_changed(customer, *, at: datetime) -> None:
    """A customer's tier changed: the clocks of their open tickets are re-planned."""
    from . import services

    services.sla_customer_tier_changed(customer=customer, at=at)
