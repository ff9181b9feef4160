"""Server-side time of the agent queue and the manager SLA dashboard over 1,000,000 tickets.

Each page is requested in this process through Django's test client (the whole middleware
stack, DEBUG off, no network), as an agent of a team and as a manager, after two warm-up
requests; it prints p50 and p90 in milliseconds, and the number of SQL queries of one
request with their time in all (the rest is Python). Goal (issue 14): p50 < 150 ms for the
queue and the dashboard, with a fixed number of queries.

Not part of the test run. From the repo root, on a copy of the scale seed:
    .venv/bin/python bench/seed_scale.py --clone sd_pages_bench
    .venv/bin/python bench/pages.py --database sd_pages_bench [--requests 30]
It migrates the copy first (a seed made before the latest migrations gets them) and
VACUUMs and ANALYZEs it, as autovacuum keeps a live database (a fresh copy has no
visibility map, so no index-only scan would read the index alone); it writes nothing
else. Drop the copy afterwards (DROP DATABASE).
"""

import sys
from pathlib import Path

# bench/calendar.py would shadow the standard library's calendar module.
ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import gc  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

from bench.keys import use_bench_keys  # noqa: E402

SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="sd_pages_bench")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    parser.add_argument("--slow", action="store_true", help="print each query's time once")
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = f"{SERVER}/{args.database}"
    use_bench_keys()  # DEBUG off refuses the development keys of customers' data
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=os.environ,
        check=True,
    )
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from staff.models import Team
    from tickets.sla.views import FIGURES

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    # As a gunicorn worker does once the application is loaded (gunicorn.conf.py).
    gc.freeze()
    users = get_user_model().objects
    # The agent of the team with the most open tickets: the longest queue.
    team = (
        Team.objects.filter(tickets__status__in=("new", "open"))
        .annotate(n=django.db.models.Count("tickets"))
        .order_by("-n")
        .first()
    )
    agent = team.members.order_by("pk").first()
    manager = users.filter(username__startswith="manager-").order_by("pk").first()
    print(f"tickets: {_count()}")

    pages = [
        ("queue_agent", agent, "/tickets/"),
        ("queue_manager", manager, "/tickets/"),
        ("queue_manager_breached", manager, "/tickets/?scope=breached"),
        ("sla_dashboard", manager, "/sla/"),
        ("sla_dashboard_live", manager, "/sla/live/"),
        # The period's figures the dashboard's htmx then reads, each a request of its own.
        *((f"sla_figure_{name}", manager, f"/sla/figures/{name}/") for name in FIGURES),
    ]
    figures_p50 = 0.0
    for name, user, url in pages:
        htmx = {"HTTP_HX_REQUEST": "true"} if name.startswith("sla_figure_") else {}
        client = Client(HTTP_HOST="127.0.0.1", **htmx)
        client.force_login(user)
        for _warm in range(2):
            assert client.get(url).status_code == 200, url
        queries, sql_ms = _count_queries(connection, client, url)
        if args.slow:
            _print_query_times(connection, client, url)
        samples = []
        for _request in range(args.requests):
            started = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, url
        print(f"{name}_p50_ms: {statistics.median(samples):.1f}")
        if name.startswith("sla_figure_"):
            figures_p50 += statistics.median(samples)
        print(f"{name}_p90_ms: {percentile(samples, 0.9):.1f}")
        print(f"{name}_queries: {queries}")
        print(f"{name}_sql_ms: {sql_ms:.1f}", flush=True)
    # The server's work for the whole dashboard, were the figures read one after another.
    print(f"sla_figures_sum_of_p50_ms: {figures_p50:.1f}")
    return 0


def _count_queries(connection, client, url) -> tuple[int, float]:
    """SQL statements of one request and the time they took in all (the rest of a request's
    time is Python: middleware, view, template). Counted with an execute wrapper: the test
    client's request_started signal clears connection.queries, which CaptureQueriesContext
    reads."""
    timings = []

    def counted(execute, sql, *rest):
        started = time.perf_counter()
        try:
            return execute(sql, *rest)
        finally:
            timings.append((time.perf_counter() - started) * 1000)

    with connection.execute_wrapper(counted):
        client.get(url)
    return len(timings), sum(timings)


def _print_query_times(connection, client, url) -> None:
    timings = []

    def timed(execute, sql, *rest):
        started = time.perf_counter()
        try:
            return execute(sql, *rest)
        finally:
            timings.append(((time.perf_counter() - started) * 1000, sql))

    with connection.execute_wrapper(timed):
        client.get(url)
    for milliseconds, sql in sorted(timings, reverse=True)[:6]:
        print(f"#   {milliseconds:8.1f} ms  {sql[:600]}")


def _count() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM tickets_ticket")
        return cursor.fetchone()[0]


if __name__ == "__main__":
    raise SystemExit(main())
