"""A routine complaint in the browser: opened by an agent, taken through the five steps, a
compensation above the agent's limit approved by a supervisor in the approval inbox, closed
with the written report; and a reply script inserted into the reply box."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from complaints import services as complaints
from complaints.models import (
    Compensation,
    CompensationStatus,
    Complaint,
    ComplaintCategory,
    ReplyStep,
    ScriptLanguage,
    Severity,
    Stage,
)
from staff.models import Role
from tests.factories import CustomerFactory, TeamFactory, UserFactory
from tickets.models import TicketEvent

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


@pytest.fixture
def complaints_desk(configured):
    team = TeamFactory(name="Complaints desk", channels=["complaint_hotline"])
    agent = UserFactory(username="wang.fang", first_name="Fang", last_name="Wang", teams=[team])
    supervisor = UserFactory(
        username="chen.jie",
        first_name="Jie",
        last_name="Chen",
        role=Role.SUPERVISOR,
        teams=[team],
    )
    customer = CustomerFactory(name="James Wilson", email="james@example.com", language="en")
    category = ComplaintCategory.objects.get(name_en="Product quality")
    return {
        "team": team,
        "agent": agent,
        "supervisor": supervisor,
        "customer": customer,
        "category": category,
    }


def record(panel, button_name: str, next_heading: str):
    panel.get_by_role("button", name=button_name).click()
    expect(panel.get_by_role("heading", name=next_heading)).to_be_visible()


def test_an_agent_takes_a_routine_complaint_through_every_stage_with_an_approved_compensation(
    live_server, browser, page, log_in, complaints_desk
):
    category = complaints_desk["category"]
    log_in(page, "wang.fang")

    # Open the complaint as it comes in on the hotline.
    page.goto(f"{live_server.url}/complaints/new/")
    page.fill("#id_subject", "Washer still leaks after repair")
    page.select_option("#id_severity", "routine")
    page.select_option("#id_category", str(category.pk))
    # The customer is found by a search (htmx), never chosen from a list of everyone.
    page.fill("#customer-search", "James")
    page.get_by_role("radio", name="James Wilson").check()
    page.fill("#id_product", "Washer W7")
    page.fill("#id_customer_demand", "A replacement washer")
    page.get_by_role("button", name="Open complaint").click()

    expect(page.get_by_role("heading", name="Washer still leaks after repair")).to_be_visible()
    complaint = Complaint.objects.select_related("ticket").get()
    reference = complaint.ticket.reference
    expect(page).to_have_url(f"{live_server.url}/tickets/{reference}/")
    panel = page.locator("#complaint-panel")
    expect(panel.get_by_role("heading", name="Complaint · Routine · General")).to_be_visible()
    expect(panel.get_by_role("heading", name="Next: Accept")).to_be_visible()

    # Accept: contact made by phone; its time is evidence, so nothing is filled in for it.
    expect(page.locator("#id_content-contacted_at")).to_have_value("")
    page.select_option("#id_content-contact_channel", "phone")
    page.fill("#id_content-contacted_at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_content-notes", "Called back at once")
    record(panel, "Record Accept", "Next: Investigate")
    expect(page.locator(".flash-success")).to_have_text("Recorded: Accept.")
    # The rest of the page follows: the ticket is open, first contact is met, and the
    # timeline has the step.
    expect(page.locator(".ticket-head .badge")).to_have_text("Open")
    first_contact = page.locator('.sla-clock[data-metric="complaint_first_contact"]')
    expect(first_contact.locator(".sla-badge")).to_have_text("Met")
    expect(
        page.locator(".timeline .event", has_text="moved the complaint from Received to Accept")
    ).to_be_visible()

    page.fill("#id_content-findings", "Door seal fitted the wrong way")
    page.select_option("#id_content-root_cause", "product_defect")
    record(panel, "Record Investigate", "Next: Negotiate")
    expect(panel.locator('.stage-entry[data-stage="investigate"]')).to_contain_text(
        "Product defect"
    )

    page.fill("#id_content-options_offered", "Repair, replacement or a refund")
    page.fill("#id_content-customer_agreed", "Replacement and 500 CNY for the flooded floor")
    record(panel, "Record Negotiate", "Next: Compensate")

    # 500 CNY is above a junior agent's limit: it waits for approval.
    panel.get_by_text("Request a compensation").click()
    page.select_option("#id_compensation_kind", "money")
    page.fill("#id_compensation_amount", "500")
    page.select_option("#id_compensation_currency", "CNY")
    page.fill("#id_compensation_reason", "Water damage to the kitchen floor")
    panel.get_by_role("button", name="Request compensation").click()
    expect(page.locator(".flash-success")).to_have_text("Compensation is waiting for approval.")
    waiting = panel.locator(".compensation.status-pending_approval")
    expect(waiting).to_contain_text("500.00 CNY")
    expect(waiting).to_contain_text("Waiting for approval")
    expect(panel).to_contain_text("the stage cannot complete until it is decided")
    expect(panel.get_by_role("button", name="Record Compensate")).to_have_count(0)
    # The agent may not decide their own request.
    expect(waiting.get_by_role("button", name="Approve")).to_have_count(0)

    # Even a hand-made request to record the stage is refused while approval is pending.
    complaint.refresh_from_db()
    refused = page.request.post(
        f"{live_server.url}/complaints/{reference}/advance/",
        form={
            "csrfmiddlewaretoken": page.locator("[name=csrfmiddlewaretoken]").first.input_value(),
            "version": str(complaint.version),
            "to": "compensate",
            "content-recovery_actions": "apology",
        },
        headers={"HX-Request": "true", "Referer": page.url},
    )
    assert refused.status == 422
    assert "the stage cannot complete until it is decided" in refused.text()
    complaint.refresh_from_db()
    assert complaint.stage == Stage.NEGOTIATE

    # The supervisor approves it in the approval inbox (a separate browser session).
    supervisor_context = browser.new_context(
        locale="en-US", viewport={"width": 1280, "height": 900}
    )
    try:
        supervisor_page = supervisor_context.new_page()
        supervisor_page.set_default_timeout(10_000)
        log_in(supervisor_page, "chen.jie")
        supervisor_page.get_by_role("link", name="Approvals").click()
        expect(
            supervisor_page.get_by_role("heading", name="Compensation approvals")
        ).to_be_visible()
        row = supervisor_page.locator("#approvals tr.approval-row", has_text=reference)
        expect(row).to_contain_text("500.00 CNY")
        expect(row).to_contain_text("Fang Wang")
        row.get_by_role("textbox", name="Reason").fill("Floor damage confirmed by photos")
        row.get_by_role("button", name="Approve").click()
        inbox = supervisor_page.locator("#approvals")
        expect(inbox.locator(".flash-success")).to_have_text("Decision recorded.")
        expect(inbox).to_contain_text("Nothing is waiting for approval.")
    finally:
        supervisor_context.close()
    compensation = Compensation.objects.get(complaint=complaint, kind="money")
    assert compensation.status == CompensationStatus.APPROVED
    assert compensation.decided_by == complaints_desk["supervisor"]

    # Back with the agent: the approved compensation lets the stage complete.
    page.reload()
    approved = panel.locator(".compensation.status-approved")
    expect(approved).to_contain_text("500.00 CNY")
    expect(approved).to_contain_text("decided by Jie Chen")
    page.check("#id_content-recovery_actions_0")  # apology
    page.check("#id_content-recovery_actions_3")  # symbolic atonement
    record(panel, "Record Compensate", "Next: Follow up")

    page.select_option("#id_content-method", "phone")
    page.fill("#id_content-customer_response", "The new washer works well")
    page.check("#id_content-customer_satisfied_0")  # yes
    record(panel, "Record Follow up", "Next: Closed")

    page.fill("#id_content-summary", "Replaced, compensated and confirmed")
    panel.get_by_role("button", name="Close and send the report").click()
    # Closing renders the report's PDF (WeasyPrint, CJK fonts) within the request: seconds
    # on a quiet machine, far more on a loaded one. Wait for the outcome, not for a speed.
    expect(panel.locator(".current-stage")).to_have_text("Closed", timeout=60_000)
    expect(panel.get_by_role("heading", name="Handling report")).to_be_visible()
    expect(panel.locator(".stage-entry")).to_have_count(6)

    # The written report: an HTML page and a PDF download.
    pdf_link = panel.get_by_role("link", name="Report v1 (PDF)")
    pdf = page.request.get(live_server.url + pdf_link.get_attribute("href"))
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF-")
    panel.get_by_role("link", name="HTML").click()
    expect(page.get_by_role("heading", name="Complaint handling report")).to_be_visible()
    expect(page.locator("body")).to_contain_text("Washer still leaks after repair")
    expect(page.locator("body")).to_contain_text("500.00 CNY")

    # The timeline shows every stage move and the approval, by whom.
    page.goto(f"{live_server.url}/tickets/{reference}/")
    events = page.locator(".timeline .event")
    for before, after in [
        ("Received", "Accept"),
        ("Accept", "Investigate"),
        ("Investigate", "Negotiate"),
        ("Negotiate", "Compensate"),
        ("Compensate", "Follow up"),
        ("Follow up", "Closed"),
    ]:
        move = events.filter(has_text=f"moved the complaint from {before} to {after}")
        expect(move).to_have_count(1)
        expect(move).to_contain_text(f"Fang Wang moved the complaint from {before} to {after}")
    expect(events.filter(has_text="approved a compensation")).to_contain_text("Jie Chen")
    expect(page.locator(".ticket-head .badge")).to_have_text("Resolved")
    assert TicketEvent.objects.filter(ticket=complaint.ticket, field="stage").count() == 6


def test_a_reply_script_is_inserted_into_the_reply_box(live_server, page, log_in, complaints_desk):
    agent = complaints_desk["agent"]
    complaints.reply_script_save(
        actor=UserFactory(username="script.keeper", role=Role.MANAGER),
        script=None,
        fields={
            "step": ReplyStep.EMPATHISE,
            "language": ScriptLanguage.EN,
            "title": "We hear you",
            "body": "I understand how frustrating a leaking washer is.",
            "active": True,
            "position": 0,
        },
    )
    complaint = complaints.complaint_open(
        actor=agent,
        subject="Washer still leaks after repair",
        severity=Severity.ROUTINE,
        category=complaints_desk["category"],
        customer=complaints_desk["customer"],
    )
    log_in(page, "wang.fang")
    page.goto(f"{live_server.url}/tickets/{complaint.ticket.reference}/")

    reply_box = page.locator("#id_reply_body")
    reply_box.fill("Dear Mr Wilson,")
    page.get_by_text("Reply scripts: empathise → soothe → reframe").click()
    page.locator(".script-insert", has_text="We hear you").click()

    expect(reply_box).to_have_value(
        "Dear Mr Wilson, I understand how frustrating a leaking washer is."
    )
    expect(reply_box).to_be_focused()


def test_an_agent_outside_the_complaints_team_is_told_where_the_new_complaint_went(
    live_server, page, log_in, complaints_desk
):
    UserFactory(username="li.na", teams=[TeamFactory(name="After-sales")])
    log_in(page, "li.na")

    page.goto(f"{live_server.url}/complaints/new/")
    page.fill("#id_subject", "Technician was rude")
    page.select_option("#id_category", str(complaints_desk["category"].pk))
    page.get_by_role("button", name="Open complaint").click()

    reference = Complaint.objects.get().ticket.reference
    # The hotline's team handles it; its author may still open it (no 404 page).
    expect(page).to_have_url(f"{live_server.url}/tickets/{reference}/")
    expect(page.locator(".flash-success")).to_have_text(
        f"Complaint {reference} opened for team Complaints desk."
    )
