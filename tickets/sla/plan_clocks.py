"""The service-plan clocks an app that keeps plans drives: the plan made, department reviews.

A plan is made when it is submitted (simple request) or approved after review (complex)
[S1 §2.2]; each department asked to review it gets a clock of its own (one cycle of the
department-review metric each), met by that department's answer alone. The caller holds
the ticket's row lock, as the ticket services do.
"""

from datetime import datetime

from django.db import transaction

from tickets.models import Ticket

from .clocks import sla_meet, sla_start
from .models import Clock, Metric
from .policies import targets_for, ticket_terms


@transaction.atomic
def sla_service_plan_made(*, ticket: Ticket, at: datetime, actor) -> None:
    sla_meet(ticket=ticket, metrics=[Metric.SERVICE_PLAN], at=at, actor=actor)


@transaction.atomic
def sla_department_review_start(*, ticket: Ticket, at: datetime, actor) -> Clock | None:
    """A new department-review clock (the next cycle); None if no target applies."""
    terms = ticket_terms(ticket)
    target = targets_for(terms).get(Metric.DEPARTMENT_REVIEW)
    if target is None:
        return None
    last = (
        Clock.objects.filter(ticket=ticket, metric=Metric.DEPARTMENT_REVIEW)
        .order_by("-cycle")
        .values_list("cycle", flat=True)
        .first()
    )
    return sla_start(
        ticket=ticket,
        metric=Metric.DEPARTMENT_REVIEW,
        target=target,
        at=at,
        terms=terms,
        actor=actor,
        cycle=(last or 0) + 1,
    )


@transaction.atomic
def sla_department_review_answered(*, ticket: Ticket, cycle: int, at: datetime, actor) -> None:
    sla_meet(ticket=ticket, metrics=[Metric.DEPARTMENT_REVIEW], at=at, actor=actor, cycle=cycle)
