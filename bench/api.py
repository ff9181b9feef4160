"""REST API throughput and latency against gunicorn on 127.0.0.1 with PostgreSQL.

Side by side in one run: our ticket create (service, audit event, SLA clocks, outbox
fan-out) and a bare DRF ModelViewSet writing the same rows (bench/bare_api.py, the floor);
sequential and with 4 concurrent clients; then the ticket list over 1,000,000 tickets.
Goals (issue 6): create throughput >= 70 % of the floor and >= 200 req/s with 4 clients;
list p50 < 50 ms with 1,000,000 tickets.

Not part of the test run. From the repo root:
    .venv/bin/python bench/api.py [--tickets 1000000] [--creates 300] [--lists 200] [--rounds 3]
It uses its own database (servicedesk_bench_api, migrated here, kept between runs so the
bulk load happens once), starts gunicorn on a free port of 127.0.0.1 with the product's
gunicorn.conf.py and production settings (DEBUG off, persistent health-checked database
connections; the floor is served by the same gunicorn), stops only that gunicorn, and
prints `name: value` lines. A webhook endpoint subscribed to ticket.created makes every
create write its outbox row too. API_BENCH_REDIS picks the Redis database (throttling,
cache).
"""

import sys
from pathlib import Path

# bench/ holds calendar.py, which would shadow the standard library's calendar module
# when this file runs as a script: import from the repository root instead.
ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import csv  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import secrets  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

from bench.http_harness import Client, free_port, report, run, start_gunicorn  # noqa: E402
from bench.keys import use_bench_keys  # noqa: E402

use_bench_keys()

PYTHON = sys.executable
DATABASE = os.environ.get("API_BENCH_DATABASE", "servicedesk_bench_api")
SERVER = os.environ.get("API_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("API_BENCH_REDIS", "redis://127.0.0.1:6379/3")
TEAMS = 10
CLIENTS = 4
COPY_CHUNK = 100_000


def bench_env() -> dict[str, str]:
    """Production settings (servicedesk.settings_production via bench.api_settings)."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"{SERVER}/{DATABASE}",
        DJANGO_SETTINGS_MODULE="bench.api_settings",
        # A fresh key per run: the bench issues its tokens anew each run.
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="false",
        CELERY_BROKER_URL=REDIS,
        CACHE_URL=REDIS,
        THROTTLE_CACHE_URL=REDIS,
        API_THROTTLE_RATE="10000000/min",
        LOG_LEVEL="WARNING",
        # No worker recycling (gunicorn.conf.py's max_requests) in the middle of a figure.
        GUNICORN_MAX_REQUESTS="0",
    )
    # As in production (settings_production): persistent, health-checked connections.
    env.pop("DATABASE_CONN_MAX_AGE", None)
    env.pop("DATABASE_CONN_HEALTH_CHECKS", None)
    return env


def create_database() -> None:
    import psycopg2

    connection = psycopg2.connect(f"{SERVER}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{DATABASE}"')
    connection.close()


def migrate(env) -> None:
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )


def setup_django(env) -> None:
    os.environ.update(env)
    import django

    django.setup()


def seed_people() -> dict:
    """Teams, a manager and an agent with tokens, a customer (fresh tokens each run)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from customers.models import Customer
    from servicedesk.api.models import ApiToken, WebhookEndpoint
    from servicedesk.api.scopes import Scope
    from servicedesk.api.services import api_token_issue
    from staff.models import Role, StaffProfile, Team

    user_model = get_user_model()
    teams = [Team.objects.get_or_create(name=f"Bench team {i}")[0] for i in range(TEAMS)]
    people = {}
    # A team with no tickets yet (the bulk load and the creates use the ten above): its
    # agent's list is the visibility filter's worst case.
    new_team = Team.objects.get_or_create(name="Bench new team")[0]
    for username, role, team in (
        ("bench-manager", Role.MANAGER, teams[0]),
        ("bench-agent", Role.AGENT, teams[0]),
        ("bench-agent-new-team", Role.AGENT, new_team),
    ):
        user, created = user_model.objects.get_or_create(username=username)
        if created:
            user.groups.add(Group.objects.get(name=role))
            StaffProfile.objects.create(user=user, display_name=username)
        team.members.add(user)
        ApiToken.objects.filter(user=user).delete()
        _token, plain = api_token_issue(user=user, name="bench", scopes=list(Scope.values))
        people[username] = plain
    customer, _ = Customer.objects.get_or_create(
        name="Bench customer", defaults={"email": "bench@example.com"}
    )
    # An integration subscribed to ticket.created: every create also writes its outbox row
    # (nothing delivers it here: no worker runs).
    WebhookEndpoint.objects.get_or_create(
        name="Bench receiver",
        defaults={
            "url": "http://127.0.0.1:9/bench",
            "secret": secrets.token_hex(16),
            "events": ["ticket.created"],
        },
    )
    return {
        "tokens": people,
        "team": teams[0].pk,
        "teams": [t.pk for t in teams],
        "customer": customer.pk,
    }


def bulk_load_tickets(target: int, world: dict) -> float:
    """COPY tickets until there are `target`; returns seconds spent (0 if already there)."""
    from django.db import connection

    from tickets.models import Ticket

    existing = Ticket.objects.count()
    if existing >= target:
        return 0.0
    started = time.perf_counter()
    fields = [f for f in Ticket._meta.concrete_fields if not f.primary_key]
    columns = ["id", *[f.column for f in fields]]
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM tickets_ticket")
        next_id = cursor.fetchone()[0] + 1
    missing = target - existing
    first_day = datetime.now(UTC) - timedelta(days=365)
    step = timedelta(days=365) / missing
    statuses = ["new", "open", "pending_customer", "resolved", "closed"]
    priorities = ["urgent", "high", "normal", "normal", "low"]

    def value(field, ticket_id: int, index: int):
        created = first_day + step * index
        given = {
            "reference": f"SD-{ticket_id:06d}",
            "subject": f"Bulk ticket {ticket_id}",
            "channel": "api",
            "status": statuses[ticket_id % 5],
            "priority": priorities[ticket_id % 5],
            "team_id": world["teams"][ticket_id % TEAMS],
            "customer_id": world["customer"],
            "created_at": created.isoformat(),
            "updated_at": created.isoformat(),
        }
        if field.column in given:
            return given[field.column]
        if field.null:
            return None
        default = field.get_default()
        return "" if default is None else default

    with connection.cursor() as cursor:
        done = 0
        while done < missing:
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            for index in range(done, min(done + COPY_CHUNK, missing)):
                ticket_id = next_id + index
                writer.writerow(
                    [ticket_id]
                    + [("\\N" if (v := value(f, ticket_id, index)) is None else v) for f in fields]
                )
            buffer.seek(0)
            cursor.copy_expert(
                f"COPY tickets_ticket ({', '.join(columns)}) "
                "FROM STDIN WITH (FORMAT csv, NULL '\\N')",
                buffer,
            )
            done = min(done + COPY_CHUNK, missing)
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('tickets_ticket', 'id'), "
            "(SELECT MAX(id) FROM tickets_ticket))"
        )
        cursor.execute("ANALYZE tickets_ticket")
    return time.perf_counter() - started


def ticket_body(world: dict, index: int) -> dict:
    return {
        "subject": f"Bench ticket {index}",
        "channel": "api",
        "priority": "normal",
        "team": world["team"],
        "customer": world["customer"],
    }


def create_query_counts(world: dict) -> dict[str, int]:
    """Queries of one create, ours and the floor's, in-process (BEGIN/COMMIT not counted)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    client = APIClient(SERVER_NAME="127.0.0.1")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {world['tokens']['bench-manager']}")
    counts = {}
    for name, path, headers in (
        ("api", "/api/v1/tickets/", {}),
        ("api_idempotent", "/api/v1/tickets/", {"HTTP_IDEMPOTENCY_KEY": uuid.uuid4().hex}),
        ("bare", "/bare/tickets/", {}),
    ):
        client.post(path, ticket_body(world, 0), format="json")
        with CaptureQueriesContext(connection) as queries:
            response = client.post(path, ticket_body(world, 0), format="json", **headers)
            assert response.status_code == 201, response.content
        counts[name] = len(queries)
    return counts


def list_query_counts(world: dict) -> dict[int, int]:
    """Queries of one list request by page size, in-process: constant, not per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    client = APIClient(SERVER_NAME="127.0.0.1")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {world['tokens']['bench-manager']}")
    counts = {}
    for size in (10, 50, 200):
        client.get(f"/api/v1/tickets/?page_size={size}")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/v1/tickets/?page_size={size}").status_code == 200
        counts[size] = len(queries)
    return counts


def analyze_written_tables() -> None:
    """ANALYZE the tables a create writes (what autovacuum does after enough inserts)."""
    from django.db import connection

    from servicedesk.outbox.models import OutboxMessage
    from tickets.models import Ticket, TicketEvent
    from tickets.sla.models import Clock, ClockPlan

    with connection.cursor() as cursor:
        for model in (Ticket, TicketEvent, Clock, ClockPlan, OutboxMessage):
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')
    connection.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--creates", type=int, default=300, help="per client and round")
    parser.add_argument("--lists", type=int, default=200, help="per client and round")
    parser.add_argument(
        "--rounds", type=int, default=3, help="alternating create rounds (medians reported)"
    )
    parser.add_argument("--workers", type=int, help="gunicorn workers (gunicorn.conf.py's)")
    parser.add_argument("--worker-class", help="sync or gthread (gunicorn.conf.py's)")
    parser.add_argument("--threads", type=int, help="threads per gthread worker")
    args = parser.parse_args()
    options = []
    for flag, value in (
        ("--workers", args.workers),
        ("--worker-class", args.worker_class),
        ("--threads", args.threads),
    ):
        if value is not None:
            options += [flag, str(value)]

    env = bench_env()
    create_database()
    migrate(env)
    setup_django(env)
    world = seed_people()
    load_seconds = bulk_load_tickets(args.tickets, world)
    from tickets.models import Ticket

    print(f"tickets_in_database: {Ticket.objects.count()}")
    print(f"load_average_1min_at_start: {os.getloadavg()[0]:.1f}")
    for name, count in create_query_counts(world).items():
        print(f"create_{name}_queries: {count}")
    for size, count in list_query_counts(world).items():
        print(f"list_queries_page_size_{size}: {count}")
    print(f"bulk_load_seconds: {load_seconds:.1f}")
    from django.db import connections

    connections.close_all()

    port = free_port()
    gunicorn = start_gunicorn(env, port, options)
    print(f"gunicorn_options: {' '.join(options) or 'gunicorn.conf.py defaults'}")
    try:
        manager = world["tokens"]["bench-manager"]
        agent = world["tokens"]["bench-agent"]

        def ours(client, index):
            return client.call("POST", "/api/v1/tickets/", ticket_body(world, index))

        def ours_idempotent(client, index):
            return client.call(
                "POST",
                "/api/v1/tickets/",
                ticket_body(world, index),
                **{"Idempotency-Key": uuid.uuid4().hex},
            )

        def bare(client, index):
            return client.call("POST", "/bare/tickets/", ticket_body(world, index))

        warm = [Client(port, manager) for _ in range(CLIENTS)]
        run(warm, 20, ours)
        run(warm, 20, bare)

        # Rounds alternate the floor and ours, so that a slow spell of the machine hits
        # both alike; each figure is the median over the rounds, and each ratio the median
        # of the rounds' own ratios (their spread is printed too).
        variants = (("bare", bare), ("api", ours), ("api_idempotent", ours_idempotent))
        for clients in (1, CLIENTS):
            suffix = "sequential" if clients == 1 else f"{clients}_clients"
            rounds = {name: [] for name, _request in variants}
            for _round in range(args.rounds):
                for name, request in variants:
                    rounds[name].append(
                        run([Client(port, manager) for _ in range(clients)], args.creates, request)
                    )
            for name, _request in variants:
                report(
                    f"create_{name}_{suffix}",
                    {
                        key: statistics.median(figures[key] for figures in rounds[name])
                        for key in ("rps", "p50_ms", "p95_ms")
                    },
                )
            ratios = [
                100 * ours_round["rps"] / bare_round["rps"]
                for ours_round, bare_round in zip(rounds["api"], rounds["bare"], strict=True)
            ]
            print(f"create_api_vs_bare_{suffix}_percent: {statistics.median(ratios):.1f}")
            print(f"create_api_vs_bare_{suffix}_percent_lowest_round: {min(ratios):.1f}")
            print(f"create_api_vs_bare_{suffix}_percent_highest_round: {max(ratios):.1f}")

        # The creates above grew the clock, plan, event and outbox tables; PostgreSQL's
        # planner needs their statistics as autovacuum would keep them (it may be off on a
        # test machine, as on this one), else the list's clock prefetch is planned blind.
        analyze_written_tables()

        def first_page(size):
            return lambda client, index: client.call("GET", f"/api/v1/tickets/?page_size={size}")

        state = {}

        def walk(client, index):
            # Follow `next` links: deeper pages cost the same with a cursor.
            path = state.get(id(client)) or "/api/v1/tickets/?page_size=50"
            status, seconds, data = client.call("GET", path)
            following = json.loads(data)["next"]
            if following:
                parts = urlsplit(following)
                state[id(client)] = f"{parts.path}?{parts.query}"
            else:
                state[id(client)] = None
            return status, seconds, data

        def bare_list(client, index):
            return client.call("GET", "/bare/tickets/?page_size=50")

        for label, request, token in (
            ("list_manager_50", first_page(50), manager),
            ("list_manager_200", first_page(200), manager),
            ("list_manager_next_pages_50", walk, manager),
            ("list_agent_50", first_page(50), agent),
            ("list_bare_50", bare_list, manager),
        ):
            report(f"{label}_sequential", run([Client(port, token)], args.lists, request))
        # Few requests: each may scan the whole table (see the README's benchmark section).
        report(
            "list_agent_new_team_50_sequential",
            run(
                [Client(port, world["tokens"]["bench-agent-new-team"])],
                min(args.lists, 10),
                first_page(50),
            ),
        )
        report(
            f"list_manager_50_{CLIENTS}_clients",
            run([Client(port, manager) for _ in range(CLIENTS)], args.lists, first_page(50)),
        )
    finally:
        gunicorn.terminate()
        try:
            gunicorn.wait(timeout=30)
        except subprocess.TimeoutExpired:
            gunicorn.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
