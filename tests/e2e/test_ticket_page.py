"""The ticket page in the browser: an agent answers with a canned reply and watches the
service levels change, and a colleague on the same ticket is warned that someone is
replying."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import CustomerFactory, TeamFactory, UserFactory
from tickets import services
from tickets.models import CannedReply, Channel, Kind, MessageKind, TicketMessage
from tickets.sla.models import Clock, ClockState

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


@pytest.fixture
def desk(configured):
    team = TeamFactory(name="After-sales", channels=["email"])
    li_na = UserFactory(username="li.na", first_name="Na", last_name="Li", teams=[team])
    li_lei = UserFactory(username="li.lei", first_name="Lei", last_name="Li", teams=[team])
    customer = CustomerFactory(name="Zhang Wei", email="zhang.wei@example.com", language="en")
    ticket = services.ticket_create(
        actor=None,
        subject="Washer leaks at the door",
        description="Water on the floor after every wash.",
        channel=Channel.EMAIL,
        kind=Kind.FEEDBACK,
        customer=customer,
    )
    CannedReply.objects.create(
        title="技师上门",
        title_en="Technician visit",
        body="我们的技师明天上午会给您打电话。",
        body_en="A technician will call you tomorrow morning.",
    )
    return {"ticket": ticket, "li_na": li_na, "li_lei": li_lei}


def test_an_agent_replies_with_a_canned_reply_and_sees_the_clocks_change(
    live_server, page, log_in, desk
):
    ticket = desk["ticket"]
    log_in(page, "li.na")
    page.goto(f"{live_server.url}/tickets/{ticket.reference}/")
    clocks = page.locator(".sla-clocks .sla-clock")
    # Feedback: a reply within 3 business days, closed on the same working clock.
    first_response = clocks.filter(has_text="Feedback reply")
    resolution = clocks.filter(has_text="Resolution")
    expect(first_response.locator(".sla-badge")).to_have_text("On time")
    expect(resolution.locator(".sla-badge")).to_have_text("On time")

    # The canned reply is titled for the agent and written in the customer's language.
    page.get_by_label("Canned reply").select_option(label="Technician visit")
    reply_box = page.locator("#id_reply_body")
    expect(reply_box).to_have_value("A technician will call you tomorrow morning.")
    page.set_input_files(
        "#id_reply_file",
        [
            {"name": "leak.png", "mimeType": "image/png", "buffer": b"\x89PNG leak"},
            {"name": "receipt.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 r"},
        ],
    )
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator(".flash-success")).to_have_text("Reply sent.")
    reply = page.locator(".timeline .message-reply")
    expect(reply).to_contain_text("A technician will call you tomorrow morning.")
    expect(reply.locator(".attachments li")).to_have_text(
        [re.compile("leak.png"), re.compile("receipt.pdf")]
    )
    # The reply met the feedback reply clock; the resolution clock still runs.
    expect(first_response.locator(".sla-badge")).to_have_text("Met")
    expect(resolution.locator(".sla-badge")).to_have_text("On time")

    # Waiting on the customer pauses the resolution clock.
    page.select_option("#id_status_status", "pending_customer")
    page.get_by_role("button", name="Change status").click()
    expect(page.locator(".flash-success")).to_have_text("Status changed.")
    expect(resolution.locator(".sla-badge")).to_have_text("Paused")
    expect(
        page.locator(".timeline .event", has_text="Na Li changed the status from Open to Pending")
    ).to_be_visible()
    states = dict(Clock.objects.filter(ticket=ticket).values_list("metric", "state"))
    assert states["feedback_reply"] == ClockState.MET
    assert states["resolution"] == ClockState.PAUSED


def test_a_colleague_sees_that_someone_is_replying(live_server, browser, page, log_in, desk):
    ticket = desk["ticket"]
    ticket_url = f"{live_server.url}/tickets/{ticket.reference}/"
    log_in(page, "li.na")
    page.goto(ticket_url)

    colleague = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    try:
        other = colleague.new_page()
        other.set_default_timeout(15_000)
        log_in(other, "li.lei")
        other.goto(ticket_url)
        other.locator("#id_reply_body").press_sequentially("We are looking into it")

        # The first agent's page polls; the warning appears without a reload.
        warning = page.locator("#composer-presence")
        expect(warning).to_have_text("Lei Li is replying", timeout=15_000)
        expect(other.locator("#composer-presence")).to_be_empty()

        # Once sent, the warning goes away.
        other.get_by_role("button", name="Add internal note").click()
        expect(other.locator(".flash-success")).to_have_text("Internal note added.")
        expect(warning).to_be_empty(timeout=15_000)
    finally:
        colleague.close()
    assert TicketMessage.objects.filter(
        ticket=ticket, kind=MessageKind.INTERNAL_NOTE, body="We are looking into it"
    ).exists()
