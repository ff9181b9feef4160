"""Template helpers of the SLA pages."""

from datetime import UTC, timedelta

from django import template
from django.utils import numberformat, timezone
from django.utils.formats import date_format, get_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timeuntil
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ..choices import Metric
from ..states import SlaState, clock_sla_state

register = template.Library()

METRIC_LABELS = dict(Metric.choices)


@register.filter
def duration(value: timedelta | None) -> str:
    """A duration as people read it: "2 d 3 h", "1 h 05 min", "45 s"; "—" for none."""
    if value is None:
        return "—"
    seconds = int(value.total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    days, seconds = divmod(seconds, 86400)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    if days:
        return sign + _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if hours:
        return sign + _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": minutes}
    if minutes:
        return sign + _("%(minutes)d min %(seconds)02d s") % {
            "minutes": minutes,
            "seconds": seconds,
        }
    return sign + _("%(seconds)d s") % {"seconds": seconds}


class _CellReader:
    """Reads a dashboard table's cells as people read them, in the page's language
    (numbers grouped and rounded, durations in words, times in the site's time zone).
    The language's number formats are looked up once (formats.number_format looks them up
    for every number; a table has hundreds)."""

    def __init__(self):
        language = get_language()
        self.decimal_separator = get_format("DECIMAL_SEPARATOR", language)
        self.grouping = get_format("NUMBER_GROUPING", language)
        self.thousand_separator = get_format("THOUSAND_SEPARATOR", language)

    def number(self, value, decimal_pos=None, force_grouping=False) -> str:
        return numberformat.format(
            value,
            self.decimal_separator,
            decimal_pos,
            self.grouping,
            self.thousand_separator,
            force_grouping=force_grouping,
            use_l10n=True,
        )

    def __call__(self, value, column) -> str:
        if value is None or value == "":
            return "—" if column.kind != "text" else ""
        if column.kind == "int":
            return self.number(value, force_grouping=True)
        if column.kind == "percent":
            return f"{self.number(value, 1)} %"
        if column.kind == "duration":
            return duration(value)
        if column.kind == "datetime":
            return date_format(timezone.localtime(value), "Y-m-d H:i")
        if column.kind == "date":
            return date_format(value, "Y-m-d")
        return str(value)


@register.simple_tag
def cell(value, column) -> str:
    """A dashboard table's cell as people read it (see _CellReader)."""
    return _CellReader()(value, column)


@register.simple_tag
def table_rows(table) -> SafeString:
    """A dashboard table's body rows, each cell read as `cell` reads it: the first as the
    row's header, numbers aligned. Built here in one pass rather than cell by cell in the
    template: the pause table alone has a row per agent, hundreds of cells on the page."""
    read = _CellReader()
    markup = [
        '<th scope="row">{}</th>'
        if position == 0
        else '<td class="numeric">{}</td>'
        if column.numeric
        else "<td>{}</td>"
        for position, column in enumerate(table.columns)
    ]
    rows = [
        "<tr>"
        + "".join(
            element.format(conditional_escape(read(value, column)))
            for element, value, column in zip(markup, row, table.columns, strict=True)
        )
        + "</tr>"
        for row in table.rows
    ]
    return mark_safe("\n    ".join(rows))  # noqa: S308 — every cell escaped above  # nosec B308 B703


@register.simple_tag
def sla_countdown(due_at, overdue_label: str, due_label: str) -> str:
    """A listed clock's due cell: a live countdown (sla/countdown.js ticks it; until then,
    and without script, Django's timeuntil) and the due time in the site's zone.

    A tag, not the date filters: the dashboard lists a hundred clocks and refreshes every
    few seconds, and two localised date filters a row cost more than the rest of the row.
    Both times are numeric (ISO 8601, then YYYY-MM-DD HH:MM), the same in every language.
    """
    return format_html(
        '<time role="timer" datetime="{due}" data-sla-due="{due}" data-overdue-label="{overdue}">'
        '{left}</time> <span class="muted">{label} {local}</span>',
        due=due_at.astimezone(UTC).isoformat(),
        overdue=overdue_label,
        left=timeuntil(due_at),
        label=due_label,
        local=timezone.localtime(due_at).strftime("%Y-%m-%d %H:%M"),
    )


@register.simple_tag
def sla_badge(state) -> str:
    """The one badge of an SLA state (an SlaState value) on every page; nothing for None.
    A simple tag, not an included template: the queue and the dashboard show one a row."""
    if not state:
        return ""
    state = SlaState(state)
    return format_html(
        '<span class="sla-badge sla-{}" data-sla-state="{}">{}</span>',
        state.value,
        state.value,
        state.label,
    )


@register.filter
def metric_label(metric: str) -> str:
    """A clock's metric as people read it: Clock.get_metric_display, without rebuilding
    and hashing the translated choices for every row of a list."""
    return METRIC_LABELS.get(metric, metric)


@register.filter
def clock_state(clock) -> str | None:
    """A clock's SlaState, decided by tickets.sla.states like the queue's rows."""
    return clock_sla_state(clock)
