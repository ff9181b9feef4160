"""/api/v1/complaints/: stage moves with If-Match (412 when stale, 409 when raced),
compensation approvals, report download, and bad input in the one error shape."""

import threading

import pytest
from django.db import connection, transaction
from rest_framework.test import APIClient

from complaints import services
from complaints.models import Compensation, Stage, StageEntry
from servicedesk.api.scopes import Scope
from servicedesk.api.services import api_token_issue
from tests.complaints.conftest import VALID_CONTENT, accept_content, advance_to
from tests.nothing_written import nothing_written

ALL_SCOPES = list(Scope.values)


def token_client(user, scopes=ALL_SCOPES):
    _token, plain = api_token_issue(user=user, name=f"crm {user.pk}", scopes=scopes)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plain}")
    return client


def url(complaint, action=""):
    return f"/api/v1/complaints/{complaint.pk}/" + (f"{action}/" if action else "")


def etag(complaint):
    complaint.refresh_from_db()
    return f'W/"{complaint.pk}-{complaint.version}"'


def test_reading_a_complaint_gives_its_stages_and_etag(complaint, agent):
    advance_to(complaint, agent, Stage.ACCEPT)
    response = token_client(agent).get(url(complaint))
    assert response.status_code == 200
    assert response["ETag"] == etag(complaint)
    body = response.json()
    assert (body["stage"], body["next_stage"], body["severity"]) == (
        "accept",
        "investigate",
        "routine",
    )
    assert body["entries"][0]["content"]["contact_channel"] == "phone"


def test_a_stage_move_with_the_current_etag_records_it(complaint, agent):
    response = token_client(agent).post(
        url(complaint, "advance"),
        {"to": "accept", "content": accept_content()},
        format="json",
        HTTP_IF_MATCH=etag(complaint),
    )
    assert response.status_code == 200, response.json()
    assert response.json()["stage"] == "accept"
    assert response["ETag"] == etag(complaint)


def test_a_stale_etag_is_refused_with_412_and_nothing_written(complaint, agent):
    stale = etag(complaint)
    advance_to(complaint, agent, Stage.ACCEPT)
    response = token_client(agent).post(
        url(complaint, "advance"),
        {"to": "investigate", "content": VALID_CONTENT[Stage.INVESTIGATE]},
        format="json",
        HTTP_IF_MATCH=stale,
    )
    assert response.status_code == 412
    assert response.json()["code"] == "precondition_failed"
    assert StageEntry.objects.count() == 1


def test_a_token_must_send_if_match_for_a_stage_move(complaint, agent):
    client = token_client(agent)
    with nothing_written():
        response = client.post(
            url(complaint, "advance"), {"to": "accept", "content": {}}, format="json"
        )
    assert response.status_code == 428


@pytest.mark.usefixtures("committed_db")
@pytest.mark.xdist_group("complaints-race")
def test_a_move_racing_another_gets_409_and_writes_nothing(complaint, agent, supervisor):
    client = token_client(supervisor)
    tag = etag(complaint)
    holding, release = threading.Event(), threading.Event()

    def first():
        try:
            with transaction.atomic():
                services.complaint_advance(
                    complaint=complaint,
                    actor=agent,
                    to=Stage.ACCEPT,
                    content=accept_content(),
                )
                holding.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    assert holding.wait(10)
    try:
        response = client.post(
            url(complaint, "advance"),
            {"to": "accept", "content": accept_content()},
            format="json",
            HTTP_IF_MATCH=tag,
        )
    finally:
        release.set()
        thread.join(20)
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert StageEntry.objects.filter(complaint=complaint).count() == 1
    assert StageEntry.objects.get(complaint=complaint).actor == agent


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"to": "investigate", "content": {}}, 409, "stage_order", "to"),
        ({"to": "accept", "content": {"contact_channel": "phone"}}, 400, "invalid", "contacted_at"),
        ({"to": "accept", "content": "yes"}, 400, "invalid", "content"),
        ({"to": "bogus"}, 400, "invalid", "to"),
        ({"to": "accept", "extra": 1}, 400, "invalid", "extra"),
    ],
)
def test_bad_stage_moves_get_a_clear_error_and_write_nothing(
    complaint, agent, body, status, code, field
):
    response = token_client(agent).post(
        url(complaint, "advance"), body, format="json", HTTP_IF_MATCH=etag(complaint)
    )
    assert response.status_code == status, response.json()
    assert response.json()["code"] == code
    assert field in response.json()["fields"]
    assert not StageEntry.objects.exists()


def test_an_agent_moving_an_urgent_complaint_gets_403(open_complaint, agent):
    complaint = open_complaint(severity="urgent")
    client = token_client(agent)
    with nothing_written():
        response = client.post(
            url(complaint, "advance"),
            {"to": "accept", "content": accept_content()},
            format="json",
            HTTP_IF_MATCH=etag(complaint),
        )
    assert response.status_code == 403
    assert response.json()["code"] == "not_authorised"


@pytest.mark.parametrize(
    ("amount", "currency", "field"),
    [("-1", "CNY", "amount"), ("ten", "CNY", "amount"), ("10", "ABC", "currency")],
)
def test_bad_compensation_input_is_a_400_naming_the_field(
    complaint, agent, amount, currency, field
):
    advance_to(complaint, agent, Stage.NEGOTIATE)
    response = token_client(agent).post(
        url(complaint, "compensations"),
        {"kind": "money", "amount": amount, "currency": currency},
        format="json",
        HTTP_IF_MATCH=etag(complaint),
    )
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert not Compensation.objects.exists()


def test_approval_through_the_api_refuses_ones_own_and_accepts_another(
    complaint, agent, supervisor
):
    advance_to(complaint, agent, Stage.NEGOTIATE)
    response = token_client(agent).post(
        url(complaint, "compensations"),
        {"kind": "money", "amount": "900", "currency": "CNY"},
        format="json",
        HTTP_IF_MATCH=etag(complaint),
    )
    assert response.status_code == 201
    compensation_id = response.json()["id"]
    assert response.json()["status"] == "pending_approval"
    # The agent holds no approval right; the supervisor may approve.
    agent_client = token_client(agent)
    with nothing_written():
        denied = agent_client.post(f"/api/v1/compensations/{compensation_id}/approve/", {})
    assert denied.status_code == 403
    waiting = token_client(supervisor).get("/api/v1/compensations/").json()
    assert [item["id"] for item in waiting["results"]] == [compensation_id]
    approved = token_client(supervisor).post(
        f"/api/v1/compensations/{compensation_id}/approve/", {"reason": "Fair"}, format="json"
    )
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"


def test_a_supervisor_cannot_approve_their_own_request_through_the_api(
    complaint, agent, supervisor
):
    advance_to(complaint, agent, Stage.NEGOTIATE)
    compensation = services.complaint_request_compensation(
        complaint=complaint, actor=supervisor, kind="money", amount="2500", currency="CNY"
    )
    response = token_client(supervisor).post(
        f"/api/v1/compensations/{compensation.pk}/approve/", {}, format="json"
    )
    assert response.status_code == 403
    assert "your own" in response.json()["detail"]
    compensation.refresh_from_db()
    assert compensation.status == "pending_approval"


def test_the_report_downloads_as_pdf(complaint, agent, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # The worker has not rendered it yet (no after-commit work runs here): the download
    # renders it from the stored HTML.
    advance_to(complaint, agent, Stage.CLOSED)
    assert not complaint.reports.get().pdf
    response = token_client(agent).get(url(complaint, "reports/1"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert token_client(agent).get(url(complaint, "reports/2")).status_code == 404


def test_opening_a_complaint_through_the_api(agent, category, customer, team):
    response = token_client(agent).post(
        "/api/v1/complaints/",
        {
            "subject": "Wrong bill",
            "severity": "routine",
            "category_id": category.pk,
            "customer_id": customer.pk,
            "team_id": team.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["stage"] == "received"
    assert response.json()["reference"].startswith("SD-")


def test_a_token_without_the_complaints_scope_is_refused(complaint, agent):
    response = token_client(agent, scopes=[Scope.TICKETS_READ]).get(url(complaint))
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"


def test_another_teams_complaint_is_not_found(complaint, other_team):
    from staff.models import Role
    from tests.factories import UserFactory

    outsider = UserFactory(username="outsider", role=Role.AGENT, teams=[other_team])
    assert token_client(outsider).get(url(complaint)).status_code == 404
