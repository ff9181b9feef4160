"""The care programme's daily plan on a holiday at size: every customer is greeted, some
have a birthday, some a return visit after a purchase, some opted out; prints the run's
seconds, queries, peak Python memory and what it made, then the same day run again.

Its own database (sd_bench_care, dropped and migrated afresh, never the shared scale
seed). Customers go in through the ORM's bulk_create (their contact details may be
stored encrypted), purchases with INSERT … SELECT generate_series.

    .venv/bin/python bench/care.py [--customers 100000]
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
from datetime import date, datetime  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DATABASE = "sd_bench_care"
HOLIDAY = date(2027, 10, 1)  # National Day on the CN working calendar


def _psql(database: str, sql: str) -> None:
    subprocess.run(
        ["psql", f"{SERVER}/{database}", "-v", "ON_ERROR_STOP=1", "-q", "-c", sql],
        check=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=100_000)
    # tracemalloc slows Python several times over: the seconds are measured without it.
    parser.add_argument("--tracemalloc", action="store_true", help="also the Python heap peak")
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
    print(f"care_migrate_seconds: {time.perf_counter() - started:.1f}")
    started = time.perf_counter()
    _load(args.customers)
    print(f"care_load_seconds: {time.perf_counter() - started:.1f}")
    _measure(args.tracemalloc)


def _load(count: int) -> None:
    from django.db import connection
    from django.utils import timezone

    from customers.models import Customer

    now = timezone.now()
    chunk = 5_000
    for first in range(0, count, chunk):
        Customer.objects.bulk_create(
            Customer(
                name=f"客户 {number}",
                email=f"c{number}@example.com",
                language="en" if number % 5 == 0 else "zh-hans",
                # One in ten born on the holiday, one in twenty opted out.
                birthday=date(1990, 10, 1) if number % 10 == 0 else date(1990, 1, 1),
                care_opted_out_at=now if number % 20 == 7 else None,
            )
            for number in range(first, min(first + chunk, count))
        )
    bought = datetime(2027, 9, 1, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    with connection.cursor() as cursor:
        # One in four bought something 30 days before the holiday: a return visit.
        cursor.execute(
            """INSERT INTO customers_purchase (customer_id, order_number, product, amount,
                   currency, channel, purchased_at, created_at)
               SELECT id, 'SO-' || id, '', 100, 'CNY', '', %s, now()
                 FROM customers_customer WHERE id %% 4 = 0""",
            [bought],
        )
        cursor.execute("ANALYZE")


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _measure(heap: bool) -> None:
    import time_machine
    from django.db import connection

    from care.models import CareContact
    from care.planning import care_day_plan
    from servicedesk.outbox.models import OutboxMessage

    morning = datetime(2027, 10, 1, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(morning, tick=True):
        for label in ("first", "again"):
            if heap:
                tracemalloc.start()
            started = time.perf_counter()
            queries = QueryCounter()
            # Counted, not recorded: a log of the statements would weigh on the memory figure.
            with connection.execute_wrapper(queries):
                result = care_day_plan(today=HOLIDAY)
            seconds = time.perf_counter() - started
            if heap:
                _current, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                print(f"care_plan_{label}_python_peak_mb: {peak / 2**20:.1f}")
            print(f"care_plan_{label}_seconds: {seconds:.1f}")
            print(f"care_plan_{label}_queries: {queries.count}")
            print(f"care_plan_{label}_planned: {result.planned}")
            print(f"care_plan_{label}_messages: {result.messages}")
            print(f"care_plan_{label}_skipped: {sum(result.skipped.values())}")
    print(f"care_contacts: {CareContact.objects.count()}")
    print(f"care_outbox_messages: {OutboxMessage.objects.count()}")
    print(f"care_max_rss_mb: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")


if __name__ == "__main__":
    main()
