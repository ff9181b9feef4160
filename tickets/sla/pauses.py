"""Waiting on the customer: the ticket's pause intervals, and clocks that stand still and run
again with their due times pushed by the working time the pause removed.
"""

from datetime import datetime

from django.conf import settings
from django.db.models import Q

from tickets.models import Ticket

from .clocks import (
    _closed_pauses,
    _locked_clocks,
    _open_pause,
    _pauses_counted,
    _record_plan,
    user_or_none,
)
from .models import (
    Clock,
    ClockState,
    PauseInterval,
    PlanReason,
)
from .planning import PlanSpec, apply_plan, plan_clock


def pausing_statuses() -> frozenset[str]:
    """Statuses in which the ticket waits on the customer; its clocks whose target pauses
    while waiting on the customer stand still, the others run on."""
    return frozenset(settings.SLA_PAUSING_STATUSES)


def sla_pause(*, ticket: Ticket, at: datetime, actor, status: str) -> PauseInterval | None:
    """The ticket waits on the customer: every running clock whose target pauses stands still."""
    if _open_pause(ticket) is not None:
        return None
    pause = PauseInterval.objects.create(
        ticket=ticket,
        status=status,
        paused_at=at,
        paused_by=user_or_none(actor),
    )
    # A clock already past due is breached, not paused: the sweep records it.
    Clock.objects.filter(ticket=ticket, state=ClockState.RUNNING, due_at__gt=at).filter(
        Q(target__isnull=True) | Q(target__pauses_while_waiting_on_customer=True)
    ).update(state=ClockState.PAUSED, paused_at=at, next_alert_at=None)
    return pause


def sla_resume(*, ticket: Ticket, at: datetime, reason: str, actor) -> PauseInterval | None:
    """The pause ends: paused clocks run again, due and warn times pushed by the working time
    the pause removed (re-planned from the original start and every recorded pause)."""
    pause = _open_pause(ticket)
    if pause is None:
        return None
    pause.resumed_at, pause.resume_reason, pause.resumed_by = at, reason, user_or_none(actor)
    pause.save(update_fields=["resumed_at", "resume_reason", "resumed_by"])
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
        _record_plan(clock, PlanReason.RESUMED, at, actor=actor)
    return pause
