from functools import partial

from django.apps import AppConfig
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self) -> None:
        from customers.profile import register_profile_section
        from servicedesk.demo_steps import register_demo_step
        from servicedesk.templatetags.desk import (
            register_event_field,
            register_nav_item,
            register_ticket_panel,
        )
        from staff.models import Role
        from staff.roles import grant_to_roles
        from tickets.audit import register_action_labels
        from tickets.extensions import (
            register_handling_guard,
            register_kind_owner,
            register_mail_opener,
            register_queue_view,
        )
        from tickets.models import Kind
        from tickets.services import register_status_guard
        from tickets.timeline import register_event_sentence

        from .authority import complaint_handling_guard
        from .demo import seed_complaints_step
        from .mailbox import complaint_open_from_mail
        from .models import ComplaintComplexity, Severity, Stage
        from .profile import customer_complaints, customer_complaints_json
        from .selectors import (
            compensation_event_text,
            complaint_severity_sentence,
            complaint_stage_sentence,
            contact_event_text,
        )
        from .services import COMPLAINTS_APP, ComplaintAction, complaint_ticket_status_guard
        from .views import complaint_panel_context

        register_ticket_panel("complaints/_stage_panel.html", complaint_panel_context)
        register_profile_section(
            "complaints",
            _("Complaints"),
            customer_complaints,
            "complaints/_profile_complaints.html",
            order=50,
            serialize=customer_complaints_json,
            empty=[],
        )
        register_status_guard(complaint_ticket_status_guard)
        register_handling_guard(complaint_handling_guard)
        # One way in: a complaint ticket is opened only by complaint_open.
        register_kind_owner(
            Kind.COMPLAINT,
            app_label=COMPLAINTS_APP,
            page_url_name="complaints:new",
            api_path="/api/v1/complaints/",
        )
        register_mail_opener(Kind.COMPLAINT, complaint_open_from_mail)
        register_demo_step(seed_complaints_step)
        # The agent queue's saved views of complaints, one per stage.
        for stage in Stage:
            register_queue_view(
                f"complaint_{stage.value}",
                stage.label,
                partial(Q, complaint__stage=stage.value),
                group=_("Complaints by stage"),
            )
        # How the complaint's audited fields read in the ticket timeline.
        register_event_field("stage", label=_("stage"), choices=Stage)
        register_event_field("redo_from", label=_("redo from"), choices=Stage)
        register_event_field("severity", label=_("severity"), choices=Severity)
        register_event_field(
            "complaint_complexity", label=_("complexity"), choices=ComplaintComplexity
        )
        register_event_field(
            "compensation", label=_("compensation"), display=compensation_event_text
        )
        register_event_field("report", label=_("handling report"))
        register_event_field("contact", label=_("customer contact"), display=contact_event_text)
        register_event_sentence(ComplaintAction.STAGE_CHANGED, complaint_stage_sentence)
        register_event_sentence(ComplaintAction.SEVERITY_CHANGED, complaint_severity_sentence)
        register_nav_item(
            "complaints:list", _("Complaints"), permission="complaints.view_complaint"
        )
        register_nav_item(
            "complaints:approvals", _("Approvals"), permission="complaints.approve_compensation"
        )
        register_nav_item(
            "complaints:monthly_latest",
            _("Monthly report"),
            permission="complaints.view_monthlycomplaintanalysis",
        )
        register_nav_item(
            "complaints:scripts",
            _("Reply scripts"),
            permission="complaints.view_replyscript",
            secondary=True,
        )

        register_action_labels(
            {
                ComplaintAction.OPENED: _("opened the complaint"),
                ComplaintAction.STAGE_CHANGED: _("recorded a complaint stage"),
                ComplaintAction.REOPENED: _("reopened the complaint"),
                ComplaintAction.SEVERITY_CHANGED: _("changed the complaint severity"),
                ComplaintAction.COMPLEXITY_CHANGED: _("changed the complaint complexity"),
                ComplaintAction.COMPENSATION_REQUESTED: _("requested a compensation"),
                ComplaintAction.COMPENSATION_APPROVED: _("approved a compensation"),
                ComplaintAction.COMPENSATION_REJECTED: _("rejected a compensation"),
                ComplaintAction.REPORT_GENERATED: _("wrote the complaint report"),
                ComplaintAction.CONTACT_RECORDED: _("recorded a contact with the customer"),
            }
        )
        everyone = (Role.AGENT, Role.SUPERVISOR, Role.MANAGER)
        for permission in (
            "complaints.view_complaint",
            "complaints.add_complaint",
            "complaints.change_complaint",
            "complaints.view_replyscript",
        ):
            grant_to_roles(permission, everyone)
        # Approve compensation, reopen, lower severity: supervisors and above [S0 §03].
        for permission in (
            "complaints.approve_compensation",
            "complaints.reopen_complaint",
            "complaints.lower_complaint_severity",
            "complaints.view_monthlycomplaintanalysis",
        ):
            grant_to_roles(permission, (Role.SUPERVISOR, Role.MANAGER))
        # Reply scripts are kept by managers.
        for permission in (
            "complaints.add_replyscript",
            "complaints.change_replyscript",
            "complaints.delete_replyscript",
        ):
            grant_to_roles(permission, (Role.MANAGER,))
