"""`manage.py seed_demo`: a demo organisation that can log in and has work in every state.

Seeding takes seconds, so one test seeds once, at a test size (80 tickets, one month of
complaints), and checks what a demo user relies on; `make run` loads the default size.
"""

from django.contrib.auth import get_user_model
from django.core.management import call_command, load_command_class
from django.utils import translation

from complaints.models import Complaint, Stage
from complaints.templatetags.complaints import duration_text
from customers.models import Customer, CustomerAction, CustomerEvent, Purchase, Tier
from staff.models import Role, Team
from staff.roles import role_of
from tickets.models import Status, Ticket, TicketEvent, TicketMessage

DEMO_LOGINS = {
    "agent": ("agent-demo-pass", Role.AGENT),
    "supervisor": ("supervisor-demo-pass", Role.SUPERVISOR),
    "manager": ("manager-demo-pass", Role.MANAGER),
    "admin": ("admin-demo-pass", Role.ADMINISTRATOR),
}


def counts() -> tuple[int, int, int]:
    return Ticket.objects.count(), TicketEvent.objects.count(), TicketMessage.objects.count()


TEST_SIZE = ("--tickets", "80", "--months", "1")


def test_make_run_loads_a_few_hundred_tickets_and_four_months_of_complaints():
    parser = load_command_class("servicedesk", "seed_demo").create_parser("manage.py", "seed_demo")
    defaults = parser.parse_args([])
    assert (defaults.tickets, defaults.months) == (300, 4)


def test_seed_demo_builds_a_working_demo_once(db, client, settings, tmp_path, worker_after_commit):
    settings.MEDIA_ROOT = tmp_path
    # The report PDFs are the worker's, after the seed commits: run them as it would.
    with worker_after_commit():
        call_command("seed_demo", "--if-empty", *TEST_SIZE)

    users = get_user_model().objects
    for username, (password, role) in DEMO_LOGINS.items():
        assert client.login(username=username, password=password), username
        assert role_of(users.get(username=username)) == role
    admin = users.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert Team.objects.get(name="售后服务组").members.filter(username="agent").exists()
    # The demo agent sees complaints too (the complaint team owns them).
    assert Team.objects.get(name="投诉处理组").members.filter(username="agent").exists()

    # The tickets asked for, in every status, worked through the services (events written);
    # the complaints step adds one complaint ticket in every stage of the current month.
    tickets = Ticket.objects.count()
    complaints = Complaint.objects.count()
    assert tickets == 80 + complaints
    assert set(Complaint.objects.values_list("stage", flat=True)) == set(Stage.values)
    assert set(Ticket.objects.values_list("status", flat=True)) == set(Status.values)
    assert TicketEvent.objects.filter(action="ticket.created").count() == tickets
    assert TicketEvent.objects.filter(action="ticket.status_changed").exists()
    assert TicketMessage.objects.filter(kind="reply").exists()
    closed = Ticket.objects.filter(status=Status.CLOSED).first()
    assert closed.first_response_at <= closed.resolved_at <= closed.closed_at
    created = Ticket.objects.values_list("created_at", flat=True)
    assert (max(created) - min(created)).days >= 60  # history spread over ~90 days

    # Each closed complaint's report was written at its close, in the demo's past: its stage
    # times and its total are the demo's, not the seconds the seeding took; the worker
    # rendered its PDF from that HTML.
    closed_complaints = Complaint.objects.filter(stage=Stage.CLOSED).select_related("ticket")
    assert closed_complaints.exists()
    for complaint in closed_complaints:
        report = complaint.reports.get()
        total = complaint.closed_at - complaint.opened_at
        assert total.total_seconds() > 3600
        with translation.override(report.language):
            assert f"<td>{duration_text(total)}</td>" in report.html, complaint.pk
        assert report.pdf.size == report.attachment.size_bytes > 0

    # A year of purchases, recorded through the service (noted in each history); important
    # customers buy most.
    important = Customer.objects.filter(tier=Tier.IMPORTANT)
    assert important.exists()
    for customer in important:
        assert customer.purchases.count() >= 6
    assert CustomerEvent.objects.filter(action=CustomerAction.PURCHASE_RECORDED).count() == (
        Purchase.objects.count()
    )

    # The demo agent has a queue to work, and canned replies to answer with.
    client.login(username="agent", password="agent-demo-pass")
    assert client.get("/tickets/").context["page"].paginator.count > 0
    agent = users.get(username="agent")
    open_ticket = Ticket.objects.visible_to(agent).filter(status=Status.OPEN, kind="request")[0]
    page = client.get(f"/tickets/{open_ticket.reference}/")
    assert page.status_code == 200 and page.context["canned_replies"]

    before = counts()
    call_command("seed_demo", "--if-empty", *TEST_SIZE)
    assert counts() == before
