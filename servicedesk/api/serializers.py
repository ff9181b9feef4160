"""Serializer conventions shared by every app's api/ package."""

import copy
import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from servicedesk.db import default_connection, fetch_by_pk

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

    def get_fields(self):
        """The declared fields, each a shallow copy of a per-class prototype.

        DRF deep-copies every declared field for every request (each copy re-runs the
        field's __init__): ~0.5 ms for a ticket's seventeen fields, more than its
        validation. A plain field keeps no per-request state before it is bound, so a
        shallow copy bound to this serializer is as good; nested serializers (and fields
        holding one) are still deep-copied.
        """
        prototypes = type(self).__dict__.get("_field_prototypes")
        if prototypes is None:
            prototypes = super().get_fields()
            type(self)._field_prototypes = prototypes
        return {name: _copy_for_binding(field) for name, field in prototypes.items()}


def _copy_for_binding(field):
    nested = isinstance(field, serializers.BaseSerializer) or isinstance(
        getattr(field, "child", None), serializers.BaseSerializer
    )
    return copy.deepcopy(field) if nested else copy.copy(field)


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


class PrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """PrimaryKeyRelatedField for every writable reference of the API.

    The key must be an integer or a string of digits (`parse_id`); one outside the
    column's range names no record. An unfiltered queryset's row is read by its key
    without building an ORM query per request (servicedesk.db.fetch_by_pk): the ORM spent
    ~0.3 ms of Python on each such lookup, several times the query. Filtered querysets
    (e.g. active categories only) and `pk_field` go the usual way; errors are DRF's.
    """

    def to_internal_value(self, data):
        queryset = self.get_queryset()
        key_field = queryset.model._meta.pk
        if isinstance(key_field, models.IntegerField):
            try:
                data = parse_id(data)
            except ValueError:
                self.fail("incorrect_type", data_type=type(data).__name__)
            bounds = default_connection().ops.integer_field_ranges.get(
                key_field.get_internal_type()
            )
            if bounds is not None and not bounds[0] <= data <= bounds[1]:
                self.fail("does_not_exist", pk_value=data)
        if self.pk_field is not None or queryset.query.has_filters():
            return super().to_internal_value(data)
        try:
            key = key_field.to_python(data)
        except (DjangoValidationError, TypeError, ValueError):
            self.fail("incorrect_type", data_type=type(data).__name__)
        found = fetch_by_pk(queryset.model, key) if key is not None else None
        if found is None:
            self.fail("does_not_exist", pk_value=data)
        return found
