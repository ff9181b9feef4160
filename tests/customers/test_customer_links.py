"""Wherever a customer's name is shown, it links to their profile (one filter:
`{{ customer|customer_link }}`)."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from complaints import services as complaints
from complaints.models import ComplaintCategory, Severity
from tests.factories import TicketFactory


def profile_link(customer) -> str:
    return f'href="{reverse("customers:profile", args=[customer.pk])}"'


def test_the_filter_escapes_the_name_and_shows_a_dash_without_a_customer(customer):
    customer.name = "<b>Li & Co</b>"
    template = Template("{% load customer_links %}{{ customer|customer_link }}")
    html = template.render(Context({"customer": customer}))
    assert html == (
        f'<a class="customer-link" {profile_link(customer)}>&lt;b&gt;Li &amp; Co&lt;/b&gt;</a>'
    )
    assert template.render(Context({"customer": None})) == "—"


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def test_queue_links_the_customer(agent_client, agent, team, customer):
    TicketFactory(team=team, assignee=agent, customer=customer)
    assert profile_link(customer) in agent_client.get(reverse("tickets:queue")).content.decode()


def test_ticket_page_links_the_customer(agent_client, team, customer):
    ticket = TicketFactory(team=team, customer=customer)
    page = agent_client.get(reverse("tickets:detail", args=[ticket.reference]))
    assert profile_link(customer) in page.content.decode()


def test_complaints_list_links_the_customer(agent_client, agent, team, customer):
    complaints.complaint_open(
        actor=agent,
        subject="洗衣机维修后仍漏水",
        severity=Severity.IMPORTANT,
        category=ComplaintCategory.objects.filter(active=True).first(),
        customer=customer,
        team=team,
    )
    page = agent_client.get(reverse("complaints:list"))
    assert profile_link(customer) in page.content.decode()
