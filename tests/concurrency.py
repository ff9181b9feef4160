"""Real concurrency for tests: threads released together, each with its own connection."""

import threading
import time

from django.db import connection


def in_parallel(work, *, workers: int = 2) -> list:
    """Run `work` in `workers` threads released together (see each_in_parallel)."""
    return each_in_parallel(*[work] * workers)


def each_in_parallel(*works) -> list:
    """Run each of `works` in its own thread, released together; their results in order."""
    barrier = threading.Barrier(len(works))
    results, errors = [None] * len(works), []

    def run(index, work):
        try:
            barrier.wait(timeout=10)
            results[index] = work()
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, work)) for index, work in enumerate(works)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    return results


def backend_pid() -> int:
    """The PostgreSQL backend of this thread's connection (for wait_until_blocked)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def wait_until_blocked(pid: int, *, timeout: float = 10) -> None:
    """Return once backend `pid` waits for a lock another transaction holds (a row lock, a
    unique index entry not yet committed): the race a test sets up is then really on."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT cardinality(pg_blocking_pids(%s)) > 0", [pid])
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError(f"backend {pid} never waited for a lock")
