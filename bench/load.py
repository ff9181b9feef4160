"""Load test: the whole service under a mixed crowd, and how late breaches are recorded.

Starts, on 127.0.0.1 only, gunicorn (gunicorn.conf.py, production settings), a Celery
worker and beat against PostgreSQL and Redis, then locust headless (bench/locustfile.py)
for a bounded time with a bounded crowd: integrations creating tickets with API tokens,
agents working their queue and replying in the pages, managers on the SLA dashboard and
the queue. Just before the crowd starts it opens probe tickets whose resolution clocks
fall due during the run (policies with targets in seconds for a probe team), and reads
afterwards how long after each due time the sweep recorded the breach (its audit event):
the goal is at most one sweep interval + 5 s under load, each breach recorded once.

Not part of the test run. From the repo root (`make bench-data` first):
    .venv/bin/python bench/load.py [--users 24] [--run-time 120] [--template NAME]
The run uses a copy of the scale seed (servicedesk_bench_load, dropped at the end unless
--keep), stops exactly the processes it started, and prints `name: value` lines.
LOAD_BENCH_REDIS picks the Redis database (broker, cache, throttling).
"""

import sys
from pathlib import Path

# bench/calendar.py would shadow the standard library's calendar module.
ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import csv  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import secrets  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

from bench.api import free_port, start_gunicorn  # noqa: E402
from bench.keys import use_bench_keys  # noqa: E402
from bench.seed_scale import SERVER, clone_database, drop_database  # noqa: E402

use_bench_keys()

PYTHON = sys.executable
REDIS = os.environ.get("LOAD_BENCH_REDIS", "redis://127.0.0.1:6379/4")
PROBE_TEAM = "Load probe team"
# Probe clocks fall due this many seconds after the crowd starts; 25 tickets each.
PROBE_DUE_SECONDS = (20, 45, 70, 95)
PROBES_PER_STEP = 25
AGENTS = 40
# Kept between runs: collectstatic with the production storage (hashing and compressing
# every asset) took 8 minutes on this busy machine, longer than the load itself.
STATIC_ROOT = ROOT / "var" / "bench-static"
TICKETS_PER_AGENT = 50


def load_env(database: str, media: str, sweep_interval: float | None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"{SERVER}/{database}",
        DJANGO_SETTINGS_MODULE="servicedesk.settings_production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_MEDIA_ROOT=media,
        # Mail goes nowhere; webhooks have no receivers here.
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        CELERY_BROKER_URL=REDIS,
        CACHE_URL=REDIS,
        THROTTLE_CACHE_URL=REDIS,
        API_THROTTLE_RATE="10000000/min",
        LOG_LEVEL="WARNING",
        DJANGO_STATIC_ROOT=str(STATIC_ROOT),
        GUNICORN_ACCESS_LOG="/dev/null",
    )
    if sweep_interval is not None:
        env["SLA_SWEEP_INTERVAL_SECONDS"] = str(sweep_interval)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def manage(env, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args, "-v", "0"], cwd=ROOT, env=env, check=True)


def static_files_stale() -> bool:
    """No manifest yet, or a static source (ours, or an installed package's) is newer."""
    manifest = STATIC_ROOT / "staticfiles.json"
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    sources = [ROOT / ".venv" / ".installed-stamp", *ROOT.glob("*/static/**/*")]
    return any(path.exists() and path.stat().st_mtime > built for path in sources)


def prepare_world(path: Path) -> dict:
    """Tokens and sessions for the crowd, each agent's open tickets, the probe policies."""
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore

    from customers.models import Customer
    from servicedesk.api.scopes import Scope
    from servicedesk.api.services import api_token_issue
    from staff.models import Role, Team
    from tickets.models import OPEN_STATUSES, Ticket

    users = get_user_model()

    def browser(user) -> dict:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        return {
            "username": user.username,
            "session": session.session_key,
            "csrf": secrets.token_hex(16),
        }

    integration, created = users.objects.get_or_create(username="load-integration")
    if created:
        integration.groups.add(Group.objects.get(name=Role.MANAGER))
    _token, token = api_token_issue(user=integration, name="load", scopes=list(Scope.values))

    agents = []
    candidates = users.objects.filter(
        groups__name__in=[Role.AGENT, Role.SUPERVISOR], teams__isnull=False
    ).distinct()
    for user in candidates.order_by("pk")[:AGENTS]:
        team_ids = list(user.teams.values_list("pk", flat=True))
        references = list(
            Ticket.objects.filter(team_id__in=team_ids, status__in=OPEN_STATUSES)
            .order_by("-pk")
            .values_list("reference", flat=True)[:TICKETS_PER_AGENT]
        )
        if references:
            agents.append({**browser(user), "tickets": references})
    managers = [browser(u) for u in users.objects.filter(groups__name=Role.MANAGER)[:10]]
    world = {
        "integration_token": token,
        "teams": list(Team.objects.exclude(name=PROBE_TEAM).values_list("pk", flat=True)[:40]),
        "customers": Customer.objects.order_by("-pk").values_list("pk", flat=True).first(),
        "agents": agents,
        "managers": managers,
    }
    if not agents or not managers:
        raise SystemExit("the template has no agents with open tickets or no managers")
    path.write_text(json.dumps(world))
    return world


def install_probe_policies() -> dict[str, int]:
    """One policy per priority for the probe team: resolution due N seconds after opening."""
    from staff.models import Team
    from tickets.sla.models import Calendar, DurationUnit, Metric, Policy, Target

    team, _created = Team.objects.get_or_create(name=PROBE_TEAM)
    calendar = Calendar.objects.get(is_24x7=True)
    seconds = {}
    for priority, due in zip(("urgent", "high", "normal", "low"), PROBE_DUE_SECONDS, strict=True):
        policy, _created = Policy.objects.update_or_create(
            name=f"Load probe {priority}", defaults={"team": team, "priority": priority}
        )
        Target.objects.update_or_create(
            policy=policy,
            metric=Metric.RESOLUTION,
            defaults={"duration": due, "unit": DurationUnit.SECONDS, "calendar": calendar},
        )
        seconds[priority] = due
    return seconds


def open_probe_tickets(seconds: dict[str, int]) -> list[int]:
    from django.contrib.auth import get_user_model

    from staff.models import Team
    from tickets.models import Channel, Kind
    from tickets.services import ticket_create

    team = Team.objects.get(name=PROBE_TEAM)
    integration = get_user_model().objects.get(username="load-integration")
    ids = []
    for priority in seconds:
        for index in range(PROBES_PER_STEP):
            ticket = ticket_create(
                actor=integration,
                subject=f"Load probe {priority} {index}",
                channel=Channel.API,
                kind=Kind.INCIDENT,
                priority=priority,
                team=team,
            )
            ids.append(ticket.pk)
    return ids


def start_celery(env, role: str, log: Path) -> subprocess.Popen:
    args = [PYTHON, "-m", "celery", "-A", "servicedesk", role, "--loglevel", "WARNING"]
    if role == "worker":
        args += ["--concurrency", "2", "--without-gossip", "--without-mingle"]
    else:
        args += ["--schedule", str(log.with_suffix(".schedule"))]
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def breach_lags(ticket_ids: list[int]) -> tuple[list[float], int, int]:
    """Seconds from due to the recorded breach per probe clock; clocks without a breach
    event; breach events beyond one per clock."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.id, c.due_at, e.created_at FROM sla_clock c "
            "LEFT JOIN tickets_ticketevent e ON e.ticket_id = c.ticket_id "
            "AND e.action = 'sla.breached' AND e.field = c.metric "
            "WHERE c.ticket_id = ANY(%s) AND c.metric = 'resolution'",
            [ticket_ids],
        )
        rows = cursor.fetchall()
    by_clock: dict[int, list] = {}
    for clock_id, due_at, recorded_at in rows:
        by_clock.setdefault(clock_id, [due_at, []])[1].append(recorded_at)
    lags, missing, doubled = [], 0, 0
    for due_at, recorded in by_clock.values():
        recorded = [at for at in recorded if at is not None]
        if not recorded:
            missing += 1
            continue
        doubled += len(recorded) - 1
        lags.append((min(recorded) - due_at).total_seconds())
    return lags, missing, doubled


def locust_figures(prefix: Path) -> list[tuple[str, dict]]:
    with open(f"{prefix}_stats.csv", newline="") as stats:
        rows = list(csv.DictReader(stats))
    return [(row["Name"], row) for row in rows]


def slug(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name.lower()).strip("_").replace("__", "_")


def report_locust(prefix: Path, run_seconds: float) -> None:
    for name, row in locust_figures(prefix):
        label = "all" if name == "Aggregated" else slug(name)
        requests = int(row["Request Count"])
        print(f"load_{label}_requests: {requests}")
        print(f"load_{label}_failures: {row['Failure Count']}")
        print(f"load_{label}_rps: {requests / run_seconds:.1f}")
        for percentile in ("50%", "95%", "99%"):
            print(f"load_{label}_p{percentile[:-1]}_ms: {row[percentile]}")
    failures = Path(f"{prefix}_failures.csv")
    if failures.exists():
        for row in csv.DictReader(failures.open(newline="")):
            print(f"load_failure: {row['Occurrences']} × {row['Name']}: {row['Error']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=24, help="simulated people at once")
    parser.add_argument("--spawn-rate", type=float, default=6.0)
    parser.add_argument("--run-time", type=int, default=120, help="seconds of load")
    parser.add_argument("--template", default="servicedesk_bench_scale")
    parser.add_argument("--database", default="servicedesk_bench_load")
    parser.add_argument("--sweep-interval", type=float, help="seconds (settings' default: 30)")
    parser.add_argument(
        "--keep", action="store_true", help="keep the database and the logs afterwards"
    )
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="servicedesk-load-"))
    started = time.perf_counter()
    clone_database(args.database, template=args.template)
    env = load_env(args.database, str(scratch / "media"), args.sweep_interval)
    print(f"load_clone_seconds: {time.perf_counter() - started:.1f}", flush=True)
    manage(env, "migrate", "--noinput")
    # The production static storage serves from collectstatic's manifest.
    if static_files_stale():
        manage(env, "collectstatic", "--noinput")
    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings
    from django.db import connections

    from tickets.models import Ticket

    interval = settings.SLA_SWEEP_INTERVAL_SECONDS
    world_path = scratch / "world.json"
    world = prepare_world(world_path)
    probe_seconds = install_probe_policies()
    tickets_before = Ticket.objects.count()
    print(f"load_tickets_in_database: {tickets_before}")
    print(f"load_agents: {len(world['agents'])}")
    print(f"load_sweep_interval_seconds: {interval:g}")
    print(f"load_average_1min_at_start: {os.getloadavg()[0]:.1f}", flush=True)
    connections.close_all()

    processes = []
    try:
        port = free_port()
        processes.append(start_gunicorn(env, port, []))
        processes.append(start_celery(env, "worker", scratch / "worker.log"))
        processes.append(start_celery(env, "beat", scratch / "beat.log"))
        probes = open_probe_tickets(probe_seconds)
        connections.close_all()
        prefix = scratch / "locust"
        locust = subprocess.run(
            [
                str(Path(PYTHON).parent / "locust"),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--host",
                f"http://127.0.0.1:{port}",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.spawn_rate),
                "--run-time",
                f"{args.run_time}s",
                "--stop-timeout",
                "10",
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env={**env, "LOAD_BENCH_WORLD": str(world_path)},
            capture_output=True,
            text=True,
            timeout=args.run_time + 120,
        )
        if not Path(f"{prefix}_stats.csv").exists():
            print(locust.stderr[-3000:], file=sys.stderr)
            raise SystemExit("locust wrote no statistics")
        # The last probes fall due near the end: give the sweep one more interval + 5 s.
        deadline = time.monotonic() + interval + 5
        while time.monotonic() < deadline:
            _lags, missing, _doubled = breach_lags(probes)
            if not missing:
                break
            time.sleep(1)
        lags, missing, doubled = breach_lags(probes)
    finally:
        for process in reversed(processes):
            stop(process)

    report_locust(prefix, args.run_time)
    print(f"load_tickets_created: {Ticket.objects.count() - tickets_before - len(probes)}")
    print(f"load_breach_probe_clocks: {len(probes)}")
    print(f"load_breach_not_recorded: {missing}")
    print(f"load_breach_recorded_twice: {doubled}")
    if lags:
        lags.sort()
        print(f"load_breach_lag_p50_s: {statistics.median(lags):.1f}")
        print(f"load_breach_lag_max_s: {lags[-1]:.1f}")
    print(f"load_breach_lag_goal_s: {interval + 5:g}")
    print(f"load_average_1min_at_end: {os.getloadavg()[0]:.1f}")
    connections.close_all()
    if not args.keep:
        drop_database(args.database)
        # The world file holds live tokens and sessions; the logs are only for --keep.
        shutil.rmtree(scratch, ignore_errors=True)
    else:
        print(f"load_scratch_directory: {scratch}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
