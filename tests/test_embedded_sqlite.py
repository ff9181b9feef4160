"""`make run`'s embedded defaults (SQLite, no Redis): the API's hand-built SQL works there too.

The suite runs on PostgreSQL; the token query, the hot inserts, the key lookups, the
webhook fan-out and the rate limiter have SQLite paths of their own, exercised here in a
child process on a fresh SQLite file (settings are read at start-up).
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = textwrap.dedent(
    """
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)

    from django.contrib.auth.models import Group
    from rest_framework.test import APIClient

    from customers.models import Customer
    from servicedesk.api.services import api_token_issue, webhook_endpoint_create
    from servicedesk.api.throttling import MemoryRateLimiter, rate_limiter
    from servicedesk.outbox.models import OutboxMessage
    from staff.models import Role, StaffProfile, Team
    from tests.factories import UserFactory
    from tickets.models import Ticket, TicketEvent
    from tickets.sla.models import Clock, ClockPlan
    from django.conf import settings

    assert settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
    assert isinstance(rate_limiter(settings.API_THROTTLE_REDIS_URL), MemoryRateLimiter)
    team = Team.objects.create(name="Support")
    agent = UserFactory(username="agent", role=Role.AGENT, teams=[team])
    customer = Customer.objects.create(name="Li Na", email="li@example.com")
    url = "http://127.0.0.1:9/hook"
    hook = webhook_endpoint_create(name="crm", url=url, events=["ticket.created"])
    webhook_endpoint_create(name="other", url=url, events=["sla.breached"])
    scopes = ["tickets:read", "tickets:write"]
    _token, plain = api_token_issue(user=agent, name="crm", scopes=scopes)
    api = APIClient(SERVER_NAME="127.0.0.1")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {plain}")

    body = {"subject": "Printer", "team": team.pk, "customer": customer.pk}
    created = api.post("/api/v1/tickets/", body, format="json")
    assert created.status_code == 201, created.content
    ticket = Ticket.objects.get(pk=created.json()["id"])
    assert ticket.reference == Ticket.reference_for(ticket.pk) == created.json()["reference"]
    assert ticket.team_id == team.pk and ticket.customer_id == customer.pk
    assert TicketEvent.objects.filter(ticket=ticket, action="ticket.created").count() == 1
    clocks = Clock.objects.filter(ticket=ticket)
    assert clocks.count() == len(created.json()["sla"]) >= 1
    assert ClockPlan.objects.filter(clock__ticket=ticket).count() == clocks.count()
    queued = OutboxMessage.objects.filter(ticket=ticket).values_list("recipient", flat=True)
    assert list(queued) == [str(hook.pk)]

    # The SLA summary the queue sorts by is kept by SQLite's own triggers too: the nearest
    # owed due time while unresolved, paused while waiting on the customer, empty once
    # resolved, and a stale save cannot overwrite it.
    from django.db.models import Min, Q
    from tickets import services
    from tickets.models import OPEN_STATUSES, Status
    def summary():
        ticket.refresh_from_db()
        return ticket.next_due_at, ticket.next_warn_at, ticket.sla_paused
    def from_clocks():
        if ticket.status not in OPEN_STATUSES:
            return None, None, False
        owed = clocks.filter(Q(state="running") | Q(state="breached", met_at=None))
        times = owed.aggregate(due=Min("due_at"), warn=Min("warn_at"))
        return times["due"], times["warn"], clocks.filter(state="paused").exists()
    assert summary() == from_clocks() and summary()[0] is not None, summary()
    stale = Ticket.objects.get(pk=ticket.pk)
    for status in (Status.PENDING_CUSTOMER, Status.RESOLVED, Status.OPEN):
        services.ticket_change_status(
            ticket=ticket, actor=agent, to=status, expected_version=ticket.version
        )
        assert summary() == from_clocks(), (status, summary(), from_clocks())
        if status == Status.PENDING_CUSTOMER:
            assert summary()[2] is True
            Ticket.objects.filter(pk=ticket.pk).update(next_due_at=None, sla_paused=False)
            assert summary() == from_clocks(), summary()
            stale.subject = "Printer (edited)"
            stale.save()  # a full save of the copy read before the pause
            assert summary() == from_clocks(), summary()
    assert summary()[0] is not None  # reopened: a new resolution cycle runs

    # The clocks' copies of the ticket's and the customer's values (the dashboard's
    # dimensions) follow them on SQLite too.
    def copies():
        fields = ("ticket_team_id", "ticket_priority", "ticket_channel", "customer_tier")
        return set(clocks.values_list(*fields))
    assert copies() == {(team.pk, "normal", "api", "general")}, copies()
    services.ticket_change_priority(ticket=ticket, actor=agent, priority="urgent")
    Customer.objects.filter(pk=customer.pk).update(tier="important")
    assert copies() == {(team.pk, "urgent", "api", "important")}, copies()
    clock = clocks.first()
    Clock.objects.filter(pk=clock.pk).update(ticket_priority="low")
    clock.save()  # a stale copy of the clock
    assert copies() == {(team.pk, "urgent", "api", "important")}, copies()

    missing = api.post("/api/v1/tickets/", {**body, "team": 10**6}, format="json")
    assert missing.status_code == 400 and "team" in missing.json()["fields"], missing.content
    listed = api.get("/api/v1/tickets/")
    assert listed.status_code == 200 and [t["id"] for t in listed.json()["results"]] == [ticket.pk]

    # The queue's search (a plain LIKE here, no bigram index): words and the number.
    from tickets.selectors import QueueFilters, agent_queue
    searched = lambda text: list(agent_queue(user=agent, filters=QueueFilters(q=text)))
    assert searched("printer") == searched(str(ticket.pk)) == searched("li na") == [ticket]
    assert searched("printer 漏水") == []

    nobody = UserFactory(username="nobody")
    nobody.groups.clear()
    _token, plain = api_token_issue(user=nobody, name="x", scopes=["tickets:write"])
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert api.post("/api/v1/tickets/", body, format="json").status_code == 403
    print("embedded ok")
    """
)


def test_the_api_creates_and_lists_tickets_on_the_embedded_sqlite_database(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "CELERY_", "CACHE_", "THROTTLE_", "PYTEST_"))
    }
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'embedded.sqlite3'}",
        DJANGO_SETTINGS_MODULE="servicedesk.settings",
    )
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    assert "embedded ok" in result.stdout
