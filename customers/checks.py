"""System checks of the personal-data keys (customers/crypto.py)."""

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import Error, register


@register()
def personal_data_keys(app_configs=None, **kwargs):
    errors = []
    keys = list(getattr(settings, "CUSTOMER_DATA_KEYS", []) or [])
    if not keys:
        errors.append(
            Error(
                "CUSTOMER_DATA_KEYS is empty: customers' personal data cannot be encrypted.",
                id="customers.E001",
            )
        )
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            errors.append(
                Error(
                    f"Key {position} of CUSTOMER_DATA_KEYS is not a Fernet key.",
                    hint="Make one with: python -c 'from cryptography.fernet import Fernet; "
                    "print(Fernet.generate_key().decode())'",
                    id="customers.E002",
                )
            )
    if not settings.DEBUG:
        development = (
            settings.DEVELOPMENT_CUSTOMER_DATA_KEY in keys
            or settings.CUSTOMER_LOOKUP_KEY == settings.DEVELOPMENT_CUSTOMER_LOOKUP_KEY
        )
        if development:
            errors.append(
                Error(
                    "The development CUSTOMER_DATA_KEYS or CUSTOMER_LOOKUP_KEY is in use "
                    "with DEBUG off: customers' personal data would be readable by anyone "
                    "with this source code.",
                    hint="Set CUSTOMER_DATA_KEYS and CUSTOMER_LOOKUP_KEY in the environment.",
                    id="customers.E003",
                )
            )
    return errors
