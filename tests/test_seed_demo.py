"""`manage.py seed_demo`: a demo organisation that can log in and has work in every state.

Seeding takes seconds, so one test seeds once and checks what a demo user relies on.
"""

from django.contrib.auth import get_user_model
from django.core.management import call_command

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


def test_seed_demo_builds_a_working_demo_once(db, client):
    call_command("seed_demo", "--if-empty")

    users = get_user_model().objects
    for username, (password, role) in DEMO_LOGINS.items():
        assert client.login(username=username, password=password), username
        assert role_of(users.get(username=username)) == role
    admin = users.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert Team.objects.get(name="售后服务组").members.filter(username="agent").exists()

    # A few hundred tickets in every status, worked through the services (events written).
    # Other apps' demo steps (complaints in every stage) may add tickets of their own.
    tickets = Ticket.objects.count()
    assert tickets >= 300
    assert set(Ticket.objects.values_list("status", flat=True)) == set(Status.values)
    assert TicketEvent.objects.filter(action="ticket.created").count() == tickets
    assert TicketEvent.objects.filter(action="ticket.status_changed").exists()
    assert TicketMessage.objects.filter(kind="reply").exists()
    closed = Ticket.objects.filter(status=Status.CLOSED).first()
    assert closed.first_response_at <= closed.resolved_at <= closed.closed_at
    created = Ticket.objects.values_list("created_at", flat=True)
    assert (max(created) - min(created)).days >= 60  # history spread over ~90 days

    # The demo agent has a queue to work.
    client.login(username="agent", password="agent-demo-pass")
    assert client.get("/tickets/").context["page"].paginator.count > 0

    before = counts()
    call_command("seed_demo", "--if-empty")
    assert counts() == before
