from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "quality"
    verbose_name = _("Quality")

    def ready(self) -> None:
        from complaints.signals import complaint_closed
        from customers.profile import register_profile_section
        from servicedesk.templatetags.desk import register_event_field, register_nav_item
        from staff.models import Role
        from staff.roles import grant_to_roles
        from tickets.audit import register_action_labels
        from tickets.signals import ticket_resolved
        from tickets.sla.models import Metric
        from tickets.sla.notifications import register_clock_owner
        from tickets.timeline import register_event_sentence, register_login_valued

        from .inspections import InspectionAction
        from .investigations import (
            MANAGE_ALL_PERMISSION,
            InvestigationAction,
            investigation_owners,
        )
        from .profile import customer_satisfaction, customer_satisfaction_json
        from .receivers import send_survey_for_closed_complaint, send_survey_for_resolved_ticket
        from .surveys import SurveyAction, survey_answered_sentence

        # Surveys follow the end of service; the lower apps only send their signals.
        ticket_resolved.connect(send_survey_for_resolved_ticket, dispatch_uid="quality.survey")
        complaint_closed.connect(
            send_survey_for_closed_complaint, dispatch_uid="quality.complaint_survey"
        )
        # Satisfaction history on the customer profile, for those who may read surveys.
        register_profile_section(
            "satisfaction",
            _("Satisfaction"),
            customer_satisfaction,
            "quality/_profile_satisfaction.html",
            order=60,
            serialize=customer_satisfaction_json,
            permission="quality.view_survey",
        )
        # The investigation clock's notices go to the investigating supervisor.
        register_clock_owner(Metric.SATISFACTION_INVESTIGATION, investigation_owners)
        register_action_labels(
            {
                SurveyAction.SENT: _("sent the satisfaction survey"),
                SurveyAction.ANSWERED: _("customer answered the satisfaction survey"),
                InvestigationAction.OPENED: _("opened a low-satisfaction investigation"),
                InvestigationAction.CLOSED: _("closed the low-satisfaction investigation"),
                InspectionAction.RECORDED: _("recorded a QA inspection"),
            }
        )
        # The investigation's event stores its supervisor's login; the timeline names them.
        register_login_valued(InvestigationAction.OPENED)
        register_event_sentence(SurveyAction.ANSWERED, survey_answered_sentence)
        register_event_field("survey", label=_("satisfaction survey"))
        register_event_field("investigation", label=_("investigation"))
        register_event_field("inspection", label=_("QA inspection"))
        register_nav_item("quality:my_scorecard", _("My scorecard"), permission=None)
        register_nav_item(
            "quality:scorecards", _("Scorecards"), permission="quality.view_team_scorecards"
        )
        register_nav_item(
            "quality:investigations",
            _("Investigations"),
            permission="quality.view_investigation",
            secondary=True,
        )
        register_nav_item(
            "quality:suggestions",
            _("Suggestions"),
            permission="quality.add_suggestion",
            secondary=True,
        )
        for permission in ("quality.view_survey", "quality.view_investigation"):
            grant_to_roles(permission, (Role.SUPERVISOR, Role.MANAGER))
        grant_to_roles(MANAGE_ALL_PERMISSION, (Role.MANAGER,))
        # Supervisors inspect their teams' tickets, managers every team's [S1 §4.2].
        for permission in (
            "quality.view_inspection",
            "quality.change_inspection",
            "quality.view_team_scorecards",
        ):
            grant_to_roles(permission, (Role.SUPERVISOR, Role.MANAGER))
        grant_to_roles("quality.add_suggestion", (Role.AGENT, Role.SUPERVISOR, Role.MANAGER))
        for permission in (
            "quality.inspect_any_team",
            "quality.publish_scorecard",
            "quality.review_suggestion",
        ):
            grant_to_roles(permission, (Role.MANAGER,))
