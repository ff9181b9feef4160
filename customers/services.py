"""State changes of customers: one function per use case."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from servicedesk.exceptions import ValidationError

from .models import Customer, Language

MSG_NAME_REQUIRED = _("A customer needs a name.")
MSG_UNKNOWN_LANGUAGE = _("Unknown language.")


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
