"""What the SLA engine writes to a ticket's audit trail: its actions and their labels."""

from django.utils.translation import gettext_lazy as _

from tickets.audit import register_action_labels


class SlaAction:
    WARNING = "sla.warning"
    BREACHED = "sla.breached"
    ESCALATED = "sla.escalated"
    REPLANNED = "sla.replanned"


register_action_labels(
    {
        SlaAction.WARNING: _("SLA warning"),
        SlaAction.BREACHED: _("SLA breached"),
        SlaAction.ESCALATED: _("SLA escalated to managers"),
        SlaAction.REPLANNED: _("SLA re-planned"),
    }
)
