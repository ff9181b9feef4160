"""Customers' personal data at size: the migration that encrypts existing plaintext rows,
the key rotation, and an exact lookup by e-mail and phone; seconds and peak memory.

Its own database (sd_bench_pii, dropped and created afresh, dropped again at the end):
migrated, then customers taken back to just before the encryption, N plaintext customers
inserted inside PostgreSQL (INSERT … SELECT generate_series), then the encryption
migrations run, then `rotate_customer_keys` with a new key in front.

    .venv/bin/python bench/personal_data.py [--customers 200000] [--keep]
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import io  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402

SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DATABASE = "sd_bench_pii"
BEFORE = ("customers", "0009_personal_data_columns")


def _psql(database: str, sql: str) -> None:
    subprocess.run(
        ["psql", f"{SERVER}/{database}", "-v", "ON_ERROR_STOP=1", "-q", "-c", sql], check=True
    )


def _timed(name: str, work):
    tracemalloc.start()
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{name}_seconds: {seconds:.1f}")
    print(f"{name}_peak_python_mb: {peak / 2**20:.1f}")
    return result, seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    _psql("postgres", f"DROP DATABASE IF EXISTS {DATABASE}")
    _psql("postgres", f"CREATE DATABASE {DATABASE}")
    os.environ["DATABASE_URL"] = f"{SERVER}/{DATABASE}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
    import django

    django.setup()
    from cryptography.fernet import Fernet
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    try:
        # Every app at its latest, then customers back to before the encryption (a partial
        # first migrate would leave auth's post_migrate writing into an old schema).
        call_command("migrate", verbosity=0)
        call_command("migrate", *BEFORE, verbosity=0)
        with connection.cursor() as cursor:
            # Plaintext rows as they were before the encryption (the columns 0011 drops).
            cursor.execute(
                """INSERT INTO customers_customer (name, email, phone, language, tier, version,
                        created_at, updated_at, kind, preference_tags, tier_pin_reason)
                    SELECT '客户 ' || c, 'customer-' || c || '@example.com',
                        '138' || lpad(c::text, 8, '0'), 'zh-hans', 'general', 1, now(), now(),
                        'person', '[]', ''
                    FROM generate_series(1, %s) c""",
                [args.customers],
            )
        print(f"pii_customers: {args.customers}")
        _timed("pii_encrypt_migration", lambda: call_command("migrate", verbosity=0))

        settings.CUSTOMER_DATA_KEYS = [Fernet.generate_key().decode(), *settings.CUSTOMER_DATA_KEYS]
        from customers.crypto import _forget_keys

        _forget_keys(setting="CUSTOMER_DATA_KEYS")
        _result, seconds = _timed(
            "pii_rotation", lambda: call_command("rotate_customer_keys", stdout=io.StringIO())
        )
        print(f"pii_rotation_rows_per_second: {args.customers / seconds:.0f}")

        from customers.selectors import customers_by_email, customers_by_phone

        probes = 200
        started = time.perf_counter()
        for number in range(1, probes + 1):
            customer_number = number * max(1, args.customers // probes)
            email = f"CUSTOMER-{customer_number}@example.com"
            phone = f"138-{customer_number:08d}"
            assert customers_by_email(email).exists()
            assert customers_by_phone(phone).exists()
        per_lookup = (time.perf_counter() - started) / (2 * probes)
        print(f"pii_exact_lookup_ms: {per_lookup * 1000:.2f}")
        print(f"pii_max_rss_mb: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")
    finally:
        connection.close()
        if not args.keep:
            _psql("postgres", f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


if __name__ == "__main__":
    main()
