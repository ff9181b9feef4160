"""The customer profile page: what it gathers, who sees what, and its fixed query count."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from complaints import services as complaints
from complaints.models import ComplaintCategory, Severity
from customers.membership_models import MembershipLevel
from customers.models import CustomerKind, Purchase
from customers.profile import PROFILE_SECTIONS
from customers.segmentation import customer_segments_compute
from quality.models import Survey
from tests.factories import TicketFactory


def profile_url(customer) -> str:
    return reverse("customers:profile", args=[customer.pk])


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def test_the_agreed_url_names_the_profile_by_customer_id(customer):
    assert profile_url(customer) == f"/customers/{customer.pk}/"
    assert reverse("customers:list") == "/customers/"


def buy(customer, number, amount, days_ago, currency="CNY"):
    return Purchase.objects.create(
        customer=customer,
        order_number=f"SO-{number}",
        amount=Decimal(amount),
        currency=currency,
        purchased_at=timezone.now() - timedelta(days=days_ago),
    )


def test_profile_gathers_kind_contacts_language_birthday_tags_spend_and_tickets(
    agent_client, customer, team
):
    customer.kind = CustomerKind.PERSON
    customer.birthday = timezone.localdate().replace(year=1990)
    customer.preference_tags = ["晚上来电", "eco packaging"]
    customer.save()
    buy(customer, 1, "120.00", 3)
    buy(customer, 2, "80.50", 30)
    buy(customer, 3, "10.00", 2, currency="USD")
    TicketFactory(customer=customer, team=team, subject="Washer leaks")
    TicketFactory(customer=customer, subject="Another team's ticket")

    page = agent_client.get(profile_url(customer)).content.decode()

    assert "Zhang Wei" in page
    assert "Person" in page
    assert "1990-" in page
    assert "晚上来电" in page and "eco packaging" in page
    # Contacts masked for an agent (no contact permission).
    assert "z***@example.com" in page and "138****5678" in page
    assert "zhang.wei@example.com" not in page
    # Lifetime spend per currency, never converted; every order listed.
    assert "200.50 CNY" in page and "10.00 USD" in page
    assert "SO-1" in page and "SO-3" in page
    # Only the tickets this agent may see.
    assert "Washer leaks" in page
    assert "Another team&#x27;s ticket" not in page and "Another team's ticket" not in page


def test_supervisor_sees_contacts_masked_with_reveal_buttons(client, supervisor, customer):
    client.force_login(supervisor)
    page = client.get(profile_url(customer)).content.decode()
    assert "zhang.wei@example.com" not in page and "13812345678" not in page
    assert "z***@example.com" in page
    for field in ("email", "phone"):
        assert reverse("customers:reveal", args=[customer.pk, field]) in page


def test_profile_explains_the_value_class(agent_client, customer):
    for number in range(12):
        buy(customer, number, "1000.00", number + 1)
    customer_segments_compute(actor=None)
    page = agent_client.get(profile_url(customer)).content.decode()
    assert "Important" in page
    assert "Spend in the last 365 days" in page
    assert "Score" in page


def test_profile_of_an_unknown_customer_is_404(agent_client):
    assert agent_client.get("/customers/999999/").status_code == 404


def test_profile_needs_the_customer_view_permission(client, customer, django_user_model):
    user = django_user_model.objects.create_user("nobody", password="x")
    client.force_login(user)
    assert client.get(profile_url(customer)).status_code == 403


def test_tickets_complaints_and_surveys_are_sections_their_apps_register():
    # customers imports none of them (layers): the sections come from their AppConfig.ready.
    assert {"segment", "purchases", "tickets", "complaints", "satisfaction"} <= set(
        PROFILE_SECTIONS
    )
    for app in ("tickets", "complaints"):
        assert PROFILE_SECTIONS[app].template.startswith(f"{app}/")
    assert PROFILE_SECTIONS["satisfaction"].template.startswith("quality/")


def open_complaint(customer, actor, team, subject="洗衣机维修后仍漏水"):
    return complaints.complaint_open(
        actor=actor,
        subject=subject,
        severity=Severity.IMPORTANT,
        category=ComplaintCategory.objects.filter(active=True).first(),
        customer=customer,
        team=team,
    )


def answered_survey(ticket, *, attitude, recommend, comment=""):
    answered = timezone.now() - timedelta(days=1)
    return Survey.objects.create(
        ticket=ticket,
        kind="ticket",
        customer=ticket.customer,
        channel=ticket.channel,
        language="en",
        nonce=f"n-{ticket.pk}",
        sent_at=answered - timedelta(hours=1),
        expires_at=answered + timedelta(days=13),
        answered_at=answered,
        attitude=attitude,
        effectiveness=4,
        timeliness=4,
        recommend=recommend,
        comment=comment,
    )


def test_profile_lists_the_customers_complaints(agent_client, agent, customer, team):
    complaint = open_complaint(customer, agent, team)
    page = agent_client.get(profile_url(customer)).content.decode()
    assert 'id="profile-complaints"' in page
    assert complaint.ticket.reference in page and "Important" in page


def test_satisfaction_history_shows_to_those_who_may_read_surveys(
    client, agent, supervisor, customer, team
):
    answered_survey(TicketFactory(customer=customer, team=team), attitude=2, recommend=9)
    answered_survey(
        TicketFactory(customer=customer, team=team), attitude=5, recommend=6, comment="很满意"
    )
    client.force_login(supervisor)
    page = client.get(profile_url(customer)).content.decode()
    assert 'id="profile-satisfaction"' in page
    assert "很满意" in page
    assert "3.5 / 5" in page  # attitude (2 + 5) / 2
    assert "7.5 / 10" in page  # recommend (9 + 6) / 2
    client.force_login(agent)
    assert 'id="profile-satisfaction"' not in client.get(profile_url(customer)).content.decode()


# session, user, permissions (2), the customer (1), the segment section (1), purchases (2:
# totals, latest orders), tickets (3: the user's teams, counts by channel, latest tickets),
# complaints (2: the user's teams, the complaints), satisfaction (2: means, latest
# answers), care contacts (1): 4 + 1 + 1 + 2 + 3 + 2 + 2 + 1.
PROFILE_QUERIES = 16


@pytest.mark.parametrize("count", [1, 20])
def test_profile_query_count_does_not_grow_with_tickets_orders_complaints_or_surveys(
    client, supervisor, customer, team, count, django_assert_num_queries
):
    tickets = TicketFactory.create_batch(count, customer=customer, team=team)
    for number, ticket in enumerate(tickets):
        buy(customer, number, "10.00", number + 1)
        answered_survey(ticket, attitude=4, recommend=8)
    for number in range(count):
        open_complaint(customer, supervisor, team, subject=f"Complaint {number}")
    client.force_login(supervisor)
    with django_assert_num_queries(PROFILE_QUERIES):
        response = client.get(profile_url(customer))
    assert response.status_code == 200
    page = response.content.decode()
    # Each ticket (complaints are tickets too) in the tickets section, each complaint in
    # its own, each survey in the satisfaction history.
    assert page.count('class="reference"') == 2 * count + count + count


def test_profile_shows_the_membership_level_and_dedicated_advisor(
    agent_client, agent, customer, team
):
    level = MembershipLevel.objects.order_by("-rank").first()
    customer.membership_level = level
    customer.advisor = agent
    customer.advisor_team = team
    customer.save()
    page = agent_client.get(profile_url(customer)).content.decode()
    assert f'<dd class="membership-level">{level.display_name("en")}</dd>' in page
    assert "Support" in page  # the advisor's team
    body = api_client_for(agent).get(f"/api/v1/customers/{customer.pk}/profile/").json()
    assert body["customer"]["membership_level"] == level.code
    assert (body["customer"]["advisor"], body["customer"]["advisor_team"]) == (agent.pk, team.pk)


def api_client_for(user):
    client = APIClient()
    client.force_login(user)
    return client
