"""Re-planning open clocks when the ticket's terms, its customer's tier, a calendar or a
policy change; met and breached clocks keep their verdict.
"""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction

from tickets.audit import record_event
from tickets.models import Status, Ticket

from .actions import SlaAction
from .clocks import (
    CREATION_METRICS,
    _cancel,
    _closed_pauses,
    _is_fulfilled,
    _locked_clocks,
    _open_pause,
    _pauses_counted,
    _record_plan,
    sla_start_many,
)
from .models import (
    OPEN_CLOCK_STATES,
    Clock,
    ClockState,
    PauseInterval,
    PlanReason,
    Target,
)
from .planning import Plan, PlanSpec, apply_plan, plan_clock
from .policies import targets_for, ticket_terms


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


def sla_replan(
    *, ticket: Ticket, at: datetime, actor, reason: str = PlanReason.TERMS_CHANGED
) -> None:
    """Re-choose the targets and re-plan every open clock from its original start;
    `actor` (None: the system) is named on the plan rows and the audit events.

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
            _record_plan(clock, PlanReason.NO_TARGET, at, actor=actor)
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
        _record_plan(clock, reason, at, actor=actor)
        if clock.due_at != before:
            record_event(
                ticket,
                actor,
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
        actor=actor,
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


def sla_replan_tickets(*, ticket_ids: Iterable[int], at: datetime, reason: str, actor) -> int:
    """Re-plan the open clocks of these tickets, one transaction per ticket.

    Used after an administrator edits a calendar or a policy (`actor`: that administrator,
    or None when a migration re-plans). The ticket is locked
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
            sla_replan(ticket=ticket, at=at, actor=actor, reason=reason)
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
    if policy.membership_level_id:
        matching = matching.filter(customer__membership_level_id=policy.membership_level_id)
    if policy.team_id:
        matching = matching.filter(team_id=policy.team_id)
    ids = set(on_policy.values_list("ticket_id", flat=True))
    ids.update(matching.values_list("pk", flat=True))
    return sorted(ids)
