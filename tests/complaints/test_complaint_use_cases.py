"""Use cases are services: severity and complexity change together or not at all (page and
API call the same one), every optional field of every complaint endpoint may be left out,
and an amount beyond the column's precision is a field error — never a 500."""

import pytest
from django.urls import reverse

from complaints.models import Compensation, Complaint, ComplaintReport, Stage
from servicedesk.outbox.models import OutboxMessage
from tests.complaints.conftest import advance_to
from tests.complaints.test_complaint_api import etag, token_client, url
from tickets.models import Ticket, TicketEvent


def _snapshot(complaint):
    complaint.refresh_from_db()
    ticket = complaint.ticket
    ticket.refresh_from_db()
    return (
        complaint.severity,
        complaint.complexity,
        complaint.version,
        ticket.priority,
        ticket.complexity,
        ticket.version,
        TicketEvent.objects.count(),
        OutboxMessage.objects.count(),
    )


def test_raising_severity_and_changing_complexity_beyond_ones_authority_writes_nothing_on_the_page(
    client, agent, complaint
):
    # Before, the page committed the severity (priority, SLA re-plan, webhook) and then
    # failed on the complexity: an agent may raise a severity but not change the complexity
    # of an urgent complaint.
    before = _snapshot(complaint)
    client.force_login(agent)
    response = client.post(
        reverse("complaints:terms", args=[complaint.ticket.reference]),
        {"version": complaint.version, "severity": "urgent", "complexity": "complex"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert "handled by a Service manager or above" in response.content.decode()
    assert _snapshot(complaint) == before


def test_the_api_changes_severity_and_complexity_in_one_service(complaint, agent, supervisor):
    before = _snapshot(complaint)
    refused = token_client(agent).post(
        url(complaint, "severity"),
        {"severity": "urgent", "complexity": "complex"},
        format="json",
        HTTP_IF_MATCH=etag(complaint),
    )
    assert refused.status_code == 403, refused.json()
    assert _snapshot(complaint) == before

    response = token_client(supervisor).post(
        url(complaint, "severity"),
        {"severity": "important", "complexity": "complex"},
        format="json",
        HTTP_IF_MATCH=etag(complaint),
    )
    assert response.status_code == 200, response.json()
    complaint.refresh_from_db()
    assert (complaint.severity, complaint.complexity) == ("important", "complex")
    assert complaint.ticket.complexity == "complex"
    # Both changes are one change: one version step.
    assert complaint.version == before[2] + 1


def test_the_page_changes_severity_and_complexity_together(client, supervisor, complaint):
    client.force_login(supervisor)
    response = client.post(
        reverse("complaints:terms", args=[complaint.ticket.reference]),
        {"version": complaint.version, "severity": "important", "complexity": "complex"},
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert (complaint.severity, complaint.complexity) == ("important", "complex")


def test_a_complaint_opened_through_the_api_without_a_customer_is_recorded(agent, category):
    # An anonymous hotline caller: the page allows "No customer recorded", so the API does too.
    response = token_client(agent).post(
        "/api/v1/complaints/",
        {"subject": "Rude driver", "severity": "routine", "category_id": category.pk},
        format="json",
    )
    assert response.status_code == 201, response.json()
    complaint = Complaint.objects.get(pk=response.json()["id"])
    assert complaint.ticket.customer is None
    assert set(complaint.ticket.sla_clocks.values_list("metric", flat=True)) >= {
        "complaint_first_contact",
        "complaint_response",
    }


def test_a_complaint_without_its_required_fields_is_a_400_with_nothing_written(agent):
    response = token_client(agent).post("/api/v1/complaints/", {}, format="json")
    assert response.status_code == 400
    assert {"subject", "severity", "category_id"} <= set(response.json()["fields"])
    assert not Ticket.objects.exists()


def test_every_optional_field_of_the_complaint_endpoints_can_be_left_out(
    complaint, agent, supervisor
):
    """Each endpoint with only its required fields: a 2xx or a 4xx, never a 5xx."""
    client = token_client(agent)

    def post(client, action, body):
        return client.post(
            url(complaint, action), body, format="json", HTTP_IF_MATCH=etag(complaint)
        )

    assert post(client, "severity", {"severity": "routine"}).status_code == 200
    advance = post(client, "advance", {"to": "accept"})
    assert advance.status_code == 400, advance.json()
    advance_to(complaint, agent, Stage.NEGOTIATE)
    money = post(client, "compensations", {"kind": "money"})
    assert money.status_code == 400 and "amount" in money.json()["fields"]
    goods = post(client, "compensations", {"kind": "goods"})
    assert goods.status_code == 400 and "goods_or_service" in goods.json()["fields"]
    waiting = post(client, "compensations", {"kind": "money", "amount": "900", "currency": "CNY"})
    assert waiting.status_code == 201
    decider = token_client(supervisor)
    compensation = Compensation.objects.get()
    reject = decider.post(f"/api/v1/compensations/{compensation.pk}/reject/", {}, format="json")
    assert reject.status_code == 400 and "reason" in reject.json()["fields"]
    approve = decider.post(f"/api/v1/compensations/{compensation.pk}/approve/", {}, format="json")
    assert approve.status_code == 200, approve.json()
    reopen = post(decider, "reopen", {})
    assert reopen.status_code == 400
    assert {"redo_from", "reason"} <= set(reopen.json()["fields"])
    assert not ComplaintReport.objects.exists()


@pytest.mark.parametrize("amount", ["1e30", "12345678901", "99999999999.99", "1E+400"])
def test_an_amount_beyond_the_columns_precision_is_a_field_error_in_the_api(
    complaint, agent, amount
):
    advance_to(complaint, agent, Stage.NEGOTIATE)
    response = token_client(agent).post(
        url(complaint, "compensations"),
        {"kind": "money", "amount": amount, "currency": "CNY"},
        format="json",
        HTTP_IF_MATCH=etag(complaint),
    )
    assert response.status_code == 400
    assert "amount" in response.json()["fields"]
    assert not Compensation.objects.exists()


@pytest.mark.parametrize("amount", ["1e30", "12345678901"])
def test_an_amount_beyond_the_columns_precision_is_a_field_error_on_the_page(
    client, agent, complaint, amount
):
    advance_to(complaint, agent, Stage.NEGOTIATE)
    complaint.refresh_from_db()
    client.force_login(agent)
    response = client.post(
        reverse("complaints:compensation", args=[complaint.ticket.reference]),
        {"version": complaint.version, "kind": "money", "amount": amount, "currency": "CNY"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert "Enter the amount as a number" in response.content.decode()
    assert not Compensation.objects.exists()
