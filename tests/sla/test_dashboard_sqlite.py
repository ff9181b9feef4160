"""The dashboard on `make run`'s embedded SQLite: percentiles by ordered-offset queries give
the numbers PostgreSQL's percentile_cont gives (tests/sla/test_dashboard.py), and the page
renders every figure. Run in a child process on a fresh SQLite file (settings are read at
start-up)."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

SCRIPT = textwrap.dedent(
    """
    import django
    django.setup()
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    import time_machine
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    assert settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")

    from staff.models import Role, Team
    from tests.factories import UserFactory
    from tickets import services as tickets
    from tickets.models import Status
    from tickets.sla.dashboard import Period, backlog_age, sla_outcomes, sla_outcomes_by, sla_trend
    from tickets.sla.response_times import response_times

    shanghai = ZoneInfo("Asia/Shanghai")
    start = datetime(2026, 3, 4, 9, 0, tzinfo=shanghai)
    team = Team.objects.create(name="Support")
    agent = UserFactory(username="agent", role=Role.AGENT, teams=[team])
    manager = UserFactory(username="manager", role=Role.MANAGER)
    for minutes in range(1, 11):  # first responses after 1, 2, … 10 minutes
        with time_machine.travel(start, tick=False) as travel:
            ticket = tickets.ticket_create(actor=agent, subject="x", channel="email", team=team)
            travel.shift(timedelta(minutes=minutes))
            tickets.ticket_reply(ticket=ticket, actor=agent, body="Hello")
            travel.shift(timedelta(hours=1))
            tickets.ticket_change_status(ticket=ticket, actor=agent, to=Status.RESOLVED)

    march = Period(datetime(2026, 3, 1, tzinfo=shanghai), datetime(2026, 4, 1, tzinfo=shanghai))
    times = response_times(period=march, user=manager)
    first = times.first_response
    assert first.count == 10, first
    assert first.p50 == timedelta(minutes=5, seconds=30), first.p50
    assert first.p90 == timedelta(minutes=9, seconds=6), first.p90
    assert first.p95 == timedelta(minutes=9, seconds=33), first.p95
    assert [b.count for b in first.buckets] == [10, 0, 0, 0, 0, 0], first.buckets
    assert times.resolution.p90 == timedelta(hours=1, minutes=9, seconds=6), times.resolution
    assert [b.count for b in times.resolution.buckets] == [0, 0, 10, 0, 0, 0]
    days = {p.start.isoformat(): p for p in sla_trend(period=march, user=manager)}
    assert (days["2026-03-04"].created, days["2026-03-04"].resolved) == (10, 10), days
    weeks = sla_trend(period=march, user=manager, step="week")
    assert [w.created for w in weeks] == [0, 10, 0, 0, 0, 0], weeks
    assert sum(b.count for b in backlog_age(user=manager)) == 0
    outcomes = sla_outcomes(period=march, user=manager)  # one statement, summed by SQLite
    assert [row.label for row in outcomes["team"]] == ["Support"], outcomes
    for dimension, rows in outcomes.items():
        assert rows == sla_outcomes_by(dimension, period=march, user=manager), dimension

    client = Client(SERVER_NAME="127.0.0.1", HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(manager)
    page = client.get("/sla/", {"date_from": "2026-03-01", "date_to": "2026-03-31"})
    assert page.status_code == 200, page.status_code
    html = page.content.decode()
    for name in ("trend", "backlog", "times", "outcomes", "pauses"):
        figure = client.get(
            f"/sla/figures/{name}/",
            {"date_from": "2026-03-01", "date_to": "2026-03-31"},
            HTTP_HX_REQUEST="true",
        )
        assert figure.status_code == 200, (name, figure.status_code)
        html += figure.content.decode()
    assert "Outcomes by Team" in html and "Support" in html, html[-3000:]
    assert "9 min 06 s" in html and "Percentiles need PostgreSQL" not in html
    print("embedded dashboard ok")
    """
)


def test_the_dashboard_figures_and_percentiles_on_the_embedded_sqlite_database(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "CELERY_", "CACHE_", "THROTTLE_", "PYTEST_"))
    }
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'embedded.sqlite3'}",
        DJANGO_SETTINGS_MODULE="servicedesk.settings",
        DJANGO_LANGUAGE_CODE="en",
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
    assert "embedded dashboard ok" in result.stdout
