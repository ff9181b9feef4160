"""Customer-data keys of the benchmarks' databases (customers/crypto.py).

Fixed rather than drawn per run: the scale seed (bench/seed_scale.py, development settings)
encrypts its customers once, and bench/api.py and bench/load.py read a copy of it under
the production settings, which refuse the development keys. Benchmark data only.
"""

import os

BENCH_CUSTOMER_KEYS = {
    "CUSTOMER_DATA_KEYS": "2Q7m8m3Wg0mKkq9Jm0m4p4b1oZ8fJm9bq1yq8cQ3zTg=",
    "CUSTOMER_LOOKUP_KEY": "bench-only-lookup-key-7b1f0c2e9a4d4e6b8c3f5a7d9e1b2c4d",
}


def use_bench_keys() -> None:
    """Before Django starts: this process and those it launches use the bench keys."""
    for name, value in BENCH_CUSTOMER_KEYS.items():
        os.environ.setdefault(name, value)
