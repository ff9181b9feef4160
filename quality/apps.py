from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "quality"
    verbose_name = _("Quality")

    def ready(self) -> None:
        from complaints.signals import complaint_closed
        from servicedesk.templatetags.desk import register_event_field
        from staff.models import Role
        from staff.roles import grant_to_roles
        from tickets.audit import register_action_labels
        from tickets.signals import ticket_resolved

        from .investigations import MANAGE_ALL_PERMISSION, InvestigationAction
        from .receivers import send_survey_for_closed_complaint, send_survey_for_resolved_ticket
        from .surveys import SurveyAction

        # Surveys follow the end of service; the lower apps only send their signals.
        ticket_resolved.connect(send_survey_for_resolved_ticket, dispatch_uid="quality.survey")
        complaint_closed.connect(
            send_survey_for_closed_complaint, dispatch_uid="quality.complaint_survey"
        )
        register_action_labels(
            {
                SurveyAction.SENT: _("sent the satisfaction survey"),
                SurveyAction.ANSWERED: _("customer answered the satisfaction survey"),
                InvestigationAction.OPENED: _("opened a low-satisfaction investigation"),
                InvestigationAction.CLOSED: _("closed the low-satisfaction investigation"),
            }
        )
        register_event_field("survey", label=_("satisfaction survey"))
        register_event_field("investigation", label=_("investigation"))
        for permission in ("quality.view_survey", "quality.view_investigation"):
            grant_to_roles(permission, (Role.SUPERVISOR, Role.MANAGER))
        grant_to_roles(MANAGE_ALL_PERMISSION, (Role.MANAGER,))
