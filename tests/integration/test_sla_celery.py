"""End to end on real processes: Celery beat → sweep → outbox → delivery, over Redis.

A Celery worker and beat are started as subprocesses on the test database (committed
rows, so they can see them), with a sweep every second. A ticket whose resolution target
is 3 seconds long must be breached and its notices delivered within a bounded wait.
"""

import os
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from servicedesk.outbox.models import OutboxMessage, OutboxStatus
from tests.real_processes import database_url, start_celery, stop
from tickets import services as tickets
from tickets.models import Channel, Complexity, Kind, Priority
from tickets.sla.models import Calendar, Clock, ClockState, DurationUnit, Metric, Policy, Target

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("celery")]

PROJECT_ROOT = Path(settings.BASE_DIR)
WAIT_SECONDS = 60


def test_beat_and_worker_breach_a_short_target_and_deliver_its_notices(
    committed_db, agent, supervisor, team, customer, tmp_path
):
    assert connection.vendor == "postgresql"
    broker = settings.CELERY_BROKER_URL
    assert broker.startswith("redis://"), "integration tests need CELERY_BROKER_URL=redis://…"
    mail_dir = tmp_path / "mail"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker,
        "SLA_SWEEP_INTERVAL_SECONDS": "1",
        "OUTBOX_DELIVERY_INTERVAL_SECONDS": "1",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "DJANGO_EMAIL_FILE_PATH": str(mail_dir),
        "PYTHONUNBUFFERED": "1",
    }
    policy = Policy.objects.create(
        name="Integration: 3 seconds",
        kind=Kind.REQUEST,
        channel=Channel.WEB,
        priority=Priority.NORMAL,
        complexity=Complexity.SIMPLE,
        order=1,
    )
    Target.objects.create(
        policy=policy,
        metric=Metric.RESOLUTION,
        duration=3,
        unit=DurationUnit.SECONDS,
        calendar=Calendar.objects.get(name="24×7"),
        warn_at_percent=100,  # no separate warning: the breach is the only notice
        manager_escalation_percent=None,
    )

    worker_log, beat_log = tmp_path / "worker.log", tmp_path / "beat.log"
    worker = start_celery(
        [
            "worker", "-P", "solo", "--without-heartbeat", "--without-mingle",
            "--without-gossip", "-n", f"sla-integration-{os.getpid()}@%h", "--loglevel", "INFO",
        ],
        env,
        worker_log,
    )  # fmt: skip
    beat = start_celery(
        ["beat", "--loglevel", "INFO", "--pidfile", str(tmp_path / "beat.pid")], env, beat_log
    )
    try:
        ticket = tickets.ticket_create(
            actor=agent,
            subject="Scanner offline",
            channel=Channel.WEB,
            team=team,
            customer=customer,
            assignee=agent,
        )
        clock = Clock.objects.get(ticket=ticket, metric=Metric.RESOLUTION)
        assert clock.target_duration.total_seconds() == 3

        deadline = time.monotonic() + WAIT_SECONDS
        delivered = False
        while time.monotonic() < deadline and not delivered:
            notices = OutboxMessage.objects.filter(ticket=ticket, topic="sla.breached")
            delivered = notices.exists() and not notices.exclude(status=OutboxStatus.SENT).exists()
            if not delivered:
                assert worker.poll() is None, worker_log.read_text()[-3000:]
                assert beat.poll() is None, beat_log.read_text()[-3000:]
                time.sleep(0.5)
        logs = f"worker:\n{worker_log.read_text()[-3000:]}\nbeat:\n{beat_log.read_text()[-3000:]}"
        assert delivered, f"no delivered breach notice within {WAIT_SECONDS} s\n{logs}"
    finally:
        stop(beat)
        stop(worker)

    clock.refresh_from_db()
    assert clock.state == ClockState.BREACHED
    assert clock.breached_at == clock.due_at
    recipients = set(notices.values_list("recipient", flat=True))
    assert recipients == {agent.email, supervisor.email}
    # Django's file backend writes one file per connection, each message followed by a
    # line of 79 dashes: both notices may leave in one delivery run, in one file.
    mails = [
        mail
        for path in mail_dir.iterdir()
        for mail in path.read_text().split("\n" + "-" * 79 + "\n")
        if mail.strip()
    ]
    assert len(mails) == len(recipients)
    assert all(ticket.reference in text for text in mails)
    assert {
        recipient for recipient in recipients if any(recipient in m for m in mails)
    } == recipients
