"""Read queries of the SLA engine: a ticket's clocks, and the manager dashboard's widgets.

Each dashboard widget is one SQL query over stored columns (met_at, breached_at, due_at
written by the engine); nothing loops over tickets in Python to compute SLA.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    Count,
    DateTimeField,
    DurationField,
    F,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Tier
from tickets.models import Channel, Priority, Ticket

from .models import Clock, ClockState, PauseInterval, ResumeReason

# --- a ticket's clocks (ticket page and API) ----------------------------------------------

# The API's "sla" entries: exactly these Clock fields, in this order.
SLA_API_FIELDS = (
    "metric",
    "due_at",
    "warn_at",
    "state",
    "met_at",
    "breached_at",
    "escalation_level",
)

_STATE_ORDER = {
    ClockState.RUNNING: 0,
    ClockState.PAUSED: 1,
    ClockState.BREACHED: 2,
    ClockState.MET: 3,
}


def sla_clocks_queryset() -> QuerySet[Clock]:
    """Clocks worth showing: all but those that no longer apply, soonest due first."""
    return Clock.objects.exclude(state=ClockState.CANCELLED).order_by("due_at", "pk")


def sla_clocks_prefetch() -> Prefetch:
    """For lists and the API: `Ticket.objects.prefetch_related(sla_clocks_prefetch())`."""
    return Prefetch("sla_clocks", queryset=sla_clocks_queryset())


def ticket_clocks(ticket: Ticket) -> list[Clock]:
    """Every clock of the ticket, each separately: running ones first, then by due time."""
    clocks = sla_clocks_queryset().filter(ticket=ticket)
    if "sla_clocks" in getattr(ticket, "_prefetched_objects_cache", {}):
        clocks = [c for c in ticket.sla_clocks.all() if c.state != ClockState.CANCELLED]
    return sorted(clocks, key=lambda clock: (_STATE_ORDER.get(clock.state, 9), clock.due_at))


def clock_api_representation(clock: Clock) -> dict:
    return {name: getattr(clock, name) for name in SLA_API_FIELDS}


# --- the manager dashboard ----------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """[start, end) in aware datetimes."""

    start: datetime
    end: datetime


def _visible(user) -> Q:
    """Managers see every team; supervisors their own teams (ticket visibility rules)."""
    if user.is_superuser or user.has_perm("tickets.view_all_tickets"):
        return Q()
    return Q(ticket__in=Ticket.objects.visible_to(user).values("pk"))


@dataclass(frozen=True)
class OutcomeRow:
    key: str | None
    label: str
    total: int
    met_on_time: int
    breached: int

    @property
    def met_on_time_percent(self) -> float:
        return 100.0 * self.met_on_time / self.total if self.total else 0.0

    @property
    def breach_rate_percent(self) -> float:
        return 100.0 * self.breached / self.total if self.total else 0.0


DIMENSIONS = {
    "team": ("ticket__team__name", None),
    "priority": ("ticket__priority", Priority),
    "tier": ("ticket__customer__tier", Tier),
    "channel": ("ticket__channel", Channel),
}
DIMENSION_LABELS = {
    "team": _("Team"),
    "priority": _("Priority"),
    "tier": _("Customer tier"),
    "channel": _("Channel"),
}


def sla_outcomes_by(dimension: str, *, period: Period, user) -> list[OutcomeRow]:
    """Clocks started in the period, by dimension: met on time and breached, as counts.

    A clock met after its due time is breached (the engine records it so), so the two
    rates never overlap; the rest are still running or paused.
    """
    path, choices = DIMENSIONS[dimension]
    rows = (
        Clock.objects.filter(
            _visible(user), started_at__gte=period.start, started_at__lt=period.end
        )
        .exclude(state=ClockState.CANCELLED)
        .values(key=F(path))
        .annotate(
            total=Count("pk"),
            met_on_time=Count("pk", filter=Q(state=ClockState.MET)),
            breached=Count("pk", filter=Q(state=ClockState.BREACHED)),
        )
        .order_by("key")
    )
    result = []
    for row in rows:
        key = row["key"]
        if key is None:
            label = _("No team") if dimension == "team" else _("None")
        elif choices is not None and key in choices.values:
            label = choices(key).label
        else:
            label = key
        result.append(
            OutcomeRow(key, str(label), row["total"], row["met_on_time"], row["breached"])
        )
    return result


def tickets_at_risk(*, user, limit: int = 50) -> list[Clock]:
    """Running clocks that have warned and not breached yet, soonest due first."""
    return list(
        Clock.objects.filter(_visible(user), state=ClockState.RUNNING, warned_at__isnull=False)
        .select_related("ticket__team", "ticket__assignee", "ticket__customer")
        .order_by("due_at", "pk")[:limit]
    )


class Percentile(Aggregate):
    """PostgreSQL's percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


@dataclass(frozen=True)
class ResponseTimes:
    first_response_count: int
    first_response_average: timedelta | None
    first_response_p90: timedelta | None
    resolution_count: int
    resolution_average: timedelta | None
    resolution_p90: timedelta | None
    # SQLite (the embedded `make run`) has no ordered-set aggregates: no percentile there.
    percentiles_available: bool


def response_times(*, period: Period, user) -> ResponseTimes:
    """Average and 90th percentile of time to first response and to resolution (calendar
    time), over tickets created in the period, in one query."""
    visible = (
        Q()
        if user.has_perm("tickets.view_all_tickets") or user.is_superuser
        else Q(pk__in=Ticket.objects.visible_to(user).values("pk"))
    )
    first_response = F("first_response_at") - F("created_at")
    resolution = F("resolved_at") - F("created_at")
    answered = Q(first_response_at__isnull=False)
    resolved = Q(resolved_at__isnull=False)
    aggregates = {
        "first_response_count": Count("pk", filter=answered),
        "first_response_average": Avg(
            first_response, filter=answered, output_field=DurationField()
        ),
        "resolution_count": Count("pk", filter=resolved),
        "resolution_average": Avg(resolution, filter=resolved, output_field=DurationField()),
    }
    percentiles = connection.vendor == "postgresql"
    if percentiles:
        aggregates["first_response_p90"] = Percentile(
            first_response, 0.9, filter=answered, output_field=DurationField()
        )
        aggregates["resolution_p90"] = Percentile(
            resolution, 0.9, filter=resolved, output_field=DurationField()
        )
    figures = Ticket.objects.filter(
        visible, created_at__gte=period.start, created_at__lt=period.end
    ).aggregate(**aggregates)
    return ResponseTimes(
        first_response_count=figures["first_response_count"],
        first_response_average=figures["first_response_average"],
        first_response_p90=figures.get("first_response_p90"),
        resolution_count=figures["resolution_count"],
        resolution_average=figures["resolution_average"],
        resolution_p90=figures.get("resolution_p90"),
        percentiles_available=percentiles,
    )


@dataclass(frozen=True)
class AgentPauses:
    user_id: int | None
    name: str
    pauses: int
    paused_time: timedelta
    ended_by_customer: int


def pause_time_by_agent(*, period: Period, user) -> list[AgentPauses]:
    """Who put tickets on hold, how often and for how long (calendar time; a pause still
    open counts until now), and how many of those pauses the customer's message ended.

    Many short pauses ended by the customer are the signature of pause gaming.
    """
    now = timezone.now()
    rows = (
        PauseInterval.objects.filter(
            _visible(user), paused_at__gte=period.start, paused_at__lt=period.end
        )
        .values("paused_by_id", "paused_by__username", "paused_by__staff_profile__display_name")
        .annotate(
            pauses=Count("pk"),
            paused_time=Sum(
                Coalesce("resumed_at", Value(now, output_field=DateTimeField())) - F("paused_at"),
                output_field=DurationField(),
            ),
            ended_by_customer=Count("pk", filter=Q(resume_reason=ResumeReason.CUSTOMER_MESSAGE)),
        )
        .order_by("-paused_time", "paused_by__username")
    )
    return [
        AgentPauses(
            user_id=row["paused_by_id"],
            name=row["paused_by__staff_profile__display_name"]
            or row["paused_by__username"]
            or str(_("System")),
            pauses=row["pauses"],
            paused_time=row["paused_time"] or timedelta(0),
            ended_by_customer=row["ended_by_customer"],
        )
        for row in rows
    ]


__all__ = [
    "SLA_API_FIELDS",
    "Period",
    "clock_api_representation",
    "pause_time_by_agent",
    "response_times",
    "sla_clocks_prefetch",
    "sla_outcomes_by",
    "ticket_clocks",
    "tickets_at_risk",
]
