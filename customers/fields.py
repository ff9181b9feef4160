"""Model fields of customers' personal data: an encrypted text and its keyed lookup hash.

Why a model field rather than encrypting in the services: every write path — services,
the admin, `bulk_create`, `update()`, a demo seed, a migration — goes through
`get_prep_value`, so no path can store plaintext by forgetting a call; and every reader
(the outbox writing to `customer.email`, surveys, reports) keeps reading plaintext from the
attribute. Comparing an encrypted column is meaningless (Fernet is randomised), so the
field refuses every lookup but `isnull`: a forgotten `filter(email__iexact=…)` fails loudly
instead of silently finding nobody. Exact search goes through the lookup columns
(`customers.selectors.customers_by_email` / `customers_by_phone`).
"""

from django import forms
from django.core.exceptions import FieldError
from django.db import models

from . import crypto


class EncryptedTextField(models.TextField):
    """Plaintext in Python, a Fernet token (or "" for no value) in the column."""

    def from_db_value(self, value, expression, connection):
        return crypto.decrypt(value) if value else value

    def to_python(self, value):
        return "" if value is None else str(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return crypto.encrypt(value) if value else value

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        raise FieldError(
            f"{self.name} is encrypted and cannot be compared ({lookup_name}); "
            f"find customers through the lookup columns (customers.selectors)."
        )

    def get_transform(self, lookup_name):
        raise FieldError(f"{self.name} is encrypted; it has no {lookup_name} transform.")

    def formfield(self, **kwargs):
        # A one-line input, not a textarea: these are addresses and numbers.
        return super().formfield(**{"widget": forms.TextInput, **kwargs})


class LookupHashField(models.CharField):
    """The HMAC of another field's normalised value (crypto.lookup_hash), kept current on
    every save and bulk_create: computed in pre_save from `source`. Customer.save adds it
    to `update_fields` when its source is saved (a `QuerySet.update` of the source must
    set it itself)."""

    def __init__(self, *args, source: str, kind: str, **kwargs):
        self.source = source
        self.kind = kind
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs["kind"] = self.kind
        for key, default in (("max_length", 64), ("editable", False), ("blank", True)):
            if kwargs.get(key, default) == default:
                kwargs.pop(key, None)
        if kwargs.get("default") == "":
            kwargs.pop("default")
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = crypto.lookup_hash(self.kind, getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value
