"""The complaints list: search by words and by number, paging past 200, the SLA and
assignee columns."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint, Severity, Stage
from tickets.models import Kind, Ticket
from tickets.sla.models import Clock, ClockState

LIST = reverse("complaints:list")


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def many_complaints(count: int, *, team, customer, category) -> list[Complaint]:
    """`count` complaint rows written directly (the list reads rows; the workflow that
    writes them has its own tests), newest last."""
    now = timezone.now()
    tickets = Ticket.objects.bulk_create(
        Ticket(
            reference=f"SD-9{n:05d}",
            subject=f"Bulk complaint {n}",
            kind=Kind.COMPLAINT,
            channel="complaint_hotline",
            team=team,
            customer=customer,
        )
        for n in range(count)
    )
    return Complaint.objects.bulk_create(
        Complaint(
            ticket=ticket,
            severity=Severity.ROUTINE,
            category=category,
            source="complaint_hotline",
            opened_at=now - timedelta(minutes=count - n),
        )
        for n, ticket in enumerate(tickets)
    )


def test_the_list_pages_through_every_complaint_without_a_cut_at_200(
    agent_client, team, customer, category
):
    rows = many_complaints(230, team=team, customer=customer, category=category)
    first = agent_client.get(LIST).content.decode()
    assert first.count('class="reference"') == 25
    assert "Page 1 of 10 (230 complaints)" in first
    oldest = rows[0].ticket.reference
    assert oldest not in first
    last = agent_client.get(LIST, {"page": 10}).content.decode()
    assert oldest in last and last.count('class="reference"') == 5
    # Paging keeps the search and the stage.
    assert (
        'href="?q=Bulk&amp;stage=all&amp;page=2"'
        in agent_client.get(LIST, {"q": "Bulk", "stage": "all"}).content.decode()
    )


def test_search_finds_every_word_and_a_number_without_its_prefix(
    agent_client, open_complaint, agent
):
    washer = open_complaint(subject="洗衣机 漏水 after repair")
    fridge = open_complaint(subject="Fridge too loud")
    number = washer.ticket.reference.removeprefix("SD-").lstrip("0")

    def found(q: str) -> set[str]:
        html = agent_client.get(LIST, {"q": q}).content.decode()
        return {c.ticket.reference for c in (washer, fridge) if c.ticket.reference in html}

    assert found("漏水") == {washer.ticket.reference}
    assert found("洗衣机 repair") == {washer.ticket.reference}
    assert found("洗衣机 loud") == set()  # every word must match
    assert found(number) == {washer.ticket.reference}
    assert found("") == {washer.ticket.reference, fridge.ticket.reference}
    assert agent_client.get(LIST, {"q": "\x00" + "x" * 5000}).status_code == 200


def test_each_row_shows_its_sla_due_time_or_breach_and_its_assignee(
    agent_client, open_complaint, agent
):
    complaint = open_complaint(subject="Technician was rude")
    soonest = (
        Clock.objects.filter(ticket=complaint.ticket, state=ClockState.RUNNING)
        .order_by("due_at")
        .first()
    )
    html = agent_client.get(LIST).content.decode()
    assert timezone.localtime(soonest.due_at).strftime("%Y-%m-%d %H:%M") in html
    assert "SLA due" in html and "Assignee" in html
    Clock.objects.filter(pk=soonest.pk).update(
        state=ClockState.BREACHED, breached_at=timezone.now(), next_alert_at=None
    )
    row = agent_client.get(LIST).content.decode()
    assert 'data-sla-state="breached"' in row


@pytest.mark.parametrize("rows", [1, 30])
def test_the_list_is_a_fixed_number_of_queries(
    agent_client, team, customer, category, django_assert_num_queries, rows
):
    many_complaints(rows, team=team, customer=customer, category=category)
    agent_client.get(LIST)  # session and permissions cached after the first request
    # Session, user, the agent's teams, page notices; the page's count and rows: 7 for
    # 1 row as for 30 (assignee, customer and category come with the rows).
    with django_assert_num_queries(7):
        response = agent_client.get(LIST, {"stage": Stage.RECEIVED})
    assert response.status_code == 200
