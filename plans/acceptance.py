"""Acceptance (验收): the result checked against the plan before the ticket is resolved
[S1 §2.3] — by the customer through a signed link, or recorded by the case owner with the
customer's confirmation. Not accepted sends the plan back to execution with the reason.

The link carries the plan and a nonce, signed with a timestamp (django.core.signing): a
changed link fails the signature, an old one its age, and a used one its spent nonce.
"""

import secrets

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from servicedesk.exceptions import (
    AuthorityError,
    ConflictError,
    TransitionError,
    ValidationError,
    require_choice,
)
from servicedesk.outbox.services import event_publish, outbox_enqueue_email
from tickets.audit import record_event
from tickets.models import Status, Ticket

from .events import PlanAction
from .models import (
    Acceptance,
    AcceptanceLink,
    AcceptanceOutcome,
    AcceptanceSource,
    PlanStatus,
    ServicePlan,
)

LINK_SALT = "plans.acceptance"
MSG_LINK_INVALID = _("This acceptance link is not valid.")
MSG_LINK_EXPIRED = _("This acceptance link has expired; ask us for a new one.")
MSG_LINK_USED = _("This acceptance link has already been used.")
MSG_ALREADY_ACCEPTED = _("The result has already been accepted.")
MSG_NOT_EXECUTED = _("Only an approved plan's result can be accepted.")
MSG_REASON_REQUIRED = _("Say why the result is not accepted.")
MSG_CONFIRMATION_REQUIRED = _("Record how the customer confirmed (call, visit, message…).")
MSG_ONLY_CASE_OWNER = _("Only the case owner records the customer's acceptance.")
MSG_NO_CUSTOMER_ADDRESS = _("The customer has no e-mail address to send the link to.")
MSG_RESOLVE_NEEDS_ACCEPTANCE = _(
    "This request has an approved service plan: its result must be accepted (验收) by the "
    "customer, or recorded by the case owner, before the ticket is resolved or closed."
)


def _lock(plan: ServicePlan) -> ServicePlan:
    ticket = Ticket.objects.select_for_update().get(pk=plan.ticket_id)
    locked = ServicePlan.objects.select_for_update().get(pk=plan.pk)
    locked.ticket = ticket
    return locked


def acceptance_token(link: AcceptanceLink) -> str:
    return signing.TimestampSigner(salt=LINK_SALT).sign(f"{link.plan_id}:{link.nonce}")


@transaction.atomic
def plan_acceptance_link_send(*, plan: ServicePlan, actor) -> AcceptanceLink:
    """Mail the customer a signed link to accept the result (or say why not)."""
    plan = _lock(plan)
    _require_open_for_acceptance(plan)
    customer = plan.ticket.customer
    address = getattr(customer, "email", "") if customer is not None else ""
    if not address:
        raise ValidationError(MSG_NO_CUSTOMER_ADDRESS, field="plan")
    link = AcceptanceLink.objects.create(plan=plan, nonce=secrets.token_urlsafe(24))
    url = getattr(settings, "SERVICEDESK_BASE_URL", "").rstrip("/") + reverse(
        "plans:accept", kwargs={"token": acceptance_token(link)}
    )
    with override(getattr(customer, "language", "") or settings.LANGUAGE_CODE):
        subject = str(_("[%(ref)s] Please check the result of your request")) % {
            "ref": plan.ticket.reference
        }
        body = str(_("Please tell us whether the result matches the agreed plan: %(url)s")) % {
            "url": url
        }
    outbox_enqueue_email(
        topic=PlanAction.ACCEPTANCE_LINK_SENT,
        to=address,
        subject=subject,
        body=body,
        ticket=plan.ticket,
    )
    record_event(plan.ticket, actor, PlanAction.ACCEPTANCE_LINK_SENT, field="plan")
    return link


def acceptance_link_read(token: str, *, for_update: bool = False) -> AcceptanceLink:
    """The link a token names; ValidationError if tampered, expired or already used."""
    max_age = settings.PLANS_ACCEPTANCE_LINK_MAX_AGE_DAYS * 86400
    try:
        value = signing.TimestampSigner(salt=LINK_SALT).unsign(token, max_age=max_age)
    except signing.SignatureExpired:
        raise ValidationError(MSG_LINK_EXPIRED, field="token") from None
    except signing.BadSignature:
        raise ValidationError(MSG_LINK_INVALID, field="token") from None
    plan_id, _sep, nonce = value.partition(":")
    links = AcceptanceLink.objects.select_related("plan__ticket")
    if for_update:
        links = links.select_for_update(of=("self",))
    link = links.filter(plan_id=plan_id, nonce=nonce).first()
    if link is None:
        raise ValidationError(MSG_LINK_INVALID, field="token")
    if link.used_at is not None:
        raise ValidationError(MSG_LINK_USED, field="token")
    return link


def _require_open_for_acceptance(plan: ServicePlan) -> None:
    if plan.status == PlanStatus.ACCEPTED:
        raise ConflictError(MSG_ALREADY_ACCEPTED)
    if plan.status != PlanStatus.APPROVED:
        raise TransitionError(MSG_NOT_EXECUTED)


@transaction.atomic
def plan_accept_by_customer(*, token: str, outcome: str, reason: str = "") -> Acceptance:
    """The customer's answer through the link; the link is spent by it."""
    require_choice("outcome", outcome, AcceptanceOutcome)
    link = acceptance_link_read(token, for_update=True)
    plan = _lock(link.plan)
    acceptance = _record(
        plan, outcome=outcome, reason=reason, source=AcceptanceSource.CUSTOMER_LINK, actor=None
    )
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    return acceptance


@transaction.atomic
def plan_acceptance_record(
    *, plan: ServicePlan, actor, outcome: str, reason: str = "", customer_confirmation: str
) -> Acceptance:
    """The case owner records the customer's verdict, with how the customer confirmed it."""
    require_choice("outcome", outcome, AcceptanceOutcome)
    plan = _lock(plan)
    if plan.ticket.case_owner_id != actor.pk:
        raise AuthorityError(MSG_ONLY_CASE_OWNER)
    confirmation = (customer_confirmation or "").strip()
    if not confirmation:
        raise ValidationError(MSG_CONFIRMATION_REQUIRED, field="customer_confirmation")
    return _record(
        plan,
        outcome=outcome,
        reason=reason,
        source=AcceptanceSource.CASE_OWNER,
        actor=actor,
        customer_confirmation=confirmation,
    )


def _record(plan, *, outcome, reason, source, actor, customer_confirmation="") -> Acceptance:
    _require_open_for_acceptance(plan)
    reason = (reason or "").strip()
    if outcome == AcceptanceOutcome.NOT_ACCEPTED and not reason:
        raise ValidationError(MSG_REASON_REQUIRED, field="reason")
    acceptance = Acceptance.objects.create(
        plan=plan,
        outcome=outcome,
        source=source,
        reason=reason,
        customer_confirmation=customer_confirmation,
        recorded_by=actor,
    )
    action = (
        PlanAction.ACCEPTED if outcome == AcceptanceOutcome.ACCEPTED else PlanAction.NOT_ACCEPTED
    )
    if outcome == AcceptanceOutcome.ACCEPTED:
        plan.status, plan.accepted_at = PlanStatus.ACCEPTED, acceptance.created_at
        plan.save(update_fields=["status", "accepted_at", "updated_at"])
    # Not accepted: the plan stays in execution; the reason is on the timeline.
    record_event(plan.ticket, actor, action, field="acceptance", before=source, after=reason)
    event_publish(
        action,
        {
            "plan_id": plan.pk,
            "ticket": plan.ticket.reference,
            "outcome": outcome,
            "source": source,
            "reason": reason,
        },
        ticket=plan.ticket,
    )
    return acceptance


def plan_resolve_guard(ticket: Ticket, before: str, after: str) -> None:
    """tickets.services status guard: no resolve or close while an approved plan's result
    waits for acceptance (an accepted plan, or none, lets the ticket through)."""
    if after not in (Status.RESOLVED, Status.CLOSED):
        return
    if ServicePlan.objects.filter(ticket=ticket, status=PlanStatus.APPROVED).exists():
        raise TransitionError(MSG_RESOLVE_NEEDS_ACCEPTANCE, field="status")
