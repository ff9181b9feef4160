"""State changes of customers: one function per use case.

Each change locks the row, checks the rule, writes, bumps `version` (the API's ETag) and
records a CustomerEvent in one transaction; a tier change lets the SLA engine re-plan the
customer's open tickets in that same transaction.
"""

from datetime import datetime, timedelta
from decimal import Decimal

from babel.numbers import list_currencies
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicedesk.exceptions import ConflictError, PreconditionFailed, ValidationError
from servicedesk.text import require_single_line

from . import crypto
from .masking import can_see_contact, mask_changes
from .models import (
    PERSONAL_DATA_FIELDS,
    Customer,
    CustomerAction,
    CustomerEvent,
    Language,
    Purchase,
    Tier,
)
from .selectors import customer_duplicates
from .signals import customer_care_opted_out, customer_tier_changed

MSG_NAME_REQUIRED = _("A customer needs a name.")
MSG_UNKNOWN_LANGUAGE = _("Unknown language.")
MSG_UNKNOWN_TIER = _("Unknown tier.")
MSG_REASON_REQUIRED = _("Say why the tier changes.")
MSG_INVALID_EMAIL = _("Enter a valid e-mail address.")
MSG_NOT_A_CONTACT_FIELD = _("Only name, e-mail, phone, ID number and language are contact details.")
MSG_INVALID_ID_NUMBER = _(
    "An ID number has 4 to 32 letters and digits (spaces and dashes are ignored)."
)
MSG_DUPLICATE = _("Customer “%(name)s” already has this %(field)s.")
MSG_NOT_PERSONAL_DATA = _("Only e-mail, phone and ID number can be revealed.")
MSG_STALE = _("The customer has changed since you read it; fetch it again.")
MSG_ORDER_REQUIRED = _("A purchase needs its order number.")
MSG_NEGATIVE_AMOUNT = _("The amount cannot be negative.")
MSG_CURRENCY = _("“%(currency)s” is not an ISO 4217 currency code; give one such as CNY.")
MSG_PURCHASE_IN_FUTURE = _("The purchase time lies in the future.")
MSG_ORDER_RECORDED = _("Order %(order)s is already recorded for this customer.")
MSG_OPT_OUT_REASON_REQUIRED = _("Say how the customer asked (call, e-mail, letter…).")

# A reporting system's clock may run a little ahead of ours.
PURCHASE_CLOCK_SKEW = timedelta(minutes=5)

CONTACT_FIELDS = ("name", "email", "phone", "id_number", "language")
FIELD_NAMES = {
    "email": _("e-mail address"),
    "phone": _("phone number"),
    "id_number": _("ID number"),
}


def _refuse_duplicates(values: dict, *, exclude_pk: int | None = None) -> None:
    """A second customer with the same e-mail, phone or ID number is refused (found by the
    lookup hashes): the agent should pick the existing one (search first, then create)."""
    for field, existing in customer_duplicates(exclude_pk=exclude_pk, **values).items():
        raise ConflictError(
            MSG_DUPLICATE % {"name": existing.name, "field": FIELD_NAMES[field]}, field=field
        )


# The unique indexes that hold one customer per contact value (Customer.Meta.constraints).
CONTACT_CONSTRAINTS = {f"customer_one_per_{name}" for name in PERSONAL_DATA_FIELDS}


def met_another_writer(error: Exception) -> bool:
    """The write failed because another transaction wrote the same e-mail, phone or ID
    number at the same moment: a unique violation of the contact indexes (the other
    committed first), or a deadlock between two writers of several customers (23505,
    40P01 on PostgreSQL; the embedded SQLite serialises writers and names the column)."""
    cause = error.__cause__
    code = getattr(cause, "pgcode", None)
    if code == "40P01":
        return True
    if code == "23505":
        return getattr(getattr(cause, "diag", None), "constraint_name", "") in CONTACT_CONSTRAINTS
    if isinstance(error, IntegrityError) and code is None:
        columns = [f"customers_customer.{name}_lookup" for name in PERSONAL_DATA_FIELDS]
        return any(column in str(error) for column in columns)
    return False


def _create_or_refuse(cleaned: dict) -> Customer:
    """Insert the customer; another writer's customer with the same contact value,
    committed while this one was checked, is refused like one found by the check."""
    try:
        with transaction.atomic():
            return Customer.objects.create(**cleaned)
    except (IntegrityError, OperationalError) as error:
        if not met_another_writer(error):
            raise
        _refuse_duplicates({field: cleaned[field] for field in PERSONAL_DATA_FIELDS})
        raise ConflictError() from error


@transaction.atomic
def customer_create(
    *,
    actor,
    name: str,
    email: str = "",
    phone: str = "",
    id_number: str = "",
    language: str = Language.ZH_HANS,
) -> Customer:
    """Register a customer (e.g. while an agent opens a ticket for a first-time caller);
    refused (409) when another customer has the same e-mail, phone or ID number."""
    cleaned = _clean_contact(
        {"name": name, "email": email, "phone": phone, "id_number": id_number, "language": language}
    )
    _refuse_duplicates({field: cleaned[field] for field in PERSONAL_DATA_FIELDS})
    return _create_or_refuse(cleaned)


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
    for field in ("name", "phone", "id_number"):
        require_single_line(field, cleaned.get(field))
    if cleaned.get("id_number"):
        cleaned["id_number"] = crypto.normalise_id_number(cleaned["id_number"])
        if not 4 <= len(cleaned["id_number"]) <= 32:
            raise ValidationError(MSG_INVALID_ID_NUMBER, field="id_number")
    if "language" in cleaned and cleaned["language"] not in Language.values:
        raise ValidationError(MSG_UNKNOWN_LANGUAGE, field="language")
    if cleaned.get("email"):
        try:
            validate_email(cleaned["email"])
        except DjangoValidationError:
            raise ValidationError(MSG_INVALID_EMAIL, field="email") from None
    return cleaned


def _save_with_event(
    customer: Customer, actor, action: str, changes: dict, reason: str = "", also=()
):
    customer.version += 1
    customer.save(update_fields=[*changes, *also, "version", "updated_at"])
    CustomerEvent.objects.create(
        customer=customer,
        actor=actor,
        action=action,
        # Personal data is recorded masked: the audit trail is not a second, unencrypted
        # copy of it (who changed it and when is what the trail is for).
        changes=mask_changes({name: list(pair) for name, pair in changes.items()}),
        reason=reason,
    )


@transaction.atomic
def customer_update_contact(
    *, customer: Customer, actor, changes: dict, expected_version: int | None = None
) -> Customer:
    """Change any of name, e-mail, phone, ID number and language; unchanged values record
    nothing; another customer's e-mail, phone or ID number is refused (409)."""
    cleaned = _clean_contact(changes)
    customer = _lock(customer, expected_version)
    _refuse_duplicates(
        {
            field: cleaned[field]
            for field in PERSONAL_DATA_FIELDS
            if cleaned.get(field) and cleaned[field] != getattr(customer, field)
        },
        exclude_pk=customer.pk,
    )
    changed = {
        name: (getattr(customer, name), value)
        for name, value in cleaned.items()
        if getattr(customer, name) != value
    }
    if not changed:
        return customer
    for name, (_before, after) in changed.items():
        setattr(customer, name, after)
    try:
        with transaction.atomic():
            _save_with_event(customer, actor, CustomerAction.CONTACT_UPDATED, changed)
    except (IntegrityError, OperationalError) as error:
        # Another customer got this e-mail, phone or ID number while this one was checked.
        if not met_another_writer(error):
            raise
        _refuse_duplicates(
            {field: after for field, (_before, after) in changed.items() if field in FIELD_NAMES},
            exclude_pk=customer.pk,
        )
        raise ConflictError() from error
    return customer


@transaction.atomic
def customer_change_tier(
    *, customer: Customer, actor, tier: str, reason: str, expected_version: int | None = None
) -> Customer:
    """Move a customer to another tier by hand [S1 §5.1], pinned against the nightly
    segmentation; the SLA clocks of their open tickets are re-planned for the new tier's
    targets from each clock's original start."""
    if tier not in Tier.values:
        raise ValidationError(MSG_UNKNOWN_TIER, field="tier")
    if not (reason or "").strip():
        raise ValidationError(MSG_REASON_REQUIRED, field="reason")
    customer = _lock(customer, expected_version)
    if customer.tier == tier:
        return customer
    before = customer.tier
    customer.tier = tier
    # Set by hand, so pinned (who, when, why): the nightly segmentation leaves it until
    # someone unpins it (customers.membership.customer_unpin_tier).
    now = timezone.now()
    customer.tier_pinned_at = now
    customer.tier_pinned_by = actor if actor is not None and actor.is_authenticated else None
    customer.tier_pin_reason = reason.strip()
    _save_with_event(
        customer,
        actor,
        CustomerAction.TIER_CHANGED,
        {"tier": (before, tier)},
        reason.strip(),
        also=("tier_pinned_at", "tier_pinned_by", "tier_pin_reason"),
    )
    customer_tier_changed.send(sender=Customer, customer=customer, actor=actor, at=now)
    return customer


@transaction.atomic
def customer_update(
    *,
    customer: Customer,
    actor,
    contact: dict,
    tier: str | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> Customer:
    """Change contact details and, if `tier` is given, the tier, in one transaction: the
    edit the API's PATCH and the admin's form make (either refused: nothing written)."""
    if contact:
        customer = customer_update_contact(
            customer=customer, actor=actor, changes=contact, expected_version=expected_version
        )
        expected_version = customer.version if expected_version is not None else None
    if tier is not None:
        customer = customer_change_tier(
            customer=customer,
            actor=actor,
            tier=tier,
            reason=reason,
            expected_version=expected_version,
        )
    return customer


@transaction.atomic
def purchase_record(
    *,
    customer: Customer,
    actor,
    order_number: str,
    amount: Decimal,
    purchased_at: datetime,
    currency: str = "CNY",
    product: str = "",
    channel: str = "",
) -> Purchase:
    """Record one order of the customer (from the shop or an integration) and note it in
    the customer's history. The same order number twice is a conflict, not a second sale."""
    order_number = (order_number or "").strip()
    if not order_number:
        raise ValidationError(MSG_ORDER_REQUIRED, field="order_number")
    for field, value in (
        ("order_number", order_number),
        ("product", product),
        ("channel", channel),
    ):
        require_single_line(field, value)
    if amount < 0:
        raise ValidationError(MSG_NEGATIVE_AMOUNT, field="amount")
    currency = (currency or "").strip().upper()
    # ISO 4217 as CLDR lists it (Babel), historic codes included: old orders carry them.
    if currency not in list_currencies():
        raise ValidationError(MSG_CURRENCY % {"currency": currency}, field="currency")
    if purchased_at > timezone.now() + PURCHASE_CLOCK_SKEW:
        raise ValidationError(MSG_PURCHASE_IN_FUTURE, field="purchased_at")
    purchase = Purchase(
        customer=customer,
        order_number=order_number,
        amount=amount,
        currency=currency,
        purchased_at=purchased_at,
        product=(product or "").strip(),
        channel=(channel or "").strip(),
        recorded_by=actor if actor is not None and actor.is_authenticated else None,
    )
    try:
        # A savepoint: a concurrent report of the same order waits on the unique index and
        # then lands here, leaving the caller's transaction usable.
        with transaction.atomic():
            purchase.save(force_insert=True)
    except IntegrityError:
        raise ConflictError(MSG_ORDER_RECORDED % {"order": order_number}) from None
    CustomerEvent.objects.create(
        customer=customer,
        actor=purchase.recorded_by,
        action=CustomerAction.PURCHASE_RECORDED,
        changes={
            "purchase": [
                None,
                {"order_number": order_number, "amount": str(amount), "currency": currency},
            ]
        },
    )
    return purchase


@transaction.atomic
def customer_care_opt_out(*, customer: Customer, actor, reason: str) -> Customer:
    """Record that the customer wants no care contacts (return visits, greetings) [S1 §5.2]:
    who and when on the customer, the history event with how they asked. Open care tasks
    are skipped by the care programme in this transaction; an opt-out already recorded
    stays as it was."""
    if not (reason or "").strip():
        raise ValidationError(MSG_OPT_OUT_REASON_REQUIRED, field="reason")
    customer = _lock(customer, None)
    if customer.care_opted_out_at is not None:
        return customer
    now = timezone.now()
    customer.care_opted_out_at = now
    customer.care_opted_out_by = actor if actor is not None and actor.is_authenticated else None
    _save_with_event(
        customer,
        customer.care_opted_out_by,
        CustomerAction.CARE_OPTED_OUT,
        {
            "care_opted_out_at": (None, now.isoformat()),
            "care_opted_out_by": (None, customer.care_opted_out_by_id),
        },
        reason.strip(),
    )
    customer_care_opted_out.send(sender=Customer, customer=customer, actor=actor, at=now)
    return customer


@transaction.atomic
def customer_care_opt_in(*, customer: Customer, actor, reason: str) -> Customer:
    """The customer asked for care contacts again: the opt-out is lifted (and kept in the
    history); contacts planned from now on reach them."""
    if not (reason or "").strip():
        raise ValidationError(MSG_OPT_OUT_REASON_REQUIRED, field="reason")
    customer = _lock(customer, None)
    if customer.care_opted_out_at is None:
        return customer
    changes = {
        "care_opted_out_at": (customer.care_opted_out_at.isoformat(), None),
        "care_opted_out_by": (customer.care_opted_out_by_id, None),
    }
    customer.care_opted_out_at = None
    customer.care_opted_out_by = None
    _save_with_event(
        customer,
        actor if actor is not None and actor.is_authenticated else None,
        CustomerAction.CARE_OPTED_IN,
        changes,
        reason.strip(),
    )
    return customer


@transaction.atomic
def customer_personal_data_reveal(*, customer: Customer, actor, field: str) -> str:
    """The clear value of one of the customer's personal-data fields, for a user with the
    contact permission; each reveal is recorded (who, which field, when). Without the
    permission: PermissionDenied, nothing recorded."""
    if field not in PERSONAL_DATA_FIELDS:
        raise ValidationError(MSG_NOT_PERSONAL_DATA, field="field")
    if not can_see_contact(actor):
        raise PermissionDenied
    CustomerEvent.objects.create(
        customer=customer,
        actor=actor,
        action=CustomerAction.CONTACT_REVEALED,
        changes={"revealed": field},
    )
    return getattr(customer, field)
