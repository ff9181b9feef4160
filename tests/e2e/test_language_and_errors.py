"""The page language follows the switch; a new-ticket form missing a field its template
requires comes back with the message by that field and everything else still filled in."""

import pytest
from playwright.sync_api import expect

from tests.factories import CustomerFactory, TeamFactory, UserFactory
from tickets.models import IntakeTemplate, Kind, Ticket

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


@pytest.fixture
def agent(committed_db):
    team = TeamFactory(name="After-sales", channels=["phone"])
    return UserFactory(username="li.na", first_name="Na", last_name="Li", teams=[team])


def test_switching_to_chinese_and_back_changes_the_navigation(live_server, page, log_in, agent):
    log_in(page, "li.na")
    navigation = page.locator(".main-nav a")
    expect(navigation.first).to_have_text("Queue")
    expect(page.get_by_role("heading", name="Ticket queue")).to_be_visible()

    page.get_by_role("button", name="中文").click()

    expect(navigation.first).to_have_text("工单队列")
    expect(page.locator(".main-nav")).to_contain_text("新建工单")
    expect(page.get_by_role("heading", name="工单队列")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("button", name="中文")).to_have_attribute("aria-pressed", "true")
    # The choice sticks for the next page too.
    page.goto(f"{live_server.url}/tickets/new/")
    expect(page.get_by_role("heading", name="新建工单")).to_be_visible()

    page.get_by_role("button", name="English").click()

    expect(page.get_by_role("heading", name="New ticket")).to_be_visible()
    expect(navigation.first).to_have_text("Queue")
    expect(page.locator(".main-nav")).to_contain_text("New ticket")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_a_missing_template_field_is_named_by_the_field_and_the_other_input_is_kept(
    live_server, page, log_in, agent
):
    # The migration's template may still be there (the first transactional test of a run).
    IntakeTemplate.objects.update_or_create(
        slug="after-sales-repair",
        defaults={
            "name": "售后维修",
            "name_en": "After-sales repair",
            "kind": Kind.REQUEST,
            "required_fields": ["description", "product", "order_number", "customer"],
            "active": True,
        },
    )
    CustomerFactory(name="Zhang Wei", email="zhang.wei@example.com")
    log_in(page, "li.na")

    page.get_by_role("link", name="New ticket").first.click()
    page.get_by_role("link", name="After-sales repair").first.click()
    expect(page.get_by_role("heading", name="After-sales repair")).to_be_visible()
    page.fill("#id_subject", "Washer leaks at the door")
    page.fill("#id_description", "Water on the floor after every wash.")
    page.fill("#id_product", "Washer W7")
    page.fill("#customer-search", "Zhang")
    page.get_by_role("radio", name="Zhang Wei").check()
    page.get_by_role("button", name="Open ticket").click()

    order_number = page.locator(".field.has-error", has=page.locator("#id_order_number"))
    expect(order_number.locator("label")).to_contain_text("Order number")
    expect(order_number.locator(".error")).to_have_text(
        "The “After-sales repair” template requires this field."
    )
    expect(page.locator(".field.has-error")).to_have_count(1)
    expect(page.locator("#id_subject")).to_have_value("Washer leaks at the door")
    expect(page.locator("#id_description")).to_have_value("Water on the floor after every wash.")
    expect(page.locator("#id_product")).to_have_value("Washer W7")
    expect(page.get_by_role("radio", name="Zhang Wei")).to_be_checked()
    assert not Ticket.objects.exists()

    page.fill("#id_order_number", "SO-2026-0042")
    page.get_by_role("button", name="Open ticket").click()
    expect(page.get_by_role("heading", name="Washer leaks at the door")).to_be_visible()
    ticket = Ticket.objects.get()
    assert ticket.order_number == "SO-2026-0042"
    assert ticket.customer.name == "Zhang Wei"
