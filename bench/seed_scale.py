"""A production-sized database every benchmark and the load test can reuse.

1,000,000 tickets over two years, 200,000 customers, 500 agents in 40 teams, 5,000,000
audit events, and SLA clocks (with their plan rows) for every ticket: running, paused or
breached for the open ones, met or breached for the others. Loaded with COPY into its own
database (servicedesk_bench_scale, migrated first) with every constraint, foreign key and
trigger of the schema in force, so PostgreSQL checks each row as it arrives.

From the repo root (`make bench-data`):
    .venv/bin/python bench/seed_scale.py [--scale 1.0] [--database servicedesk_bench_scale]
Idempotent: a database already seeded at the same scale is kept (the script only prints
its row counts); a partial one (an interrupted run) is dropped and seeded again.
BENCH_POSTGRES is the server (postgres://postgres@127.0.0.1:5432 by default).

Benchmarks take their own copy with `clone_database()` or `--clone NAME` (CREATE
DATABASE … TEMPLATE), so they may write without spoiling the seed for the next one:
`make bench` gives bench/api.py one (servicedesk_bench_api, its bulk load then has
nothing to add) and bench/load.py makes its own.
"""

import sys
from pathlib import Path

# bench/calendar.py would shadow the standard library's calendar module.
ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

from bench.keys import use_bench_keys  # noqa: E402
from bench.scale_rows import SIZES, World, scaled  # noqa: E402

use_bench_keys()

SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DATABASE = "servicedesk_bench_scale"
MARKER_TABLE = "bench_seed_scale"


def admin_connection():
    import psycopg2

    connection = psycopg2.connect(f"{SERVER}/postgres")
    connection.autocommit = True
    return connection


def seeded_scale(database: str) -> float | None:
    """The scale a finished seed of `database` recorded; None if absent or partial."""
    import psycopg2

    admin = admin_connection()
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
        exists = cursor.fetchone() is not None
    admin.close()
    if not exists:
        return None
    connection = psycopg2.connect(f"{SERVER}/{database}")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s)", [MARKER_TABLE])
            if cursor.fetchone()[0] is None:
                return None
            cursor.execute(f"SELECT scale FROM {MARKER_TABLE}")
            row = cursor.fetchone()
            return None if row is None else row[0]
    finally:
        connection.close()


def recreate_database(database: str) -> None:
    admin = admin_connection()
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{database}"')
    admin.close()


def clone_database(copy: str, template: str = DATABASE) -> str:
    """A fresh copy of the seeded database for one benchmark run; returns its URL.

    A file-level copy (CREATE DATABASE … TEMPLATE), far quicker than seeding again. The
    caller drops it with `drop_database(copy)` when done.
    """
    if seeded_scale(template) is None:
        raise SystemExit(f"{template} is not seeded: run `make bench-data` first")
    admin = admin_connection()
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{template}"')
    admin.close()
    return f"{SERVER}/{copy}"


def drop_database(database: str) -> None:
    admin = admin_connection()
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    admin.close()


def migrate(database: str) -> None:
    env = dict(os.environ, DATABASE_URL=f"{SERVER}/{database}")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def setup_django(database: str) -> None:
    os.environ["DATABASE_URL"] = f"{SERVER}/{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
    import django

    django.setup()


def print_counts() -> dict[str, int]:
    from django.db import connection

    from bench.scale_rows import counted_models

    counts = {}
    with connection.cursor() as cursor:
        for label, model in counted_models().items():
            cursor.execute(f'SELECT COUNT(*) FROM "{model._meta.db_table}"')
            counts[label] = cursor.fetchone()[0]
            print(f"rows_{label}: {counts[label]}", flush=True)
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full size")
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument("--seed", type=int, default=16, help="random seed")
    parser.add_argument(
        "--clone", metavar="NAME", help="only make NAME a fresh copy of the seeded database"
    )
    args = parser.parse_args()

    if args.clone:
        print(f"cloned: {clone_database(args.clone, template=args.database)}")
        return 0

    if seeded_scale(args.database) == args.scale:
        print(f"{args.database}: already seeded at scale {args.scale}, kept", flush=True)
        setup_django(args.database)
        print_counts()
        return 0

    started = time.perf_counter()
    recreate_database(args.database)
    migrate(args.database)
    migrated = time.perf_counter()
    setup_django(args.database)

    from bench.scale_load import analyze, load, record_marker
    from bench.scale_verify import verify

    sizes = {name: scaled(count, args.scale) for name, count in SIZES.items()}
    world = World(sizes, seed=args.seed)
    for table, seconds in load(world).items():
        print(f"copy_seconds_{table}: {seconds:.1f}", flush=True)
    analyze()
    loaded = time.perf_counter()
    verify(world)
    verified = time.perf_counter()
    record_marker(args.scale, loaded - migrated)

    print(f"database: {args.database}")
    print(f"scale: {args.scale}")
    print_counts()
    print(f"seed_migrate_seconds: {migrated - started:.1f}")
    print(f"seed_load_seconds: {loaded - migrated:.1f}")
    print(f"seed_verify_seconds: {verified - loaded:.1f}")
    print(f"seed_total_seconds: {verified - started:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
