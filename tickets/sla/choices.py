"""The SLA engine's choices: metrics, severities, units, clock states, escalation levels,
and the reasons a clock is planned or resumed."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Metric(models.TextChoices):
    """What a target measures. Each metric has its start and stop events in clocks.py."""

    FIRST_RESPONSE = "first_response", _("First response")
    NEXT_RESPONSE = "next_response", _("Next response")
    RESOLUTION = "resolution", _("Resolution")
    CHAT_CLASSIFICATION = "chat_classification", _("Chat problem classification")
    SERVICE_PLAN = "service_plan", _("Service plan")
    DEPARTMENT_REVIEW = "department_review", _("Department review")
    FEEDBACK_REPLY = "feedback_reply", _("Feedback reply")
    COMPLAINT_FIRST_CONTACT = "complaint_first_contact", _("Complaint first contact")
    COMPLAINT_RESPONSE = "complaint_response", _("Complaint response")
    # Follow-up work after the ticket: a low satisfaction score is investigated [S1 §2.4].
    SATISFACTION_INVESTIGATION = "satisfaction_investigation", _("Low-satisfaction investigation")


class Severity(models.TextChoices):
    # The complaint severities [S0 §03]; the complaints app owns the complaint record.
    URGENT = "urgent", _("Urgent")
    IMPORTANT = "important", _("Important")
    ROUTINE = "routine", _("Routine")


class DurationUnit(models.TextChoices):
    # Seconds serve short targets such as the end-to-end test's; people use the others.
    SECONDS = "seconds", _("seconds")
    MINUTES = "minutes", _("minutes")
    HOURS = "hours", _("hours")
    # The length of an ordinary working day of the target's calendar (8 h by default).
    BUSINESS_DAYS = "business_days", _("business days")


class ClockState(models.TextChoices):
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    MET = "met", _("Met")
    BREACHED = "breached", _("Breached")
    # The ticket no longer has a target for this metric (terms changed) or was closed.
    CANCELLED = "cancelled", _("No longer applies")


class EscalationLevel(models.IntegerChoices):
    NONE = 0, _("None")
    ASSIGNEE = 1, _("Assignee warned")
    SUPERVISOR = 2, _("Team supervisor")
    MANAGER = 3, _("Manager")


class PlanReason(models.TextChoices):
    STARTED = "started", _("Started")
    RESUMED = "resumed", _("Resumed after a pause")
    TERMS_CHANGED = "terms_changed", _("Ticket terms changed")
    CALENDAR_CHANGED = "calendar_changed", _("Calendar changed")
    POLICY_CHANGED = "policy_changed", _("Policy changed")
    NO_TARGET = "no_target", _("No target applies any more")


class ResumeReason(models.TextChoices):
    STATUS = "status", _("Status changed")
    CUSTOMER_MESSAGE = "customer_message", _("Customer wrote")
    RESOLVED = "resolved", _("Resolved or closed")
