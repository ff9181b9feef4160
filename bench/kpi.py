"""The monthly KPI job at production size: 500 agents in 40 teams, 1,000,000 tickets
resolved in one month (one resolution clock each, met or breached), 200,000 survey
answers and 2,500 QA inspections; prints the job's seconds and peak memory.

Its own database (sd_bench_kpi, dropped and migrated afresh, never the shared scale
seed); the rows are generated inside PostgreSQL with INSERT … SELECT generate_series,
so the load costs no Python per row. Then `scorecards_compute` runs for that month.

    .venv/bin/python bench/kpi.py [--tickets 1000000] [--agents 500]
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402

SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DATABASE = "sd_bench_kpi"


def _psql(database: str, sql: str) -> None:
    subprocess.run(
        ["psql", f"{SERVER}/{database}", "-v", "ON_ERROR_STOP=1", "-q", "-c", sql],
        check=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--agents", type=int, default=500)
    args = parser.parse_args()
    _psql("postgres", f"DROP DATABASE IF EXISTS {DATABASE}")
    _psql("postgres", f"CREATE DATABASE {DATABASE}")
    os.environ["DATABASE_URL"] = f"{SERVER}/{DATABASE}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"kpi_migrate_seconds: {time.perf_counter() - started:.1f}")
    started = time.perf_counter()
    _load(args.tickets, args.agents)
    print(f"kpi_load_seconds: {time.perf_counter() - started:.1f}")
    _measure()


def _load(tickets: int, agents: int) -> None:
    from django.db import connection

    teams = 40
    statements = [
        f"""INSERT INTO staff_team (name, channels, is_department)
            SELECT 'Team ' || t, '[]', false FROM generate_series(1, {teams}) t""",
        f"""INSERT INTO auth_user (password, is_superuser, username, first_name, last_name,
                email, is_staff, is_active, date_joined)
            SELECT '!', false, 'agent' || a, '', '', '', false, true, now()
            FROM generate_series(1, {agents}) a""",
        f"""INSERT INTO staff_team_members (team_id, user_id)
            SELECT (SELECT min(id) FROM staff_team) + (u.rn - 1) % {teams}, u.id
            FROM (SELECT id, row_number() OVER (ORDER BY id) rn FROM auth_user) u""",
        # No e-mail or phone: the personal-data columns (encrypted) keep their defaults.
        """INSERT INTO customers_customer (name, language, tier, version, created_at, updated_at)
            SELECT 'Customer ' || c, 'zh-hans', 'general', 1, now(), now()
            FROM generate_series(1, 1000) c""",
        # November 2026 (Asia/Shanghai): created on a day, resolved 1–40 hours later.
        f"""INSERT INTO tickets_ticket (reference, subject, description, channel, kind,
                complexity, priority, status, product, order_number, customer_demand,
                preferred_contact_time, created_at, updated_at, resolved_at, version,
                assignee_id, team_id, customer_id)
            SELECT 'SD-B' || lpad(g::text, 7, '0'), 'Bench', '', 'email', 'request', 'simple',
                'normal', 'resolved', '', '', '', '',
                timestamptz '2026-11-01 00:00+08' + (g % 28) * interval '1 day',
                now(),
                timestamptz '2026-11-01 00:00+08' + (g % 28) * interval '1 day'
                    + (1 + g % 40) * interval '1 hour',
                1,
                (SELECT min(id) FROM auth_user) + g % {agents},
                (SELECT min(id) FROM staff_team) + (g % {agents}) % {teams},
                (SELECT min(id) FROM customers_customer) + g % 1000
            FROM generate_series(1, {tickets}) g""",
        """INSERT INTO sla_clock (metric, cycle, policy_name, target_duration, warn_duration,
                is_urgent, state, started_at, due_at, warn_at, paused_total, escalation_level,
                created_at, updated_at, calendar_id, ticket_id, met_at, breached_at)
            SELECT 'resolution', 1, 'General aim', interval '24 hours', interval '19 hours',
                false, CASE WHEN t.resolved_at <= t.created_at + interval '24 hours'
                    THEN 'met' ELSE 'breached' END,
                t.created_at, t.created_at + interval '24 hours',
                t.created_at + interval '19 hours', interval '0', 0, now(), now(),
                (SELECT min(id) FROM sla_calendar), t.id, t.resolved_at,
                CASE WHEN t.resolved_at > t.created_at + interval '24 hours'
                    THEN t.created_at + interval '24 hours' END
            FROM tickets_ticket t""",
        """INSERT INTO quality_survey (kind, channel, language, nonce, sent_at, expires_at,
                comment, customer_id, ticket_id, agent_id, team_id, answered_at, attitude,
                effectiveness, timeliness, recommend)
            SELECT 'ticket', 'email', 'zh-hans', 'bench-' || t.id, t.resolved_at,
                t.resolved_at + interval '14 days', '', t.customer_id, t.id, t.assignee_id,
                t.team_id, t.resolved_at + interval '2 hours', 1 + t.id % 5, 1 + t.id % 4,
                2 + t.id % 4, t.id % 11
            FROM tickets_ticket t WHERE t.id % 5 = 0""",
        """INSERT INTO quality_inspection (ticket_id, agent_id, month, reason, status, score,
                coaching_notes, inspected_at)
            SELECT t.id, t.assignee_id, date '2026-11-01', 'random', 'done', 50 + t.id % 50,
                '', now()
            FROM tickets_ticket t WHERE t.id % 400 = 0""",
        "ANALYZE",
    ]
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _measure() -> None:
    from datetime import date

    from django.db import connection, reset_queries

    from quality.models import Scorecard
    from quality.scorecards import scorecards_compute

    connection.force_debug_cursor = True
    reset_queries()
    tracemalloc.start()
    started = time.perf_counter()
    written = scorecards_compute(month=date(2026, 11, 1))
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"kpi_scorecards_written: {written}")
    print(f"kpi_agent_scorecards: {Scorecard.objects.filter(agent__isnull=False).count()}")
    print(f"kpi_job_seconds: {seconds:.2f}")
    print(f"kpi_job_queries: {len(connection.queries)}")
    print(f"kpi_job_python_peak_mb: {peak / 2**20:.1f}")
    print(
        f"kpi_process_max_rss_mb: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f}"
    )


if __name__ == "__main__":
    main()
