"""/api/v1/scorecards/, /api/v1/surveys/, /api/v1/inspections/ (read-only);
/api/v1/investigations/ (read, `{id}/close/`) and /api/v1/suggestions/ (read, create,
`{id}/review/`): thin views over the services the pages call."""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from quality.investigations import investigation_close
from quality.models import (
    Inspection,
    InspectionStatus,
    Investigation,
    InvestigationStatus,
    Scorecard,
    ScorecardStatus,
    Suggestion,
    SuggestionStatus,
    Survey,
)
from quality.selectors import (
    inspections_visible_to,
    investigations_visible_to,
    scorecards_visible_to,
    suggestions_visible_to,
    surveys_visible_to,
)
from quality.suggestions import suggestion_review, suggestion_submit
from servicedesk.api.filters import IdFilter
from servicedesk.api.scopes import Scope
from servicedesk.api.views import ApiViewSet

from .serializers import (
    InspectionSerializer,
    InvestigationCloseInput,
    InvestigationSerializer,
    ScorecardSerializer,
    SuggestionInput,
    SuggestionReviewInput,
    SuggestionSerializer,
    SurveySerializer,
)


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


class InvestigationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=InvestigationStatus.choices, label=_("status"))
    ticket_id = IdFilter(field_name="ticket", label=_("ticket"))

    class Meta:
        model = Investigation
        fields = ()


class SuggestionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=SuggestionStatus.choices, label=_("status"))

    class Meta:
        model = Suggestion
        fields = ()


def _input(request, serializer_class) -> dict:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return data.validated_data


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


class InvestigationViewSet(_ReadOnly):
    """Low-satisfaction investigations (supervisors: theirs and their teams'; managers: all)."""

    serializer_class = InvestigationSerializer
    filterset_class = InvestigationFilter
    required_scopes = {"read": Scope.STAFF_READ, "write": Scope.STAFF_WRITE}
    action_permissions = {"close": ["quality.view_investigation"]}

    model = Investigation
    visible_to = staticmethod(investigations_visible_to)

    @extend_schema(
        summary="Record the finding and outcome (meets the investigation's SLA clock)",
        request=InvestigationCloseInput,
        responses={200: InvestigationSerializer},
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        investigation = self.get_object()
        data = _input(request, InvestigationCloseInput)
        investigation = investigation_close(investigation=investigation, actor=request.user, **data)
        return Response(InvestigationSerializer(investigation).data)


class SuggestionViewSet(mixins.CreateModelMixin, _ReadOnly):
    """Innovation suggestions: any staff member submits; managers adopt or decline."""

    serializer_class = SuggestionSerializer
    filterset_class = SuggestionFilter
    required_scopes = {"read": Scope.STAFF_READ, "write": Scope.STAFF_WRITE}
    action_permissions = {
        "create": ["quality.add_suggestion"],
        "review": ["quality.review_suggestion"],
    }

    model = Suggestion
    visible_to = staticmethod(suggestions_visible_to)

    @extend_schema(
        summary="Submit a suggestion",
        request=SuggestionInput,
        responses={201: SuggestionSerializer},
    )
    def create(self, request):
        suggestion = suggestion_submit(actor=request.user, **_input(request, SuggestionInput))
        return Response(SuggestionSerializer(suggestion).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Adopt or decline, with the reason",
        request=SuggestionReviewInput,
        responses={200: SuggestionSerializer},
    )
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        suggestion = self.get_object()
        data = _input(request, SuggestionReviewInput)
        suggestion = suggestion_review(suggestion=suggestion, actor=request.user, **data)
        return Response(SuggestionSerializer(suggestion).data)
