"""/api/v1/scorecards/, /api/v1/surveys/, /api/v1/inspections/ (read-only)."""

import django_filters
from django.utils.translation import gettext_lazy as _
from rest_framework import mixins

from quality.models import Inspection, InspectionStatus, Scorecard, ScorecardStatus, Survey
from quality.selectors import inspections_visible_to, scorecards_visible_to, surveys_visible_to
from servicedesk.api.filters import IdFilter
from servicedesk.api.scopes import Scope
from servicedesk.api.views import ApiViewSet

from .serializers import InspectionSerializer, ScorecardSerializer, SurveySerializer


class ScorecardFilter(django_filters.FilterSet):
    month = django_filters.DateFilter(field_name="month", label=_("month"))
    agent_id = IdFilter(field_name="agent", label=_("agent"))
    team_id = IdFilter(field_name="team", label=_("team"))
    status = django_filters.ChoiceFilter(choices=ScorecardStatus.choices, label=_("status"))

    class Meta:
        model = Scorecard
        fields = ()


class SurveyFilter(django_filters.FilterSet):
    agent_id = IdFilter(field_name="agent", label=_("agent"))
    ticket_id = IdFilter(field_name="ticket", label=_("ticket"))

    class Meta:
        model = Survey
        fields = ()


class InspectionFilter(django_filters.FilterSet):
    month = django_filters.DateFilter(field_name="month", label=_("month"))
    agent_id = IdFilter(field_name="agent", label=_("agent"))
    status = django_filters.ChoiceFilter(choices=InspectionStatus.choices, label=_("status"))

    class Meta:
        model = Inspection
        fields = ()


class _ReadOnly(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    ordering_fields = ("id",)
    ordering = ("id",)
    lookup_value_regex = r"[0-9]+"
    required_scopes = {"read": Scope.STAFF_READ}
    model = None
    visible_to = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema is built without a user
            return self.model.objects.none()
        return self.visible_to(self.request.user)


class ScorecardViewSet(_ReadOnly):
    """Monthly KPI scorecards (40 % quality + 30 % efficiency + 30 % satisfaction)."""

    serializer_class = ScorecardSerializer
    filterset_class = ScorecardFilter

    model = Scorecard
    visible_to = staticmethod(scorecards_visible_to)


class SurveyViewSet(_ReadOnly):
    """Satisfaction surveys and their answers."""

    serializer_class = SurveySerializer
    filterset_class = SurveyFilter

    model = Survey
    visible_to = staticmethod(surveys_visible_to)


class InspectionViewSet(_ReadOnly):
    """QA inspections of the monthly sample."""

    serializer_class = InspectionSerializer
    filterset_class = InspectionFilter

    model = Inspection
    visible_to = staticmethod(inspections_visible_to)
