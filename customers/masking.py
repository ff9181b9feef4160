"""Role-based disclosure of customer contact details (information security rule)."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

CONTACT_PERMISSION = "customers.view_customer_contact"


def can_see_contact(user: AbstractBaseUser | AnonymousUser) -> bool:
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


def customer_contact_for(user, customer) -> dict[str, str]:
    if can_see_contact(user):
        return {"email": customer.email, "phone": customer.phone}
    return {"email": mask_email(customer.email), "phone": mask_phone(customer.phone)}
