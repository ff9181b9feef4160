"""Read queries of the manager SLA dashboard, shared by the page, its CSV exports and the API.

Every figure is a fixed number of SQL queries over stored columns (met_at, breached_at,
warned_at, due_at written by the engine; created_at, first_response_at, resolved_at on the
ticket); nothing loops over tickets in Python. Percentiles work on PostgreSQL and on the
embedded SQLite alike (see `response_times.py`).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import (
    Count,
    DateField,
    DateTimeField,
    DurationField,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Trunc
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Tier
from staff.models import Team
from tickets.models import OPEN_STATUSES, Channel, Priority, Ticket

from .models import Clock, ClockState, PauseInterval, ResumeReason
from .states import clocks_at_risk_now, clocks_breached_now


@dataclass(frozen=True)
class Period:
    """[start, end) in aware datetimes."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class DashboardFilters:
    """Narrow every figure to one team, priority, customer tier and/or channel."""

    team_id: int | None = None
    priority: str = ""
    tier: str = ""
    channel: str = ""

    def tickets(self, prefix: str = "") -> Q:
        """The condition on tickets; `prefix` reaches them from another model ("ticket__")."""
        conditions = {
            "team_id": self.team_id,
            "priority": self.priority,
            "customer__tier": self.tier,
            "channel": self.channel,
        }
        return Q(**{prefix + name: value for name, value in conditions.items() if value})

    def clocks(self) -> Q:
        """The same condition on clocks, over the copies of their ticket's values they keep."""
        conditions = {
            "ticket_team_id": self.team_id,
            "ticket_priority": self.priority,
            "customer_tier": self.tier,
            "ticket_channel": self.channel,
        }
        return Q(**{name: value for name, value in conditions.items() if value})

    def as_query(self) -> dict[str, str]:
        """The filters as URL parameters (links to exports and the live partial keep them)."""
        values = {
            "team": self.team_id or "",
            "priority": self.priority,
            "tier": self.tier,
            "channel": self.channel,
        }
        return {name: str(value) for name, value in values.items() if value}


NO_FILTERS = DashboardFilters()


def _visible(user) -> Q:
    """Managers see every team; supervisors their own teams (ticket visibility rules)."""
    if user.is_superuser or user.has_perm("tickets.view_all_tickets"):
        return Q()
    return Q(ticket__in=Ticket.objects.visible_to(user).values("pk"))


def _visible_tickets(user) -> QuerySet[Ticket]:
    return Ticket.objects.visible_to(user)


# --- live: what needs a manager now ---------------------------------------------------------


@dataclass(frozen=True)
class LiveCounts:
    open: int
    at_risk: int
    breached: int


def breached_now(now) -> Q:
    """A target missed and still owed, on a ticket that is still open: breached and not yet
    fulfilled (a clock met late keeps state "breached" with its met_at), or still running
    past its due time before the sweep has recorded it (tickets.sla.states' one rule)."""
    return clocks_breached_now(now) & Q(ticket__status__in=OPEN_STATUSES)


def sla_live_counts(*, user, filters: DashboardFilters = NO_FILTERS) -> LiveCounts:
    """Unresolved tickets, those at risk now and those breached now, in one query over each
    ticket's stored SLA summary by the queue's rule (tickets.selectors): each count is the
    number of rows the queue's tab of that name lists. A breached ticket is not also
    counted at risk."""
    now = timezone.now()
    counts = (
        _visible_tickets(user)
        .open()
        .filter(filters.tickets())
        .aggregate(
            open=Count("*"),
            # Over the summary's own columns (ticket_open_next_due_idx holds them), not the id.
            at_risk=Count("next_due_at", filter=Q(next_warn_at__lte=now, next_due_at__gt=now)),
            breached=Count("next_due_at", filter=Q(next_due_at__lte=now)),
        )
    )
    return LiveCounts(**counts)


# What the lists show of a clock's ticket (not its customer: reading one decrypts it).
_LISTED = ("ticket__team", "ticket__assignee")


def _clock_list(user, filters: DashboardFilters, condition: Q, limit: int) -> list[Clock]:
    return list(
        Clock.objects.filter(_visible(user), filters.clocks(), condition)
        .select_related(*_LISTED)
        .order_by("due_at", "pk")[:limit]
    )


def tickets_at_risk(*, user, filters: DashboardFilters = NO_FILTERS, limit: int = 50):
    """Running clocks at risk (warned, or past the warning point) and not due yet, soonest
    due first."""
    return _clock_list(user, filters, clocks_at_risk_now(timezone.now()), limit)


def tickets_breached(*, user, filters: DashboardFilters = NO_FILTERS, limit: int = 50):
    """Clocks breached now (see breached_now) on open tickets, longest overdue first.

    Read through the `limit` tickets overdue longest, from the unresolved tickets' due-time
    index: a ticket's stored next_due_at is its earliest owed due time, so no clock of a
    ticket further down that list is due before theirs (ties at the edge aside). Reading
    the breached clocks themselves would walk those of every ticket long closed first.
    """
    now = timezone.now()
    overdue = (
        _visible_tickets(user)
        .open()
        .filter(filters.tickets(), next_due_at__lte=now)
        .order_by("next_due_at", "pk")
        .values("pk")[:limit]
    )
    return list(
        Clock.objects.filter(breached_now(now), ticket__in=overdue)
        .select_related(*_LISTED)
        .order_by("due_at", "pk")[:limit]
    )


# --- outcomes over a period ----------------------------------------------------------------


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


# Each dimension's path from a clock, over the copies of its ticket's values it keeps.
DIMENSIONS = {
    "team": ("ticket_team__name", None),
    "priority": ("ticket_priority", Priority),
    "tier": ("customer_tier", Tier),
    "channel": ("ticket_channel", Channel),
}
DIMENSION_LABELS = {
    "team": _("Team"),
    "priority": _("Priority"),
    "tier": _("Customer tier"),
    "channel": _("Channel"),
}


def _in_choice_order(dimension: str, rows: list[OutcomeRow]) -> list[OutcomeRow]:
    """Priorities urgent → low and tiers as declared, not in the codes' alphabetical order."""
    choices = DIMENSIONS[dimension][1]
    if choices is None:
        return rows
    position = {value: index for index, value in enumerate(choices.values)}
    return sorted(rows, key=lambda row: position.get(row.key, len(position)))


def _clocks_started_in(period: Period, user, filters: DashboardFilters) -> QuerySet[Clock]:
    return Clock.objects.filter(
        _visible(user),
        filters.clocks(),
        started_at__gte=period.start,
        started_at__lt=period.end,
    ).exclude(state=ClockState.CANCELLED)


# Counted over columns sla_clock_started_cover_idx holds (state is never NULL), not the
# id: the index then answers alone.
_OUTCOME_COUNTS = {
    "total": Count("*"),
    "met_on_time": Count("state", filter=Q(state=ClockState.MET)),
    "breached": Count("state", filter=Q(state=ClockState.BREACHED)),
}


def _outcome_row(dimension: str, key, total: int, met_on_time: int, breached: int) -> OutcomeRow:
    choices = DIMENSIONS[dimension][1]
    key = key or None  # a clock's blank copy: no team, or a ticket without a customer
    if key is None:
        label = _("No team") if dimension == "team" else _("None")
    elif choices is not None and key in choices.values:
        label = choices(key).label
    else:
        label = key
    return OutcomeRow(key, str(label), total, met_on_time, breached)


def _by_key(rows: list[OutcomeRow]) -> list[OutcomeRow]:
    """In the keys' order, no key last (as the database orders them)."""
    return sorted(rows, key=lambda row: (row.key is None, row.key or ""))


def sla_outcomes_by(
    dimension: str, *, period: Period, user, filters: DashboardFilters = NO_FILTERS
) -> list[OutcomeRow]:
    """Clocks started in the period, by dimension: met on time and breached, as counts.

    A clock met after its due time is breached (the engine records it so), so the two
    rates never overlap; the rest are still running or paused.
    """
    path = DIMENSIONS[dimension][0]
    rows = (
        _clocks_started_in(period, user, filters)
        .values(key=F(path))
        .annotate(**_OUTCOME_COUNTS)
        .order_by()
    )
    result = [
        _outcome_row(dimension, row["key"], row["total"], row["met_on_time"], row["breached"])
        for row in rows
    ]
    return _in_choice_order(dimension, _by_key(result))


def sla_outcomes(
    *, period: Period, user, filters: DashboardFilters = NO_FILTERS
) -> dict[str, list[OutcomeRow]]:
    """sla_outcomes_by for every dimension at once, in one statement: the period's clocks
    grouped by all four dimensions (a few thousand groups at most: teams × priorities ×
    tiers × channels), then summed per dimension by the database (a few dozen rows).

    Written out because the ORM has no GROUPING SETS nor a UNION over a common table
    expression; the grouped query (filters, visibility) is the ORM's own SQL, every value
    is a parameter and the dimension names are the keys of DIMENSIONS. UNION ALL over a
    CTE, not GROUPING SETS: the embedded SQLite runs it too.
    """
    # Grouped by the team's id, not its name: no join, and integers hash faster. The
    # names of the few teams found are read after (one small query).
    keys = {dimension: F(path) for dimension, (path, _choices) in DIMENSIONS.items()}
    keys["team"] = F("ticket_team_id")
    grouped = (
        _clocks_started_in(period, user, filters)
        .values(**keys)
        .annotate(**_OUTCOME_COUNTS)
        .order_by()
    )
    inner, params = grouped.query.sql_with_params()
    sums = " UNION ALL ".join(
        f"SELECT '{dimension}', CAST({dimension} AS varchar), "  # noqa: S608  # nosec B608
        "SUM(total), SUM(met_on_time), SUM(breached) "
        f"FROM grouped GROUP BY {dimension}"
        for dimension in DIMENSIONS
    )
    with connection.cursor() as cursor:
        cursor.execute(f"WITH grouped AS ({inner}) {sums}", params)
        rows = cursor.fetchall()
    team_ids = [int(key) for dimension, key, *_counts in rows if dimension == "team" and key]
    team_names = {
        str(pk): name for pk, name in Team.objects.filter(pk__in=team_ids).values_list("pk", "name")
    }
    by_dimension: dict[str, list[OutcomeRow]] = {dimension: [] for dimension in DIMENSIONS}
    for dimension, key, total, met_on_time, breached in rows:
        if dimension == "team":
            key = team_names.get(key)
        by_dimension[dimension].append(
            _outcome_row(dimension, key, int(total), int(met_on_time), int(breached))
        )
    return {
        dimension: _in_choice_order(dimension, _by_key(outcome_rows))
        for dimension, outcome_rows in by_dimension.items()
    }


# --- trends per day or week ----------------------------------------------------------------

STEPS = ("day", "week")


@dataclass(frozen=True)
class TrendPoint:
    start: date  # the day, or the Monday of the week, in the site's time zone
    created: int
    resolved: int
    breached: int


def _counts_per_bucket(queryset: QuerySet, column: str, step: str) -> dict[date, int]:
    bucket = Trunc(column, step, output_field=DateField(), tzinfo=timezone.get_current_timezone())
    # COUNT(*), not of a column: the created_at index alone can then answer (index-only).
    rows = queryset.annotate(bucket=bucket).values("bucket").annotate(n=Count("*")).order_by()
    return {row["bucket"]: row["n"] for row in rows}


def _bucket_starts(period: Period, step: str) -> list[date]:
    first = timezone.localtime(period.start).date()
    last = timezone.localtime(period.end - timedelta(microseconds=1)).date()
    if step == "week":
        first -= timedelta(days=first.weekday())
    stride = timedelta(days=7 if step == "week" else 1)
    starts = []
    while first <= last:
        starts.append(first)
        first += stride
    return starts


def sla_trend(
    *, period: Period, user, step: str = "day", filters: DashboardFilters = NO_FILTERS
) -> list[TrendPoint]:
    """Tickets created and resolved, and clocks breached, per day or week (3 queries)."""
    tickets = _visible_tickets(user).filter(filters.tickets())
    created = _counts_per_bucket(
        tickets.filter(created_at__gte=period.start, created_at__lt=period.end),
        "created_at",
        step,
    )
    resolved = _counts_per_bucket(
        tickets.filter(resolved_at__gte=period.start, resolved_at__lt=period.end),
        "resolved_at",
        step,
    )
    breached = _counts_per_bucket(
        Clock.objects.filter(
            _visible(user),
            filters.clocks(),
            breached_at__gte=period.start,
            breached_at__lt=period.end,
        ),
        "breached_at",
        step,
    )
    return [
        TrendPoint(start, created.get(start, 0), resolved.get(start, 0), breached.get(start, 0))
        for start in _bucket_starts(period, step)
    ]


# --- backlog age: how long the open tickets have waited ------------------------------------


@dataclass(frozen=True)
class Bucket:
    label: str
    count: int


# (label, upper bound of the age); the last bucket has none.
BACKLOG_AGES = (
    (_("under 1 day"), timedelta(days=1)),
    (_("1–3 days"), timedelta(days=3)),
    (_("3–7 days"), timedelta(days=7)),
    (_("1–4 weeks"), timedelta(days=28)),
    (_("over 4 weeks"), None),
)


def backlog_age(*, user, filters: DashboardFilters = NO_FILTERS) -> list[Bucket]:
    """Open tickets by age now, in one query."""
    now = timezone.now()
    aggregates = {}
    lower = None
    for index, (_label, upper) in enumerate(BACKLOG_AGES):
        condition = Q()
        if upper is not None:
            condition &= Q(created_at__gt=now - upper)
        if lower is not None:
            condition &= Q(created_at__lte=now - lower)
        aggregates[f"age_{index}"] = Count("pk", filter=condition)
        lower = upper
    counts = _visible_tickets(user).open().filter(filters.tickets()).aggregate(**aggregates)
    return [
        Bucket(str(label), counts[f"age_{index}"])
        for index, (label, _upper) in enumerate(BACKLOG_AGES)
    ]


# --- pause time per agent ------------------------------------------------------------------


@dataclass(frozen=True)
class AgentPauses:
    user_id: int | None
    name: str
    pauses: int
    paused_time: timedelta
    ended_by_customer: int


def pause_time_by_agent(
    *, period: Period, user, filters: DashboardFilters = NO_FILTERS
) -> list[AgentPauses]:
    """Who put tickets on hold, how often and for how long (calendar time; a pause still
    open counts until now), and how many of those pauses the customer's message ended.

    Many short pauses ended by the customer are the signature of pause gaming.
    """
    now = timezone.now()
    rows = (
        PauseInterval.objects.filter(
            _visible(user),
            filters.tickets("ticket__"),
            paused_at__gte=period.start,
            paused_at__lt=period.end,
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
