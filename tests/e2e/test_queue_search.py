"""An agent finds a ticket in the queue by a Chinese word and by its number, ticks it and
assigns it from the bulk bar, and moves through the rows with the keyboard."""

import pytest
from playwright.sync_api import expect

from tests.factories import TeamFactory, UserFactory
from tickets import services
from tickets.models import Channel, Ticket

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


@pytest.fixture
def desk(committed_db):
    team = TeamFactory(name="After-sales", channels=["email"])
    agent = UserFactory(username="li.na", first_name="Na", last_name="Li", teams=[team])

    def opened(subject: str, description: str) -> Ticket:
        return services.ticket_create(
            actor=None, subject=subject, description=description, channel=Channel.EMAIL
        )

    return {
        "agent": agent,
        "washer": opened("洗衣机漏水", "滚筒下面一直滴水"),
        "fridge": opened("冰箱不制冷", "师傅上门检查过"),
    }


def test_an_agent_finds_a_ticket_by_a_chinese_word_and_by_its_number(
    live_server, page, log_in, desk
):
    log_in(page, "li.na")
    page.goto(f"{live_server.url}/tickets/")
    rows = page.locator("table.queue tbody tr")
    expect(rows).to_have_count(2)

    page.fill("#id_q", "漏水")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("洗衣机漏水")

    page.fill("#id_q", str(desk["fridge"].pk))  # the number without its prefix
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(desk["fridge"].reference)


def test_the_keyboard_moves_through_rows_and_assigns_from_the_bulk_bar(
    live_server, page, log_in, desk
):
    log_in(page, "li.na")
    page.goto(f"{live_server.url}/tickets/?ordering=reference")
    page.locator("h1").click()
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(page.locator("tr.is-current")).to_contain_text(desk["fridge"].reference)
    page.keyboard.press("a")  # ticks the row and goes to the assignee menu
    expect(page.locator("#bulk-assignee")).to_be_focused()
    page.select_option("#bulk-assignee", label="Na Li")
    page.get_by_role("button", name="Assign", exact=True).click()

    expect(page.locator(".flash-success")).to_have_text(
        f"Changed 1 tickets: {desk['fridge'].reference}."
    )
    desk["fridge"].refresh_from_db()
    assert desk["fridge"].assignee == desk["agent"]
    page.keyboard.press("/")
    expect(page.locator("#id_q")).to_be_focused()
