"""Real concurrency for tests: threads released together, each with its own connection."""

import threading

from django.db import connection


def in_parallel(work, *, workers: int = 2) -> list:
    """Run `work` in threads released together; each thread closes its own connection."""
    barrier = threading.Barrier(workers)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(work())
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    return results
