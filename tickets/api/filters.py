"""Filters of the ticket list: one name per filter, the same names the pages use."""

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from servicedesk.api.filters import IdFilter, UtcIsoDateTimeFilter, YesNoFilter
from tickets.models import OPEN_STATUSES, Channel, Kind, Priority, Status, Ticket
from tickets.sla.models import Clock, ClockState


def _has_clock(**conditions):
    """EXISTS over the ticket's clocks: no join, so no duplicate rows and no DISTINCT."""
    return Exists(Clock.objects.filter(ticket=OuterRef("pk"), **conditions))


class TicketFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, label=_("status"))
    priority = django_filters.MultipleChoiceFilter(choices=Priority.choices, label=_("priority"))
    channel = django_filters.MultipleChoiceFilter(choices=Channel.choices, label=_("channel"))
    kind = django_filters.MultipleChoiceFilter(choices=Kind.choices, label=_("kind"))
    team_id = IdFilter(field_name="team_id", label=_("team"))
    assignee_id = IdFilter(field_name="assignee_id", label=_("assignee"))
    unassigned = YesNoFilter(field_name="assignee", lookup_expr="isnull", label=_("unassigned"))
    customer_id = IdFilter(field_name="customer_id", label=_("customer"))
    reference = django_filters.CharFilter(field_name="reference", label=_("reference"))
    created_after = UtcIsoDateTimeFilter(
        field_name="created_at", lookup_expr="gte", label=_("created at or after")
    )
    created_before = UtcIsoDateTimeFilter(
        field_name="created_at", lookup_expr="lt", label=_("created before")
    )
    updated_after = UtcIsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label=_("updated at or after")
    )
    updated_before = UtcIsoDateTimeFilter(
        field_name="updated_at", lookup_expr="lt", label=_("updated before")
    )
    sla_state = django_filters.ChoiceFilter(
        choices=ClockState.choices,
        method="filter_sla_state",
        label=_("has an SLA clock in this state"),
    )
    breached = YesNoFilter(method="filter_breached", label=_("has a breached SLA clock"))
    sla_due_before = UtcIsoDateTimeFilter(
        method="filter_sla_due_before",
        label=_("unresolved, with an SLA target still owed that is due before this time"),
    )

    class Meta:
        model = Ticket
        fields = ()

    def filter_sla_state(self, queryset, name, value):
        return queryset.filter(_has_clock(state=value))

    def filter_sla_due_before(self, queryset, name, value):
        # The queue's notion of "due": the nearest owed clock (the ticket's SLA summary).
        return queryset.filter(status__in=OPEN_STATUSES, next_due_at__lt=value)

    def filter_breached(self, queryset, name, value):
        breached = _has_clock(state=ClockState.BREACHED)
        return queryset.filter(breached if YesNoFilter.as_bool(value) else ~breached)
