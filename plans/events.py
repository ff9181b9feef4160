"""What the plans app records in the ticket's timeline and publishes to webhooks."""

from django.utils.translation import gettext_lazy as _


class PlanAction:
    DRAFTED = "plan.drafted"
    SECTIONS_CHANGED = "plan.sections_changed"
    SUBMITTED = "plan.submitted"
    REVIEW_ANSWERED = "plan.review_answered"
    CHANGES_REQUESTED = "plan.changes_requested"
    APPROVED = "plan.approved"
    TASK_ADDED = "plan.task_added"
    TASK_UPDATED = "plan.task_updated"
    TASK_OVERDUE = "plan.task_overdue"
    DAILY_CHECK = "plan.daily_check"
    ACCEPTANCE_LINK_SENT = "plan.acceptance_link_sent"
    ACCEPTED = "plan.accepted"
    NOT_ACCEPTED = "plan.not_accepted"
    MEASURE_RECORDED = "plan.measure_recorded"
    MEASURE_DONE = "plan.measure_done"


ACTION_LABELS = {
    PlanAction.DRAFTED: _("drafted the service plan"),
    PlanAction.SECTIONS_CHANGED: _("edited the service plan"),
    PlanAction.SUBMITTED: _("submitted the service plan"),
    PlanAction.REVIEW_ANSWERED: _("gave a department's opinion on the plan"),
    PlanAction.CHANGES_REQUESTED: _("plan returned for changes (new version)"),
    PlanAction.APPROVED: _("service plan approved"),
    PlanAction.TASK_ADDED: _("added a plan task"),
    PlanAction.TASK_UPDATED: _("updated a plan task"),
    PlanAction.TASK_OVERDUE: _("plan task overdue, escalated"),
    PlanAction.DAILY_CHECK: _("recorded the daily progress check"),
    PlanAction.ACCEPTANCE_LINK_SENT: _("sent the acceptance link to the customer"),
    PlanAction.ACCEPTED: _("result accepted against the plan"),
    PlanAction.NOT_ACCEPTED: _("result not accepted, back to execution"),
    PlanAction.MEASURE_RECORDED: _("recorded an improvement measure"),
    PlanAction.MEASURE_DONE: _("completed an improvement measure"),
}
