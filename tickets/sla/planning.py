"""A clock's plan: when it warns, falls due and escalates, from its start and pause history.

Every plan is computed from the clock's original start and the ticket's recorded pauses,
never by shifting the previous plan, so a re-plan (new priority, new calendar) cannot
drift or drop pause time.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from .calendar import WorkingCalendar
from .models import Calendar, Clock, ClockState, EscalationLevel, Target
from .working_calendars import working_calendar

Span = tuple[datetime, datetime]


@dataclass(frozen=True)
class PlanSpec:
    """What a clock must achieve: working-time durations on a calendar."""

    calendar: Calendar
    target: Target | None
    policy_name: str
    target_duration: timedelta
    warn_duration: timedelta
    escalation_duration: timedelta | None

    @classmethod
    def from_target(cls, target: Target) -> "PlanSpec":
        business_day = working_calendar(target.calendar).business_day
        duration = target.as_timedelta(target.duration, business_day)
        if target.warn_after is not None:
            warn = target.as_timedelta(target.warn_after, business_day)
        else:
            warn = duration * target.warn_at_percent / 100
        escalation = None
        if target.manager_escalation_percent is not None:
            escalation = duration * target.manager_escalation_percent / 100
        return cls(
            calendar=target.calendar,
            target=target,
            policy_name=target.policy.name,
            target_duration=duration,
            warn_duration=min(warn, duration),
            escalation_duration=escalation,
        )

    @classmethod
    def of_clock(cls, clock: Clock) -> "PlanSpec":
        """The plan the clock already follows (for resume: same target, new pause history)."""
        return cls(
            calendar=clock.calendar,
            target=clock.target,
            policy_name=clock.policy_name,
            target_duration=clock.target_duration,
            warn_duration=clock.warn_duration,
            escalation_duration=clock.escalation_duration,
        )


@dataclass(frozen=True)
class Plan:
    spec: PlanSpec
    due_at: datetime
    warn_at: datetime
    escalate_at: datetime | None
    paused_total: timedelta


def _clip(pauses: Iterable[Span], started_at: datetime) -> list[Span]:
    """Closed pauses that overlap the clock's life, cut to start at its start, in order."""
    return sorted((max(start, started_at), end) for start, end in pauses if end > started_at)


def working_time_reached(
    calendar: WorkingCalendar, started_at: datetime, duration: timedelta, pauses: Sequence[Span]
) -> datetime:
    """When `duration` of working time has elapsed since `started_at`, not counting pauses."""
    cursor, remaining = started_at, duration
    for pause_start, pause_end in pauses:
        if pause_end <= cursor:
            continue
        available = calendar.between(cursor, max(pause_start, cursor))
        if remaining <= available:
            break
        remaining -= available
        cursor = pause_end
    return calendar.add(cursor, remaining)


def plan_clock(spec: PlanSpec, *, started_at: datetime, pauses: Iterable[Span]) -> Plan:
    calendar = working_calendar(spec.calendar)
    clipped = _clip(pauses, started_at)
    escalate_at = None
    if spec.escalation_duration is not None:
        escalate_at = working_time_reached(calendar, started_at, spec.escalation_duration, clipped)
    return Plan(
        spec=spec,
        due_at=working_time_reached(calendar, started_at, spec.target_duration, clipped),
        warn_at=working_time_reached(calendar, started_at, spec.warn_duration, clipped),
        escalate_at=escalate_at,
        paused_total=sum(
            (calendar.between(start, end) for start, end in clipped), start=timedelta(0)
        ),
    )


def apply_plan(clock: Clock, plan: Plan) -> None:
    spec = plan.spec
    clock.calendar = spec.calendar
    clock.target = spec.target
    clock.policy_name = spec.policy_name
    clock.target_duration = spec.target_duration
    clock.warn_duration = spec.warn_duration
    clock.escalation_duration = spec.escalation_duration
    clock.due_at = plan.due_at
    clock.warn_at = plan.warn_at
    clock.escalate_at = plan.escalate_at
    clock.paused_total = plan.paused_total
    clock.next_alert_at = next_alert_at(clock)


def next_alert_at(clock: Clock) -> datetime | None:
    """When the sweep next has work on the clock; None when it has none."""
    if clock.state == ClockState.RUNNING:
        warned = clock.warned_at is not None or clock.escalation_level >= EscalationLevel.ASSIGNEE
        if not warned and clock.warn_at < clock.due_at:
            return clock.warn_at
        return clock.due_at
    if (
        clock.state == ClockState.BREACHED
        and clock.met_at is None
        and clock.escalate_at is not None
        and clock.escalation_level < EscalationLevel.MANAGER
    ):
        return clock.escalate_at
    return None
