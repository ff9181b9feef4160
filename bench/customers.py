"""Value segmentation and the quarterly lifetime-value review at production size:
1,000,000 customers and 5,000,000 purchases (at --scale 1); prints each job's seconds,
statements and peak memory (Python heap by tracemalloc, process max RSS).

Its own database (sd_bench_customers, dropped and migrated afresh, never the shared scale
seed); the rows are generated inside PostgreSQL with INSERT … SELECT generate_series, so
loading costs no Python per row, and neither job brings the customers into Python: both
are set-based statements, which the peak heap figure shows.

    .venv/bin/python bench/customers.py [--scale 1.0] [--keep]
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
DATABASE = "sd_bench_customers"
CUSTOMERS_AT_SCALE_1 = 1_000_000
PURCHASES_AT_SCALE_1 = 5_000_000


def _psql(database: str, sql: str) -> None:
    subprocess.run(
        ["psql", f"{SERVER}/{database}", "-v", "ON_ERROR_STOP=1", "-q", "-c", sql],
        check=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    customers = max(10, int(CUSTOMERS_AT_SCALE_1 * args.scale))
    purchases = max(50, int(PURCHASES_AT_SCALE_1 * args.scale))
    _psql("postgres", f"DROP DATABASE IF EXISTS {DATABASE}")
    _psql("postgres", f"CREATE DATABASE {DATABASE}")
    os.environ["DATABASE_URL"] = f"{SERVER}/{DATABASE}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
    try:
        import django

        django.setup()
        from django.core.management import call_command

        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"customers_migrate_seconds: {time.perf_counter() - started:.1f}")
        started = time.perf_counter()
        _load(customers, purchases)
        print(f"customers_load_seconds: {time.perf_counter() - started:.1f}")
        print(f"customers_customers: {customers}")
        print(f"customers_purchases: {purchases}")
        _measure()
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            _psql("postgres", f"DROP DATABASE IF EXISTS {DATABASE}")


def _load(customers: int, purchases: int) -> None:
    from django.db import connection

    from customers.models import Customer

    # Every other column is copied from one customer made by the ORM, so the load keeps
    # up with new customer fields (their defaults) without naming them here.
    template = Customer.objects.create(name="template")
    overridden = {"name", "created_at", "updated_at", "membership_level_id"}
    copied = [
        field.column
        for field in Customer._meta.concrete_fields
        if not field.primary_key and field.column not in overridden
    ]
    statements = [
        # Registered over the last three years; 1 % platinum, 3 % gold, 10 % silver by
        # hand, so the review proposes moves down as well as up.
        f"""INSERT INTO customers_customer (name, created_at, updated_at, membership_level_id,
                {", ".join(copied)})
            SELECT 'Customer ' || c, now() - (c % 1095) * interval '1 day', now(),
                CASE WHEN c % 100 = 0 THEN (SELECT id FROM customers_membershiplevel
                                             WHERE code = 'platinum')
                     WHEN c % 100 < 4 THEN (SELECT id FROM customers_membershiplevel
                                             WHERE code = 'gold')
                     WHEN c % 100 < 14 THEN (SELECT id FROM customers_membershiplevel
                                              WHERE code = 'silver') END,
                {", ".join(f"t.{column}" for column in copied)}
            FROM generate_series(1, {customers}) c
            CROSS JOIN (SELECT * FROM customers_customer WHERE id = {template.pk}) t""",
        f"DELETE FROM customers_customer WHERE id = {template.pk}",
        # Skewed towards the first customers (random()^3), as revenue is: a few buy most.
        f"""INSERT INTO customers_purchase (order_number, product, amount, currency, channel,
                purchased_at, created_at, customer_id)
            SELECT 'B' || g, '', round((20 + random() * 1980)::numeric, 2), 'CNY', '',
                now() - random() * interval '1095 days', now(),
                (SELECT min(id) FROM customers_customer)
                    + floor({customers} * power(random(), 3))::int
            FROM generate_series(1, {purchases}) g""",
        "ANALYZE",
    ]
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _run(name: str, job) -> object:
    from django.db import connection, reset_queries

    connection.force_debug_cursor = True
    reset_queries()
    tracemalloc.start()
    started = time.perf_counter()
    result = job()
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{name}_seconds: {seconds:.2f}")
    print(f"{name}_queries: {len(connection.queries)}")
    print(f"{name}_python_peak_mb: {peak / 2**20:.1f}")
    print(
        f"{name}_process_max_rss_mb: "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f}"
    )
    connection.force_debug_cursor = False
    return result


def _measure() -> None:
    from customers.ltv import ltv_review_compute
    from customers.segmentation import customer_segments_compute

    run = _run("segmentation", lambda: customer_segments_compute(actor=None))
    print(f"segmentation_classified: {run.customers_classified}")
    print(f"segmentation_moved: {run.customers_moved}")
    review = _run("ltv_review", lambda: ltv_review_compute(actor=None))
    print(f"ltv_review_proposals: {review.proposals_count}")
    print(f"ltv_review_top_20_percent_revenue_share: {review.top_share_percent}")


if __name__ == "__main__":
    main()
