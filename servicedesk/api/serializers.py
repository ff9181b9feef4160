"""Serializer conventions shared by every app's api/ package."""

import re

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

MSG_UNKNOWN_FIELD = _("Unknown field; remove it.")

# Far longer than any key a 64-bit column holds; spares int() a 4,000-digit string.
MAX_ID_DIGITS = 100
_DIGITS = re.compile(r"[0-9]+")


class StrictInputMixin:
    """Refuse fields the serializer does not accept, naming each (a typo must not pass)."""

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(data.keys()) - writable)
            if unknown:
                raise serializers.ValidationError({name: [MSG_UNKNOWN_FIELD] for name in unknown})
        return super().to_internal_value(data)


class InputSerializer(StrictInputMixin, serializers.Serializer):
    """Base for request bodies: shape and types only; the service does the rest."""


class ErrorSerializer(serializers.Serializer):
    """The one error shape of the API."""

    detail = serializers.CharField(help_text=_("A message for people, in their language."))
    code = serializers.CharField(
        help_text=_("A stable machine-readable code; see the table in the API description.")
    )
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=_("Messages per input field (may be empty)."),
    )


class RefSerializer(serializers.Serializer):
    """A related record as `{"id", "name"}`."""

    id = serializers.IntegerField()
    name = serializers.CharField()


def parse_id(value) -> int:
    """A record's key as sent by a client: an integer, or a string of digits; else ValueError.

    Django's integer fields take anything int() takes, so `1.5` became record 1, `true`
    record 1 and `1e400` an OverflowError (a 500). An id is never a fraction or a flag.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and 0 < len(value) <= MAX_ID_DIGITS and _DIGITS.fullmatch(value):
        return int(value)
    raise ValueError(value)


class IdField(serializers.PrimaryKeyRelatedField):
    """DRF's PrimaryKeyRelatedField for every writable reference of the API, the key first
    parsed strictly (`parse_id`: an integer or a string of digits, so `1.5`, `true` or
    `1e400` are refused as the wrong type instead of naming record 1 or raising a 500).
    The record is then read by DRF's own lookup; errors are DRF's."""

    def to_internal_value(self, data):
        if isinstance(self.get_queryset().model._meta.pk, models.IntegerField):
            try:
                data = parse_id(data)
            except ValueError:
                self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)
