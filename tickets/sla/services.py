"""SLA engine services: clocks start, pause, resume, are met, re-planned and reopened here.

The ticket and complaint services call these (through hooks.py) inside their own
transaction, with the ticket row already locked. Which event starts and which meets each
metric is decided by the tables below, in one place:

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

from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import cache

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from servicedesk.db import default_connection, insert_values, quoted
from tickets.audit import EventAction, record_event, register_action_labels
from tickets.models import Status, Ticket, TicketEvent

from .models import (
    OPEN_CLOCK_STATES,
    Clock,
    ClockPlan,
    ClockState,
    Metric,
    PauseInterval,
    PlanReason,
    ResumeReason,
    Target,
)
from .planning import Plan, PlanSpec, apply_plan, next_alert_at, plan_clock
from .policies import TicketTerms, new_ticket_terms, targets_for, ticket_complaint, ticket_terms


class SlaAction:
    WARNING = "sla.warning"
    BREACHED = "sla.breached"
    ESCALATED = "sla.escalated"
    REPLANNED = "sla.replanned"


register_action_labels(
    {
        SlaAction.WARNING: _("SLA warning"),
        SlaAction.BREACHED: _("SLA breached"),
        SlaAction.ESCALATED: _("SLA escalated to managers"),
        SlaAction.REPLANNED: _("SLA re-planned"),
    }
)

# Started when the ticket is created (and, on a re-plan, if a target newly applies).
CREATION_METRICS = (
    Metric.FIRST_RESPONSE,
    Metric.CHAT_CLASSIFICATION,
    Metric.SERVICE_PLAN,
    Metric.FEEDBACK_REPLY,
    Metric.RESOLUTION,
)
# Not the service plan: "we received your request" is no plan [S1 §2.2].
MET_BY_PUBLIC_REPLY = (Metric.FIRST_RESPONSE, Metric.NEXT_RESPONSE, Metric.FEEDBACK_REPLY)
# A resolved request has evidently had its plan.
MET_BY_RESOLUTION = (Metric.RESOLUTION, Metric.SERVICE_PLAN)
COMPLAINT_METRICS = (Metric.COMPLAINT_FIRST_CONTACT, Metric.COMPLAINT_RESPONSE)
MET_BY_COMPLAINT_STAGE = {
    "closed": (*COMPLAINT_METRICS, Metric.RESOLUTION),
}
FINISHED_STATUSES = (Status.RESOLVED, Status.CLOSED)


def pausing_statuses() -> frozenset[str]:
    """Statuses in which the ticket waits on the customer; its clocks whose target pauses
    while waiting on the customer stand still, the others run on."""
    return frozenset(settings.SLA_PAUSING_STATUSES)


def _target_pauses(target: Target | None) -> bool:
    # A clock whose target was deleted keeps the rule every target had before it was a choice.
    return target is None or target.pauses_while_waiting_on_customer


def _pauses_counted(
    target: Target | None, pauses: Sequence[tuple[datetime, datetime]]
) -> Sequence[tuple[datetime, datetime]]:
    """The ticket's pauses as the target's clock counts them: none if it never pauses."""
    return pauses if _target_pauses(target) else ()


# --- reading the ticket's SLA state (inside the caller's transaction) ---------------------


def _locked_clocks(ticket: Ticket, *, metrics: Iterable[str] | None = None) -> list[Clock]:
    """Clocks that can still change: open ones, and breached ones not yet fulfilled."""
    clocks = (
        Clock.objects.select_for_update(of=("self",))
        .filter(ticket=ticket)
        .exclude(state__in=(ClockState.MET, ClockState.CANCELLED))
    )
    if metrics is not None:
        clocks = clocks.filter(metric__in=list(metrics))
    return list(clocks.select_related("calendar", "target__policy").order_by("pk"))


def _closed_pauses(ticket: Ticket) -> list[tuple[datetime, datetime]]:
    return list(
        PauseInterval.objects.filter(ticket=ticket, resumed_at__isnull=False)
        .order_by("paused_at")
        .values_list("paused_at", "resumed_at")
    )


def _open_pause(ticket: Ticket) -> PauseInterval | None:
    # Ordered by id, not by the model's ordering (which starts with the ticket): no join
    # to the ticket table, and only the pause row is locked.
    return (
        PauseInterval.objects.select_for_update()
        .filter(ticket=ticket, resumed_at__isnull=True)
        .order_by("pk")
        .first()
    )


def _is_fulfilled(ticket: Ticket, metric: str) -> bool:
    if metric in (Metric.FIRST_RESPONSE, Metric.FEEDBACK_REPLY):
        return ticket.first_response_at is not None
    if metric == Metric.CHAT_CLASSIFICATION:
        return ticket.category_id is not None
    if metric == Metric.RESOLUTION:
        return ticket.status in FINISHED_STATUSES
    return False


# What a plan row copies from its clock (the rest is the clock, the reason and the time).
_PLAN_FIELDS_FROM_CLOCK = (
    "target",
    "policy_name",
    "calendar",
    "target_duration",
    "paused_total",
    "due_at",
    "warn_at",
)


def _plan_row(clock: Clock, reason: str, at: datetime) -> ClockPlan:
    copied = {name: getattr(clock, name) for name in _PLAN_FIELDS_FROM_CLOCK}
    return ClockPlan(clock=clock, reason=reason, planned_at=at, **copied)


def _record_plan(clock: Clock, reason: str, at: datetime) -> None:
    _plan_row(clock, reason, at).save()


def _insert_clocks(clocks: Sequence[Clock], *, reason: str, at: datetime) -> None:
    """New clocks and their first plan rows: one INSERT each, however many clocks."""
    if not clocks:
        return
    if connection.vendor == "postgresql":
        _insert_clocks_and_plans_in_one_statement(clocks, reason=reason, at=at)
        return
    if connection.features.can_return_rows_from_bulk_insert:
        # PostgreSQL (and SQLite 3.35+) return the new ids, which the plan rows need.
        Clock.objects.bulk_create(clocks)
        ClockPlan.objects.bulk_create([_plan_row(clock, reason, at) for clock in clocks])
        return
    for clock in clocks:
        clock.save()
        _record_plan(clock, reason, at)


def _insert_clocks_and_plans_in_one_statement(
    clocks: Sequence[Clock], *, reason: str, at: datetime
) -> None:
    """PostgreSQL: the clocks and their plan rows in one statement (a data-modifying CTE).

    This runs for every new ticket; two bulk_create calls cost about twice as much here,
    in the ORM's work and a second round trip. Columns and values come from the models'
    fields (servicedesk.db), the plan's copied columns from _PLAN_FIELDS_FROM_CLOCK.
    """
    connection = default_connection()
    rows = [insert_values(clock) for clock in clocks]
    sql = _clocks_and_plans_sql(tuple(rows[0]), len(rows))
    params = [value for row in rows for value in row.values()]
    planned_at = ClockPlan._meta.get_field("planned_at").get_db_prep_save(at, connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, reason, planned_at])
        ids = {(ticket, metric, cycle): pk for pk, ticket, metric, cycle in cursor.fetchall()}
    for clock in clocks:
        clock.pk = ids[(clock.ticket_id, clock.metric, clock.cycle)]
        clock._state.adding, clock._state.db = False, connection.alias


@cache
def _clocks_and_plans_sql(columns: tuple[str, ...], row_count: int) -> str:
    plan_meta = ClockPlan._meta
    copied = [plan_meta.get_field(name).column for name in _PLAN_FIELDS_FROM_CLOCK]
    plan_columns = [
        plan_meta.get_field("clock").column,
        plan_meta.get_field("reason").column,
        plan_meta.get_field("planned_at").column,
        *copied,
    ]
    row_placeholder = f"({', '.join(['%s'] * len(columns))})"
    # Identifiers from model metadata; every value is a parameter.
    return (
        f"WITH new_clock AS (INSERT INTO {quoted([Clock._meta.db_table])} ({quoted(columns)}) "  # noqa: S608  # nosec B608
        f"VALUES {', '.join([row_placeholder] * row_count)} "
        f"RETURNING id, ticket_id, metric, cycle, {quoted(copied)}), "
        f"new_plan AS (INSERT INTO {quoted([plan_meta.db_table])} ({quoted(plan_columns)}) "
        f"SELECT id, %s, %s, {quoted(copied)} FROM new_clock) "
        "SELECT id, ticket_id, metric, cycle FROM new_clock"
    )


def _planned_clock(
    ticket: Ticket,
    metric: str,
    target: Target,
    *,
    at: datetime,
    terms: TicketTerms,
    cycle: int,
    pauses: Sequence[tuple[datetime, datetime]],
    open_pause: PauseInterval | None,
) -> Clock:
    plan = plan_clock(
        PlanSpec.from_target(target), started_at=at, pauses=_pauses_counted(target, pauses)
    )
    clock = Clock(
        ticket=ticket, metric=metric, cycle=cycle, started_at=at, is_urgent=terms.is_urgent
    )
    apply_plan(clock, plan)
    if open_pause is not None and _target_pauses(target):
        # Started while the ticket waits on the customer: it stands still until resumed.
        clock.state, clock.next_alert_at = ClockState.PAUSED, None
        clock.paused_at = max(open_pause.paused_at, at)
    return clock


def _mark_met(clock: Clock, at: datetime) -> None:
    """The clock's metric was fulfilled at `at` (the clock has no met_at yet).

    Met after its due time counts as breached (at its due time) even if the sweep had not
    seen it yet; an already breached clock only gets its late met_at.
    """
    if clock.state == ClockState.RUNNING:
        late = at > clock.due_at
    elif clock.state == ClockState.PAUSED:
        late = clock.paused_at > clock.due_at
    else:
        late = False  # already breached: only the late met_at is added
    if clock.state != ClockState.BREACHED:
        clock.state = ClockState.BREACHED if late else ClockState.MET
        if late:
            clock.breached_at = clock.due_at
    clock.met_at = at
    clock.next_alert_at = next_alert_at(clock)


# --- the verbs ----------------------------------------------------------------------------


def sla_start(
    *,
    ticket: Ticket,
    metric: str,
    target: Target,
    at: datetime,
    terms: TicketTerms,
    cycle: int = 1,
    pauses: Iterable[tuple[datetime, datetime]] = (),
    planned_at: datetime | None = None,
) -> Clock | None:
    """Start a metric's clock at `at`; a clock that already exists for the cycle is left alone.

    A clock started late from an earlier moment (a re-plan that brings a new target) takes
    the ticket's recorded pauses since then into account.
    """
    started = sla_start_many(
        ticket=ticket,
        targets={metric: target},
        at=at,
        terms=terms,
        cycle=cycle,
        pauses=pauses,
        planned_at=planned_at,
    )
    return started[0] if started else None


def sla_start_many(
    *,
    ticket: Ticket,
    targets: dict[str, Target],
    at: datetime,
    terms: TicketTerms,
    cycle: int = 1,
    pauses: Iterable[tuple[datetime, datetime]] = (),
    planned_at: datetime | None = None,
) -> list[Clock]:
    """sla_start for several metrics at once: two reads, then one INSERT of clocks and one of
    their plan rows. Metrics whose clock exists for the cycle are left alone."""
    if not targets:
        return []
    existing = set(
        Clock.objects.filter(ticket=ticket, cycle=cycle, metric__in=list(targets)).values_list(
            "metric", flat=True
        )
    )
    targets = {metric: target for metric, target in targets.items() if metric not in existing}
    if not targets:
        return []
    open_pause = _open_pause(ticket)
    pauses = list(pauses)
    clocks = [
        _planned_clock(
            ticket,
            metric,
            target,
            at=at,
            terms=terms,
            cycle=cycle,
            pauses=pauses,
            open_pause=open_pause,
        )
        for metric, target in targets.items()
    ]
    _insert_clocks(clocks, reason=PlanReason.STARTED, at=planned_at or at)
    return clocks


def sla_meet(
    *, ticket: Ticket, metrics: Iterable[str], at: datetime, cycle: int | None = None
) -> list[Clock]:
    """The events that fulfil `metrics` happened at `at` (only `cycle`'s clock if given:
    one department's review among several running at once).

    A clock met after its due time counts as breached (breached at its due time) even if
    the sweep had not seen it yet; a breached clock gets its late met_at and no further
    escalation. Met clocks are final.
    """
    met = []
    for clock in _locked_clocks(ticket, metrics=metrics):
        if clock.met_at is not None or (cycle is not None and clock.cycle != cycle):
            continue
        _mark_met(clock, at)
        clock.save(update_fields=["state", "met_at", "breached_at", "next_alert_at", "updated_at"])
        met.append(clock)
    return met


def sla_cancel(*, ticket: Ticket, at: datetime, metrics: Iterable[str] | None = None) -> None:
    """Open clocks that can no longer be met (the ticket was closed) stop without a verdict."""
    for clock in _locked_clocks(ticket, metrics=metrics):
        if clock.state in OPEN_CLOCK_STATES:
            _cancel(clock, at)


def _cancel(clock: Clock, at: datetime) -> None:
    clock.state, clock.ended_at, clock.next_alert_at = ClockState.CANCELLED, at, None
    clock.save(update_fields=["state", "ended_at", "next_alert_at", "updated_at"])


def sla_pause(*, ticket: Ticket, at: datetime, actor, status: str) -> PauseInterval | None:
    """The ticket waits on the customer: every running clock whose target pauses stands still."""
    if _open_pause(ticket) is not None:
        return None
    pause = PauseInterval.objects.create(
        ticket=ticket,
        status=status,
        paused_at=at,
        paused_by=actor if actor is not None and actor.is_authenticated else None,
    )
    # A clock already past due is breached, not paused: the sweep records it.
    Clock.objects.filter(ticket=ticket, state=ClockState.RUNNING, due_at__gt=at).filter(
        Q(target__isnull=True) | Q(target__pauses_while_waiting_on_customer=True)
    ).update(state=ClockState.PAUSED, paused_at=at, next_alert_at=None)
    return pause


def sla_resume(*, ticket: Ticket, at: datetime, reason: str) -> PauseInterval | None:
    """The pause ends: paused clocks run again, due and warn times pushed by the working time
    the pause removed (re-planned from the original start and every recorded pause)."""
    pause = _open_pause(ticket)
    if pause is None:
        return None
    pause.resumed_at, pause.resume_reason = at, reason
    pause.save(update_fields=["resumed_at", "resume_reason"])
    pauses = _closed_pauses(ticket)
    for clock in _locked_clocks(ticket):
        if clock.state != ClockState.PAUSED:
            continue
        clock.state, clock.paused_at = ClockState.RUNNING, None
        counted = _pauses_counted(clock.target, pauses)
        apply_plan(
            clock, plan_clock(PlanSpec.of_clock(clock), started_at=clock.started_at, pauses=counted)
        )
        clock.save()
        _record_plan(clock, PlanReason.RESUMED, at)
    return pause


def _plan_changed(clock: Clock, plan: Plan, is_urgent: bool) -> bool:
    spec = plan.spec
    return (
        clock.target_id != (spec.target.pk if spec.target else None)
        or clock.calendar_id != spec.calendar.pk
        or clock.target_duration != spec.target_duration
        or clock.warn_duration != spec.warn_duration
        or clock.escalation_duration != spec.escalation_duration
        or clock.due_at != plan.due_at
        or clock.warn_at != plan.warn_at
        or clock.escalate_at != plan.escalate_at
        or clock.is_urgent != is_urgent
    )


def sla_replan(*, ticket: Ticket, at: datetime, reason: str = PlanReason.TERMS_CHANGED) -> None:
    """Re-choose the targets and re-plan every open clock from its original start.

    Clocks whose metric no longer has a target stop ("no longer applies"); creation
    metrics that newly have one start from the ticket's creation. Met and breached
    clocks keep their verdict.
    """
    terms = ticket_terms(ticket)
    targets = targets_for(terms)
    pauses = _closed_pauses(ticket)
    open_pause = _open_pause(ticket)
    for clock in _locked_clocks(ticket):
        if clock.state not in OPEN_CLOCK_STATES:
            continue
        target = targets.get(clock.metric)
        if target is None:
            _cancel(clock, at)
            _record_plan(clock, PlanReason.NO_TARGET, at)
            continue
        plan = plan_clock(
            PlanSpec.from_target(target),
            started_at=clock.started_at,
            pauses=_pauses_counted(target, pauses),
        )
        pause_from = _pause_under_target(clock, target, open_pause)
        if (
            pause_from is not None
            and clock.state == ClockState.RUNNING
            and plan.due_at <= pause_from
        ):
            pause_from = None  # already past due when the pause began: the sweep breaches it
        if not _plan_changed(clock, plan, terms.is_urgent) and pause_from == clock.paused_at:
            continue
        before = clock.due_at
        clock.is_urgent = terms.is_urgent
        clock.state = ClockState.RUNNING if pause_from is None else ClockState.PAUSED
        clock.paused_at = pause_from
        apply_plan(clock, plan)
        if clock.state == ClockState.PAUSED:
            clock.next_alert_at = None
        clock.save()
        _record_plan(clock, reason, at)
        if clock.due_at != before:
            record_event(
                ticket,
                None,
                SlaAction.REPLANNED,
                field=clock.metric,
                before=before,
                after=clock.due_at,
            )
    if ticket.status == Status.CLOSED:
        return
    existing = set(Clock.objects.filter(ticket=ticket).values_list("metric", flat=True))
    sla_start_many(
        ticket=ticket,
        targets={
            metric: targets[metric]
            for metric in CREATION_METRICS
            if metric in targets and metric not in existing and not _is_fulfilled(ticket, metric)
        },
        at=ticket.created_at,
        terms=terms,
        pauses=pauses,
        planned_at=at,
    )


def _pause_under_target(
    clock: Clock, target: Target, open_pause: PauseInterval | None
) -> datetime | None:
    """When the open clock stands still under its (new) target: a target that stopped
    pausing lets its clock run on, one that started pausing stops it for the open pause."""
    if open_pause is None or not target.pauses_while_waiting_on_customer:
        return None
    if clock.state == ClockState.PAUSED:
        return clock.paused_at
    return max(open_pause.paused_at, clock.started_at)


def sla_reopen(*, ticket: Ticket, at: datetime) -> Clock | None:
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
        cycle=(last or 0) + 1,
    )


def _start_next_cycle(ticket: Ticket, metric: str, *, at: datetime) -> Clock | None:
    terms = ticket_terms(ticket)
    target = targets_for(terms).get(metric)
    if target is None:
        return None
    clocks = Clock.objects.filter(ticket=ticket, metric=metric)
    if clocks.filter(state__in=OPEN_CLOCK_STATES).exists():
        return None
    last = clocks.order_by("-cycle").values_list("cycle", flat=True).first()
    return sla_start(
        ticket=ticket, metric=metric, target=target, at=at, terms=terms, cycle=(last or 0) + 1
    )


# --- entry points called by hooks.py ------------------------------------------------------


def sla_ticket_created(*, ticket: Ticket, at: datetime, savepoint: bool = True) -> list[Clock]:
    """Start the creation metrics' clocks of a ticket inserted in this transaction.

    Such a ticket has no clocks, pauses or complaint record yet, so nothing is read but
    the policy table's revision: its clocks and their plan rows are one INSERT each. The
    clocks are also left on `ticket.sla_clocks_at_creation` for the caller's response.
    `savepoint=False` is for ticket_create, which never catches the engine's errors: a
    failure rolls back its whole transaction anyway, so a savepoint would only add two
    round trips to every new ticket.
    """
    with transaction.atomic(savepoint=savepoint):
        return _start_creation_clocks(ticket, at)


def _start_creation_clocks(ticket: Ticket, at: datetime) -> list[Clock]:
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
                _mark_met(clock, at)
    _insert_clocks(clocks, reason=PlanReason.STARTED, at=at)
    ticket.sla_clocks_at_creation = clocks
    return clocks


@transaction.atomic
def sla_public_reply(*, ticket: Ticket, at: datetime, delivered: bool) -> None:
    """A public reply was written; `delivered`: the outbox accepted it for an address the
    customer has. Only a delivered reply is contact with a complaining customer, and once
    the complaint is accepted it is also the answer that meets the response."""
    metrics = list(MET_BY_PUBLIC_REPLY)
    if delivered:
        metrics.append(Metric.COMPLAINT_FIRST_CONTACT)
        if getattr(ticket_complaint(ticket), "is_accepted", False):
            metrics.append(Metric.COMPLAINT_RESPONSE)
    sla_meet(ticket=ticket, metrics=metrics, at=at)


@transaction.atomic
def sla_complaint_contact(
    *, ticket: Ticket, contacted_at: datetime, answered_at: datetime | None
) -> None:
    """Contact with the complaining customer happened at `contacted_at` (first contact);
    `answered_at`: when it brought the accepted complaint's answer (the response)."""
    sla_meet(ticket=ticket, metrics=[Metric.COMPLAINT_FIRST_CONTACT], at=contacted_at)
    if answered_at is not None:
        sla_meet(ticket=ticket, metrics=[Metric.COMPLAINT_RESPONSE], at=answered_at)


@transaction.atomic
def sla_customer_message(*, ticket: Ticket, at: datetime) -> None:
    """The customer wrote: a ticket waiting on them resumes at once (no pause gaming), and a
    next-response clock starts if the policy has one."""
    if ticket.status == Status.PENDING_CUSTOMER:
        sla_resume(ticket=ticket, at=at, reason=ResumeReason.CUSTOMER_MESSAGE)
    if ticket.first_response_at is not None and ticket.status != Status.CLOSED:
        _start_next_cycle(ticket, Metric.NEXT_RESPONSE, at=at)


@transaction.atomic
def sla_ticket_classified(*, ticket: Ticket, at: datetime) -> None:
    """The problem type (category) was set: chat classification is met."""
    sla_meet(ticket=ticket, metrics=[Metric.CHAT_CLASSIFICATION], at=at)


def _status_actor(ticket: Ticket):
    """Who made the status change just recorded (hooks do not pass the actor)."""
    event = (
        TicketEvent.objects.filter(ticket=ticket, action=EventAction.STATUS_CHANGED)
        .select_related("actor")
        .order_by("-created_at", "-pk")
        .first()
    )
    return event.actor if event is not None else None


@transaction.atomic
def sla_status_changed(*, ticket: Ticket, before: str, after: str, at: datetime) -> None:
    pausing = pausing_statuses()
    if after in FINISHED_STATUSES:
        sla_resume(ticket=ticket, at=at, reason=ResumeReason.RESOLVED)
        sla_meet(ticket=ticket, metrics=MET_BY_RESOLUTION, at=at)
        if after == Status.CLOSED:
            sla_cancel(ticket=ticket, at=at)
        return
    if before == Status.RESOLVED:
        sla_reopen(ticket=ticket, at=at)
    if after in pausing and before not in pausing:
        sla_pause(ticket=ticket, at=at, actor=_status_actor(ticket), status=after)
    elif before in pausing and after not in pausing:
        sla_resume(ticket=ticket, at=at, reason=ResumeReason.STATUS)


@transaction.atomic
def sla_complaint_received(*, ticket: Ticket, at: datetime) -> None:
    """Start first contact and the severity's response; the complaint's complexity and
    severity may also change which resolution target applies."""
    sla_replan(ticket=ticket, at=at)
    terms = ticket_terms(ticket)
    targets = targets_for(terms)
    sla_start_many(
        ticket=ticket,
        targets={metric: targets[metric] for metric in COMPLAINT_METRICS if metric in targets},
        at=at,
        terms=terms,
    )


@transaction.atomic
def sla_complaint_stage_entered(*, ticket: Ticket, stage: str, at: datetime) -> None:
    metrics = MET_BY_COMPLAINT_STAGE.get(stage)
    if metrics:
        sla_meet(ticket=ticket, metrics=metrics, at=at)


@transaction.atomic
def sla_customer_tier_changed(*, customer, at: datetime) -> None:
    """A customer's tier changed: re-plan the clocks of their open tickets."""
    tickets = Ticket.objects.select_for_update(of=("self",)).filter(customer=customer).open()
    for ticket in tickets.select_related("customer").order_by("pk"):
        sla_replan(ticket=ticket, at=at)


def sla_replan_tickets(*, ticket_ids: Iterable[int], at: datetime, reason: str) -> int:
    """Re-plan the open clocks of these tickets, one transaction per ticket.

    Used after an administrator edits a calendar or a policy. The ticket is locked
    before its clocks, in the same order as the ticket services, so this never deadlocks
    with an agent's change.
    """
    count = 0
    for ticket_id in ticket_ids:
        with transaction.atomic():
            ticket = (
                Ticket.objects.select_for_update(of=("self",))
                .select_related("customer")
                .filter(pk=ticket_id)
                .first()
            )
            if ticket is None:
                continue
            sla_replan(ticket=ticket, at=at, reason=reason)
            count += 1
    return count


def tickets_on_calendar(calendar_id: int) -> list[int]:
    """Tickets with an open clock on the calendar."""
    clocks = Clock.objects.filter(state__in=OPEN_CLOCK_STATES, calendar_id=calendar_id)
    return sorted(set(clocks.values_list("ticket_id", flat=True)))


def tickets_for_policy(policy) -> list[int]:
    """Open tickets the policy may concern: those with a clock under it now, and those its
    match fields could newly select (complaint severity is not narrowed: re-planning a
    ticket the policy does not match changes nothing)."""
    on_policy = Clock.objects.filter(state__in=OPEN_CLOCK_STATES, target__policy=policy)
    matching = Ticket.objects.open()
    for field in ("kind", "priority", "complexity", "channel"):
        if getattr(policy, field):
            matching = matching.filter(**{field: getattr(policy, field)})
    if policy.tier:
        matching = matching.filter(customer__tier=policy.tier)
    if policy.team_id:
        matching = matching.filter(team_id=policy.team_id)
    ids = set(on_policy.values_list("ticket_id", flat=True))
    ids.update(matching.values_list("pk", flat=True))
    return sorted(ids)


__all__ = [
    "SlaAction",
    "pausing_statuses",
    "sla_cancel",
    "sla_complaint_contact",
    "sla_complaint_received",
    "sla_complaint_stage_entered",
    "sla_customer_message",
    "sla_customer_tier_changed",
    "sla_meet",
    "sla_pause",
    "sla_public_reply",
    "sla_reopen",
    "sla_replan",
    "sla_replan_tickets",
    "sla_resume",
    "sla_start",
    "sla_start_many",
    "sla_status_changed",
    "sla_ticket_classified",
    "sla_ticket_created",
    "ticket_complaint",
]
