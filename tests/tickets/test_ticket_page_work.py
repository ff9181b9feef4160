"""What an agent does on the ticket page beyond the timeline: the composer (reply or
note, several files, canned replies), tags, @mentions that notify, the customer panel and
the warning that a colleague is replying."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from customers.models import Customer
from servicedesk.exceptions import ValidationError
from servicedesk.outbox.models import OutboxMessage
from staff.models import Role
from tests.factories import CategoryFactory, TeamFactory, UserFactory
from tests.nothing_written import nothing_written
from tickets import services
from tickets.models import (
    Attachment,
    CannedReply,
    Channel,
    Kind,
    MessageKind,
    Status,
    TicketEvent,
    TicketMessage,
)
from tickets.selectors import canned_replies_for


@pytest.fixture
def ticket(agent, team, customer):
    return services.ticket_create(
        actor=agent, subject="Washer leaks", channel=Channel.EMAIL, team=team, customer=customer
    )


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def url(name, ticket):
    return reverse(f"tickets:{name}", args=[ticket.reference])


def pdf(name="receipt.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 " + name.encode(), content_type="application/pdf")


# ---- several attachments per reply ---------------------------------------------------------


def test_a_reply_carries_several_files_and_its_e_mail_names_them(agent, ticket):
    message = services.ticket_reply(
        ticket=ticket,
        actor=agent,
        body="Photos and the receipt.",
        uploaded_files=[pdf("a.pdf"), pdf("b.pdf"), pdf("c.pdf")],
    )
    stored = list(Attachment.objects.filter(message=message).order_by("pk"))
    assert [a.original_name for a in stored] == ["a.pdf", "b.pdf", "c.pdf"]
    mail = OutboxMessage.objects.get(topic="ticket.reply")
    assert mail.payload["attachment_ids"] == [a.pk for a in stored]


def test_one_refused_file_refuses_the_reply_and_stores_no_file(agent, ticket, _media):
    files = [pdf("a.pdf"), SimpleUploadedFile("tool.exe", b"MZ", "image/png"), pdf("c.pdf")]
    with nothing_written(), pytest.raises(ValidationError) as error:
        services.ticket_reply(ticket=ticket, actor=agent, body="Files", uploaded_files=files)
    assert "file" in error.value.fields
    assert not any(path.is_file() for path in _media.rglob("*"))


def test_more_files_than_allowed_are_refused(agent, ticket, settings):
    settings.ATTACHMENTS_PER_MESSAGE = 2
    with nothing_written(), pytest.raises(ValidationError) as error:
        services.ticket_reply(
            ticket=ticket, actor=agent, body="x", uploaded_files=[pdf("a.pdf")] * 3
        )
    assert "at most 2 files" in str(error.value.fields["file"][0])


def test_the_composer_sends_several_files_in_one_reply(agent_client, ticket):
    response = agent_client.post(
        url("reply", ticket),
        {"version": ticket.version, "body": "Both files.", "file": [pdf("a.pdf"), pdf("b.pdf")]},
    )
    assert response.status_code == 302
    message = TicketMessage.objects.get(ticket=ticket, kind=MessageKind.PUBLIC_REPLY)
    assert message.attachments.count() == 2


def test_a_refused_file_in_the_composer_is_a_form_error_and_nothing_is_written(
    agent_client, ticket
):
    bad = SimpleUploadedFile("tool.exe", b"MZ", "application/x-msdownload")
    with nothing_written():
        response = agent_client.post(
            url("reply", ticket),
            {"version": ticket.version, "body": "Files", "file": [pdf("a.pdf"), bad]},
        )
    assert response.status_code == 422
    assert "are not accepted" in response.content.decode()


# ---- the composer: reply first, or a note -------------------------------------------------


def test_the_composer_comes_before_the_timeline(agent_client, ticket):
    page = agent_client.get(url("detail", ticket)).content.decode()
    assert page.index('id="composer"') < page.index('class="timeline"')


def test_the_note_button_adds_an_internal_note_not_a_reply(agent_client, ticket):
    agent_client.post(
        url("reply", ticket), {"version": ticket.version, "body": "Check stock", "kind": "note"}
    )
    message = TicketMessage.objects.get(ticket=ticket, body="Check stock")
    assert message.kind == MessageKind.INTERNAL_NOTE
    assert not OutboxMessage.objects.filter(topic="ticket.reply").exists()


def test_a_note_with_files_is_refused_as_a_form_error(agent_client, ticket):
    with nothing_written():
        response = agent_client.post(
            url("reply", ticket),
            {"version": ticket.version, "body": "x", "kind": "note", "file": [pdf()]},
        )
    assert response.status_code == 422


# ---- tags -----------------------------------------------------------------------------------


def test_tags_are_edited_on_the_page_with_either_comma(agent_client, ticket):
    response = agent_client.post(
        url("tags", ticket), {"version": ticket.version, "tags": "漏水，warranty, vip"}
    )
    assert response.status_code == 302
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["vip", "warranty", "漏水"]
    event = TicketEvent.objects.get(ticket=ticket, field="tags")
    assert event.after == ["vip", "warranty", "漏水"]
    page = agent_client.get(url("detail", ticket)).content.decode()
    assert '<li class="tag">漏水</li>' in page
    assert "agent tagged the ticket vip, warranty, 漏水" in page


def test_too_many_tags_are_refused_next_to_the_field(agent_client, ticket, settings):
    settings.TICKET_MAX_TAGS = 2
    with nothing_written():
        response = agent_client.post(
            url("tags", ticket), {"version": ticket.version, "tags": "a, b, c"}
        )
    assert response.status_code == 422
    assert "at most 2 tags" in response.content.decode()


# ---- canned replies -------------------------------------------------------------------------


def test_canned_replies_are_offered_by_kind_and_category_in_the_customers_language(ticket):
    parent = CategoryFactory(name="Appliances")
    washers = CategoryFactory(name="Washers", parent=parent)
    ticket.category, ticket.kind = washers, Kind.INCIDENT
    ticket.save()
    Customer.objects.filter(pk=ticket.customer_id).update(language="en")
    ticket.refresh_from_db()
    make = CannedReply.objects.create
    everyone = make(title="通用", title_en="General", body="您好", body_en="Hello")
    incidents = make(title="故障", body="故障处理中", kind=Kind.INCIDENT)
    appliances = make(title="家电", body="家电", body_en="Appliances", category=parent)
    make(title="投诉", body="投诉", kind=Kind.COMPLAINT)
    make(title="其他类别", body="x", category=CategoryFactory(name="Phones"))
    make(title="停用", body="x", active=False)
    offered = canned_replies_for(ticket, page_language="zh-hans")
    assert [c.pk for c in offered] == [everyone.pk, incidents.pk, appliances.pk]
    # Titled for the agent's page, written in the customer's language (English here;
    # a reply without English text is offered as written).
    assert [(c.title, c.text) for c in offered] == [
        ("通用", "Hello"),
        ("故障", "故障处理中"),
        ("家电", "Appliances"),
    ]


def test_the_composer_offers_canned_replies_to_insert(agent_client, ticket):
    CannedReply.objects.create(title="Thanks", body="Thank you for waiting.")
    page = agent_client.get(url("detail", ticket)).content.decode()
    assert 'data-script-text="Thank you for waiting."' in page
    assert "tickets/composer.js" in page


# ---- @mentions in notes ---------------------------------------------------------------------


def test_a_mention_by_login_or_name_tells_colleagues_who_see_the_ticket(agent, team, ticket):
    li = UserFactory(username="li.lei", role=Role.AGENT, teams=[team])
    wang = UserFactory(username="wangfang", role=Role.AGENT, teams=[team])
    wang.staff_profile.display_name = "王芳"
    wang.staff_profile.save()
    note = services.ticket_note(
        ticket=ticket, actor=agent, body="@li.lei, please call back; @王芳请看 the photos"
    )
    assert note.mentions.notified == [li, wang] and note.mentions.not_notified == []
    mails = OutboxMessage.objects.filter(topic="ticket.mention").order_by("recipient")
    assert [m.recipient for m in mails] == [li.email, wang.email]
    assert all(ticket.reference in m.subject and "please call back" in m.body for m in mails)
    event = TicketEvent.objects.get(ticket=ticket, action="ticket.noted")
    assert [person["username"] for person in event.after["mentioned"]] == ["li.lei", "wangfang"]


def test_a_mention_of_someone_who_cannot_see_the_ticket_tells_nobody(agent, ticket, client):
    outsider = UserFactory(username="zhou", role=Role.AGENT, teams=[TeamFactory(name="Billing")])
    note = services.ticket_note(ticket=ticket, actor=agent, body="@zhou look")
    assert note.mentions.notified == [] and note.mentions.not_notified == [outsider]
    assert not OutboxMessage.objects.filter(topic="ticket.mention").exists()
    # The note is kept; the page tells its author whom it did not reach.
    client.force_login(agent)
    response = client.post(
        url("note", ticket), {"version": ticket.version, "body": "@zhou again"}, follow=True
    )
    assert "Not told, they cannot see this ticket: zhou." in response.content.decode()


def test_the_author_learns_who_was_told_by_e_mail_and_who_only_in_the_queue(
    agent, team, ticket, client
):
    UserFactory(username="li.lei", role=Role.AGENT, teams=[team])
    UserFactory(username="nomail", role=Role.AGENT, teams=[team], email="")
    client.force_login(agent)
    response = client.post(
        url("note", ticket), {"version": ticket.version, "body": "@li.lei @nomail see"}, follow=True
    )
    page = response.content.decode()
    assert "Told by e-mail: li.lei." in page
    assert "No e-mail address, so told only under “Mentioning me”: nomail." in page
    assert list(
        OutboxMessage.objects.filter(topic="ticket.mention").values_list("recipient", flat=True)
    ) == [get_user_model().objects.get(username="li.lei").email]


def test_an_e_mail_address_or_an_unknown_name_is_no_mention(agent, ticket):
    UserFactory(username="example", role=Role.AGENT)
    note = services.ticket_note(ticket=ticket, actor=agent, body="mail zhang@example.com, @nobody")
    assert note.mentions.notified == [] and note.mentions.not_notified == []


# ---- customer panel -------------------------------------------------------------------------


def test_the_customer_panel_counts_open_tickets_and_lists_only_visible_recent_ones(
    agent_client, agent, team, customer, ticket
):
    older = services.ticket_create(
        actor=agent, subject="Dryer noisy", channel=Channel.EMAIL, team=team, customer=customer
    )
    services.ticket_change_status(ticket=older, actor=agent, to=Status.OPEN)
    other_team = TeamFactory(name="Billing")
    hidden = services.ticket_create(
        actor=UserFactory(role=Role.MANAGER),
        subject="Invoice wrong",
        channel=Channel.EMAIL,
        team=other_team,
        customer=customer,
    )
    page = agent_client.get(url("detail", ticket)).content.decode()
    assert '<dd class="customer-open-count">3</dd>' in page
    profile = reverse("customers:profile", args=[customer.pk])
    assert f'<a class="customer-link" href="{profile}">Zhang Wei</a>' in page
    assert older.reference in page and "Dryer noisy" in page
    assert hidden.reference not in page and "Invoice wrong" not in page
    assert "z***@example.com" in page and "zhang.wei@example.com" not in page


# ---- a colleague is replying ----------------------------------------------------------------


def test_a_colleague_typing_is_shown_to_others_but_not_to_themselves(client, agent, team, ticket):
    li = UserFactory(username="li.lei", first_name="Lei", last_name="Li", teams=[team])
    client.force_login(li)
    assert client.post(url("presence", ticket)).status_code == 200
    assert "is replying" not in client.get(url("presence", ticket)).content.decode()
    client.force_login(agent)
    assert "Lei Li is replying" in client.get(url("presence", ticket)).content.decode()


def test_sending_ends_the_warning_and_it_expires_by_itself(client, agent, team, ticket, settings):
    li = UserFactory(username="li.lei", teams=[team])
    client.force_login(li)
    client.post(url("presence", ticket))
    client.post(url("reply", ticket), {"version": ticket.version, "body": "Done"})
    client.force_login(agent)
    assert "is replying" not in client.get(url("presence", ticket)).content.decode()
    settings.TICKET_PRESENCE_SECONDS = 0  # a beat that is already over
    client.force_login(li)
    client.post(url("presence", ticket))
    client.force_login(agent)
    assert "is replying" not in client.get(url("presence", ticket)).content.decode()


def test_presence_of_another_teams_ticket_is_not_found(client, ticket):
    client.force_login(UserFactory(teams=[TeamFactory(name="Billing")]))
    assert client.get(url("presence", ticket)).status_code == 404
    assert client.post(url("presence", ticket)).status_code == 404


def test_a_mentioned_colleague_finds_the_ticket_under_mentioning_me(client, agent, team, ticket):
    li = UserFactory(username="li.lei", role=Role.AGENT, teams=[team])
    quiet = services.ticket_create(
        actor=agent, subject="Dryer noisy", channel=Channel.EMAIL, team=team
    )
    services.ticket_note(ticket=ticket, actor=agent, body="@li.lei can you call?")
    services.ticket_note(ticket=quiet, actor=agent, body="no mention here")
    client.force_login(li)
    page = client.get(reverse("tickets:queue"), {"scope": "mentioned"}).content.decode()
    assert "Mentioning me" in page
    assert ticket.reference in page and quiet.reference not in page
    client.force_login(agent)  # the author is not mentioned by their own note
    page = client.get(reverse("tickets:queue"), {"scope": "mentioned"}).content.decode()
    assert ticket.reference not in page
