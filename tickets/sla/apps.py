from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    # A separate app label keeps the SLA engine's migrations apart from the tickets core.
    name = "tickets.sla"
    label = "sla"
    verbose_name = _("Service levels")
