"""Filters of the customer list."""

import django_filters
from django.utils.translation import gettext_lazy as _

from customers import crypto
from customers.models import Customer, Tier
from servicedesk.api.filters import UtcIsoDateTimeFilter


class CustomerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("name"))
    # Exact and normalised, through the keyed lookup hashes (the columns are encrypted).
    email = django_filters.CharFilter(method="_by_lookup", label=_("e-mail (exact, any case)"))
    phone = django_filters.CharFilter(
        method="_by_lookup", label=_("phone (exact; spaces and dashes ignored)")
    )
    id_number = django_filters.CharFilter(method="_by_lookup", label=_("ID number (exact)"))
    tier = django_filters.MultipleChoiceFilter(choices=Tier.choices, label=_("tier"))
    created_after = UtcIsoDateTimeFilter(
        field_name="created_at", lookup_expr="gte", label=_("created at or after")
    )
    created_before = UtcIsoDateTimeFilter(
        field_name="created_at", lookup_expr="lt", label=_("created before")
    )
    updated_after = UtcIsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label=_("updated at or after")
    )

    class Meta:
        model = Customer
        fields = ()

    def _by_lookup(self, queryset, name, value):
        lookups = crypto.lookup_hashes(name, value)
        # A value that normalises to nothing ("---") matches no one, not everyone.
        return queryset.filter(**{f"{name}_lookup__in": lookups}) if lookups else queryset.none()
