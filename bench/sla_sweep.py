"""SLA sweep cost: 1,000 due clocks among 10,000 running clocks vs among 1,000,000.

The sweep reads the partial index `sla_clock_alert_due_idx`, so its time must follow the
clocks that fall due, not the clocks that run: the ratio must stay at or under 1.5.

Run from the repo root on PostgreSQL (not part of the test run):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/servicedesk .venv/bin/python bench/sla_sweep.py
It creates and finally drops its own database (servicedesk_bench by default, or
SLA_BENCH_DATABASE), bulk-loads rows server-side (INSERT … SELECT generate_series), checks
with EXPLAIN that the sweep's claim uses the partial index, and prints `name: value` lines.
"""

import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

BENCH_DIR = Path(__file__).resolve().parent
DUE = 1_000
SMALL = 10_000
LARGE = 1_000_000
CLOCKS_PER_TICKET = 4  # resolution, service plan, feedback reply, next response
BACKGROUND_METRICS = ("resolution", "service_plan", "feedback_reply", "next_response")
ROUNDS = 5
MAX_RATIO = 1.5


def use_repo_imports() -> None:
    # bench/calendar.py would shadow the standard library's calendar module.
    sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != BENCH_DIR]
    sys.path.insert(0, str(BENCH_DIR.parent))


def bench_database_url() -> tuple[str, str]:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/servicedesk")
    parsed = urlparse(base)
    if not parsed.scheme.startswith("postgres"):
        sys.exit("bench/sla_sweep.py needs DATABASE_URL=postgres://…")
    name = os.environ.get("SLA_BENCH_DATABASE", "servicedesk_bench")
    return urlunparse(parsed._replace(path=f"/{name}")), name


def recreate_database(url: str, name: str, *, drop_only: bool = False) -> None:
    import psycopg2

    parsed = urlparse(url)
    admin = psycopg2.connect(
        host=parsed.hostname,
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password,
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE sla_clock")


def settle_after_bulk_load() -> None:
    """Leave no background work from the load to compete with the timed sweeps: vacuum
    (sets hint bits, so the first reader does not write), then flush dirty pages."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("tickets_ticket", "sla_clock", "tickets_ticketevent", "outbox_outboxmessage"):
            cursor.execute(f"VACUUM ANALYZE {table}")
        cursor.execute("CHECKPOINT")


def claim_plan() -> str:
    from django.db import connection, transaction
    from django.utils import timezone

    from tickets.sla.sweep import claim_due_clocks

    with transaction.atomic(), connection.cursor() as cursor:
        sql, params = claim_due_clocks(timezone.now(), 200).query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def time_sweeps(ticket_ids: list[int], calendar_id: int, first_cycle: int) -> tuple[float, float]:
    """Median milliseconds of ROUNDS sweeps, each over DUE freshly due clocks: wall time,
    and this process's CPU time (the sweep's Python, less sensitive to a busy machine)."""
    from django.utils import timezone

    from tests.bulk_load import load_clocks
    from tickets.sla.sweep import sla_sweep

    timings, cpu = [], []
    for round_number in range(ROUNDS):
        load_clocks(
            first_ticket=ticket_ids[0],
            last_ticket=ticket_ids[0] + DUE - 1,
            metric="first_response",
            cycle=first_cycle + round_number,
            due_in="-1 minute",
            calendar_id=calendar_id,
        )
        analyze()
        started, started_cpu = time.perf_counter(), time.process_time()
        report = sla_sweep(now=timezone.now())
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert report.breached == DUE, report
    return statistics.median(timings), statistics.median(cpu)


def running_clocks() -> int:
    from tickets.sla.models import Clock

    return Clock.objects.filter(state="running").count()


def main() -> int:
    use_repo_imports()
    url, name = bench_database_url()
    recreate_database(url, name)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    try:
        call_command("migrate", verbosity=0)
        from customers.models import Customer
        from staff.models import Team
        from tests.bulk_load import load_clocks, load_tickets
        from tests.factories import UserFactory
        from tickets.models import Ticket
        from tickets.sla.models import Calendar

        agent = UserFactory(username="bench-agent")
        lead = UserFactory(username="bench-lead")
        team = Team.objects.create(name="Bench", supervisor=lead)
        customer = Customer.objects.create(name="Bench customer", email="bench@example.com")
        calendar = Calendar.objects.get(name="24×7")
        template = Ticket.objects.create(
            reference="B-template",
            subject="Bench",
            channel="email",
            team=team,
            customer=customer,
            assignee=agent,
        )
        tickets_small = (SMALL - DUE) // CLOCKS_PER_TICKET
        tickets_large = (LARGE - DUE) // CLOCKS_PER_TICKET
        load_tickets(template.pk, 1, tickets_large)
        ids = list(
            Ticket.objects.exclude(pk=template.pk).order_by("pk").values_list("pk", flat=True)
        )
        first_id = ids[0]

        def background(first_ticket: int, last_ticket: int) -> None:
            for metric in BACKGROUND_METRICS:
                load_clocks(
                    first_ticket=first_ticket,
                    last_ticket=last_ticket,
                    metric=metric,
                    cycle=1,
                    due_in="1 day",
                    calendar_id=calendar.pk,
                )

        # Warm-up (imports, caches), then 9,000 background + 1,000 due = 10,000 running.
        background(first_id, first_id + tickets_small - 1)
        settle_after_bulk_load()
        time_sweeps(ids, calendar.pk, first_cycle=100)
        small_running = running_clocks() + DUE
        small_plan = claim_plan()
        small_ms, _small_cpu_ms = time_sweeps(ids, calendar.pk, first_cycle=1)

        started = time.perf_counter()
        background(first_id + tickets_small, first_id + tickets_large - 1)
        load_seconds = time.perf_counter() - started
        settle_after_bulk_load()
        large_running = running_clocks() + DUE
        large_plan = claim_plan()
        large_ms, large_cpu_ms = time_sweeps(ids, calendar.pk, first_cycle=10)

        index_used = all("sla_clock_alert_due_idx" in plan for plan in (small_plan, large_plan))
        ratio = large_ms / small_ms
        print(f"sla_sweep_running_clocks_small: {small_running}")
        print(f"sla_sweep_running_clocks_large: {large_running}")
        print(f"sla_sweep_due_clocks: {DUE}")
        print(f"sla_sweep_bulk_load_s: {load_seconds:.1f}")
        print(f"sla_sweep_partial_index_used: {index_used}")
        print(
            "sla_sweep_claim_plan_1m: "
            + " | ".join(line.strip() for line in large_plan.splitlines())
        )
        print(f"sla_sweep_10k_ms: {small_ms:.1f}")
        print(f"sla_sweep_1m_ms: {large_ms:.1f}")
        print(f"sla_sweep_ratio: {ratio:.2f}")
        print(f"sla_sweep_per_due_clock_ms: {large_ms / DUE:.2f}")
        print(f"sla_sweep_per_due_clock_cpu_ms: {large_cpu_ms / DUE:.2f}")
        return 0 if index_used and ratio <= MAX_RATIO else 1
    finally:
        connections.close_all()
        recreate_database(url, name, drop_only=True)


if __name__ == "__main__":
    sys.exit(main())
