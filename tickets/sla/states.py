"""How an SLA clock stands for the person reading it: running, warning, breached, met or
paused — one rule, in Python for a clock and in SQL for the queue's rows, so the ticket
page, the queue and the dashboard never disagree (a warned clock is "warning" everywhere).
"""

from datetime import datetime

from django.db.models import Case, CharField, Q, TextChoices, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Clock, ClockState


class SlaState(TextChoices):
    RUNNING = "running", _("On time")
    WARNING = "warning", _("At risk")
    BREACHED = "breached", _("Breached")
    MET = "met", _("Met")
    PAUSED = "paused", _("Paused")


def clock_sla_state(clock: Clock, *, now: datetime | None = None) -> SlaState | None:
    """The clock's state as shown. A running clock past its due time is breached before the
    sweep records it; past its warning point (or warned by the sweep) it is at risk."""
    now = now or timezone.now()
    if clock.state == ClockState.RUNNING:
        if clock.due_at <= now:
            return SlaState.BREACHED
        if clock.warned_at is not None or clock.warn_at <= now:
            return SlaState.WARNING
        return SlaState.RUNNING
    if clock.state == ClockState.PAUSED:
        return SlaState.PAUSED
    if clock.state == ClockState.MET:
        return SlaState.MET
    if clock.state == ClockState.BREACHED:
        return SlaState.BREACHED
    return None


def clocks_breached_now(now: datetime) -> Q:
    """The rule of `clock_sla_state` for "breached" over clock rows, with the clocks still
    owed: running past the due time (the sweep records the breach within its interval,
    but the target is missed already) or recorded breached and not yet fulfilled."""
    return Q(state=ClockState.RUNNING, due_at__lte=now) | Q(
        state=ClockState.BREACHED, met_at__isnull=True
    )


def clocks_at_risk_now(now: datetime) -> Q:
    """The rule of `clock_sla_state` for "warning" over clock rows: running, not yet due,
    and warned by the sweep or past the warning point."""
    return Q(state=ClockState.RUNNING, due_at__gt=now) & (
        Q(warned_at__isnull=False) | Q(warn_at__lte=now)
    )


def sla_state_expression(*, due: str, warn: str, paused: Q | None = None) -> Case:
    """The same rule over a row's nearest owed due and warning times (annotated as `due` and
    `warn`): breached, warning, running; `paused` marks a row with nothing owed but a paused
    clock. "Now" is the application's clock, as the SLA services use, not the database's."""
    now = timezone.now()
    whens = [
        When(**{f"{due}__lte": now}, then=Value(SlaState.BREACHED)),
        When(**{f"{warn}__lte": now}, then=Value(SlaState.WARNING)),
        When(**{f"{due}__isnull": False}, then=Value(SlaState.RUNNING)),
    ]
    if paused is not None:
        whens.append(When(paused, then=Value(SlaState.PAUSED)))
    return Case(*whens, default=None, output_field=CharField())
