"""The topics of domain events (ticket.created, sla.breached, …)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventTopic(models.TextChoices):
    """Every topic event_publish announces, and so every topic a webhook can subscribe to:
    one list, so a topic can't be sent without being subscribable or offered and never sent
    (tests/test_event_topics.py checks both)."""

    TICKET_CREATED = "ticket.created", _("Ticket created")
    TICKET_STATUS_CHANGED = "ticket.status_changed", _("Ticket status changed")
    SLA_WARNING = "sla.warning", _("SLA warning")
    SLA_BREACHED = "sla.breached", _("SLA breached")
    SLA_ESCALATED = "sla.escalated", _("SLA escalated")
    COMPLAINT_OPENED = "complaint.opened", _("Complaint opened")
    COMPLAINT_STAGE_CHANGED = "complaint.stage_changed", _("Complaint stage changed")
    COMPLAINT_SEVERITY_CHANGED = "complaint.severity_changed", _("Complaint severity changed")
    COMPLAINT_COMPENSATION_DECIDED = (
        "complaint.compensation_decided",
        _("Complaint compensation decided"),
    )
    SURVEY_ANSWERED = "survey.answered", _("Survey answered")
    # Service plans of requests (plans app) [S1 §2.2–2.4].
    PLAN_DRAFTED = "plan.drafted", _("Service plan drafted")
    PLAN_SUBMITTED = "plan.submitted", _("Service plan submitted")
    PLAN_REVIEW_ANSWERED = "plan.review_answered", _("Department gave its opinion on a plan")
    PLAN_CHANGES_REQUESTED = "plan.changes_requested", _("Plan returned for changes")
    PLAN_APPROVED = "plan.approved", _("Service plan approved")
    PLAN_TASK_UPDATED = "plan.task_updated", _("Plan task updated")
    PLAN_TASK_OVERDUE = "plan.task_overdue", _("Plan task overdue")
    PLAN_ACCEPTED = "plan.accepted", _("Plan result accepted")
    PLAN_NOT_ACCEPTED = "plan.not_accepted", _("Plan result not accepted")
