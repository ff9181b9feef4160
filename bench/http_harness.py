"""The HTTP side of the API benchmark: gunicorn on a free port of 127.0.0.1, keep-alive
clients with a bearer token, concurrent runs measured as throughput and latency percentiles.
"""

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(env, port: int, options: list[str]) -> subprocess.Popen:
    """The product's gunicorn.conf.py (read from the repository root), on a free port."""
    process = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "servicedesk.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            *options,
            "--access-logfile",
            "-" if os.environ.get("API_BENCH_ACCESS_LOG") else "/dev/null",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _attempt in range(100):  # at most 20 s
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            pass
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited during start-up")
        time.sleep(0.2)
    process.terminate()
    raise RuntimeError("gunicorn did not answer within 20 s")


class Client:
    """One keep-alive HTTP connection with a bearer token."""

    def __init__(self, port: int, token: str):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(self, method: str, path: str, body: dict | None = None, **headers) -> tuple:
        payload = json.dumps(body).encode() if body is not None else None
        started = time.perf_counter()
        self.connection.request(method, path, body=payload, headers={**self.headers, **headers})
        response = self.connection.getresponse()
        data = response.read()
        return response.status, time.perf_counter() - started, data


def run(clients: list[Client], requests_per_client: int, request) -> dict:
    """Each client sends its requests in a thread; returns throughput and latencies."""
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()

    def work(client_index: int, client: Client):
        mine = []
        for index in range(requests_per_client):
            status, seconds, _data = request(client, client_index * requests_per_client + index)
            mine.append(seconds)
            if status >= 400:
                failures.append(status)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=work, args=(i, c)) for i, c in enumerate(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    elapsed = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"{len(failures)} failed requests, e.g. HTTP {failures[0]}")
    latencies.sort()
    return {
        "rps": len(latencies) / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))],
    }


def report(name: str, figures: dict) -> None:
    for key, value in figures.items():
        print(f"{name}_{key}: {value:.1f}", flush=True)
