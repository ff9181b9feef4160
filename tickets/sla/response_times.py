"""Time to first response and to resolution for the SLA dashboard: counts, averages,
percentiles and distributions, on PostgreSQL and on the embedded SQLite alike.
"""

import math
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import connection
from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
)
from django.utils.translation import gettext_lazy as _

from tickets.models import Ticket

from .dashboard import NO_FILTERS, Bucket, DashboardFilters, Period

# --- response and resolution times --------------------------------------------------------


PERCENTILES = (0.5, 0.9, 0.95)


def percentile_by_offset(
    queryset: QuerySet, expression, fraction: float, count: int
) -> timedelta | None:
    """percentile_cont computed with ordered-offset queries, for databases without it
    (SQLite): the two values around position fraction × (count − 1), interpolated.

    One query of at most two rows, read from an index-friendly ORDER BY … LIMIT 2 OFFSET k.
    """
    if not count:
        return None
    position = fraction * (count - 1)
    lower = math.floor(position)
    values = list(
        queryset.annotate(duration=expression)
        .order_by("duration")
        .values_list("duration", flat=True)[lower : lower + 2]
    )
    if len(values) == 1 or position == lower:
        return values[0]
    return values[0] + (values[1] - values[0]) * (position - lower)


# (label, upper bound) of the distribution of first response and resolution times.
TIME_BUCKETS = (
    (_("under 15 min"), timedelta(minutes=15)),
    (_("15 min – 1 h"), timedelta(hours=1)),
    (_("1–4 h"), timedelta(hours=4)),
    (_("4–24 h"), timedelta(days=1)),
    (_("1–3 days"), timedelta(days=3)),
    (_("over 3 days"), None),
)


@dataclass(frozen=True)
class DurationFigures:
    """Time from a ticket's creation to an event (first response or resolution)."""

    count: int
    average: timedelta | None
    percentiles: dict[float, timedelta | None]
    buckets: list[Bucket] = field(default_factory=list)

    @property
    def p50(self):
        return self.percentiles.get(0.5)

    @property
    def p90(self):
        return self.percentiles.get(0.9)

    @property
    def p95(self):
        return self.percentiles.get(0.95)


@dataclass(frozen=True)
class ResponseTimes:
    first_response: DurationFigures
    resolution: DurationFigures

    # The API's historical flat names.
    @property
    def first_response_count(self):
        return self.first_response.count

    @property
    def first_response_average(self):
        return self.first_response.average

    @property
    def first_response_p90(self):
        return self.first_response.p90

    @property
    def resolution_count(self):
        return self.resolution.count

    @property
    def resolution_average(self):
        return self.resolution.average

    @property
    def resolution_p90(self):
        return self.resolution.p90


_MEASURES = {
    # measure: the ticket's column of the event that ends it
    "first_response": "first_response_at",
    "resolution": "resolved_at",
}


def response_times(
    *, period: Period, user, filters: DashboardFilters = NO_FILTERS
) -> ResponseTimes:
    """Count, average, percentiles (50/90/95) and distribution of the time to first response
    and to resolution (calendar time), over tickets created in the period.

    PostgreSQL: one statement (`_measured_in_one_pass`). Other databases: one aggregate,
    then one ordered-offset query per percentile and measure (`percentile_by_offset`).
    """
    tickets = Ticket.objects.visible_to(user).filter(
        filters.tickets(), created_at__gte=period.start, created_at__lt=period.end
    )
    if connection.vendor == "postgresql":
        return _measured_in_one_pass(tickets)
    return _measured_portably(tickets)


class Seconds(Func):
    """PostgreSQL's date_part('epoch', duration): a duration in seconds, as a float."""

    template = "date_part('epoch', %(expressions)s)"
    output_field = FloatField()


def _measured_in_one_pass(tickets: QuerySet) -> ResponseTimes:
    """Every figure of both measures in one statement over the period's tickets.

    Each ticket's two durations are computed once, in seconds as floats, in a subquery the
    outer aggregate reads: averaging and sorting floats costs a fraction of doing it with
    intervals, and OFFSET 0 keeps PostgreSQL from inlining the subquery, which would
    compute each duration again for each of the twenty aggregates that read it. Written
    out because the ORM's aggregate() cannot ask for that fence; the subquery (filters,
    visibility) is the ORM's own SQL, and every value is a parameter.
    """
    durations = tickets.annotate(
        **{name: Seconds(F(column) - F("created_at")) for name, column in _MEASURES.items()}
    ).values(*_MEASURES)
    inner, inner_params = durations.query.sql_with_params()
    columns, params = [], []
    for name in _MEASURES:  # the measures' names are the subquery's column names
        columns += [f"COUNT({name})", f"AVG({name})"]
        lower = None
        for _label, upper in TIME_BUCKETS:
            bounds = []
            for bound, operator in ((lower, ">="), (upper, "<")):
                if bound is not None:
                    bounds.append(f"{name} {operator} %s")
                    params.append(bound.total_seconds())
            columns.append(f"COUNT({name}) FILTER (WHERE {' AND '.join(bounds)})")
            lower = upper
        columns.append(f"percentile_cont(%s::float8[]) WITHIN GROUP (ORDER BY {name})")
        params.append(list(PERCENTILES))
    sql = f"SELECT {', '.join(columns)} FROM ({inner} OFFSET 0) AS durations"  # noqa: S608  # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *inner_params])
        row = iter(cursor.fetchone())
    measured = {}
    for name in _MEASURES:
        count, average = next(row), _seconds(next(row))
        buckets = [Bucket(str(label), next(row)) for label, _upper in TIME_BUCKETS]
        values = next(row) or [None] * len(PERCENTILES)
        percentiles = {f: _seconds(v) for f, v in zip(PERCENTILES, values, strict=True)}
        measured[name] = DurationFigures(count, average, percentiles, buckets)
    return ResponseTimes(**measured)


def _seconds(value: float | None) -> timedelta | None:
    return None if value is None else timedelta(seconds=value)


def _measured_portably(tickets: QuerySet) -> ResponseTimes:
    aggregates = {}
    for name, column in _MEASURES.items():
        elapsed = F(column) - F("created_at")
        happened = Q(**{f"{column}__isnull": False})
        aggregates[f"{name}_count"] = Count("pk", filter=happened)
        aggregates[f"{name}_average"] = Avg(elapsed, filter=happened, output_field=DurationField())
        lower = None
        for index, (_label, upper) in enumerate(TIME_BUCKETS):
            condition = happened
            if upper is not None:
                condition &= Q(**{f"{column}__lt": F("created_at") + upper})
            if lower is not None:
                condition &= Q(**{f"{column}__gte": F("created_at") + lower})
            aggregates[f"{name}_bucket_{index}"] = Count("pk", filter=condition)
            lower = upper
    figures = tickets.aggregate(**aggregates)
    measured = {}
    for name, column in _MEASURES.items():
        count = figures[f"{name}_count"]
        happened_rows = tickets.filter(**{f"{column}__isnull": False})
        elapsed = ExpressionWrapper(F(column) - F("created_at"), output_field=DurationField())
        percentiles = {
            f: percentile_by_offset(happened_rows, elapsed, f, count) for f in PERCENTILES
        }
        measured[name] = DurationFigures(
            count=count,
            average=figures[f"{name}_average"],
            percentiles=percentiles,
            buckets=[
                Bucket(str(label), figures[f"{name}_bucket_{index}"])
                for index, (label, _upper) in enumerate(TIME_BUCKETS)
            ],
        )
    return ResponseTimes(**measured)
