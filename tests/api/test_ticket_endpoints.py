"""Contract tests for /api/v1/tickets/: each endpoint's status, body and side effects."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.factories import CustomerFactory, TeamFactory, UserFactory
from tests.nothing_written import nothing_written
from tickets import services
from tickets.models import Channel, Status, Ticket, TicketEvent, TicketMessage
from tickets.sla.selectors import ticket_clocks

pytestmark = pytest.mark.django_db

TICKET_FIELDS = {
    "id",
    "reference",
    "subject",
    "description",
    "status",
    "priority",
    "channel",
    "kind",
    "complexity",
    "category",
    "team",
    "customer",
    "assignee",
    "case_owner",
    "tags",
    "product",
    "order_number",
    "purchase_date",
    "customer_demand",
    "preferred_contact_time",
    "created_at",
    "updated_at",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "version",
    "sla",
}


def open_ticket(team, actor, **kwargs):
    return services.ticket_create(
        actor=actor,
        subject=kwargs.pop("subject", "Printer on fire"),
        channel=Channel.API,
        team=team,
        **kwargs,
    )


def etag(ticket):
    ticket.refresh_from_db()
    return f'W/"{ticket.pk}-{ticket.version}"'


def test_create_opens_a_ticket_through_the_service_and_returns_it_with_an_etag(api, team, customer):
    response = api.post(
        "/api/v1/tickets/",
        {
            "subject": "Refund please",
            "customer": customer.pk,
            "team": team.pk,
            "tags": ["refund", "vip"],
            "priority": "high",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == TICKET_FIELDS
    ticket = Ticket.objects.get(pk=body["id"])
    assert body["reference"] == ticket.reference
    assert body["channel"] == "api" and body["status"] == "new" and body["priority"] == "high"
    assert body["customer"] == {"id": customer.pk, "name": "Zhang Wei"}
    assert body["tags"] == ["refund", "vip"]
    assert response["ETag"] == f'W/"{ticket.pk}-{ticket.version}"'
    assert response["Location"].endswith(f"/api/v1/tickets/{ticket.pk}/")
    # The service recorded the audit event: the API did not write the model directly.
    assert TicketEvent.objects.filter(ticket=ticket, action="ticket.created").count() == 1


def test_retrieve_returns_the_ticket_with_its_sla_list_and_etag(api, team, integration):
    ticket = open_ticket(team, integration)
    response = api.get(f"/api/v1/tickets/{ticket.pk}/")
    assert response.status_code == 200
    assert response.json()["reference"] == ticket.reference
    assert isinstance(response.json()["sla"], list)
    assert response["ETag"] == etag(ticket)


def test_list_pages_with_a_cursor_and_stays_stable_when_tickets_are_inserted(
    api, team, integration
):
    tickets = [open_ticket(team, integration, subject=f"T{i}") for i in range(5)]
    first = api.get("/api/v1/tickets/", {"page_size": 2}).json()
    assert [row["id"] for row in first["results"]] == [tickets[4].pk, tickets[3].pk]
    open_ticket(team, integration, subject="inserted meanwhile")
    second = api.get(first["next"]).json()
    assert [row["id"] for row in second["results"]] == [tickets[2].pk, tickets[1].pk]


def test_list_filters_by_status_priority_channel_team_and_customer(api, team, integration):
    customer = CustomerFactory()
    wanted = open_ticket(team, integration, customer=customer, priority="urgent")
    open_ticket(team, integration, priority="low")
    services.ticket_change_status(ticket=wanted, actor=integration, to=Status.OPEN)
    for params in (
        {"status": "open"},
        {"priority": "urgent"},
        {"customer_id": customer.pk},
        {"status": "open", "channel": "api", "team_id": team.pk},
    ):
        ids = [row["id"] for row in api.get("/api/v1/tickets/", params).json()["results"]]
        assert ids == [wanted.pk], params


def test_list_filters_by_created_range(api, team, integration, time_machine):
    time_machine.move_to("2026-01-05 10:00:00+00:00", tick=False)
    old = open_ticket(team, integration)
    time_machine.move_to("2026-02-05 10:00:00+00:00", tick=False)
    new = open_ticket(team, integration)
    ids = [
        row["id"]
        for row in api.get("/api/v1/tickets/", {"created_after": "2026-02-01T00:00:00Z"}).json()[
            "results"
        ]
    ]
    assert ids == [new.pk]
    ids = [
        row["id"]
        for row in api.get("/api/v1/tickets/", {"created_before": "2026-02-01T00:00:00Z"}).json()[
            "results"
        ]
    ]
    assert ids == [old.pk]


def test_list_query_count_does_not_grow_with_the_page(
    api, team, integration, django_assert_num_queries
):
    # the token with its user and the user's permissions (own and groups', one query),
    # the user's teams, tickets, tags, SLA clocks
    expected = 5
    open_ticket(team, integration, tags=["a"])
    api.get("/api/v1/tickets/")  # the token's last-used stamp is written once a minute
    with django_assert_num_queries(expected):
        assert len(api.get("/api/v1/tickets/").json()["results"]) == 1
    for i in range(49):
        open_ticket(team, integration, subject=f"more {i}", tags=["b", "c"])
    with django_assert_num_queries(expected):
        assert len(api.get("/api/v1/tickets/").json()["results"]) == 50


def test_patch_changes_descriptive_fields_with_if_match(api, team, integration):
    ticket = open_ticket(team, integration)
    response = api.patch(
        f"/api/v1/tickets/{ticket.pk}/",
        {"subject": "Printer fixed?", "tags": ["hardware"]},
        format="json",
        HTTP_IF_MATCH=etag(ticket),
    )
    assert response.status_code == 200, response.json()
    assert response.json()["subject"] == "Printer fixed?"
    assert response.json()["tags"] == ["hardware"]
    assert response["ETag"] == etag(ticket)


def test_status_priority_and_assign_actions_call_the_services(api, team, integration):
    ticket = open_ticket(team, integration)
    colleague = UserFactory(teams=[team])
    response = api.post(
        f"/api/v1/tickets/{ticket.pk}/status/",
        {"status": "open"},
        format="json",
        HTTP_IF_MATCH=etag(ticket),
    )
    assert response.status_code == 200 and response.json()["status"] == "open"
    response = api.post(
        f"/api/v1/tickets/{ticket.pk}/priority/",
        {"priority": "urgent"},
        format="json",
        HTTP_IF_MATCH=etag(ticket),
    )
    assert response.status_code == 200 and response.json()["priority"] == "urgent"
    response = api.post(
        f"/api/v1/tickets/{ticket.pk}/assign/",
        {"assignee": colleague.pk},
        format="json",
        HTTP_IF_MATCH=etag(ticket),
    )
    assert response.status_code == 200
    assert response.json()["assignee"]["id"] == colleague.pk
    actions = list(TicketEvent.objects.filter(ticket=ticket).values_list("action", flat=True))
    assert actions == [
        "ticket.created",
        "ticket.status_changed",
        "ticket.priority_changed",
        "ticket.assigned",  # the assignee
        "ticket.assigned",  # the first assignee becomes case owner
    ]


def test_assign_with_a_team_transfers_the_ticket(make_client, manager, team):
    api = make_client(manager)
    ticket = open_ticket(team, manager)
    billing = TeamFactory(name="Billing")
    response = api.post(
        f"/api/v1/tickets/{ticket.pk}/assign/",
        {"assignee": None, "team": billing.pk},
        format="json",
        HTTP_IF_MATCH=etag(ticket),
    )
    assert response.status_code == 200
    assert response.json()["team"] == {"id": billing.pk, "name": "Billing"}


def test_a_forbidden_status_move_is_409_with_the_domain_code(api, team, integration):
    ticket = open_ticket(team, integration)
    with nothing_written():
        response = api.post(
            f"/api/v1/tickets/{ticket.pk}/status/",
            {"status": "closed"},
            format="json",
            HTTP_IF_MATCH=etag(ticket),
        )
    assert response.status_code == 409
    assert response.json()["code"] == "transition_not_allowed"
    assert "status" in response.json()["fields"]


def test_replies_notes_and_messages(api, team, integration, customer):
    ticket = open_ticket(team, integration, customer=customer)
    reply = api.post(f"/api/v1/tickets/{ticket.pk}/replies/", {"body": "On it."}, format="json")
    note = api.post(f"/api/v1/tickets/{ticket.pk}/notes/", {"body": "VIP"}, format="json")
    assert reply.status_code == 201 and reply.json()["kind"] == "reply"
    assert note.status_code == 201 and note.json()["kind"] == "note"
    listed = api.get(f"/api/v1/tickets/{ticket.pk}/messages/").json()["results"]
    assert [m["body"] for m in listed] == ["On it.", "VIP"]
    assert TicketMessage.objects.filter(ticket=ticket).count() == 2
    ticket.refresh_from_db()
    assert ticket.status == "open"  # the reply opened the new ticket


def test_attachments_are_uploaded_as_multipart_and_listed(
    api, team, integration, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    ticket = open_ticket(team, integration)
    upload = SimpleUploadedFile("receipt.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = api.post(
        f"/api/v1/tickets/{ticket.pk}/attachments/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["original_name"] == "receipt.pdf"
    listed = api.get(f"/api/v1/tickets/{ticket.pk}/attachments/").json()["results"]
    assert [a["original_name"] for a in listed] == ["receipt.pdf"]


def test_an_attachment_of_a_refused_type_is_400_naming_the_file_field(
    api, team, integration, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    ticket = open_ticket(team, integration)
    upload = SimpleUploadedFile("tool.exe", b"MZ", content_type="application/octet-stream")
    with nothing_written():
        response = api.post(
            f"/api/v1/tickets/{ticket.pk}/attachments/", {"file": upload}, format="multipart"
        )
    assert response.status_code == 400
    assert response.json()["fields"].keys() == {"file"}


def test_events_list_the_audit_trail_oldest_first(api, team, integration):
    ticket = open_ticket(team, integration)
    services.ticket_change_priority(ticket=ticket, actor=integration, priority="low")
    events = api.get(f"/api/v1/tickets/{ticket.pk}/events/").json()["results"]
    assert [e["action"] for e in events] == ["ticket.created", "ticket.priority_changed"]
    assert events[1]["before"] == "normal" and events[1]["after"] == "low"
    assert events[1]["actor"]["username"] == "crm-integration"


def test_sla_lists_every_clock_of_the_ticket(api, team, integration):
    ticket = open_ticket(team, integration)
    clocks = ticket_clocks(ticket)
    assert clocks, "the default policies start at least one clock"
    response = api.get(f"/api/v1/tickets/{ticket.pk}/sla/")
    assert response.status_code == 200
    assert [c["metric"] for c in response.json()] == [c.metric for c in clocks]
    assert set(response.json()[0]) == {
        "metric",
        "due_at",
        "warn_at",
        "state",
        "met_at",
        "breached_at",
        "escalation_level",
    }
    listed = api.get(f"/api/v1/tickets/{ticket.pk}/").json()["sla"]
    assert listed == response.json()


def test_the_list_filters_by_sla_state_and_breach(api, team, integration):
    from tickets.sla.models import Clock, ClockState

    breached = open_ticket(team, integration, subject="late")
    calm = open_ticket(team, integration, subject="calm")
    Clock.objects.filter(ticket=breached).update(
        state=ClockState.BREACHED, breached_at=timezone.now()
    )
    ids = lambda params: [r["id"] for r in api.get("/api/v1/tickets/", params).json()["results"]]  # noqa: E731
    assert ids({"breached": "true"}) == [breached.pk]
    assert ids({"breached": "false"}) == [calm.pk]
    assert ids({"sla_state": "breached"}) == [breached.pk]
    assert ids({"sla_state": "running"}) == [calm.pk]


def test_the_sla_dashboard_gives_figures_to_supervisors_only(make_client, supervisor, api):
    response = make_client(supervisor).get("/api/v1/sla/dashboard/", {"by": "priority"})
    assert response.status_code == 200, response.json()
    assert response.json()["by"] == "priority"
    assert set(response.json()["response_times"]) >= {"first_response_count"}
    assert api.get("/api/v1/sla/dashboard/").status_code == 403


def test_the_sla_dashboard_refuses_a_reversed_period(make_client, supervisor):
    response = make_client(supervisor).get(
        "/api/v1/sla/dashboard/", {"start": "2026-02-01T00:00:00Z", "end": "2026-01-01T00:00:00Z"}
    )
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["end"]
