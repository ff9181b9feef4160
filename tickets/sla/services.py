"""SLA engine entry points: the ticket and complaint events, and the clocks each one starts,
meets, pauses, resumes, re-plans or reopens.

The ticket, complaint, plan and quality services call these inside their own transaction,
with the ticket row already locked, passing the actor whose change it was (None: the
customer or the system); the engine names it on what it records (a pause and its resume,
a met clock, a plan row, a re-plan's audit event). Which event starts and which meets each
metric is decided by the tables in clocks.py, in one place:

- first public reply meets first response, next response and feedback reply; the service
  plan is met by a plan (plan_clocks.py: submitted when simple, approved when complex);
- complaint first contact is met only by contact that happened: a public reply the outbox
  accepted for the customer's address, or a contact recorded with its time (requirements
  §7); complaint response (by severity) is met when the accepted complaint's answer
  reached the customer (the contact made at acceptance, or a later one), not by the
  investigation;
- resolution is met by the ticket being resolved (or closed) or the complaint closed;
- department review: one clock per department asked to review a plan (plan_clocks.py);
- a reopen starts a new resolution cycle; met and breached clocks are never re-planned.
"""

from datetime import datetime

from django.db import transaction

from tickets.models import Status, Ticket

from .clocks import (
    COMPLAINT_METRICS,
    CREATION_METRICS,
    FINISHED_STATUSES,
    FOLLOW_UP_METRICS,
    MET_BY_COMPLAINT_STAGE,
    MET_BY_PUBLIC_REPLY,
    MET_BY_RESOLUTION,
    _insert_clocks,
    _mark_met,
    _planned_clock,
    sla_cancel,
    sla_meet,
    sla_start,
    sla_start_many,
)
from .models import (
    OPEN_CLOCK_STATES,
    Clock,
    Metric,
    PlanReason,
    ResumeReason,
)
from .pauses import pausing_statuses, sla_pause, sla_resume
from .policies import new_ticket_terms, targets_for, ticket_complaint, ticket_terms
from .replanning import sla_replan


def sla_reopen(*, ticket: Ticket, at: datetime, actor) -> Clock | None:
    """A reopened ticket starts a new resolution cycle; earlier cycles keep their verdict."""
    terms = ticket_terms(ticket)
    target = targets_for(terms).get(Metric.RESOLUTION)
    if target is None:
        return None
    last = (
        Clock.objects.filter(ticket=ticket, metric=Metric.RESOLUTION)
        .order_by("-cycle")
        .values_list("cycle", flat=True)
        .first()
    )
    return sla_start(
        ticket=ticket,
        metric=Metric.RESOLUTION,
        target=target,
        at=at,
        terms=terms,
        actor=actor,
        cycle=(last or 0) + 1,
    )


def _start_next_cycle(ticket: Ticket, metric: str, *, at: datetime, actor) -> Clock | None:
    terms = ticket_terms(ticket)
    target = targets_for(terms).get(metric)
    if target is None:
        return None
    clocks = Clock.objects.filter(ticket=ticket, metric=metric)
    if clocks.filter(state__in=OPEN_CLOCK_STATES).exists():
        return None
    last = clocks.order_by("-cycle").values_list("cycle", flat=True).first()
    return sla_start(
        ticket=ticket,
        metric=metric,
        target=target,
        at=at,
        terms=terms,
        actor=actor,
        cycle=(last or 0) + 1,
    )


# --- entry points called by the services of the apps -------------------------------------
# The engine's reactions run inside the calling service's transaction, and no caller
# catches their errors: a failure rolls that whole service back anyway. So they join the
# transaction without a savepoint of their own (`savepoint=False`), which would add two
# round trips to every reply, status change and customer message.


def sla_ticket_created(
    *, ticket: Ticket, at: datetime, actor, savepoint: bool = True
) -> list[Clock]:
    """Start the creation metrics' clocks of a ticket inserted in this transaction.

    Such a ticket has no clocks, pauses or complaint record yet, so nothing is read but
    the policy table's revision: its clocks and their plan rows are one INSERT each. The
    clocks are also left on `ticket.sla_clocks_at_creation` for the caller's response.
    `savepoint=False` is for ticket_create, which never catches the engine's errors: a
    failure rolls back its whole transaction anyway, so a savepoint would only add two
    round trips to every new ticket.
    """
    with transaction.atomic(savepoint=savepoint):
        return _start_creation_clocks(ticket, at, actor)


def _start_creation_clocks(ticket: Ticket, at: datetime, actor) -> list[Clock]:
    terms = new_ticket_terms(ticket)
    targets = targets_for(terms)
    clocks = [
        _planned_clock(
            ticket, metric, targets[metric], at=at, terms=terms, cycle=1, pauses=(), open_pause=None
        )
        for metric in CREATION_METRICS
        if metric in targets
    ]
    if ticket.category_id is not None:
        # Classified at intake: the classification target is met at once.
        for clock in clocks:
            if clock.metric == Metric.CHAT_CLASSIFICATION:
                _mark_met(clock, at, actor)
    _insert_clocks(clocks, reason=PlanReason.STARTED, at=at, actor=actor)
    ticket.sla_clocks_at_creation = clocks
    return clocks


@transaction.atomic(savepoint=False)
def sla_public_reply(*, ticket: Ticket, at: datetime, actor, delivered: bool) -> None:
    """A public reply was written; `delivered`: the outbox accepted it for an address the
    customer has. Only a delivered reply is contact with a complaining customer, and once
    the complaint is accepted it is also the answer that meets the response."""
    metrics = list(MET_BY_PUBLIC_REPLY)
    if delivered:
        metrics.append(Metric.COMPLAINT_FIRST_CONTACT)
        if getattr(ticket_complaint(ticket), "is_accepted", False):
            metrics.append(Metric.COMPLAINT_RESPONSE)
    sla_meet(ticket=ticket, metrics=metrics, at=at, actor=actor)


@transaction.atomic(savepoint=False)
def sla_complaint_contact(
    *, ticket: Ticket, contacted_at: datetime, answered_at: datetime | None, actor
) -> None:
    """Contact with the complaining customer happened at `contacted_at` (first contact);
    `answered_at`: when it brought the accepted complaint's answer (the response)."""
    sla_meet(ticket=ticket, metrics=[Metric.COMPLAINT_FIRST_CONTACT], at=contacted_at, actor=actor)
    if answered_at is not None:
        sla_meet(ticket=ticket, metrics=[Metric.COMPLAINT_RESPONSE], at=answered_at, actor=actor)


@transaction.atomic(savepoint=False)
def sla_customer_message(*, ticket: Ticket, at: datetime) -> None:
    """The customer wrote: a ticket waiting on them resumes at once (no pause gaming), and a
    next-response clock starts if the policy has one. The customer is no user: what this
    records names nobody."""
    if ticket.status == Status.PENDING_CUSTOMER:
        sla_resume(ticket=ticket, at=at, reason=ResumeReason.CUSTOMER_MESSAGE, actor=None)
    if ticket.first_response_at is not None and ticket.status != Status.CLOSED:
        _start_next_cycle(ticket, Metric.NEXT_RESPONSE, at=at, actor=None)


@transaction.atomic(savepoint=False)
def sla_ticket_classified(*, ticket: Ticket, at: datetime, actor) -> None:
    """The problem type (category) was set: chat classification is met."""
    sla_meet(ticket=ticket, metrics=[Metric.CHAT_CLASSIFICATION], at=at, actor=actor)


@transaction.atomic(savepoint=False)
def sla_status_changed(*, ticket: Ticket, before: str, after: str, at: datetime, actor) -> None:
    pausing = pausing_statuses()
    if after in FINISHED_STATUSES:
        sla_resume(ticket=ticket, at=at, reason=ResumeReason.RESOLVED, actor=actor)
        sla_meet(ticket=ticket, metrics=MET_BY_RESOLUTION, at=at, actor=actor)
        if after == Status.CLOSED:
            sla_cancel(
                ticket=ticket,
                at=at,
                metrics=[metric for metric in Metric if metric not in FOLLOW_UP_METRICS],
            )
        return
    if before == Status.RESOLVED:
        sla_reopen(ticket=ticket, at=at, actor=actor)
    if after in pausing and before not in pausing:
        sla_pause(ticket=ticket, at=at, actor=actor, status=after)
    elif before in pausing and after not in pausing:
        sla_resume(ticket=ticket, at=at, reason=ResumeReason.STATUS, actor=actor)


@transaction.atomic
def sla_follow_up_start(*, ticket: Ticket, metric: str, at: datetime, actor) -> Clock | None:
    """Start a follow-up metric's clock (one open at a time) on the target the ticket's
    terms choose; None when no target applies or one is already open."""
    if metric not in FOLLOW_UP_METRICS:
        raise ValueError(f"{metric} is not a follow-up metric")
    return _start_next_cycle(ticket, metric, at=at, actor=actor)


@transaction.atomic
def sla_follow_up_meet(*, ticket: Ticket, metric: str, at: datetime, actor) -> list[Clock]:
    """The follow-up work was done at `at`: its open clock is met (or breached if late)."""
    if metric not in FOLLOW_UP_METRICS:
        raise ValueError(f"{metric} is not a follow-up metric")
    return sla_meet(ticket=ticket, metrics=[metric], at=at, actor=actor)


@transaction.atomic(savepoint=False)
def sla_complaint_received(*, ticket: Ticket, at: datetime, actor) -> None:
    """Start first contact and the severity's response; the complaint's complexity and
    severity may also change which resolution target applies."""
    sla_replan(ticket=ticket, at=at, actor=actor)
    terms = ticket_terms(ticket)
    targets = targets_for(terms)
    sla_start_many(
        ticket=ticket,
        targets={metric: targets[metric] for metric in COMPLAINT_METRICS if metric in targets},
        at=at,
        terms=terms,
        actor=actor,
    )


@transaction.atomic(savepoint=False)
def sla_complaint_stage_entered(*, ticket: Ticket, stage: str, at: datetime, actor) -> None:
    metrics = MET_BY_COMPLAINT_STAGE.get(stage)
    if metrics:
        sla_meet(ticket=ticket, metrics=metrics, at=at, actor=actor)


@transaction.atomic
def sla_customer_tier_changed(*, customer, at: datetime, actor) -> None:
    """A customer's tier changed: re-plan the clocks of their open tickets."""
    sla_customers_tier_changed(customers=[customer], at=at, actor=actor)


@transaction.atomic
def sla_customers_tier_changed(*, customers, at: datetime, actor) -> None:
    """Customers' tier changed (`customers`: a QuerySet or a list): re-plan their open
    tickets' clocks. A QuerySet is joined in the database, so a segmentation run that
    moves many customers brings only their open tickets into Python."""
    tickets = Ticket.objects.select_for_update(of=("self",)).filter(customer__in=customers).open()
    for ticket in tickets.select_related("customer").order_by("pk"):
        sla_replan(ticket=ticket, at=at, actor=actor)
