"""The audit actions of complaints (their labels are registered in apps.py)."""

from .contacts import CONTACT_RECORDED


class ComplaintAction:
    OPENED = "complaint.opened"
    STAGE_CHANGED = "complaint.stage_changed"
    REOPENED = "complaint.reopened"
    SEVERITY_CHANGED = "complaint.severity_changed"
    COMPLEXITY_CHANGED = "complaint.complexity_changed"
    COMPENSATION_REQUESTED = "complaint.compensation_requested"
    COMPENSATION_APPROVED = "complaint.compensation_approved"
    COMPENSATION_REJECTED = "complaint.compensation_rejected"
    REPORT_GENERATED = "complaint.report_generated"
    CONTACT_RECORDED = CONTACT_RECORDED
