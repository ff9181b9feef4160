"""Every state change a complaint can undergo: one function per use case.

Each function locks the complaint row (NOWAIT: a second mover is told at once that
someone else is moving it), checks the order, the actor's authority and the content,
writes the stage entry, records the audit event, lets the SLA engine react and queues
outgoing work — all in one transaction, so a refusal leaves nothing written.
"""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Customer
from servicedesk.exceptions import (
    AuthorityError,
    ConflictError,
    StageError,
    TransitionError,
    ValidationError,
    require_choice,
)
from servicedesk.outbox.services import event_publish
from staff.models import Team
from tickets import services as ticket_services
from tickets.audit import record_event
from tickets.models import Channel, Complexity, Kind, Priority, Status
from tickets.sla import hooks as sla

from .authority import approval_limit_of, require_authority
from .contacts import CONTACT_RECORDED, accepted_at, contact_time_clean, contact_write
from .models import (
    RECORDED_STAGES,
    STAGE_ORDER,
    Compensation,
    CompensationKind,
    CompensationStatus,
    Complaint,
    ComplaintCategory,
    ComplaintComplexity,
    ComplaintContact,
    ContactMethod,
    ReplyScript,
    ReplyStep,
    ScriptLanguage,
    Severity,
    Stage,
    StageEntry,
    is_stage_move_allowed,
    next_stage,
)
from .stages import stage_content_clean


class ComplaintAction:
    """Audit actions of complaints (labels registered in apps.py)."""

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


MSG_STAGE_ORDER = _(
    "A complaint at “%(before)s” can only move to “%(expected)s”, not to “%(after)s”."
)
MSG_COMPLAINT_CLOSED = _("The complaint is closed; a supervisor or above can reopen it.")
MSG_CONFLICT = _("Someone else changed this complaint at the same time; reload it and try again.")
MSG_APPROVAL_PENDING = _(
    "The compensation is waiting for approval; the stage cannot complete until it is decided."
)
MSG_COMPENSATION_MISSING = _(
    "Request a compensation and have it approved, or tick “No compensation agreed”."
)
MSG_COMPENSATION_AND_NONE = _(
    "A compensation is approved for this complaint; “No compensation agreed” cannot be ticked."
)
MSG_COMPENSATION_STAGE = _("Compensation is requested once negotiation is recorded.")
MSG_COMPENSATION_ALREADY_PENDING = _("A compensation for this complaint is already waiting.")
MSG_AMOUNT_INVALID = _("Enter the amount as a number, such as 150.00.")
MSG_AMOUNT_NEGATIVE = _("The amount cannot be negative.")
MSG_AMOUNT_ZERO = _("A money compensation needs an amount above zero.")
MSG_CURRENCY = _("“%(currency)s” is not a configured currency; use one of %(allowed)s.")
MSG_GOODS_REQUIRED = _("Say which goods or service the customer receives.")
MSG_NOT_PENDING = _("This compensation was already decided.")
MSG_OWN_COMPENSATION = _("You cannot approve or reject your own compensation request.")
MSG_NO_APPROVAL_RIGHT = _("Only supervisors and managers approve compensation.")
MSG_ABOVE_LIMIT = _(
    "%(amount)s %(currency)s is above your approval limit of %(limit)s %(currency)s."
)
MSG_REASON_REQUIRED = _("Give a reason.")
MSG_LOWER_SEVERITY = _("Only a supervisor or above may lower a complaint's severity.")
MSG_REOPEN_RIGHT = _("Only a supervisor or above may reopen a complaint.")
MSG_REOPEN_STAGE = _("Choose a stage already reached to redo from.")
MSG_REOPEN_PENDING = _("Decide the waiting compensation before reopening the complaint.")
MSG_REOPEN_TICKET_CLOSED = _("The ticket is closed for good; open a new complaint instead.")
MSG_RESOLVE_BEFORE_CLOSED = _(
    "This complaint is at “%(stage)s”; finish its steps (up to follow-up and close) first."
)

# The ticket services open a complaint's ticket only for this app (see apps.py).
COMPLAINTS_APP = "complaints"
# The ticket's queue priority mirrors the complaint's severity.
PRIORITY_FOR_SEVERITY = {
    Severity.URGENT: Priority.URGENT,
    Severity.IMPORTANT: Priority.HIGH,
    Severity.ROUTINE: Priority.NORMAL,
}
SEVERITY_RANK = {Severity.ROUTINE: 0, Severity.IMPORTANT: 1, Severity.URGENT: 2}


def _lock(complaint: Complaint, *, expected_version: int | None = None) -> Complaint:
    """Lock the complaint row without waiting: a concurrent mover gets ConflictError now."""
    try:
        locked = (
            Complaint.objects.select_for_update(nowait=True, of=("self",))
            .select_related("ticket", "ticket__customer", "category")
            .get(pk=complaint.pk)
        )
    except DatabaseError as error:
        # 55P03 lock_not_available: another transaction is moving this complaint right now.
        if getattr(error.__cause__, "pgcode", None) != "55P03":
            raise
        raise ConflictError(MSG_CONFLICT) from error
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(MSG_CONFLICT)
    return locked


def _touch(complaint: Complaint, *fields: str) -> None:
    complaint.version += 1
    complaint.save(update_fields=[*fields, "version", "updated_at"])


def _webhook_payload(complaint: Complaint) -> dict:
    return {
        "reference": complaint.ticket.reference,
        "ticket_id": complaint.ticket_id,
        "complaint_id": complaint.pk,
        "stage": complaint.stage,
        "severity": complaint.severity,
        "complexity": complaint.complexity,
        "version": complaint.version,
    }


def _has_perm(user, permission: str) -> bool:
    return user is not None and user.is_authenticated and user.has_perm(permission)


def parse_amount(value) -> Decimal:
    """A non-negative money amount with at most two decimals, or a ValidationError."""
    try:
        amount = Decimal(str(value).strip()) if value not in (None, "") else Decimal("0")
    except (InvalidOperation, ValueError):
        raise ValidationError(MSG_AMOUNT_INVALID, field="amount") from None
    # The bound first: quantizing 1e30 to cents exceeds Decimal's precision and raises.
    # Ten integer digits is what the column (12 digits, 2 decimals) holds.
    if not amount.is_finite() or abs(amount) >= Decimal("1e10"):
        raise ValidationError(MSG_AMOUNT_INVALID, field="amount")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(MSG_AMOUNT_INVALID, field="amount")
    if amount < 0:
        raise ValidationError(MSG_AMOUNT_NEGATIVE, field="amount")
    return amount


def check_currency(currency: str) -> str:
    allowed = list(settings.COMPENSATION_CURRENCIES)
    currency = (currency or "").strip().upper()
    if currency not in allowed:
        raise ValidationError(
            MSG_CURRENCY % {"currency": currency or "—", "allowed": ", ".join(allowed)},
            field="currency",
        )
    return currency


@transaction.atomic
def complaint_open(
    *,
    actor,
    subject: str,
    severity: str,
    category: ComplaintCategory,
    # None: an anonymous caller (the page offers "No customer recorded" too).
    customer: Customer | None = None,
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
    sla.on_complaint_received(ticket, at=complaint.opened_at)
    event_publish("complaint.opened", _webhook_payload(complaint), ticket=ticket)
    return complaint


def _compensation_for_stage(complaint: Complaint, actor, content: dict) -> Compensation:
    """The compensation the compensate stage records: approved, or "none agreed"."""
    current = list(
        Compensation.objects.filter(complaint=complaint, round=complaint.round).exclude(
            status=CompensationStatus.REJECTED
        )
    )
    if any(item.status == CompensationStatus.PENDING_APPROVAL for item in current):
        raise StageError(MSG_APPROVAL_PENDING, field="compensation")
    approved = [item for item in current if item.status == CompensationStatus.APPROVED]
    if approved and content["none_agreed"]:
        raise ValidationError(MSG_COMPENSATION_AND_NONE, field="none_agreed")
    if approved:
        return approved[0]
    if not content["none_agreed"]:
        raise ValidationError(MSG_COMPENSATION_MISSING, field="none_agreed")
    return Compensation.objects.create(
        complaint=complaint,
        round=complaint.round,
        status=CompensationStatus.NOT_REQUIRED,
        requested_by=actor,
    )


def _compensation_snapshot(compensation: Compensation) -> dict:
    return {
        # What the timeline shows; the other keys keep the facts for the record.
        "label": f"{compensation} · {compensation.get_status_display()}",
        "id": compensation.pk,
        "status": compensation.status,
        "kind": compensation.kind,
        "amount": str(compensation.amount),
        "currency": compensation.currency,
        "goods_or_service": compensation.goods_or_service,
    }


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
    sla.on_complaint_stage_entered(complaint.ticket, stage=to, at=entry.created_at)
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
        from .report import complaint_report_generate

        complaint_report_generate(complaint=complaint, actor=actor)
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


def _terms_changed(complaint: Complaint, *, severity_changed: bool) -> None:
    _touch(complaint, "severity", "complexity")
    # Severity chooses the response target, complexity the resolution: re-plan from the start.
    sla.on_terms_changed(complaint.ticket, at=timezone.now())
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
        _terms_changed(complaint, severity_changed=severity_changed)
    return complaint


@transaction.atomic
def complaint_request_compensation(
    *,
    complaint: Complaint,
    actor,
    kind: str,
    amount="0",
    currency: str = "",
    goods_or_service: str = "",
    reason: str = "",
    expected_version: int | None = None,
) -> Compensation:
    """Record the compensation agreed in negotiation; above the actor's limit it waits."""
    require_choice("kind", kind, CompensationKind)
    value = parse_amount(amount)
    if kind == CompensationKind.MONEY and value == 0:
        raise ValidationError(MSG_AMOUNT_ZERO, field="amount")
    if kind != CompensationKind.MONEY and not (goods_or_service or "").strip():
        raise ValidationError(MSG_GOODS_REQUIRED, field="goods_or_service")
    currency = check_currency(currency) if value > 0 or kind == CompensationKind.MONEY else ""
    complaint = _lock(complaint, expected_version=expected_version)
    if complaint.next_stage != Stage.COMPENSATE:
        raise StageError(MSG_COMPENSATION_STAGE)
    require_authority(actor, complaint.severity)
    if complaint.compensations.filter(status=CompensationStatus.PENDING_APPROVAL).exists():
        raise StageError(MSG_COMPENSATION_ALREADY_PENDING)
    within_limit = value == 0 or value <= approval_limit_of(actor, currency)
    now = timezone.now()
    compensation = Compensation.objects.create(
        complaint=complaint,
        round=complaint.round,
        kind=kind,
        amount=value,
        currency=currency,
        goods_or_service=(goods_or_service or "").strip()[:200],
        reason=(reason or "").strip(),
        requested_by=actor,
        status=(
            CompensationStatus.APPROVED if within_limit else CompensationStatus.PENDING_APPROVAL
        ),
        approved_within_own_limit=within_limit,
        decided_by=actor if within_limit else None,
        decided_at=now if within_limit else None,
    )
    _touch(complaint)
    record_event(
        complaint.ticket,
        actor,
        ComplaintAction.COMPENSATION_REQUESTED,
        field="compensation",
        after=_compensation_snapshot(compensation),
    )
    return compensation


def _decide(
    *, compensation: Compensation, actor, reason: str, status: str, action: str
) -> Compensation:
    complaint = _lock(compensation.complaint)
    compensation = Compensation.objects.select_for_update().get(pk=compensation.pk)
    if compensation.status != CompensationStatus.PENDING_APPROVAL:
        raise ConflictError(MSG_NOT_PENDING)
    if compensation.requested_by_id == actor.pk:
        raise AuthorityError(MSG_OWN_COMPENSATION)
    if not _has_perm(actor, "complaints.approve_compensation"):
        raise AuthorityError(MSG_NO_APPROVAL_RIGHT)
    limit = approval_limit_of(actor, compensation.currency)
    if compensation.amount > limit:
        raise AuthorityError(
            MSG_ABOVE_LIMIT
            % {"amount": compensation.amount, "currency": compensation.currency, "limit": limit}
        )
    compensation.status = status
    compensation.decided_by = actor
    compensation.decided_at = timezone.now()
    compensation.reason = (reason or "").strip() or compensation.reason
    compensation.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    _touch(complaint)
    record_event(
        complaint.ticket,
        actor,
        action,
        field="compensation",
        before=CompensationStatus.PENDING_APPROVAL,
        after={**_compensation_snapshot(compensation), "reason": reason},
    )
    event_publish(
        "complaint.compensation_decided",
        {**_webhook_payload(complaint), "compensation": _compensation_snapshot(compensation)},
        ticket=complaint.ticket,
    )
    return compensation


@transaction.atomic
def complaint_approve_compensation(
    *, compensation: Compensation, actor, reason: str = ""
) -> Compensation:
    """Approve a waiting compensation: not one's own, and within the approver's limit."""
    return _decide(
        compensation=compensation,
        actor=actor,
        reason=reason,
        status=CompensationStatus.APPROVED,
        action=ComplaintAction.COMPENSATION_APPROVED,
    )


@transaction.atomic
def complaint_reject_compensation(
    *, compensation: Compensation, actor, reason: str
) -> Compensation:
    """Reject a waiting compensation with a reason; negotiation can then agree another."""
    if not (reason or "").strip():
        raise ValidationError(MSG_REASON_REQUIRED, field="reason")
    return _decide(
        compensation=compensation,
        actor=actor,
        reason=reason,
        status=CompensationStatus.REJECTED,
        action=ComplaintAction.COMPENSATION_REJECTED,
    )


@transaction.atomic
def reply_script_save(*, actor, script: ReplyScript | None, fields: dict) -> ReplyScript:
    """Create or edit a reply script (managers keep the empathise → soothe → reframe set)."""
    if not _has_perm(actor, "complaints.change_replyscript"):
        raise AuthorityError()
    require_choice("step", fields.get("step"), ReplyStep)
    require_choice("language", fields.get("language"), ScriptLanguage)
    if not (fields.get("title") or "").strip():
        raise ValidationError(_("This field is required."), field="title")
    if not (fields.get("body") or "").strip():
        raise ValidationError(_("This field is required."), field="body")
    script = script or ReplyScript()
    for name in ("step", "language", "title", "body", "active", "position"):
        if name in fields:
            setattr(script, name, fields[name])
    script.updated_by = actor
    script.save()
    return script
