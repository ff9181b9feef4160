"""Template helpers for complaints: the stage panel on the ticket page and durations."""

from datetime import timedelta

from django import template
from django.utils.translation import gettext as _gettext

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
        parts.append(_gettext("%(count)d d") % {"count": days})
    if hours:
        parts.append(_gettext("%(count)d h") % {"count": hours})
    if minutes or not parts:
        parts.append(_gettext("%(count)d min") % {"count": minutes})
    return " ".join(parts)
