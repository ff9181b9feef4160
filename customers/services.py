"""State changes of customers: one function per use case.

Each change locks the row, checks the rule, writes, bumps `version` (the API's ETag) and
records a CustomerEvent in one transaction; a tier change lets the SLA engine re-plan the
customer's open tickets in that same transaction.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicedesk.exceptions import PreconditionFailed, ValidationError

from .models import Customer, CustomerAction, CustomerEvent, Language, Tier

MSG_NAME_REQUIRED = _("A customer needs a name.")
MSG_UNKNOWN_LANGUAGE = _("Unknown language.")
MSG_UNKNOWN_TIER = _("Unknown tier.")
MSG_REASON_REQUIRED = _("Say why the tier changes.")
MSG_INVALID_EMAIL = _("Enter a valid e-mail address.")
MSG_NOT_A_CONTACT_FIELD = _("Only name, e-mail, phone and language are contact details.")
MSG_STALE = _("The customer has changed since you read it; fetch it again.")

CONTACT_FIELDS = ("name", "email", "phone", "language")


@transaction.atomic
def customer_create(
    *, actor, name: str, email: str = "", phone: str = "", language: str = Language.ZH_HANS
) -> Customer:
    """Register a customer (e.g. while an agent opens a ticket for a first-time caller)."""
    if not name or not name.strip():
        raise ValidationError(MSG_NAME_REQUIRED, field="name")
    if language not in Language.values:
        raise ValidationError(MSG_UNKNOWN_LANGUAGE, field="language")
    return Customer.objects.create(
        name=name.strip(),
        email=(email or "").strip(),
        phone=(phone or "").strip(),
        language=language,
    )


def _lock(customer: Customer, expected_version: int | None) -> Customer:
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    if expected_version is not None and locked.version != expected_version:
        raise PreconditionFailed(MSG_STALE)
    return locked


def _clean_contact(changes: dict) -> dict:
    unknown = sorted(set(changes) - set(CONTACT_FIELDS))
    if unknown:
        raise ValidationError(MSG_NOT_A_CONTACT_FIELD, field=unknown[0])
    cleaned = {name: (value or "").strip() for name, value in changes.items()}
    if "name" in cleaned and not cleaned["name"]:
        raise ValidationError(MSG_NAME_REQUIRED, field="name")
    if "language" in cleaned and cleaned["language"] not in Language.values:
        raise ValidationError(MSG_UNKNOWN_LANGUAGE, field="language")
    if cleaned.get("email"):
        try:
            validate_email(cleaned["email"])
        except DjangoValidationError:
            raise ValidationError(MSG_INVALID_EMAIL, field="email") from None
    return cleaned


def _save_with_event(customer: Customer, actor, action: str, changes: dict, reason: str = ""):
    customer.version += 1
    customer.save(update_fields=[*changes, "version", "updated_at"])
    CustomerEvent.objects.create(
        customer=customer,
        actor=actor,
        action=action,
        changes={name: list(pair) for name, pair in changes.items()},
        reason=reason,
    )


@transaction.atomic
def customer_update_contact(
    *, customer: Customer, actor, changes: dict, expected_version: int | None = None
) -> Customer:
    """Change any of name, e-mail, phone and language; unchanged values record nothing."""
    cleaned = _clean_contact(changes)
    customer = _lock(customer, expected_version)
    changed = {
        name: (getattr(customer, name), value)
        for name, value in cleaned.items()
        if getattr(customer, name) != value
    }
    if not changed:
        return customer
    for name, (_before, after) in changed.items():
        setattr(customer, name, after)
    _save_with_event(customer, actor, CustomerAction.CONTACT_UPDATED, changed)
    return customer


@transaction.atomic
def customer_change_tier(
    *, customer: Customer, actor, tier: str, reason: str, expected_version: int | None = None
) -> Customer:
    """Move a customer to another tier [S1 §5.1]; the SLA clocks of their open tickets are
    re-planned for the new tier's targets from each clock's original start."""
    from tickets.sla.hooks import on_customer_tier_changed  # the SLA engine builds on customers

    if tier not in Tier.values:
        raise ValidationError(MSG_UNKNOWN_TIER, field="tier")
    if not (reason or "").strip():
        raise ValidationError(MSG_REASON_REQUIRED, field="reason")
    customer = _lock(customer, expected_version)
    if customer.tier == tier:
        return customer
    before = customer.tier
    customer.tier = tier
    _save_with_event(
        customer, actor, CustomerAction.TIER_CHANGED, {"tier": (before, tier)}, reason.strip()
    )
    on_customer_tier_changed(customer, at=timezone.now())
    return customer
