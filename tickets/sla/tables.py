"""The dashboard's figures as tables: the page shows each chart's table under it and the
CSV export writes the same table, so the two can never disagree.

A table is built from a selector's answer (tickets/sla/dashboard.py, response_times.py);
a cell keeps its Python value and its column says how it reads (on the page: localised and
rounded; in CSV: plain numbers, seconds for durations, ISO 8601 for times).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .dashboard import DIMENSION_LABELS


@dataclass(frozen=True)
class Column:
    label: object
    kind: str = "text"  # text, int, percent, duration, datetime, date

    @property
    def numeric(self) -> bool:
        return self.kind in {"int", "percent", "duration"}


@dataclass(frozen=True)
class Table:
    slug: str
    title: object
    columns: list[Column]
    rows: list[tuple] = field(default_factory=list)


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def clock_table(slug: str, title, clocks) -> Table:
    return Table(
        slug,
        title,
        [
            Column(_("Ticket")),
            Column(_("Subject")),
            Column(_("Target")),
            Column(_("Team")),
            Column(_("Assignee")),
            Column(_("Due"), "datetime"),
        ],
        [
            (
                clock.ticket.reference,
                clock.ticket.subject,
                clock.get_metric_display(),
                clock.ticket.team.name if clock.ticket.team else "",
                _person(clock.ticket.assignee),
                clock.due_at,
            )
            for clock in clocks
        ],
    )


def outcome_table(dimension: str, rows) -> Table:
    return Table(
        f"outcomes-{dimension}",
        DIMENSION_LABELS[dimension],
        [
            Column(DIMENSION_LABELS[dimension]),
            Column(_("Clocks"), "int"),
            Column(_("Met on time"), "int"),
            Column(_("Met on time %"), "percent"),
            Column(_("Breached"), "int"),
            Column(_("Breach rate"), "percent"),
        ],
        [
            (
                row.label,
                row.total,
                row.met_on_time,
                row.met_on_time_percent,
                row.breached,
                row.breach_rate_percent,
            )
            for row in rows
        ],
    )


def trend_table(step: str, points) -> Table:
    return Table(
        f"trend-{step}",
        _("Created, resolved and breached per day")
        if step == "day"
        else _("Created, resolved and breached per week"),
        [
            Column(_("Day") if step == "day" else _("Week of"), "date"),
            Column(_("Created"), "int"),
            Column(_("Resolved"), "int"),
            Column(_("Breaches"), "int"),
        ],
        [(p.start, p.created, p.resolved, p.breached) for p in points],
    )


def backlog_table(buckets) -> Table:
    return Table(
        "backlog-age",
        _("Open tickets by age"),
        [Column(_("Age")), Column(_("Open tickets"), "int")],
        [(bucket.label, bucket.count) for bucket in buckets],
    )


def response_times_table(times) -> Table:
    figures = [(_("First response"), times.first_response), (_("Resolution"), times.resolution)]
    return Table(
        "response-times",
        _("Time to first response and to resolution"),
        [
            Column(""),
            Column(_("Tickets"), "int"),
            Column(_("Average"), "duration"),
            Column(_("Median"), "duration"),
            Column(_("90th percentile"), "duration"),
            Column(_("95th percentile"), "duration"),
        ],
        [(str(label), f.count, f.average, f.p50, f.p90, f.p95) for label, f in figures],
    )


def distribution_table(times) -> Table:
    return Table(
        "distribution",
        _("Distribution of first response and resolution times"),
        [
            Column(_("Time taken")),
            Column(_("First response"), "int"),
            Column(_("Resolution"), "int"),
        ],
        [
            (first.label, first.count, resolution.count)
            for first, resolution in zip(
                times.first_response.buckets, times.resolution.buckets, strict=True
            )
        ],
    )


def pauses_table(rows) -> Table:
    return Table(
        "pauses",
        _("Pause time per agent"),
        [
            Column(_("Agent")),
            Column(_("Pauses"), "int"),
            Column(_("Paused time"), "duration"),
            Column(_("Ended by the customer"), "int"),
        ],
        [(row.name, row.pauses, row.paused_time, row.ended_by_customer) for row in rows],
    )


def csv_value(value, kind: str):
    """A cell as a spreadsheet reads it: numbers plain, durations in seconds, times ISO."""
    if value is None:
        return ""
    if kind == "percent":
        return f"{value:.1f}"
    if kind == "duration" and isinstance(value, timedelta):
        return round(value.total_seconds())
    if kind == "datetime" and isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if kind == "date" and isinstance(value, date):
        return value.isoformat()
    return str(value)


def csv_header(column: Column) -> str:
    if column.kind == "duration":
        return f"{column.label} (s)"
    return str(column.label)
