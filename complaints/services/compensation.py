"""Compensation: amounts and currencies checked, requested, approved or rejected within the
approver's limit, and the compensation the compensate stage records.
"""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from servicedesk.exceptions import (
    AuthorityError,
    ConflictError,
    StageError,
    ValidationError,
    require_choice,
)
from servicedesk.outbox.services import event_publish
from tickets.audit import record_event

from ..authority import approval_limit_of, require_authority
from ..models import (
    Compensation,
    CompensationKind,
    CompensationStatus,
    Complaint,
    Stage,
)
from .common import (
    MSG_ABOVE_LIMIT,
    MSG_AMOUNT_INVALID,
    MSG_AMOUNT_NEGATIVE,
    MSG_AMOUNT_ZERO,
    MSG_APPROVAL_PENDING,
    MSG_COMPENSATION_ALREADY_PENDING,
    MSG_COMPENSATION_AND_NONE,
    MSG_COMPENSATION_MISSING,
    MSG_COMPENSATION_STAGE,
    MSG_CURRENCY,
    MSG_GOODS_REQUIRED,
    MSG_NO_APPROVAL_RIGHT,
    MSG_NOT_PENDING,
    MSG_OWN_COMPENSATION,
    MSG_REASON_REQUIRED,
    ComplaintAction,
    _has_perm,
    _lock,
    _touch,
    _webhook_payload,
)


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
