"""Filter conventions shared by every app's api/filters.py."""

import django_filters
from django.utils.translation import gettext_lazy as _

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
