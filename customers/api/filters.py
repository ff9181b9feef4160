"""Filters of the customer list."""

import django_filters
from django.utils.translation import gettext_lazy as _

from customers.models import Customer, Tier
from servicedesk.api.filters import UtcIsoDateTimeFilter


class CustomerFilter(django_filters.FilterSet):
    # By name only: contact details are masked for agents, so not searchable by them either.
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("name"))
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
