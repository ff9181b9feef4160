"""The agent queue page: tabs, filters, search, sort, pagination and its query count."""

import pytest
from django.urls import reverse

from tests.factories import CategoryFactory, CustomerFactory, TicketFactory, UserFactory
from tickets import services
from tickets.models import Channel, Priority, Status, Ticket, TicketEvent

QUEUE = reverse("tickets:queue")


def references(response) -> list[str]:
    return [ticket.reference for ticket in response.context["page"].object_list]


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


# session, user, the user's permissions (2), categories for the filter, the user's teams,
# count, the page, the bulk bar's assignees.
QUEUE_QUERIES = 9


@pytest.mark.parametrize("ticket_count", [1, 50])
def test_queue_query_count_does_not_grow_with_the_tickets(
    agent_client, agent, team, ticket_count, django_assert_num_queries
):
    category = CategoryFactory(parent=CategoryFactory())
    TicketFactory.create_batch(ticket_count, team=team, assignee=agent, category=category)
    with django_assert_num_queries(QUEUE_QUERIES):
        response = agent_client.get(QUEUE)
    assert response.status_code == 200
    assert len(references(response)) == min(ticket_count, 25)


def test_queue_needs_a_login(client):
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_each_row_shows_what_an_agent_triages_by(agent_client, agent, team):
    customer = CustomerFactory(name="Li Na")
    TicketFactory(
        team=team, assignee=agent, customer=customer, subject="Washer leaks", priority="urgent"
    )
    page = agent_client.get(QUEUE).content.decode()
    for text in ("Washer leaks", "Li Na", "New", "Urgent", "E-mail", "Support", "agent"):
        assert text in page


def test_queue_hides_other_teams_tickets(agent_client, team, other_team):
    own = TicketFactory(team=team)
    TicketFactory(team=other_team)
    assert references(agent_client.get(QUEUE)) == [own.reference]


def test_mine_tab_lists_tickets_assigned_to_me(agent_client, agent, team):
    mine = TicketFactory(team=team, assignee=agent)
    TicketFactory(team=team)
    assert references(agent_client.get(QUEUE, {"scope": "mine"})) == [mine.reference]


def test_unassigned_tab_lists_tickets_nobody_holds(agent_client, agent, team):
    TicketFactory(team=team, assignee=agent)
    nobody = TicketFactory(team=team)
    assert references(agent_client.get(QUEUE, {"scope": "unassigned"})) == [nobody.reference]


def test_team_tab_leaves_out_my_tickets_of_other_teams(agent_client, agent, team, other_team):
    team_ticket = TicketFactory(team=team)
    TicketFactory(team=other_team, assignee=agent)
    assert references(agent_client.get(QUEUE, {"scope": "team"})) == [team_ticket.reference]


def test_queue_shows_unresolved_tickets_unless_asked_for_any_status(agent_client, team):
    working = TicketFactory(team=team, status=Status.PENDING_CUSTOMER)
    done = TicketFactory(team=team, status=Status.CLOSED)
    assert references(agent_client.get(QUEUE)) == [working.reference]
    assert set(references(agent_client.get(QUEUE, {"status": "any"}))) == {
        working.reference,
        done.reference,
    }


def test_status_filter(agent_client, team):
    wanted = TicketFactory(team=team, status=Status.CLOSED)
    TicketFactory(team=team, status=Status.NEW)
    assert references(agent_client.get(QUEUE, {"status": "closed"})) == [wanted.reference]


def test_priority_filter(agent_client, team):
    wanted = TicketFactory(team=team, priority=Priority.URGENT)
    TicketFactory(team=team, priority=Priority.LOW)
    assert references(agent_client.get(QUEUE, {"priority": "urgent"})) == [wanted.reference]


def test_channel_filter(agent_client, team):
    wanted = TicketFactory(team=team, channel=Channel.CHAT)
    TicketFactory(team=team, channel=Channel.PHONE)
    assert references(agent_client.get(QUEUE, {"channel": "chat"})) == [wanted.reference]


def test_category_filter_includes_the_subcategories(agent_client, team):
    parent = CategoryFactory(name="Repairs")
    child = TicketFactory(team=team, category=CategoryFactory(name="Washers", parent=parent))
    TicketFactory(team=team, category=CategoryFactory(name="Billing"))
    assert references(agent_client.get(QUEUE, {"category": parent.pk})) == [child.reference]


def test_text_search_finds_subject_and_customer_name(agent_client, team):
    by_subject = TicketFactory(team=team, subject="Refrigerator is noisy")
    by_customer = TicketFactory(team=team, customer=CustomerFactory(name="Wang Fang"))
    TicketFactory(team=team, subject="Unrelated")
    assert references(agent_client.get(QUEUE, {"q": "noisy"})) == [by_subject.reference]
    assert references(agent_client.get(QUEUE, {"q": "wang"})) == [by_customer.reference]


def test_sort_by_priority_puts_urgent_first(agent_client, team):
    low = TicketFactory(team=team, priority=Priority.LOW)
    urgent = TicketFactory(team=team, priority=Priority.URGENT)
    normal = TicketFactory(team=team, priority=Priority.NORMAL)
    expected = [urgent.reference, normal.reference, low.reference]
    assert references(agent_client.get(QUEUE, {"ordering": "priority"})) == expected


def test_sort_oldest_first(agent_client, team):
    first, second = TicketFactory(team=team), TicketFactory(team=team)
    expected = [first.reference, second.reference]
    assert references(agent_client.get(QUEUE, {"ordering": "oldest"})) == expected


@pytest.mark.parametrize(
    ("param", "value"),
    [("status", "bogus"), ("priority", "asap"), ("channel", "fax"), ("category", "abc"),
     ("category", "999999"), ("scope", "everyone"), ("ordering", "random")],
)  # fmt: skip
def test_an_invalid_filter_value_is_a_form_error_not_a_500(agent_client, team, param, value):
    TicketFactory(team=team)
    response = agent_client.get(QUEUE, {param: value})
    assert response.status_code == 422
    assert response.context["form"].errors[param]
    assert "is not one of the available choices" in response.content.decode()
    # The other filters still apply; the invalid one is ignored.
    assert len(references(response)) == 1


def test_pages_of_25(agent_client, team):
    TicketFactory.create_batch(30, team=team)
    first = agent_client.get(QUEUE)
    second = agent_client.get(QUEUE, {"page": 2})
    assert len(references(first)) == 25
    assert len(references(second)) == 5
    assert not set(references(first)) & set(references(second))
    assert "26–30 of 30" in second.content.decode()


def test_a_page_number_out_of_range_shows_the_last_page(agent_client, team):
    TicketFactory.create_batch(3, team=team)
    assert len(references(agent_client.get(QUEUE, {"page": "99"}))) == 3
    assert len(references(agent_client.get(QUEUE, {"page": "x"}))) == 3


def test_htmx_filter_request_gets_only_the_table_partial(agent_client, team):
    TicketFactory(team=team, subject="Partial please")
    response = agent_client.get(
        QUEUE, {"q": "Partial"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="queue-results"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert response.templates[0].name == "tickets/_queue_table.html"
    assert "Partial please" in body
    assert "<html" not in body


def test_manager_sees_every_team_in_all(client, team, other_team):
    manager = UserFactory(role="manager")
    TicketFactory(team=team)
    TicketFactory(team=other_team)
    client.force_login(manager)
    assert len(references(client.get(QUEUE, {"scope": "all"}))) == 2


# ---- saved views, sorting by any column, bulk changes, live refresh -------------------------


def test_every_column_sorts_both_ways(agent_client, team):
    TicketFactory(team=team, subject="Alpha")
    TicketFactory(team=team, subject="Bravo")
    subjects = lambda ordering: [  # noqa: E731
        t.subject for t in agent_client.get(QUEUE, {"ordering": ordering}).context["rows"]
    ]
    assert subjects("subject") == ["Alpha", "Bravo"]
    assert subjects("-subject") == ["Bravo", "Alpha"]
    for column in ("reference", "customer", "status", "priority", "sla", "channel", "team",
                   "assignee", "age"):  # fmt: skip
        for ordering in (column, f"-{column}"):
            response = agent_client.get(QUEUE, {"ordering": ordering})
            assert response.status_code == 200 and len(response.context["rows"]) == 2
    page = agent_client.get(QUEUE, {"ordering": "subject"}).content.decode()
    assert 'aria-sort="ascending"' in page and "ordering=-subject" in page


def test_an_unknown_sort_is_a_form_error_not_a_500(agent_client, team):
    TicketFactory(team=team)
    assert agent_client.get(QUEUE, {"ordering": "password"}).status_code == 422


def test_the_unassigned_view_and_the_complaint_stage_views(agent_client, agent, team):
    unassigned = TicketFactory(team=team, assignee=None)
    TicketFactory(team=team, assignee=agent)
    assert references(agent_client.get(QUEUE, {"scope": "unassigned"})) == [unassigned.reference]
    page = agent_client.get(QUEUE).content.decode()
    assert "scope=complaint_investigate" in page  # registered by the complaints app
    assert references(agent_client.get(QUEUE, {"scope": "complaint_investigate"})) == []


def test_bulk_assign_changes_each_ticket_and_reports_a_stale_one(agent_client, agent, team):
    fresh = TicketFactory(team=team)
    stale = TicketFactory(team=team)
    seen_version = stale.version
    services.ticket_change_priority(ticket=stale, actor=agent, priority="high")
    events_before = TicketEvent.objects.filter(ticket=stale).count()

    response = agent_client.post(
        reverse("tickets:bulk"),
        {"action": "assign", "assignee": agent.pk,
         "ticket": [f"{fresh.reference}@{fresh.version}", f"{stale.reference}@{seen_version}"]},
        follow=True,
    )  # fmt: skip

    fresh.refresh_from_db()
    stale.refresh_from_db()
    assert (fresh.assignee, stale.assignee) == (agent, None)
    assert TicketEvent.objects.filter(ticket=stale).count() == events_before
    shown = [str(m) for m in response.context["messages"]]
    assert shown[0] == f"Changed 1 tickets: {fresh.reference}."
    assert shown[1].startswith(f"{stale.reference}: ")


def test_bulk_status_needs_a_status_and_writes_nothing_without_one(agent_client, team):
    ticket = TicketFactory(team=team)
    before = TicketEvent.objects.count()
    response = agent_client.post(
        reverse("tickets:bulk"),
        {"action": "status", "status": "", "ticket": [f"{ticket.reference}@{ticket.version}"]},
        follow=True,
    )
    assert "Choose the new status." in [str(m) for m in response.context["messages"]]
    assert TicketEvent.objects.count() == before


def test_bulk_status_moves_the_ticked_tickets(agent_client, team):
    tickets = TicketFactory.create_batch(2, team=team)
    agent_client.post(
        reverse("tickets:bulk"),
        {"action": "status", "status": "open",
         "ticket": [f"{t.reference}@{t.version}" for t in tickets]},
    )  # fmt: skip
    assert {t.status for t in Ticket.objects.filter(pk__in=[t.pk for t in tickets])} == {"open"}


def test_bulk_cannot_touch_another_teams_ticket(agent_client, other_team):
    hidden = TicketFactory(team=other_team)
    agent_client.post(
        reverse("tickets:bulk"),
        {"action": "status", "status": "open", "ticket": [f"{hidden.reference}@{hidden.version}"]},
    )
    hidden.refresh_from_db()
    assert hidden.status == "new"


def test_the_live_refresh_is_204_until_a_row_changes(agent_client, agent, team):
    ticket = TicketFactory(team=team)
    poll = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "queue-results"}
    shown = agent_client.get(QUEUE).context["shown"]
    assert agent_client.get(QUEUE, {"seen": shown}, **poll).status_code == 204

    services.ticket_change_priority(ticket=ticket, actor=agent, priority="high")
    response = agent_client.get(QUEUE, {"seen": shown}, **poll)

    assert response.status_code == 200
    assert response.context["changed"] == {ticket.pk}
    assert f'id="ticket-row-{ticket.pk}" data-ticket-url' in response.content.decode()
    assert 'class="changed"' in response.content.decode()
