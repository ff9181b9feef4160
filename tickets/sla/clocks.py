"""SLA clocks: which events start and meet each metric, and the verbs that start, meet and
cancel clocks (the ticket row already locked by the caller).
"""

from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import cache

from django.db import connection

from servicedesk.db import default_connection, insert_values, quoted
from tickets.models import Status, Ticket

from .models import (
    OPEN_CLOCK_STATES,
    Clock,
    ClockPlan,
    ClockState,
    Metric,
    PauseInterval,
    PlanReason,
    Target,
)
from .planning import PlanSpec, apply_plan, next_alert_at, plan_clock
from .policies import TicketTerms

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
# Work that follows a finished ticket (an investigation of a low satisfaction score,
# requirements §5): started and met by the app doing it, and not cancelled at close.
FOLLOW_UP_METRICS = (Metric.SATISFACTION_INVESTIGATION,)


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


def user_or_none(actor):
    """The user the SLA records name: the actor the service passed, or None for the
    customer, the system (the sweep, a task) or an anonymous visitor."""
    return actor if actor is not None and actor.is_authenticated else None


def _plan_row(clock: Clock, reason: str, at: datetime, actor) -> ClockPlan:
    copied = {name: getattr(clock, name) for name in _PLAN_FIELDS_FROM_CLOCK}
    return ClockPlan(
        clock=clock, reason=reason, planned_at=at, planned_by=user_or_none(actor), **copied
    )


def _record_plan(clock: Clock, reason: str, at: datetime, *, actor) -> None:
    _plan_row(clock, reason, at, actor).save()


def _insert_clocks(clocks: Sequence[Clock], *, reason: str, at: datetime, actor) -> None:
    """New clocks and their first plan rows: one INSERT each, however many clocks."""
    if not clocks:
        return
    if connection.vendor == "postgresql":
        _insert_clocks_and_plans_in_one_statement(clocks, reason=reason, at=at, actor=actor)
    else:
        _insert_clocks_and_plans_by_the_orm(clocks, reason=reason, at=at, actor=actor)


def _insert_clocks_and_plans_by_the_orm(
    clocks: Sequence[Clock], *, reason: str, at: datetime, actor
) -> None:
    """The same rows through the ORM: on backends other than PostgreSQL, and as the
    reference the one-statement insert is tested against (tests/test_db.py)."""
    if connection.features.can_return_rows_from_bulk_insert:
        # PostgreSQL (and SQLite 3.35+) return the new ids, which the plan rows need.
        Clock.objects.bulk_create(clocks)
        ClockPlan.objects.bulk_create([_plan_row(clock, reason, at, actor) for clock in clocks])
        return
    for clock in clocks:
        clock.save()
        _record_plan(clock, reason, at, actor=actor)


def _insert_clocks_and_plans_in_one_statement(
    clocks: Sequence[Clock], *, reason: str, at: datetime, actor
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
    planned_by = user_or_none(actor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, reason, planned_at, planned_by and planned_by.pk])
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
        plan_meta.get_field("planned_by").column,
        *copied,
    ]
    # A NULL parameter in a SELECT list would be read as text: cast to the column's type.
    planned_by_type = plan_meta.get_field("planned_by").db_type(connection)
    row_placeholder = f"({', '.join(['%s'] * len(columns))})"
    # Identifiers from model metadata; every value is a parameter.
    return (
        f"WITH new_clock AS (INSERT INTO {quoted([Clock._meta.db_table])} ({quoted(columns)}) "  # noqa: S608  # nosec B608
        f"VALUES {', '.join([row_placeholder] * row_count)} "
        f"RETURNING id, ticket_id, metric, cycle, {quoted(copied)}), "
        f"new_plan AS (INSERT INTO {quoted([plan_meta.db_table])} ({quoted(plan_columns)}) "
        f"SELECT id, %s, %s, CAST(%s AS {planned_by_type}), {quoted(copied)} FROM new_clock) "
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


def _mark_met(clock: Clock, at: datetime, actor) -> None:
    """The clock's metric was fulfilled at `at` by `actor` (the clock has no met_at yet).

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
    clock.met_at, clock.met_by = at, user_or_none(actor)
    clock.next_alert_at = next_alert_at(clock)


# --- the verbs ----------------------------------------------------------------------------


def sla_start(
    *,
    ticket: Ticket,
    metric: str,
    target: Target,
    at: datetime,
    terms: TicketTerms,
    actor,
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
        actor=actor,
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
    actor,
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
    _insert_clocks(clocks, reason=PlanReason.STARTED, at=planned_at or at, actor=actor)
    return clocks


def sla_meet(
    *, ticket: Ticket, metrics: Iterable[str], at: datetime, actor, cycle: int | None = None
) -> list[Clock]:
    """The events that fulfil `metrics` happened at `at`, by `actor` (only `cycle`'s clock
    if given: one department's review among several running at once).

    A clock met after its due time counts as breached (breached at its due time) even if
    the sweep had not seen it yet; a breached clock gets its late met_at and no further
    escalation. Met clocks are final.
    """
    met = []
    for clock in _locked_clocks(ticket, metrics=metrics):
        if clock.met_at is not None or (cycle is not None and clock.cycle != cycle):
            continue
        _mark_met(clock, at, actor)
        clock.save(
            update_fields=[
                "state",
                "met_at",
                "met_by",
                "breached_at",
                "next_alert_at",
                "updated_at",
            ]
        )
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
