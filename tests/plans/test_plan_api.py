"""The plan API: the same services as the page; bad input is a 4xx with nothing written;
plan steps are webhook events."""

import pytest
from rest_framework.test import APIClient

from plans.models import PlanStatus, PlanVersion, ServicePlan
from servicedesk.api.models import WebhookEndpoint
from servicedesk.outbox.models import OutboxMessage

from .conftest import FILLED, member


@pytest.fixture
def api(agent):
    client = APIClient()
    client.force_authenticate(agent)
    return client


def test_a_plan_is_drafted_written_and_submitted_through_the_api(api, request_ticket, wednesday):
    WebhookEndpoint.objects.create(
        name="CRM", url="https://crm.example.com/hook", events=["plan.submitted", "plan.approved"]
    )
    ticket = request_ticket()
    created = api.post("/api/v1/plans/", {"ticket": ticket.pk}, format="json")
    assert created.status_code == 201, created.content
    plan_id = created.json()["id"]
    assert created.json()["versions"][0]["sections"] == {"goal": "", "steps": "", "risks": ""}

    refused = api.post(f"/api/v1/plans/{plan_id}/submit/", {}, format="json")
    assert refused.status_code == 400
    assert set(refused.json()["fields"]) == {"goal", "steps"}
    assert ServicePlan.objects.get(pk=plan_id).status == PlanStatus.DRAFT

    written = api.post(f"/api/v1/plans/{plan_id}/sections/", {"sections": FILLED}, format="json")
    assert written.status_code == 200
    submitted = api.post(f"/api/v1/plans/{plan_id}/submit/", {}, format="json")
    assert submitted.json()["status"] == PlanStatus.APPROVED
    topics = list(OutboxMessage.objects.filter(channel="webhook").values_list("topic", flat=True))
    assert topics == ["plan.submitted", "plan.approved"]


def test_a_review_through_the_api_as_a_team_outside_the_plan_is_refused(
    request_ticket, agent, engineering, finance, wednesday
):
    from tickets.models import Complexity

    ticket = request_ticket(complexity=Complexity.COMPLEX)
    client = APIClient()
    client.force_authenticate(agent)
    plan_id = client.post("/api/v1/plans/", {"ticket": ticket.pk}, format="json").json()["id"]
    client.post(f"/api/v1/plans/{plan_id}/sections/", {"sections": FILLED}, format="json")
    client.post(
        f"/api/v1/plans/{plan_id}/submit/", {"departments": [engineering.pk]}, format="json"
    )
    # An Engineering member sees the plan (Engineering reviews it) but cannot answer as
    # Finance, which is not one of its departments.
    reviewer = APIClient()
    reviewer.force_authenticate(member(engineering))
    response = reviewer.post(
        f"/api/v1/plans/{plan_id}/reviews/",
        {"team": finance.pk, "decision": "approved", "opinion": "OK"},
        format="json",
    )
    assert response.status_code == 400
    assert "team" in response.json()["fields"]
    assert ServicePlan.objects.get(pk=plan_id).reviews.get().state == "pending"
    assert PlanVersion.objects.filter(plan_id=plan_id).count() == 1
