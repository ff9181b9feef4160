"""One-line fields refuse control and bidi-override characters, and a ticket carries at
most TICKET_MAX_TAGS tags — the same answer from the service, the API and the page."""

import pytest
from django.urls import reverse

from customers.models import Customer
from servicedesk.exceptions import ValidationError
from servicedesk.text import MSG_NOT_SINGLE_LINE, as_single_line, is_single_line
from tickets import services
from tickets.models import Channel, Tag, Ticket

pytestmark = pytest.mark.django_db

# The Trojan Source characters (embeddings, overrides, isolates), C0, DEL, C1 and the
# Unicode line separators.
REFUSED = [
    "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
    "\u2066", "\u2067", "\u2068", "\u2069",
    "\x00", "\x07", "\t", "\n", "\r", "\x1b", "\x7f", "\x85", "\x9b", "\u2028", "\u2029",
]  # fmt: skip
ALLOWED = ["\u200e", "\u200f", "\u061c", "中文", "עברית", "émigré", "a - b"]


@pytest.mark.parametrize("character", REFUSED)
def test_control_and_bidi_override_characters_are_not_single_line(character):
    assert not is_single_line(f"Invoice{character}fdp.exe")
    assert is_single_line(as_single_line(f"Invoice{character}fdp.exe"))


@pytest.mark.parametrize("text", ALLOWED)
def test_directional_marks_and_any_script_are_single_line(text):
    assert is_single_line(text)
    assert as_single_line(text) == text


def test_line_breaks_become_one_space_when_mail_text_is_cleaned():
    assert as_single_line("Re: help\r\n\twith\x07 \u202eorder") == "Re: help with order"


@pytest.mark.parametrize("character", ["\u202e", "\x07", "\n"])
@pytest.mark.parametrize("field", ["subject", "product", "order_number", "preferred_contact_time"])
def test_the_api_refuses_them_in_every_one_line_field_and_writes_nothing(api, field, character):
    body = {"subject": "Refund", field: f"ab{character}cd"}
    response = api.post("/api/v1/tickets/", body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["fields"] == {field: [str(MSG_NOT_SINGLE_LINE)]}
    assert not Ticket.objects.exists()


def test_an_edit_with_a_bidi_override_is_refused_and_changes_nothing(api, integration, team):
    ticket = services.ticket_create(
        actor=integration, subject="Help", channel=Channel.API, team=team
    )
    response = api.patch(
        f"/api/v1/tickets/{ticket.pk}/",
        {"subject": "Invoice \u202egpj.exe"},
        format="json",
        HTTP_IF_MATCH=f'W/"{ticket.pk}-{ticket.version}"',
    )
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["subject"]
    ticket.refresh_from_db()
    assert (ticket.subject, ticket.version) == ("Help", 1)


def test_the_new_ticket_page_refuses_them_next_to_the_field(client, agent, team):
    client.force_login(agent)
    response = client.post(
        reverse("tickets:new") + "?template=none",
        {
            "subject": "Invoice \u202egpj.exe",
            "channel": "phone",
            "kind": "request",
            "complexity": "simple",
        },
    )
    assert response.status_code == 422
    assert response.context["form"].errors == {"subject": [str(MSG_NOT_SINGLE_LINE)]}
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("field", ["name", "phone"])
def test_a_customer_name_or_phone_with_them_is_refused(make_client, supervisor, field):
    body = {"name": "Zhang Wei", "phone": "13800000000", field: "Zhang\u2066Wei"}
    response = make_client(supervisor).post("/api/v1/customers/", body, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()["fields"]) == [field]
    assert not Customer.objects.exists()


def test_mail_subjects_are_cleaned_not_refused(db):
    from tickets.inbound import inbound_mail_ingest

    raw = (
        "From: Li Na <li.na@example.com>\r\nTo: support@example.com\r\n"
        "Subject: =?utf-8?b?"
        + __import__("base64").b64encode("Refund\u202e\x07 please".encode()).decode()
        + "?=\r\nMessage-ID: <bidi@example.com>\r\n\r\nBody\r\n"
    ).encode()
    result = inbound_mail_ingest(raw, source="test")
    assert result.ticket.subject == "Refund please"


# ---- tags ---------------------------------------------------------------------------------


def test_twenty_tags_are_accepted(api):
    tags = [f"tag{n}" for n in range(20)]
    response = api.post("/api/v1/tickets/", {"subject": "x", "tags": tags}, format="json")
    assert response.status_code == 201, response.content
    assert sorted(response.json()["tags"]) == sorted(tags)


@pytest.mark.parametrize("count", [21, 1000])
def test_more_than_twenty_tags_are_refused_and_no_tag_is_created(api, count):
    # 1,000 were accepted, each a new global tag.
    tags = [f"tag{n}" for n in range(count)]
    response = api.post("/api/v1/tickets/", {"subject": "x", "tags": tags}, format="json")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["tags"]
    assert not Ticket.objects.exists() and not Tag.objects.exists()


def test_the_tag_limit_counts_distinct_names(api):
    tags = ["same"] * 50 + [f"tag{n}" for n in range(19)]
    response = api.post("/api/v1/tickets/", {"subject": "x", "tags": tags}, format="json")
    assert response.status_code == 201, response.content
    assert len(response.json()["tags"]) == 20


def test_replacing_tags_is_limited_too(api, integration, team):
    ticket = services.ticket_create(
        actor=integration, subject="x", channel=Channel.API, team=team, tags=["a"]
    )
    response = api.patch(
        f"/api/v1/tickets/{ticket.pk}/",
        {"tags": [f"tag{n}" for n in range(21)]},
        format="json",
        HTTP_IF_MATCH=f'W/"{ticket.pk}-{ticket.version}"',
    )
    assert response.status_code == 400
    assert list(ticket.tags.values_list("name", flat=True)) == ["a"]
    assert Tag.objects.count() == 1


def test_the_tag_limit_is_a_setting(settings, agent, team):
    settings.TICKET_MAX_TAGS = 2
    with pytest.raises(ValidationError) as refused:
        services.ticket_create(
            actor=agent, subject="x", channel=Channel.API, team=team, tags=["a", "b", "c"]
        )
    assert refused.value.fields == {"tags": ["A ticket carries at most 2 tags; these are 3."]}
    services.ticket_create(
        actor=agent, subject="x", channel=Channel.API, team=team, tags=["a", "b"]
    )


def test_a_tag_with_a_control_character_is_refused(agent, team):
    with pytest.raises(ValidationError) as refused:
        services.ticket_create(
            actor=agent, subject="x", channel=Channel.API, team=team, tags=["ok", "b\u202ed"]
        )
    assert list(refused.value.fields) == ["tags"]
