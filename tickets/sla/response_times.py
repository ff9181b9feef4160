"""Time to first response and to resolution for the SLA dashboard: counts, averages,
percentiles and distributions, on PostgreSQL and on the embedded SQLite alike.
"""

import math
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
)
from django.utils.translation import gettext_lazy as _

from tickets.models import Ticket

from .dashboard import NO_FILTERS, Bucket, DashboardFilters, Period

# --- response and resolution times --------------------------------------------------------


class Percentile(Aggregate):
    """PostgreSQL's percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


class Percentiles(Aggregate):
    """PostgreSQL's percentile_cont(ARRAY[fractions]) WITHIN GROUP (ORDER BY expression):
    every fraction from one sort of the values (an aggregate per fraction sorts once each)."""

    function = "percentile_cont"
    template = "%(function)s(ARRAY%(fractions)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fractions, **extra):
        listed = [float(fraction) for fraction in fractions]
        super().__init__(
            expression,
            fractions=repr(listed),
            output_field=ArrayField(DurationField()),
            **extra,
        )


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

    PostgreSQL: one query (percentile_cont over an array of fractions: one sort per
    measure). Other databases: the same aggregate, then one ordered-offset query per
    percentile and measure (`percentile_by_offset`).
    """
    tickets = Ticket.objects.visible_to(user).filter(
        filters.tickets(), created_at__gte=period.start, created_at__lt=period.end
    )
    native = connection.vendor == "postgresql"
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
        if native:
            aggregates[f"{name}_percentiles"] = Percentiles(elapsed, PERCENTILES, filter=happened)
    figures = tickets.aggregate(**aggregates)
    measured = {}
    for name, column in _MEASURES.items():
        count = figures[f"{name}_count"]
        if native:
            values = figures[f"{name}_percentiles"] or [None] * len(PERCENTILES)
            percentiles = dict(zip(PERCENTILES, values, strict=True))
        else:
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
