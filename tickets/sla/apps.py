from datetime import date

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

DASHBOARD_PERMISSION = "sla.view_sla_dashboard"


class SlaConfig(AppConfig):
    # A separate app label keeps the SLA engine's migrations apart from the tickets core.
    name = "tickets.sla"
    label = "sla"
    verbose_name = _("Service levels")

    def ready(self) -> None:
        from django.conf import settings
        from django.core.exceptions import ImproperlyConfigured

        from customers.signals import customer_tier_changed, customers_tier_changed
        from servicedesk.templatetags.desk import (
            register_event_field,
            register_nav_item,
            register_page_notice,
        )
        from staff.models import Role
        from staff.roles import grant_to_roles
        from tickets.models import Status

        # actions registers the SLA audit action labels.
        from . import actions, receivers, sqlite_triggers  # noqa: F401

        sqlite_triggers.connect(self)

        unknown = set(settings.SLA_PAUSING_STATUSES) - set(Status.values)
        if unknown:
            raise ImproperlyConfigured(
                f"SLA_PAUSING_STATUSES names unknown ticket statuses: {sorted(unknown)}"
            )
        try:
            month, day = (int(part) for part in settings.SLA_CALENDAR_WARNING_FROM.split("-"))
            date(2001, month, day)  # not a leap year: 02-29 would warn only every fourth year
        except ValueError:
            raise ImproperlyConfigured(
                "SLA_CALENDAR_WARNING_FROM must be a day of the year written MM-DD, "
                f"got {settings.SLA_CALENDAR_WARNING_FROM!r}"
            ) from None
        grant_to_roles(DASHBOARD_PERMISSION, [Role.SUPERVISOR, Role.MANAGER])
        customer_tier_changed.connect(
            receivers.customer_tier_changed, dispatch_uid="sla.customer_tier_changed"
        )
        customers_tier_changed.connect(
            receivers.customers_tier_changed, dispatch_uid="sla.customers_tier_changed"
        )
        register_nav_item("sla:dashboard", _("SLA"), permission=DASHBOARD_PERMISSION)
        from .official_data import calendar_notices

        register_page_notice(calendar_notices)
        # How the SLA's audit events read in the timeline: the field is the clock's metric,
        # an alert's value the clock's cycle, due time, escalation and who was told.
        from .models import EscalationLevel, Metric

        for metric in Metric:
            register_event_field(metric.value, label=metric.label)
        register_event_field("cycle", label=_("cycle"))
        register_event_field("due_at", label=_("due"))
        register_event_field("escalation_level", label=_("escalation"), choices=EscalationLevel)
        register_event_field("notified", label=_("notified"))
