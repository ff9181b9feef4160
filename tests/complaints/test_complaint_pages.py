"""The complaint pages: the stage panel on the ticket page, the approval inbox, the monthly
report, opening a complaint and the reply scripts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from complaints import services
from complaints.analysis import Month, complaint_monthly_analysis_generate
from complaints.models import Compensation, ReplyScript, Stage, StageEntry
from tests.complaints.conftest import VALID_CONTENT, advance_to


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def panel_url(complaint):
    return reverse("complaints:panel", args=[complaint.ticket.reference])


def test_the_ticket_page_shows_the_stage_panel_with_the_next_stages_form(agent_client, complaint):
    response = agent_client.get(reverse("tickets:detail", args=[complaint.ticket.reference]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="complaint-panel"' in html
    assert "Next: Accept" in html
    assert 'name="content-contact_channel"' in html


def test_the_panel_lists_each_recorded_stage_with_its_facts(agent_client, complaint, agent):
    advance_to(complaint, agent, Stage.INVESTIGATE)
    html = agent_client.get(panel_url(complaint)).content.decode()
    assert html.count('class="stage-entry"') == 2
    assert "Seal fitted the wrong way" in html
    assert "Product defect" in html
    assert "Next: Negotiate" in html


def test_recording_a_stage_from_the_panel(agent_client, complaint):
    response = agent_client.post(
        reverse("complaints:advance", args=[complaint.ticket.reference]),
        {
            "version": complaint.version,
            "to": "accept",
            "content-contact_channel": "phone",
            "content-contacted_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Next: Investigate" in response.content.decode()
    assert complaint.entries.get().stage == "accept"


def test_a_stage_with_missing_content_is_shown_again_with_the_message_and_nothing_written(
    agent_client, complaint
):
    response = agent_client.post(
        reverse("complaints:advance", args=[complaint.ticket.reference]),
        {"version": complaint.version, "to": "accept", "content-contact_channel": "phone"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Accept the complaint only after contact with the customer is made." in html
    assert not StageEntry.objects.exists()


def test_a_stale_panel_gets_a_conflict_message(agent_client, complaint, agent):
    stale_version = complaint.version
    advance_to(complaint, agent, Stage.ACCEPT)
    response = agent_client.post(
        reverse("complaints:advance", args=[complaint.ticket.reference]),
        {
            "version": stale_version,
            "to": "investigate",
            **{f"content-{k}": v for k, v in VALID_CONTENT[Stage.INVESTIGATE].items()},
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert "Someone else changed this complaint at the same time" in response.content.decode()
    assert complaint.entries.count() == 1


def test_an_agent_sees_no_form_for_an_urgent_complaint(agent_client, open_complaint):
    complaint = open_complaint(severity="urgent")
    html = agent_client.get(panel_url(complaint)).content.decode()
    assert "stack next-stage-form" not in html
    assert "handled by staff of a higher level" in html


def test_the_panel_takes_a_fixed_number_of_queries(
    agent_client, complaint, agent, django_assert_num_queries
):
    url = panel_url(complaint)
    advance_to(complaint, agent, Stage.ACCEPT)
    # session, user, the user's permissions (own, through groups), the user's teams, the
    # ticket, the complaint (twice: the access check, then the panel's read with its
    # ticket, customer and category), its stage entries, its compensations, the viewer's
    # staff profile, the authority table, the reports, the contacts, the SLA clocks, the
    # reply scripts: 16, however many stages are recorded.
    with django_assert_num_queries(16):
        agent_client.get(url)
    advance_to(complaint, agent, Stage.FOLLOW_UP)
    with django_assert_num_queries(16):
        agent_client.get(url)


def test_a_compensation_request_above_the_limit_shows_as_waiting(agent_client, complaint, agent):
    advance_to(complaint, agent, Stage.NEGOTIATE)
    complaint.refresh_from_db()
    response = agent_client.post(
        reverse("complaints:compensation", args=[complaint.ticket.reference]),
        {"version": complaint.version, "kind": "money", "amount": "800", "currency": "CNY"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Waiting for approval" in html
    assert "the stage cannot complete until it is decided" in html


def test_a_negative_amount_on_the_page_is_refused_next_to_the_field(agent_client, complaint, agent):
    advance_to(complaint, agent, Stage.NEGOTIATE)
    complaint.refresh_from_db()
    response = agent_client.post(
        reverse("complaints:compensation", args=[complaint.ticket.reference]),
        {"version": complaint.version, "kind": "money", "amount": "-3", "currency": "CNY"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert "The amount cannot be negative." in response.content.decode()
    assert not Compensation.objects.exists()


@pytest.fixture
def waiting(complaint, agent):
    advance_to(complaint, agent, Stage.NEGOTIATE)
    return services.complaint_request_compensation(
        complaint=complaint, actor=agent, kind="money", amount="900", currency="CNY"
    )


def test_the_approval_inbox_lists_waiting_compensation_for_supervisors(client, supervisor, waiting):
    client.force_login(supervisor)
    response = client.get(reverse("complaints:approvals"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "900.00 CNY" in html
    assert waiting.complaint.ticket.reference in html
    assert 'value="approve"' in html


def test_agents_have_no_approval_inbox(agent_client, waiting):
    assert agent_client.get(reverse("complaints:approvals")).status_code == 403


def test_approving_from_the_inbox(client, supervisor, waiting):
    client.force_login(supervisor)
    response = client.post(
        reverse("complaints:decide", args=[waiting.pk]),
        {"decision": "approve", "from": "inbox"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Nothing is waiting for approval." in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == "approved"


def test_the_inbox_takes_a_fixed_number_of_queries(
    client, supervisor, agent, open_complaint, django_assert_num_queries
):
    client.force_login(supervisor)

    def add_waiting():
        complaint = advance_to(open_complaint(), agent, Stage.NEGOTIATE)
        services.complaint_request_compensation(
            complaint=complaint, actor=agent, kind="money", amount="300", currency="CNY"
        )

    add_waiting()
    with CaptureQueriesContext(connection) as one_row:
        response = client.get(reverse("complaints:approvals"))
    assert response.content.decode().count('class="approval-row"') == 1
    for _ in range(4):
        add_waiting()
    with django_assert_num_queries(len(one_row.captured_queries)):
        response = client.get(reverse("complaints:approvals"))
    assert response.content.decode().count('class="approval-row"') == 5


def test_the_monthly_page_shows_the_top_categories_chart_and_definition(
    client, supervisor, complaint
):
    client.force_login(supervisor)
    month = Month.containing(complaint.opened_at)
    response = client.get(reverse("complaints:monthly", args=[str(month)]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html
    assert 'class="top-category"' in html
    assert "in the 90 days before it was received" in html


def test_the_monthly_page_reads_the_stored_row_in_few_queries(
    client, supervisor, complaint, django_assert_num_queries
):
    client.force_login(supervisor)
    month = Month.containing(complaint.opened_at)
    complaint_monthly_analysis_generate(month=month)
    # session, user, the user's permissions (own, through groups), the stored analysis row,
    # the repurchase-after-complaint figures (complaints/loyalty.py, one query).
    with django_assert_num_queries(6):
        response = client.get(reverse("complaints:monthly", args=[str(month)]))
    assert "Stored report" in response.content.decode()


def test_the_monthly_csv_and_pdf_exports(client, supervisor, complaint):
    client.force_login(supervisor)
    month = str(Month.containing(complaint.opened_at))
    csv_response = client.get(reverse("complaints:monthly_csv", args=[month]))
    assert csv_response["Content-Type"].startswith("text/csv")
    lines = csv_response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Rank,Category,Complaints")
    assert lines[1].startswith("1,")
    pdf_response = client.get(reverse("complaints:monthly_pdf", args=[month]))
    assert pdf_response["Content-Type"] == "application/pdf"
    assert pdf_response.content.startswith(b"%PDF")


def test_a_bad_month_is_not_found(client, supervisor):
    client.force_login(supervisor)
    assert client.get(reverse("complaints:monthly", args=["2026-13x"])).status_code == 404


def test_opening_a_complaint_from_its_page(agent_client, team, category, customer):
    team.channels = ["complaint_hotline"]  # the hotline's complaints come to the agent's team
    team.save()
    response = agent_client.post(
        reverse("complaints:new"),
        {
            "subject": "Rude courier",
            "customer": customer.pk,
            "severity": "important",
            "complexity": "general",
            "category": category.pk,
            "source": "complaint_hotline",
        },
    )
    assert response.status_code == 302
    assert "/tickets/SD-" in response["Location"]


def test_only_managers_edit_reply_scripts(client, agent, manager):
    script = ReplyScript.objects.filter(language="en").first()
    client.force_login(agent)
    assert client.get(reverse("complaints:script_edit", args=[script.pk])).status_code == 403
    client.force_login(manager)
    response = client.post(
        reverse("complaints:script_edit", args=[script.pk]),
        {
            "step": script.step,
            "language": "en",
            "title": "Acknowledge",
            "body": "I hear you.",
            "active": "on",
            "position": 0,
        },
    )
    assert response.status_code == 302
    script.refresh_from_db()
    assert (script.body, script.updated_by) == ("I hear you.", manager)


def test_the_panel_offers_reply_scripts_to_insert(agent_client, complaint):
    html = agent_client.get(panel_url(complaint)).content.decode()
    assert "script-insert" in html
    assert "非常理解您现在的心情" in html
    assert "reply_scripts.js" in html


def test_administrators_edit_the_authority_and_limit_tables_in_the_admin(admin_client):
    for name in ("complaintauthority", "replyscript", "complaintcategory"):
        assert admin_client.get(f"/admin/complaints/{name}/").status_code == 200
    # The approval limits are on the staff profiles (inline), no longer a table by level.
    assert admin_client.get("/admin/complaints/approvallimit/").status_code == 404
    assert admin_client.get("/admin/staff/staffprofile/").status_code == 200
    assert admin_client.get("/admin/complaints/complaint/add/").status_code == 403


@pytest.mark.parametrize("severity", ["\x00", "urgent\x00", "no-such-severity", "9" * 5000])
def test_the_list_ignores_a_severity_it_does_not_know(agent_client, complaint, severity):
    # A NUL in the severity filter reached PostgreSQL: a 500.
    response = agent_client.get(reverse("complaints:list"), {"severity": severity})
    assert response.status_code == 200
    assert complaint.ticket.reference in response.content.decode()
