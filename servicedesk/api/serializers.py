"""Serializer conventions shared by every app's api/ package."""

import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from servicedesk.db import default_connection, fetch_by_pk

MSG_UNKNOWN_FIELD = _("Unknown field; remove it.")


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


class PrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """PrimaryKeyRelatedField that reads an unfiltered queryset's row by its key without
    building an ORM query per request (servicedesk.db.fetch_by_pk): the ORM spent
    ~0.3 ms of Python on each such lookup, several times the query. Filtered querysets
    (e.g. active categories only) and `pk_field` go the usual way; errors are DRF's.
    """

    def to_internal_value(self, data):
        queryset = self.get_queryset()
        if self.pk_field is not None or queryset.query.has_filters():
            return super().to_internal_value(data)
        if isinstance(data, bool):
            self.fail("incorrect_type", data_type=type(data).__name__)
        key_field = queryset.model._meta.pk
        try:
            key = key_field.to_python(data)
        except (DjangoValidationError, TypeError, ValueError):
            self.fail("incorrect_type", data_type=type(data).__name__)
        connection = default_connection()
        bounds = connection.ops.integer_field_ranges.get(key_field.get_internal_type())
        found = None
        if key is not None and (bounds is None or bounds[0] <= key <= bounds[1]):
            found = fetch_by_pk(queryset.model, key)
        if found is None:
            self.fail("does_not_exist", pk_value=data)
        return found
