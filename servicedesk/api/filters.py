"""Filter conventions shared by every app's api/filters.py."""

import django_filters
from django.utils.translation import gettext_lazy as _

YES_NO = (("true", _("yes")), ("false", _("no")))


class YesNoFilter(django_filters.ChoiceFilter):
    """`true` / `false`, anything else is a 400 (django-filter's BooleanFilter ignores it).

    With `method`, the method receives a bool; without, `field_name__lookup_expr` gets it.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", YES_NO)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in ("", None):
            return qs
        return super().filter(qs, value == "true")
