"""A complaint's terms: severity and complexity, whose change re-plans the ticket's SLA."""

from django.db import transaction
from django.utils import timezone

from servicedesk.exceptions import (
    AuthorityError,
    StageError,
    require_choice,
)
from servicedesk.outbox.services import event_publish
from tickets import services as ticket_services
from tickets.audit import record_event
from tickets.models import Complexity
from tickets.sla import services as sla

from ..authority import require_authority
from ..models import (
    Complaint,
    ComplaintComplexity,
    Severity,
)
from .common import (
    MSG_COMPLAINT_CLOSED,
    MSG_LOWER_SEVERITY,
    PRIORITY_FOR_SEVERITY,
    SEVERITY_RANK,
    ComplaintAction,
    _has_perm,
    _lock,
    _touch,
    _webhook_payload,
)


def _severity_apply(complaint: Complaint, actor, severity: str) -> bool:
    """Change the locked complaint's severity (checked first); False if it already was."""
    require_choice("severity", severity, Severity)
    before = complaint.severity
    if before == severity:
        return False
    if complaint.is_closed:
        raise StageError(MSG_COMPLAINT_CLOSED, field="severity")
    lowering = SEVERITY_RANK[severity] < SEVERITY_RANK[before]
    if lowering and not _has_perm(actor, "complaints.lower_complaint_severity"):
        raise AuthorityError(MSG_LOWER_SEVERITY, field="severity")
    complaint.severity = severity
    record_event(
        complaint.ticket,
        actor,
        ComplaintAction.SEVERITY_CHANGED,
        field="severity",
        before=before,
        after=severity,
    )
    ticket_services.ticket_change_priority(
        ticket=complaint.ticket, actor=actor, priority=PRIORITY_FOR_SEVERITY[severity]
    )
    return True


def _complexity_apply(complaint: Complaint, actor, complexity: str) -> bool:
    """Change the locked complaint's complexity: needs the authority of its (new) severity."""
    require_choice("complexity", complexity, ComplaintComplexity)
    before = complaint.complexity
    if before == complexity:
        return False
    if complaint.is_closed:
        raise StageError(MSG_COMPLAINT_CLOSED, field="complexity")
    require_authority(actor, complaint.severity)
    complaint.complexity = complexity
    record_event(
        complaint.ticket,
        actor,
        ComplaintAction.COMPLEXITY_CHANGED,
        field="complaint_complexity",
        before=before,
        after=complexity,
    )
    # The ticket's own complexity follows, so queues and reports agree with the complaint.
    ticket_services.ticket_update_details(
        ticket=complaint.ticket,
        actor=actor,
        changes={
            "complexity": Complexity.COMPLEX
            if complexity == ComplaintComplexity.COMPLEX
            else Complexity.SIMPLE
        },
    )
    return True


def _terms_changed(complaint: Complaint, actor, *, severity_changed: bool) -> None:
    _touch(complaint, "severity", "complexity")
    # Severity chooses the response target, complexity the resolution: re-plan from the start.
    sla.sla_replan(ticket=complaint.ticket, at=timezone.now(), actor=actor)
    if severity_changed:
        event_publish(
            "complaint.severity_changed", _webhook_payload(complaint), ticket=complaint.ticket
        )


@transaction.atomic
def complaint_change_terms(
    *,
    complaint: Complaint,
    actor,
    severity: str,
    complexity: str,
    expected_version: int | None = None,
) -> Complaint:
    """Set severity and complexity as one change: both are written or neither (the page's
    form and the API's severity endpoint). Anyone may raise the severity, only supervisors
    and above lower it; the complexity changes under the resulting severity's authority."""
    require_choice("severity", severity, Severity)
    require_choice("complexity", complexity, ComplaintComplexity)
    complaint = _lock(complaint, expected_version=expected_version)
    severity_changed = _severity_apply(complaint, actor, severity)
    complexity_changed = _complexity_apply(complaint, actor, complexity)
    if severity_changed or complexity_changed:
        _terms_changed(complaint, actor, severity_changed=severity_changed)
    return complaint
