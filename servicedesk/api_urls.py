"""/api/v1/: every app's viewsets on one router, the OpenAPI schema and its docs.

Project wiring (it imports every app's API), so it lives beside servicedesk/urls.py and
not in servicedesk/api, which is foundation and imports no app.
"""

from csp.decorators import csp_update
from django.urls import include, path, re_path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import SimpleRouter

from complaints.api.views import CompensationViewSet, ComplaintViewSet
from customers.api.ltv import LevelProposalViewSet
from customers.api.views import CustomerViewSet
from plans.api.views import ImprovementMeasureViewSet, PlanTaskViewSet, PlanViewSet
from quality.api.views import (
    InspectionViewSet,
    InvestigationViewSet,
    ScorecardViewSet,
    SuggestionViewSet,
    SurveyViewSet,
)
from servicedesk.api.token_views import ApiTokenViewSet
from servicedesk.api.views import api_not_found
from servicedesk.api.webhook_views import WebhookEndpointViewSet
from servicedesk.content_security import INLINE_STYLES
from staff.api.views import StaffViewSet, TeamViewSet
from tickets.api.sla import SlaDashboardViewSet
from tickets.api.views import InboundEmailView, TicketViewSet

app_name = "api"

router = SimpleRouter()


def register_api_routes(router: SimpleRouter) -> None:
    """Each app's viewsets; an app that adds an API adds its line here."""
    router.register("tickets", TicketViewSet, basename="ticket")
    router.register("customers", CustomerViewSet, basename="customer")
    router.register("ltv-proposals", LevelProposalViewSet, basename="ltv-proposal")
    router.register("staff", StaffViewSet, basename="staff")
    router.register("teams", TeamViewSet, basename="team")
    router.register("webhooks", WebhookEndpointViewSet, basename="webhook")
    router.register("tokens", ApiTokenViewSet, basename="token")
    router.register("inbound-email", InboundEmailView, basename="inbound-email")
    router.register("complaints", ComplaintViewSet, basename="complaint")
    router.register("compensations", CompensationViewSet, basename="compensation")
    router.register("plans", PlanViewSet, basename="plan")
    router.register("plan-tasks", PlanTaskViewSet, basename="plan-task")
    router.register(
        "improvement-measures", ImprovementMeasureViewSet, basename="improvement-measure"
    )
    router.register("sla/dashboard", SlaDashboardViewSet, basename="sla-dashboard")
    router.register("scorecards", ScorecardViewSet, basename="scorecard")
    router.register("surveys", SurveyViewSet, basename="survey")
    router.register("inspections", InspectionViewSet, basename="inspection")
    router.register("investigations", InvestigationViewSet, basename="investigation")
    router.register("suggestions", SuggestionViewSet, basename="suggestion")


register_api_routes(router)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file of its own: the
    # Content-Security-Policy runs no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    # Redoc styles itself at run time with <style> elements it adds (styled-components):
    # this page alone may use inline styles.
    path(
        "redoc/",
        csp_update(INLINE_STYLES)(SpectacularRedocView.as_view(url_name="api:schema")),
        name="redoc",
    ),
    path("", include(router.urls)),
    # (?s): a path with an encoded newline is unknown too, and must get the JSON 404.
    re_path(r"^[\s\S]*$", api_not_found),
]
