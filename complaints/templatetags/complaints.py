"""Template helpers for complaints: the stage panel on the ticket page and durations."""

from datetime import timedelta

from django import template
from django.utils.translation import get_language, gettext

register = template.Library()


@register.filter
def duration_text(value) -> str:
    """A duration as "2 d 3 h 5 min" in the active language; "—" for nothing."""
    if not isinstance(value, timedelta):
        return "—"
    minutes = max(int(value.total_seconds() // 60), 0)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if days:
        parts.append(gettext("%(count)d d") % {"count": days})
    if hours:
        parts.append(gettext("%(count)d h") % {"count": hours})
    if minutes or not parts:
        parts.append(gettext("%(count)d min") % {"count": minutes})
    return " ".join(parts)


@register.filter
def minutes_text(value) -> str:
    """Minutes (a number, or None) as a duration text."""
    if value is None:
        return "—"
    return duration_text(timedelta(minutes=float(value)))


@register.filter
def percent(value) -> str:
    """A rate between 0 and 1 as "66.7 %"; "—" when there is none."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.1f} %".replace(".0 %", " %")


@register.filter
def points(value) -> str:
    """A change of a rate (0.125) as signed percentage points ("+12.5")."""
    if value is None or value == "":
        return "—"
    text = f"{float(value) * 100:+.1f}".replace(".0", "")
    return "0" if text in ("+0", "-0") else text


@register.filter
def signed(value) -> str:
    if value is None:
        return "—"
    return f"+{value}" if value > 0 else str(value)


@register.filter
def sub(value, amount):
    """value − amount, for SVG coordinates."""
    try:
        return value - amount
    except TypeError:
        return value


@register.filter
def display_name(named) -> str:
    """A complaint category in the page's language (the English name on English pages)."""
    return named.display_name(get_language()) if named is not None else "—"
