"""/api/v1/sla/dashboard/: the manager dashboard's figures, from tickets.sla.selectors."""

from datetime import UTC, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response

from servicedesk.api.errors import ApiError
from servicedesk.api.scopes import Scope
from servicedesk.api.views import ApiViewSet
from tickets.sla.apps import DASHBOARD_PERMISSION
from tickets.sla.selectors import (
    DIMENSIONS,
    Period,
    response_times,
    sla_outcomes_by,
)

MAX_PERIOD = timedelta(days=366)
MSG_PERIOD = _("The period must end after it starts and span at most a year.")


class PeriodInput(serializers.Serializer):
    start = serializers.DateTimeField(required=False)
    end = serializers.DateTimeField(required=False)
    by = serializers.ChoiceField(sorted(DIMENSIONS), default="team")


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
    first_response_p90_seconds = serializers.FloatField(allow_null=True)
    resolution_count = serializers.IntegerField()
    resolution_average_seconds = serializers.FloatField(allow_null=True)
    resolution_p90_seconds = serializers.FloatField(allow_null=True)
    percentiles_available = serializers.BooleanField()


@extend_schema_serializer(many=False)  # a "list" action that answers one object
class DashboardSerializer(serializers.Serializer):
    # In UTC: a local zone's historical offsets (LMT +08:05:43) are not RFC 3339.
    start = serializers.DateTimeField(default_timezone=UTC)
    end = serializers.DateTimeField(default_timezone=UTC)
    by = serializers.CharField()
    outcomes = OutcomeSerializer(many=True)
    response_times = ResponseTimesSerializer()


def _seconds(value: timedelta | None) -> float | None:
    return value.total_seconds() if value is not None else None


class SlaDashboardViewSet(ApiViewSet):
    """SLA figures over a period (default: the last 30 days), for supervisors and managers."""

    required_scopes = {"read": Scope.SLA_READ}
    action_permissions = {"list": [DASHBOARD_PERMISSION]}
    filter_backends = []
    pagination_class = None

    @extend_schema(
        summary="Met on time and breached clocks by a dimension; response times",
        parameters=[PeriodInput],
        responses={200: DashboardSerializer},
    )
    def list(self, request):
        query = PeriodInput(data=request.query_params)
        query.is_valid(raise_exception=True)
        end = query.validated_data.get("end") or timezone.now()
        start = query.validated_data.get("start") or end - timedelta(days=30)
        if not (start < end and end - start <= MAX_PERIOD):
            raise ApiError(
                MSG_PERIOD, code="invalid", status_code=400, fields={"end": [MSG_PERIOD]}
            )
        period = Period(start=start, end=end)
        dimension = query.validated_data["by"]
        times = response_times(period=period, user=request.user)
        body = {
            "start": start,
            "end": end,
            "by": dimension,
            "outcomes": sla_outcomes_by(dimension, period=period, user=request.user),
            "response_times": {
                "first_response_count": times.first_response_count,
                "first_response_average_seconds": _seconds(times.first_response_average),
                "first_response_p90_seconds": _seconds(times.first_response_p90),
                "resolution_count": times.resolution_count,
                "resolution_average_seconds": _seconds(times.resolution_average),
                "resolution_p90_seconds": _seconds(times.resolution_p90),
                "percentiles_available": times.percentiles_available,
            },
        }
        return Response(DashboardSerializer(body).data)
