"""The ticket page and its forms, and the new-ticket form: each change writes its event,
each bad input writes nothing and is answered next to the field."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from customers.models import Customer
from servicedesk.outbox.models import OutboxMessage
from tests.factories import UserFactory
from tests.nothing_written import nothing_written
from tickets import services
from tickets.models import (
    Attachment,
    Channel,
    MessageKind,
    Status,
    Ticket,
    TicketEvent,
    TicketMessage,
)


@pytest.fixture
def ticket(agent, team, customer):
    return services.ticket_create(
        actor=agent, subject="Washer leaks", channel=Channel.EMAIL, team=team, customer=customer
    )


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def url(name: str, ticket: Ticket) -> str:
    return reverse(f"tickets:{name}", kwargs={"reference": ticket.reference})


def written(ticket: Ticket) -> tuple:
    """Everything a change to the ticket would write."""
    ticket.refresh_from_db()
    return (
        ticket.version,
        ticket.status,
        ticket.priority,
        ticket.assignee_id,
        TicketEvent.objects.filter(ticket=ticket).count(),
        TicketMessage.objects.filter(ticket=ticket).count(),
        Attachment.objects.filter(ticket=ticket).count(),
        OutboxMessage.objects.count(),
        Customer.objects.count(),
        Ticket.objects.count(),
    )


def last_event(ticket: Ticket) -> TicketEvent:
    return TicketEvent.objects.filter(ticket=ticket).order_by("pk").last()


# ---- seeing a ticket ---------------------------------------------------------------------


def test_agent_opens_a_ticket_of_their_team(agent_client, ticket):
    response = agent_client.get(url("detail", ticket))
    assert response.status_code == 200
    assert "Washer leaks" in response.content.decode()


def test_another_teams_ticket_is_not_found(agent_client, other_team, manager):
    elsewhere = services.ticket_create(
        actor=manager, subject="Not yours", channel=Channel.PHONE, team=other_team
    )
    assert agent_client.get(url("detail", elsewhere)).status_code == 404


def test_an_unknown_reference_is_not_found(agent_client):
    assert agent_client.get(reverse("tickets:detail", args=["SD-999999"])).status_code == 404


def test_agent_sees_the_customer_contact_masked(agent_client, ticket):
    page = agent_client.get(url("detail", ticket)).content.decode()
    assert "z***@example.com" in page
    assert "138****5678" in page
    assert "zhang.wei@example.com" not in page
    assert "13812345678" not in page
    assert "/reveal/" not in page  # no reveal button without the permission


def test_supervisor_sees_the_contact_masked_with_a_reveal_button(client, supervisor, ticket):
    client.force_login(supervisor)
    page = client.get(url("detail", ticket)).content.decode()
    assert "zhang.wei@example.com" not in page and "13812345678" not in page
    assert "138****5678" in page
    reveal = reverse("customers:reveal", args=[ticket.customer_id, "phone"])
    assert f'hx-post="{reveal}"' in page


def test_timeline_shows_events_as_who_when_action_and_change(agent_client, agent, ticket):
    services.ticket_change_status(ticket=ticket, actor=agent, to=Status.OPEN)
    page = agent_client.get(url("detail", ticket)).content.decode()
    # The factory's display name is the login; tests/tickets/test_timeline_sentences.py
    # shows a display name that differs from it.
    assert "agent changed the status from New to Open" in page


def test_internal_notes_look_different_from_replies(agent_client, agent, ticket):
    services.ticket_reply(ticket=ticket, actor=agent, body="We will send a technician.")
    services.ticket_note(ticket=ticket, actor=agent, body="Customer sounded upset.")
    page = agent_client.get(url("detail", ticket)).content.decode()
    assert 'class="entry message message-reply"' in page
    assert 'class="entry message message-note"' in page


# ---- the forms write their change and its event ---------------------------------------------


def test_reply_form_sends_a_reply_and_records_it(agent_client, ticket):
    response = agent_client.post(
        url("reply", ticket), {"version": ticket.version, "body": "A technician comes Monday."}
    )
    assert response.status_code == 302
    assert response.url == url("detail", ticket)
    message = TicketMessage.objects.get(ticket=ticket)
    assert (message.kind, message.body) == (MessageKind.PUBLIC_REPLY, "A technician comes Monday.")
    assert TicketEvent.objects.filter(ticket=ticket, action="ticket.replied").exists()
    page = agent_client.get(response.url).content.decode()
    assert "Reply sent." in page
    assert "A technician comes Monday." in page


def test_reply_form_stores_an_allowed_attachment_with_the_reply(agent_client, ticket):
    receipt = SimpleUploadedFile("receipt.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    agent_client.post(
        url("reply", ticket), {"version": ticket.version, "body": "See attached.", "file": receipt}
    )
    attachment = Attachment.objects.get(ticket=ticket)
    assert attachment.message.body == "See attached."
    assert attachment.original_name == "receipt.pdf"
    download = agent_client.get(
        reverse("tickets:attachment", args=[ticket.reference, attachment.pk])
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 test"


def test_note_form_adds_an_internal_note(agent_client, ticket):
    agent_client.post(url("note", ticket), {"version": ticket.version, "body": "Check warranty."})
    note = TicketMessage.objects.get(ticket=ticket)
    assert note.kind == MessageKind.INTERNAL_NOTE
    assert last_event(ticket).action == "ticket.noted"


def test_assign_form_gives_the_ticket_to_a_team_member(agent_client, agent, ticket):
    agent_client.post(url("assign", ticket), {"version": ticket.version, "assignee": agent.pk})
    ticket.refresh_from_db()
    assert ticket.assignee == agent
    event = ticket.events.filter(field="assignee").last()
    assert (event.before, event.after["username"]) == (None, "agent")


def test_assign_form_can_unassign(agent_client, agent, ticket):
    services.ticket_assign(ticket=ticket, actor=agent, assignee=agent)
    ticket.refresh_from_db()
    agent_client.post(url("assign", ticket), {"version": ticket.version, "assignee": ""})
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_status_form_moves_the_ticket_and_records_the_event(agent_client, ticket):
    response = agent_client.post(
        url("status", ticket), {"version": ticket.version, "status": "open"}
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    event = last_event(ticket)
    assert (event.field, event.before, event.after) == ("status", "new", "open")


def test_priority_form_changes_the_priority(agent_client, ticket):
    agent_client.post(url("priority", ticket), {"version": ticket.version, "priority": "urgent"})
    ticket.refresh_from_db()
    assert ticket.priority == "urgent"
    event = TicketEvent.objects.get(ticket=ticket, action="ticket.priority_changed")
    assert (event.before, event.after) == ("normal", "urgent")


def test_status_form_offers_only_the_allowed_next_statuses(agent_client, agent, ticket):
    services.ticket_change_status(ticket=ticket, actor=agent, to=Status.RESOLVED)
    form = agent_client.get(url("detail", ticket)).context["status_form"]
    assert [value for value, _label in form.next_choices] == [Status.OPEN, Status.CLOSED]


def test_htmx_form_gets_the_ticket_partial_back(agent_client, ticket):
    response = agent_client.post(
        url("status", ticket), {"version": ticket.version, "status": "open"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response.templates[0].name == "tickets/_ticket.html"
    assert "Status changed." in response.content.decode()


# ---- bad input writes nothing ---------------------------------------------------------------


def test_an_unknown_status_is_refused_by_the_field(agent_client, ticket):
    before = written(ticket)
    response = agent_client.post(
        url("status", ticket), {"version": ticket.version, "status": "archived"}
    )
    assert response.status_code == 422
    assert "Select a valid choice" in str(response.context["status_form"].errors["status"])
    assert written(ticket) == before


def test_a_status_move_outside_the_table_is_refused_by_the_service(agent_client, ticket):
    before = written(ticket)
    response = agent_client.post(
        url("status", ticket), {"version": ticket.version, "status": "closed"}
    )
    assert response.status_code == 422
    errors = response.context["status_form"].errors["status"]
    assert errors == ["A ticket cannot move from “New” to “Closed”."]
    assert written(ticket) == before


def test_a_30_mb_attachment_is_refused_and_the_reply_not_sent(agent_client, ticket, settings):
    assert settings.ATTACHMENT_MAX_BYTES == 10 * 1024 * 1024
    huge = SimpleUploadedFile("scan.pdf", b"0" * (30 * 1024 * 1024), "application/pdf")
    before = written(ticket)
    response = agent_client.post(
        url("reply", ticket), {"version": ticket.version, "body": "Here it is.", "file": huge}
    )
    assert response.status_code == 422
    form = response.context["reply_form"]
    assert form.errors["file"] == ["The file is 30.0 MB; the limit is 10 MB."]
    assert "Here it is." in response.content.decode()  # the input is kept
    assert written(ticket) == before


def test_a_forbidden_file_type_is_refused_and_the_reply_not_sent(agent_client, ticket):
    program = SimpleUploadedFile("setup.exe", b"MZ\x90\x00", content_type="image/png")
    before = written(ticket)
    response = agent_client.post(
        url("reply", ticket), {"version": ticket.version, "body": "Install this.", "file": program}
    )
    assert response.status_code == 422
    assert "are not accepted" in response.context["reply_form"].errors["file"][0]
    assert written(ticket) == before


def test_an_empty_reply_is_refused_by_the_field(agent_client, ticket):
    before = written(ticket)
    response = agent_client.post(url("reply", ticket), {"version": ticket.version, "body": "  "})
    assert response.status_code == 422
    assert response.context["reply_form"].errors["body"]
    assert written(ticket) == before


@pytest.mark.parametrize("form", ["reply", "note", "assign", "status", "priority"])
def test_another_teams_ticket_cannot_be_changed(agent_client, manager, other_team, form):
    elsewhere = services.ticket_create(
        actor=manager, subject="Not yours", channel=Channel.PHONE, team=other_team
    )
    before = written(elsewhere)
    data = {"version": 1, "body": "x", "status": "open", "priority": "low", "assignee": ""}
    assert agent_client.post(url(form, elsewhere), data).status_code == 404
    assert written(elsewhere) == before


def test_assigning_someone_outside_the_team_is_refused(agent_client, ticket, other_team):
    outsider = UserFactory(teams=[other_team])
    before = written(ticket)
    response = agent_client.post(
        url("assign", ticket), {"version": ticket.version, "assignee": outsider.pk}
    )
    assert response.status_code == 422
    assert response.context["assign_form"].errors["assignee"]
    assert written(ticket) == before


def test_a_stale_form_gets_a_conflict_message(agent_client, agent, ticket):
    seen_version = ticket.version
    services.ticket_change_priority(ticket=ticket, actor=agent, priority="high")  # someone else
    before = written(ticket)
    response = agent_client.post(url("status", ticket), {"version": seen_version, "status": "open"})
    assert response.status_code == 422
    assert response.context["status_form"].non_field_errors() == [
        "This ticket was changed by someone else; reload it and try again."
    ]
    assert written(ticket) == before


def test_a_user_without_the_change_permission_is_forbidden(client, team, ticket):
    viewer = get_user_model().objects.create_user("viewer", password="pass-word-123")
    team.members.add(viewer)
    client.force_login(viewer)
    before = written(ticket)
    response = client.post(url("status", ticket), {"version": ticket.version, "status": "open"})
    assert response.status_code == 403
    assert written(ticket) == before


# ---- new ticket ----------------------------------------------------------------------------

NEW = reverse("tickets:new")
# session, user, permissions (2), the user's teams, the ticket with its relations, messages,
# attachments, events, SLA clocks, the team members the ticket can be assigned to, and the
# request's service plan (none here: the plans panel offers to draft one) — 12; then the
# ticket's tags, the canned replies offered, and the customer panel: their open tickets
# counted, the user's teams again and their recent tickets this user may see (visible_to
# reads the team ids itself) — 17. A timeline whose events stored logins (SLA alerts) adds
# one query for their names, whatever their number (tickets/timeline.py).
TICKET_PAGE_QUERIES = 17


def test_new_ticket_starts_by_choosing_a_template(agent_client):
    page = agent_client.get(NEW).content.decode()
    assert "After-sales repair" in page
    assert "Without a template" in page


def test_the_template_form_marks_its_required_fields(agent_client):
    response = agent_client.get(NEW, {"template": "after-sales-repair"})
    form = response.context["form"]
    marked = {name for name, field in form.fields.items() if getattr(field, "template_required", 0)}
    assert marked == {"customer", "product", "order_number", "purchase_date", "description"}
    assert response.content.decode().count('class="required-mark"') >= len(marked)


def test_an_unknown_template_is_a_clear_error(agent_client):
    response = agent_client.get(NEW, {"template": "nope"})
    assert response.status_code == 422
    assert "There is no active intake template “nope”." in response.content.decode()


def test_a_missing_template_field_is_named_by_the_field_and_the_input_kept(agent_client, customer):
    before = (Ticket.objects.count(), TicketEvent.objects.count(), Customer.objects.count())
    response = agent_client.post(
        f"{NEW}?template=after-sales-repair",
        {
            "subject": "Dryer does not heat",
            "channel": "phone",
            "complexity": "simple",
            "customer": customer.pk,
            "product": "Dryer D3",
            "description": "No heat since Monday",
        },
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert set(errors) == {"order_number", "purchase_date"}
    assert errors["order_number"] == ["The “After-sales repair” template requires this field."]
    page = response.content.decode()
    assert 'value="Dryer does not heat"' in page
    assert 'value="Dryer D3"' in page
    assert f'value="{customer.pk}" checked' in page
    assert (
        page.count("The “After-sales repair” template requires this field.") == 2
    )  # once per field
    after = (Ticket.objects.count(), TicketEvent.objects.count(), Customer.objects.count())
    assert after == before


def test_a_missing_customer_is_named_once_by_the_customer_picker(agent_client):
    with nothing_written():
        response = agent_client.post(
            f"{NEW}?template=incident",
            {"subject": "App down", "channel": "web", "complexity": "simple"},
        )
    assert response.status_code == 422
    assert response.context["form"].errors == {
        "description": ["The “Incident report” template requires this field."]
    }
    with nothing_written():
        response = agent_client.post(
            f"{NEW}?template=feedback",
            {"subject": "Idea", "channel": "web", "complexity": "simple", "description": "More"},
        )
    page = response.content.decode()
    assert response.context["form"].errors == {
        "customer": ["The “Feedback / suggestion” template requires this field."]
    }
    assert page.count("The “Feedback / suggestion” template requires this field.") == 1
    assert '<fieldset class="customer-picker has-error">' in page


def test_a_refused_ticket_does_not_register_its_new_customer(agent_client):
    before = Customer.objects.count()
    response = agent_client.post(
        f"{NEW}?template=incident",
        {"subject": "App down", "channel": "phone", "complexity": "simple",
         "new_customer_name": "Chen Jie", "new_customer_phone": "13900001111"},
    )  # fmt: skip
    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"description"}
    assert Customer.objects.count() == before
    assert 'value="Chen Jie"' in response.content.decode()


def test_a_complete_ticket_is_opened_with_a_new_customer(agent_client, agent, team):
    team.channels = ["phone"]
    team.save()
    # (A complaint is opened on the complaint page: see test_complaint_one_way_in.py.)
    response = agent_client.post(
        f"{NEW}?template=incident",
        {"subject": "App down", "channel": "phone", "complexity": "simple",
         "new_customer_name": "Chen Jie", "new_customer_phone": "13900001111",
         "description": "The app shows a blank page."},
    )  # fmt: skip
    ticket = Ticket.objects.get(subject="App down")
    assert response.status_code == 302
    assert response.url == url("detail", ticket)
    assert (ticket.kind, ticket.priority, ticket.team) == ("incident", "high", team)
    assert ticket.customer.name == "Chen Jie"
    assert ticket.created_by == agent
    assert TicketEvent.objects.filter(ticket=ticket, action="ticket.created").exists()


def test_a_ticket_without_a_template_needs_only_a_subject(agent_client, team):
    response = agent_client.post(
        f"{NEW}?template=none",
        {"subject": "", "channel": "email", "kind": "request", "priority": "normal",
         "complexity": "simple"},
    )  # fmt: skip
    assert response.status_code == 422
    assert response.context["form"].errors == {"subject": ["This field is required."]}


def test_customer_search_finds_by_name_and_masks_contact_for_agents(agent_client, customer):
    response = agent_client.get(reverse("customers:pick"), {"customer_q": "zhang"})
    page = response.content.decode()
    assert f'value="{customer.pk}"' in page
    assert "z***@example.com" in page
    assert "zhang.wei@example.com" not in page


# ---- cost and edges ---------------------------------------------------------------------------


def _work(ticket, agent, rounds: int) -> None:
    for number in range(rounds):
        message = services.ticket_reply(ticket=ticket, actor=agent, body=f"Reply {number}")
        services.ticket_note(ticket=ticket, actor=agent, body=f"Note {number}")
        services.ticket_customer_message(ticket=ticket, body=f"Answer {number}")
        services.ticket_attach(
            ticket=ticket,
            actor=agent,
            message=message,
            uploaded_file=SimpleUploadedFile(f"photo{number}.png", b"\x89PNG", "image/png"),
        )


@pytest.mark.parametrize("rounds", [1, 20])
def test_ticket_page_query_count_does_not_grow_with_the_timeline(
    agent_client, agent, ticket, rounds, django_assert_num_queries
):
    _work(ticket, agent, rounds)  # 4 or 80 messages, with attachments and events
    with django_assert_num_queries(TICKET_PAGE_QUERIES):
        response = agent_client.get(url("detail", ticket))
    assert response.status_code == 200
    assert response.content.decode().count("message-note") == rounds


def test_an_htmx_form_error_comes_back_as_the_partial_with_422(agent_client, ticket):
    with nothing_written():
        response = agent_client.post(
            url("status", ticket),
            {"version": ticket.version, "status": "archived"},
            HTTP_HX_REQUEST="true",
        )
    assert response.status_code == 422
    assert response.templates[0].name == "tickets/_ticket.html"
    assert "Select a valid choice" in response.content.decode()


def test_opening_a_ticket_needs_the_add_permission(client, team):
    viewer = get_user_model().objects.create_user("viewer", password="pass-word-123")
    client.force_login(viewer)
    assert client.get(NEW).status_code == 403
    assert client.post(f"{NEW}?template=none", {"subject": "x"}).status_code == 403
    assert Ticket.objects.count() == 0


def test_not_found_and_forbidden_pages_explain_themselves(client, team, settings):
    settings.DEBUG = False
    viewer = get_user_model().objects.create_user("viewer", password="pass-word-123")
    client.force_login(viewer)
    missing = client.get(reverse("tickets:detail", args=["SD-999999"]))
    assert missing.status_code == 404
    assert "belongs to a team you are not in" in missing.content.decode()
    forbidden = client.get(NEW)
    assert forbidden.status_code == 403
    assert "Your role does not include this action" in forbidden.content.decode()


def test_other_apps_teach_the_timeline_their_fields(monkeypatch):
    from django.db import models

    from servicedesk.templatetags import desk

    class Stage(models.TextChoices):
        ACCEPT = "accept", "Accept"

    monkeypatch.setattr(desk, "_LABEL_BY_FIELD", {})
    # The complaints app registers "stage" for real; start from a registry without it.
    without_stage = {k: v for k, v in desk._CHOICES_BY_FIELD.items() if k != "stage"}
    monkeypatch.setattr(desk, "_CHOICES_BY_FIELD", without_stage)
    assert (desk.field_label("stage"), desk.event_value("accept", "stage")) == ("Stage", "accept")
    desk.register_event_field("stage", label="complaint stage", choices=Stage)
    assert desk.field_label("stage") == "Complaint stage"
    assert desk.event_value("accept", "stage") == "Accept"
    assert desk.event_value("open", "status") == "Open"
