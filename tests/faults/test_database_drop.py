"""PostgreSQL drops the web server's connection in the middle of a ticket create.

gunicorn (one worker, one thread, persistent connections as in production) serves the
create; the test holds a lock on the outbox table so the request stops at its last write,
after the ticket, its audit event and its clocks, then terminates exactly that backend.
The answer must be a clean 503 in the error shape, nothing of the ticket may remain, and
the next request on the same process must succeed.
"""

import threading

import pytest
from django.db import connection, transaction

from servicedesk.api.services import api_token_issue, webhook_endpoint_create
from servicedesk.outbox.models import OutboxMessage
from tests.real_processes import (
    HttpClient,
    process_env,
    start_gunicorn,
    stop,
    wait_until,
)
from tickets.models import Ticket, TicketEvent
from tickets.sla.models import Clock

pytestmark = [pytest.mark.faults, pytest.mark.xdist_group("faults")]

APPLICATION_NAME = "servicedesk-fault-web"


def web_backend_waiting_on_a_lock() -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s "
            "AND datname = current_database() AND wait_event_type = 'Lock'",
            [APPLICATION_NAME],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def test_a_connection_dropped_mid_create_is_a_clean_503_and_the_next_request_succeeds(
    committed_db, agent, team, tmp_path
):
    webhook_endpoint_create(name="crm", url="http://127.0.0.1:9/hooks", events=["ticket.created"])
    _token, plain = api_token_issue(user=agent, name="crm", scopes=["tickets:write"])
    env = process_env(
        # Only this server's connections carry the name, so the test terminates no other.
        DATABASE_URL=f"{process_env()['DATABASE_URL']}?application_name={APPLICATION_NAME}",
        DATABASE_CONN_MAX_AGE="60",
        DATABASE_CONN_HEALTH_CHECKS="true",
    )
    web, port = start_gunicorn(env, tmp_path / "web.log", workers=1, threads=1)
    client = HttpClient(port, plain)
    try:
        # A first create opens the server's persistent connection.
        status, first = client.call(
            "POST", "/api/v1/tickets/", {"subject": "Before", "team": team.pk}
        )
        assert status == 201, first
        counts = (Ticket.objects.count(), TicketEvent.objects.count(), Clock.objects.count())

        answer = {}

        def create_during_the_drop():
            answer["response"] = HttpClient(port, plain).call(
                "POST", "/api/v1/tickets/", {"subject": "Dropped", "team": team.pk}
            )

        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {OutboxMessage._meta.db_table} IN SHARE MODE")
            request = threading.Thread(target=create_during_the_drop)
            request.start()
            assert wait_until(lambda: web_backend_waiting_on_a_lock() is not None, timeout=30)
            pid = web_backend_waiting_on_a_lock()
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
                assert cursor.fetchone() == (True,)
            request.join(timeout=30)
        assert not request.is_alive()

        status, body = answer["response"]
        assert status == 503, body
        assert body == {
            "detail": "The service is briefly unavailable; nothing was changed. "
            "Please try again shortly.",
            "code": "database_unavailable",
            "fields": {},
        }
        # Nothing half-written: no ticket, event or clock of the dropped create.
        assert not Ticket.objects.filter(subject="Dropped").exists()
        assert (
            Ticket.objects.count(),
            TicketEvent.objects.count(),
            Clock.objects.count(),
        ) == counts

        # The same worker thread recovers on its own: no restart.
        status, after = client.call(
            "POST", "/api/v1/tickets/", {"subject": "After", "team": team.pk}
        )
        assert status == 201, after
        assert web.poll() is None
        assert list(Ticket.objects.order_by("pk").values_list("subject", flat=True)) == [
            "Before",
            "After",
        ]
        assert "Traceback" not in (tmp_path / "web.log").read_text()
    finally:
        client.close()
        stop(web)
