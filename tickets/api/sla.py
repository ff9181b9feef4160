"""/api/v1/sla/dashboard/: the manager dashboard's figures, from the same selectors as the
page (tickets/sla/dashboard.py, response_times.py)."""

from datetime import UTC, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response

from customers.models import Tier
from servicedesk.api.errors import ApiError
from servicedesk.api.scopes import Scope
from servicedesk.api.views import ApiViewSet
from staff.models import Team
from tickets.models import Channel, Priority
from tickets.sla.apps import DASHBOARD_PERMISSION
from tickets.sla.dashboard import (
    DIMENSIONS,
    STEPS,
    DashboardFilters,
    Period,
    backlog_age,
    sla_live_counts,
    sla_outcomes_by,
    sla_trend,
    tickets_at_risk,
    tickets_breached,
)
from tickets.sla.response_times import response_times

MAX_PERIOD = timedelta(days=366)
MSG_PERIOD = _("The period must end after it starts and span at most a year.")


class PeriodInput(serializers.Serializer):
    start = serializers.DateTimeField(required=False)
    end = serializers.DateTimeField(required=False)
    by = serializers.ChoiceField(sorted(DIMENSIONS), default="team")
    step = serializers.ChoiceField(STEPS, default="day")
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), required=False)
    priority = serializers.ChoiceField(Priority.choices, required=False)
    tier = serializers.ChoiceField(Tier.choices, required=False)
    channel = serializers.ChoiceField(Channel.choices, required=False)


class OutcomeSerializer(serializers.Serializer):
    key = serializers.CharField(allow_null=True)
    label = serializers.CharField()
    total = serializers.IntegerField()
    met_on_time = serializers.IntegerField()
    breached = serializers.IntegerField()
    met_on_time_percent = serializers.FloatField()
    breach_rate_percent = serializers.FloatField()


class ResponseTimesSerializer(serializers.Serializer):
    first_response_count = serializers.IntegerField()
    first_response_average_seconds = serializers.FloatField(allow_null=True)
    first_response_p50_seconds = serializers.FloatField(allow_null=True)
    first_response_p90_seconds = serializers.FloatField(allow_null=True)
    first_response_p95_seconds = serializers.FloatField(allow_null=True)
    resolution_count = serializers.IntegerField()
    resolution_average_seconds = serializers.FloatField(allow_null=True)
    resolution_p50_seconds = serializers.FloatField(allow_null=True)
    resolution_p90_seconds = serializers.FloatField(allow_null=True)
    resolution_p95_seconds = serializers.FloatField(allow_null=True)
    # Percentiles are computed on every database now; kept for clients that read it.
    percentiles_available = serializers.BooleanField()


class LiveSerializer(serializers.Serializer):
    open = serializers.IntegerField()
    at_risk = serializers.IntegerField()
    breached = serializers.IntegerField()


class ListedClockSerializer(serializers.Serializer):
    ticket_id = serializers.IntegerField(source="ticket.pk")
    reference = serializers.CharField(source="ticket.reference")
    metric = serializers.CharField()
    due_at = serializers.DateTimeField(default_timezone=UTC)
    team_id = serializers.IntegerField(source="ticket.team_id", allow_null=True)
    assignee_id = serializers.IntegerField(source="ticket.assignee_id", allow_null=True)


class TrendPointSerializer(serializers.Serializer):
    start = serializers.DateField()
    created = serializers.IntegerField()
    resolved = serializers.IntegerField()
    breached = serializers.IntegerField()


class BucketSerializer(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField()


@extend_schema_serializer(many=False)  # a "list" action that answers one object
class DashboardSerializer(serializers.Serializer):
    # In UTC: a local zone's historical offsets (LMT +08:05:43) are not RFC 3339.
    start = serializers.DateTimeField(default_timezone=UTC)
    end = serializers.DateTimeField(default_timezone=UTC)
    by = serializers.CharField()
    step = serializers.CharField()
    live = LiveSerializer()
    breached = ListedClockSerializer(many=True)
    at_risk = ListedClockSerializer(many=True)
    outcomes = OutcomeSerializer(many=True)
    trend = TrendPointSerializer(many=True)
    backlog_age = BucketSerializer(many=True)
    response_times = ResponseTimesSerializer()
    first_response_distribution = BucketSerializer(many=True)
    resolution_distribution = BucketSerializer(many=True)


def _seconds(value: timedelta | None) -> float | None:
    return value.total_seconds() if value is not None else None


def _times(times) -> dict:
    body = {"percentiles_available": True}
    for name in ("first_response", "resolution"):
        figures = getattr(times, name)
        body[f"{name}_count"] = figures.count
        body[f"{name}_average_seconds"] = _seconds(figures.average)
        for percentile in ("p50", "p90", "p95"):
            body[f"{name}_{percentile}_seconds"] = _seconds(getattr(figures, percentile))
    return body


class SlaDashboardViewSet(ApiViewSet):
    """SLA figures over a period (default: the last 30 days), for supervisors and managers:
    the same figures as the dashboard page, with the same filters."""

    required_scopes = {"read": Scope.SLA_READ}
    action_permissions = {"list": [DASHBOARD_PERMISSION]}
    filter_backends = []
    pagination_class = None

    @extend_schema(
        summary="Live counts, breached and at-risk lists, outcomes, trend and response times",
        parameters=[PeriodInput],
        responses={200: DashboardSerializer},
    )
    def list(self, request):
        query = PeriodInput(data=request.query_params)
        query.is_valid(raise_exception=True)
        given = query.validated_data
        end = given.get("end") or timezone.now()
        start = given.get("start") or end - timedelta(days=30)
        if not (start < end and end - start <= MAX_PERIOD):
            raise ApiError(
                MSG_PERIOD, code="invalid", status_code=400, fields={"end": [MSG_PERIOD]}
            )
        period = Period(start=start, end=end)
        team = given.get("team")
        filters = DashboardFilters(
            team_id=team.pk if team else None,
            priority=given.get("priority", ""),
            tier=given.get("tier", ""),
            channel=given.get("channel", ""),
        )
        user = request.user
        times = response_times(period=period, user=user, filters=filters)
        body = {
            "start": start,
            "end": end,
            "by": given["by"],
            "step": given["step"],
            "live": sla_live_counts(user=user, filters=filters),
            "breached": tickets_breached(user=user, filters=filters),
            "at_risk": tickets_at_risk(user=user, filters=filters),
            "outcomes": sla_outcomes_by(given["by"], period=period, user=user, filters=filters),
            "trend": sla_trend(period=period, user=user, step=given["step"], filters=filters),
            "backlog_age": backlog_age(user=user, filters=filters),
            "response_times": _times(times),
            "first_response_distribution": times.first_response.buckets,
            "resolution_distribution": times.resolution.buckets,
        }
        return Response(DashboardSerializer(body).data)
