"""An agent's day in the browser: log in, open the queue, open a ticket, reply, change its
status, and see both in the timeline."""

import pytest
from playwright.sync_api import expect

from tests.factories import CustomerFactory, TeamFactory, UserFactory
from tickets import services
from tickets.models import Channel, Status, Ticket, TicketEvent

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


@pytest.fixture
def desk(committed_db):
    team = TeamFactory(name="After-sales", channels=["email"])
    agent = UserFactory(username="li.na", teams=[team])
    customer = CustomerFactory(name="Zhang Wei", email="zhang.wei@example.com")
    ticket = services.ticket_create(
        actor=None,
        subject="Washer leaks at the door",
        description="Water on the floor after every wash.",
        channel=Channel.EMAIL,
        customer=customer,
    )
    return {"agent": agent, "ticket": ticket}


def test_agent_replies_and_changes_status_and_sees_it_in_the_timeline(live_server, page, desk):
    ticket = desk["ticket"]

    page.goto(f"{live_server.url}/tickets/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/tickets/")
    page.fill("#id_username", "li.na")
    page.fill("#id_password", "pass-word-123")
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", name="Ticket queue")).to_be_visible()
    row = page.locator("table.queue tbody tr", has_text="Washer leaks at the door")
    expect(row).to_contain_text(ticket.reference)
    row.get_by_role("link", name="Washer leaks at the door").click()

    expect(page.get_by_role("heading", name="Washer leaks at the door")).to_be_visible()
    expect(page.locator(".ticket-side")).to_contain_text("z***@example.com")

    page.fill("#id_reply_body", "A technician will call you tomorrow morning.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator(".flash-success")).to_have_text("Reply sent.")
    reply = page.locator(".timeline .message-reply")
    expect(reply).to_contain_text("A technician will call you tomorrow morning.")

    # The reply opened the ticket; now wait for the customer.
    page.select_option("#id_status_status", "pending_customer")
    page.get_by_role("button", name="Change status").click()
    expect(page.locator(".flash-success")).to_have_text("Status changed.")
    status_event = page.locator(".timeline .event", has_text="Pending customer").last
    expect(status_event).to_contain_text("li.na changed the status from Open to Pending customer")
    expect(page.locator(".ticket-head .badge")).to_have_text("Pending customer")

    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING_CUSTOMER
    assert TicketEvent.objects.filter(
        ticket=ticket, field="status", before="open", after="pending_customer"
    ).exists()
    assert Ticket.objects.count() == 1
