"""Disclosure of customers' personal data (information security rule).

E-mail, phone and ID number are shown masked to everyone — on pages, in the API, in CSV
exports and in the audit trail. A user with the `view_customer_contact` permission sees a
value in clear only by revealing it (`customers.services.customer_personal_data_reveal`:
the page's reveal button, `POST /api/v1/customers/{id}/reveal/`), and every reveal is an
audit event; without the permission the reveal is refused. Masked by default even for
the permitted so that reading a list never discloses, and each disclosure leaves a trace.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

CONTACT_PERMISSION = "customers.view_customer_contact"


def can_see_contact(user: AbstractBaseUser | AnonymousUser) -> bool:
    """May this user reveal a customer's personal data (never shown to them unasked)."""
    return bool(user and user.is_authenticated and user.has_perm(CONTACT_PERMISSION))


def mask_email(email: str) -> str:
    """`zhang.wei@example.com` -> `z***@example.com`; keeps the domain for routing context."""
    if not email or "@" not in email:
        return "***" if email else ""
    local, domain = email.split("@", 1)
    return f"{local[:1]}***@{domain}"


def mask_phone(phone: str) -> str:
    """`13812345678` -> `138****5678`: enough to confirm with the caller, not to dial."""
    digits = phone.strip()
    if not digits:
        return ""
    if len(digits) <= 4:
        return "*" * len(digits)
    head = digits[:3] if len(digits) >= 8 else ""
    return f"{head}****{digits[-4:]}"


def mask_id_number(number: str) -> str:
    """`110101199003074518` -> `**************4518`: the last four, as a caller is asked."""
    number = (number or "").strip()
    if len(number) <= 4:
        return "*" * len(number)
    return "*" * (len(number) - 4) + number[-4:]


MASKS = {"email": mask_email, "phone": mask_phone, "id_number": mask_id_number}


def mask_value(field: str, value: str) -> str:
    return MASKS[field](value or "")


def mask_changes(changes: dict) -> dict:
    """A CustomerEvent's `changes` (field → [before, after]) with personal data masked."""
    return {
        name: [mask_value(name, value) for value in pair] if name in MASKS else pair
        for name, pair in changes.items()
    }


def customer_contact_masked(customer) -> dict[str, str]:
    """The customer's e-mail, phone and ID number as anyone may read them (CSV, pages)."""
    return {field: mask_value(field, getattr(customer, field)) for field in MASKS}


def customer_contact_for(user, customer) -> dict:
    """What a page shows of the customer's personal data: the masked values, and whether
    this user may reveal them (`can_reveal`, for the reveal buttons)."""
    return {**customer_contact_masked(customer), "can_reveal": can_see_contact(user)}
