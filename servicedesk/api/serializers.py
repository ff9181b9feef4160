"""Serializer conventions shared by every app's api/ package."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

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
