"""What the SLA engine writes to a ticket's audit trail: its actions, their labels and the
sentences the timeline reads them as ("Resolution clock breached; told Zhao Qiang")."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tickets.audit import register_action_labels
from tickets.timeline import EventReading, register_event_sentence


class SlaAction:
    WARNING = "sla.warning"
    BREACHED = "sla.breached"
    ESCALATED = "sla.escalated"
    REPLANNED = "sla.replanned"


register_action_labels(
    {
        SlaAction.WARNING: gettext_lazy("SLA warning"),
        SlaAction.BREACHED: gettext_lazy("SLA breached"),
        SlaAction.ESCALATED: gettext_lazy("SLA escalated to managers"),
        SlaAction.REPLANNED: gettext_lazy("SLA re-planned"),
    }
)


def _alert_words(reading: EventReading) -> dict[str, str]:
    """An alert stores the clock's cycle, due time, escalation and the logins told."""
    after = reading.event.after if isinstance(reading.event.after, dict) else {}
    return {
        "clock": reading.field,
        "due": reading.value(after.get("due_at"), "due_at"),
        "people": reading.people(after.get("notified") or []),
        "told": bool(after.get("notified")),
    }


def _warning(reading: EventReading) -> str:
    words = _alert_words(reading)
    if words["told"]:
        return _("%(clock)s clock at risk (due %(due)s); warned %(people)s") % words
    return _("%(clock)s clock at risk (due %(due)s)") % words


def _breached(reading: EventReading) -> str:
    words = _alert_words(reading)
    if words["told"]:
        return _("%(clock)s clock breached (due %(due)s); told %(people)s") % words
    return _("%(clock)s clock breached (due %(due)s)") % words


def _escalated(reading: EventReading) -> str:
    words = _alert_words(reading)
    if words["told"]:
        return _("%(clock)s clock escalated to managers; told %(people)s") % words
    return _("%(clock)s clock escalated to managers") % words


def _replanned(reading: EventReading) -> str:
    return _("%(clock)s clock re-planned: due %(after)s instead of %(before)s") % {
        "clock": reading.field,
        "before": reading.value(reading.event.before, "due_at"),
        "after": reading.value(reading.event.after, "due_at"),
    }


register_event_sentence(SlaAction.WARNING, _warning)
register_event_sentence(SlaAction.BREACHED, _breached)
register_event_sentence(SlaAction.ESCALATED, _escalated)
register_event_sentence(SlaAction.REPLANNED, _replanned)
