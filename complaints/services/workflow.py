"""The five-step complaint workflow: opening, advancing stage by stage, recorded contact,
closing and reopening, with the ticket's status kept in step.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from customers.models import Customer
from servicedesk.exceptions import (
    AuthorityError,
    StageError,
    TransitionError,
    ValidationError,
    require_choice,
)
from servicedesk.outbox.services import event_publish
from staff.models import Team
from tickets import services as ticket_services
from tickets.audit import record_event
from tickets.models import Channel, Complexity, Kind, Status
from tickets.sla import services as sla

from ..authority import require_authority
from ..contacts import accepted_at, contact_time_clean, contact_write
from ..models import (
    RECORDED_STAGES,
    STAGE_ORDER,
    CompensationStatus,
    Complaint,
    ComplaintCategory,
    ComplaintComplexity,
    ComplaintContact,
    ContactMethod,
    Severity,
    Stage,
    StageEntry,
    is_stage_move_allowed,
    next_stage,
)
from ..signals import complaint_closed
from ..stages import stage_content_clean
from .common import (
    COMPLAINTS_APP,
    MSG_COMPLAINT_CLOSED,
    MSG_REASON_REQUIRED,
    MSG_REOPEN_PENDING,
    MSG_REOPEN_RIGHT,
    MSG_REOPEN_STAGE,
    MSG_REOPEN_TICKET_CLOSED,
    MSG_RESOLVE_BEFORE_CLOSED,
    MSG_STAGE_ORDER,
    PRIORITY_FOR_SEVERITY,
    ComplaintAction,
    _has_perm,
    _lock,
    _touch,
    _webhook_payload,
)
from .compensation import _compensation_for_stage, _compensation_snapshot
from .reports import complaint_report_generate


@transaction.atomic
def complaint_open(
    *,
    actor,
    subject: str,
    severity: str,
    category: ComplaintCategory,
    # None: an anonymous caller (the page offers "No customer recorded" too).
    customer: Customer | None = None,
    # customer_create's fields: a first-time complainant registered in the same transaction.
    new_customer: dict | None = None,
    source: str = Channel.COMPLAINT_HOTLINE,
    complexity: str = ComplaintComplexity.GENERAL,
    description: str = "",
    product: str = "",
    customer_demand: str = "",
    team: Team | None = None,
    assignee=None,
) -> Complaint:
    """Open a complaint ticket with its complaint record; starts the complaint's SLA clocks."""
    require_choice("severity", severity, Severity)
    require_choice("complexity", complexity, ComplaintComplexity)
    require_choice("source", source, Channel)
    if category is None:
        raise ValidationError(_("This field is required."), field="category")
    ticket = ticket_services.ticket_create(
        actor=actor,
        subject=subject,
        channel=source,
        kind=Kind.COMPLAINT,
        priority=PRIORITY_FOR_SEVERITY[severity],
        complexity=(
            Complexity.COMPLEX if complexity == ComplaintComplexity.COMPLEX else Complexity.SIMPLE
        ),
        description=description,
        customer=customer,
        new_customer=new_customer,
        team=team,
        assignee=assignee,
        product=product,
        customer_demand=customer_demand,
        opened_by=COMPLAINTS_APP,
    )
    complaint = Complaint.objects.create(
        ticket=ticket,
        severity=severity,
        complexity=complexity,
        category=category,
        source=source,
        product=product,
        customer_demand=customer_demand,
        opened_at=ticket.created_at,
    )
    record_event(
        ticket,
        actor,
        ComplaintAction.OPENED,
        after={
            "severity": severity,
            "complexity": complexity,
            "category": category.name,
            "source": source,
        },
    )
    # Receipt starts first contact (1 h) and the severity's response clock [S1 §5.3, S0 §03].
    sla.sla_complaint_received(ticket=ticket, at=complaint.opened_at, actor=actor)
    event_publish("complaint.opened", _webhook_payload(complaint), ticket=ticket)
    return complaint


def complaint_ticket_status_guard(ticket, before: str, to: str) -> None:
    """Registered with the ticket services: a complaint's ticket is resolved by closing the
    complaint (which writes the report), never around the five-step workflow."""
    if to not in (Status.RESOLVED, Status.CLOSED) or before == Status.RESOLVED:
        return
    complaint = Complaint.objects.filter(ticket=ticket).only("stage").first()
    if complaint is not None and complaint.stage != Stage.CLOSED:
        raise TransitionError(
            MSG_RESOLVE_BEFORE_CLOSED % {"stage": Stage(complaint.stage).label}, field="status"
        )


def _follow_ticket_status(complaint: Complaint, actor, stage: str) -> None:
    """Keep the ticket's status in step: accepted → open, closed → resolved."""
    ticket = complaint.ticket
    ticket.refresh_from_db(fields=["status", "version"])
    if stage == Stage.ACCEPT and ticket.status == Status.NEW:
        ticket_services.ticket_change_status(ticket=ticket, actor=actor, to=Status.OPEN)
    elif stage == Stage.CLOSED and ticket.status not in (Status.RESOLVED, Status.CLOSED):
        ticket_services.ticket_change_status(ticket=ticket, actor=actor, to=Status.RESOLVED)


@transaction.atomic
def complaint_advance(
    *,
    complaint: Complaint,
    actor,
    to: str,
    content: dict | None = None,
    expected_version: int | None = None,
) -> StageEntry:
    """Record the next stage; raises StageError, AuthorityError, ValidationError, ConflictError.

    Closing (to="closed") also writes the handling report and sends it to the customer.
    """
    require_choice("to", to, Stage)
    complaint = _lock(complaint, expected_version=expected_version)
    before = complaint.stage
    if before == Stage.CLOSED:
        raise StageError(MSG_COMPLAINT_CLOSED, field="to")
    if not is_stage_move_allowed(before, to):
        raise StageError(
            MSG_STAGE_ORDER
            % {
                "before": Stage(before).label,
                "expected": Stage(next_stage(before)).label,
                "after": Stage(to).label,
            },
            field="to",
        )
    require_authority(actor, complaint.severity)
    cleaned = stage_content_clean(to, content)
    if to == Stage.ACCEPT:
        # Acceptance is made in contact with the customer: that contact is recorded as
        # evidence, and it is checked before anything is written.
        contacted_at = contact_time_clean(complaint, cleaned["contacted_at"])
    entry = StageEntry(complaint=complaint, round=complaint.round, stage=to, actor=actor)
    if to == Stage.INVESTIGATE:
        entry.root_cause = cleaned["root_cause"]
    elif to == Stage.FOLLOW_UP:
        entry.customer_satisfied = cleaned["customer_satisfied"]
    elif to == Stage.COMPENSATE:
        entry.compensation = _compensation_for_stage(complaint, actor, cleaned)
        cleaned["compensation"] = _compensation_snapshot(entry.compensation)
    entry.content = cleaned
    entry.save()

    complaint.stage = to
    fields = ["stage"]
    if to == Stage.CLOSED:
        complaint.closed_at = entry.created_at
        fields.append("closed_at")
    _touch(complaint, *fields)
    record_event(
        complaint.ticket,
        actor,
        ComplaintAction.STAGE_CHANGED,
        field="stage",
        before=before,
        after=to,
    )
    # The SLA engine meets the clocks this stage fulfils (resolution at closed).
    sla.sla_complaint_stage_entered(
        ticket=complaint.ticket, stage=to, at=entry.created_at, actor=actor
    )
    if to == Stage.ACCEPT:
        # The acceptance reached the customer in this contact: first contact is met when
        # it happened, the response now (accepted and answered, requirements §7).
        contact_write(
            complaint=complaint,
            actor=actor,
            channel=cleaned["contact_channel"],
            contacted_at=contacted_at,
            note=cleaned["notes"],
            answered_at=entry.created_at,
        )
    _follow_ticket_status(complaint, actor, to)
    event_publish(
        "complaint.stage_changed",
        {**_webhook_payload(complaint), "previous_stage": before},
        ticket=complaint.ticket,
    )
    if to == Stage.CLOSED:
        complaint_report_generate(complaint=complaint, actor=actor)
        complaint_closed.send(
            sender=Complaint, complaint=complaint, actor=actor, at=entry.created_at
        )
    return entry


@transaction.atomic
def complaint_contact_record(
    *,
    complaint: Complaint,
    actor,
    channel: str,
    contacted_at,
    note: str = "",
    expected_version: int | None = None,
) -> ComplaintContact:
    """Record a contact with the customer that happened (a call, a visit, a message).

    It meets first contact at its time; after acceptance it is the answer that meets the
    response. Raises ValidationError for a time in the future or before receipt.
    """
    require_choice("channel", channel, ContactMethod)
    complaint = _lock(complaint, expected_version=expected_version)
    if complaint.is_closed:
        raise StageError(MSG_COMPLAINT_CLOSED, field="contacted_at")
    require_authority(actor, complaint.severity)
    contacted_at = contact_time_clean(complaint, contacted_at)
    since = accepted_at(complaint)
    contact = contact_write(
        complaint=complaint,
        actor=actor,
        channel=channel,
        contacted_at=contacted_at,
        note=note,
        # A contact before acceptance could not carry it: it is first contact only.
        answered_at=contacted_at if since is not None and contacted_at >= since else None,
    )
    _touch(complaint)
    return contact


def complaint_close(
    *, complaint: Complaint, actor, content: dict | None = None, expected_version=None
) -> StageEntry:
    """Close after follow-up: writes the handling report and sends it to the customer."""
    return complaint_advance(
        complaint=complaint,
        actor=actor,
        to=Stage.CLOSED,
        content=content,
        expected_version=expected_version,
    )


@transaction.atomic
def complaint_reopen(
    *,
    complaint: Complaint,
    actor,
    redo_from: str,
    reason: str,
    expected_version: int | None = None,
) -> Complaint:
    """Go back so that `redo_from` is recorded again: supervisors and above, audited."""
    if not _has_perm(actor, "complaints.reopen_complaint"):
        raise AuthorityError(MSG_REOPEN_RIGHT)
    if not (reason or "").strip():
        raise ValidationError(MSG_REASON_REQUIRED, field="reason")
    if redo_from not in RECORDED_STAGES or redo_from == Stage.CLOSED:
        raise ValidationError(MSG_REOPEN_STAGE, field="redo_from")
    complaint = _lock(complaint, expected_version=expected_version)
    before = complaint.stage
    if STAGE_ORDER.index(redo_from) > STAGE_ORDER.index(before):
        raise StageError(MSG_REOPEN_STAGE, field="redo_from")
    if complaint.compensations.filter(status=CompensationStatus.PENDING_APPROVAL).exists():
        raise StageError(MSG_REOPEN_PENDING)
    ticket = complaint.ticket
    if ticket.status == Status.CLOSED:
        raise StageError(MSG_REOPEN_TICKET_CLOSED)
    complaint.stage = STAGE_ORDER[STAGE_ORDER.index(redo_from) - 1]
    complaint.round += 1
    complaint.closed_at = None
    _touch(complaint, "stage", "round", "closed_at")
    record_event(
        ticket,
        actor,
        ComplaintAction.REOPENED,
        field="stage",
        before=before,
        after={"stage": complaint.stage, "redo_from": redo_from, "reason": reason.strip()},
    )
    if ticket.status == Status.RESOLVED:
        # The ticket reopens with it; the SLA engine resumes its resolution clock.
        ticket_services.ticket_change_status(ticket=ticket, actor=actor, to=Status.OPEN)
    event_publish(
        "complaint.stage_changed",
        {**_webhook_payload(complaint), "previous_stage": before, "reopened": True},
        ticket=ticket,
    )
    return complaint
