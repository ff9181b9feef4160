"""Filter conventions shared by every app's api/filters.py."""

from datetime import UTC

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField

from .serializers import parse_id

YES_NO = (("true", _("yes")), ("false", _("no")))


class YesNoFilter(django_filters.ChoiceFilter):
    """`true` / `false`, anything else is a 400 (django-filter's BooleanFilter ignores it).

    Without `method`, `field_name__lookup_expr` gets a bool; a `method` receives the text
    and reads it with `YesNoFilter.as_bool(value)`.
    """

    @staticmethod
    def as_bool(value) -> bool:
        return value is True or value == "true"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", YES_NO)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in ("", None):
            return qs
        return super().filter(qs, self.as_bool(value))


class IdField(forms.Field):
    """A record's id in a query string: digits only (`parse_id`), so `1.5` is not record 1."""

    default_error_messages = {"invalid": _("Enter a whole number.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_id(str(value).strip())
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class IdFilter(django_filters.Filter):
    """Filter by a related record's id (`team_id`, `customer_id`); one beyond the column's
    range matches nothing (Django answers such a lookup without asking the database)."""

    field_class = IdField


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 moment, handed to the database in UTC.

    Python accepts UTC offsets up to ±24 h, PostgreSQL only up to ±16 h: a moment such as
    `…T12:00+20:41` would reach the database as is and fail there (a 500). In UTC it is
    an ordinary moment; one that does not fit in UTC at all is refused as invalid.
    """

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(UTC)
        except OverflowError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField
