"""The plans app sits above tickets: it fills the ticket app's registries (status guard,
ticket panel, sweep step, action labels) and the ticket app never imports it."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Service plans")

    def ready(self) -> None:
        from servicedesk.templatetags.desk import register_nav_item, register_ticket_panel
        from staff.models import Role
        from staff.roles import grant_to_roles
        from tickets.audit import register_action_labels
        from tickets.services import register_status_guard
        from tickets.sla.sweep import register_sweep_step

        from .acceptance import plan_resolve_guard
        from .events import ACTION_LABELS
        from .execution import plan_tasks_escalate
        from .views import plan_panel_context

        register_action_labels(ACTION_LABELS)
        register_ticket_panel("plans/_plan_panel.html", plan_panel_context)
        # 验收 before closing: a ticket whose approved plan is not accepted stays open.
        register_status_guard(plan_resolve_guard)
        # Overdue plan tasks escalate with the SLA clocks, in the same beat-driven sweep.
        register_sweep_step("plan_tasks_escalated", lambda now: plan_tasks_escalate(now=now))
        register_nav_item(
            "plans:measures", _("Improvement measures"), permission="plans.view_improvementmeasure"
        )
        # Managers and supervisors track improvement measures to done [S1 §2.4].
        for permission in ("plans.view_improvementmeasure", "plans.change_improvementmeasure"):
            grant_to_roles(permission, (Role.SUPERVISOR, Role.MANAGER))
