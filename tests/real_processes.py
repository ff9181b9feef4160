"""Real processes for integration and fault tests: a private Redis, gunicorn and Celery on
the test database.

Every process is started here and stopped by its own pid; the shared Redis and
PostgreSQL are never stopped or reconfigured (a Redis outage is a private redis-server
on a free port, killed and started again).
"""

import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

PROJECT_ROOT = Path(settings.BASE_DIR)


def free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]


def database_url() -> str:
    """The test database, for processes started by the test (they see committed rows)."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "postgres")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"])
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def stop(process: subprocess.Popen, timeout: float = 15) -> None:
    """SIGTERM, then SIGKILL if it lingers — to this process only, by its pid."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


class PrivateRedis:
    """A redis-server of this test alone, on a port of its own, without persistence."""

    def __init__(self, log: Path):
        if not shutil.which("redis-server"):
            raise RuntimeError("fault tests need redis-server on PATH (apt-get install redis)")
        self.port = free_port()
        self.log = log
        self.process: subprocess.Popen | None = None

    def url(self, database: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as probe:
                    probe.sendall(b"PING\r\n")
                    if probe.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"private redis-server on port {self.port} did not start")

    def kill(self) -> None:
        """An abrupt outage: SIGKILL, and what it held in memory is gone."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=5)


def process_env(**overrides: str) -> dict[str, str]:
    """The environment of a web or Celery process on the test database."""
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "servicedesk.settings",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": database_url(),
        "DJANGO_LANGUAGE_CODE": "en",
        "PYTHONUNBUFFERED": "1",
        **overrides,
    }


def start_gunicorn(env: dict, log: Path, *, workers: int = 1, threads: int = 4):
    """The product's gunicorn.conf.py on a free port; returns (process, port)."""
    port = free_port()
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "servicedesk.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--max-requests",
            "0",
            "--access-logfile",
            "/dev/null",
            "--log-level",
            "warning",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if HttpClient(port).call("GET", "/livez")[0] == 200:
                return process, port
        except OSError:
            pass
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited during start-up:\n{log.read_text()}")
        time.sleep(0.2)
    stop(process)
    raise RuntimeError("gunicorn did not answer within 30 s")


def start_celery(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "servicedesk", *command],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def start_worker(env: dict, log: Path, name: str) -> subprocess.Popen:
    return start_celery(
        [
            "worker",
            "-P",
            "solo",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "-n",
            f"{name}-{os.getpid()}@%h",
            "--loglevel",
            "INFO",
        ],
        env,
        log,
    )


def start_beat(env: dict, log: Path, workdir: Path) -> subprocess.Popen:
    return start_celery(
        ["beat", "--loglevel", "INFO", "--pidfile", str(workdir / "beat.pid")], env, log
    )


class HttpClient:
    """One keep-alive HTTP connection to the server under test."""

    def __init__(self, port: int, token: str | None = None, timeout: float = 30):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.headers = {"Content-Type": "application/json"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        payload = json.dumps(body).encode() if body is not None else None
        self.connection.request(method, path, body=payload, headers=self.headers)
        response = self.connection.getresponse()
        data = response.read()
        try:
            return response.status, json.loads(data) if data else {}
        except ValueError:
            return response.status, {"raw": data.decode(errors="replace")}

    def close(self) -> None:
        self.connection.close()


def wait_until(condition, *, timeout: float, interval: float = 0.5) -> bool:
    """Poll a condition on real processes (not a clock of ours) until it holds or time is up."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


def kill_hard(process: subprocess.Popen) -> None:
    """kill -9 the process and the children it started (its own session), as a machine or
    container dying would: no shutdown code runs."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


Processes = dict[str, tuple[subprocess.Popen, Path]]


def start_workers_and_beats(env: dict, logs: Path, *, workers=(), beats=()) -> Processes:
    """Named workers and beats, each logging to logs/<name>.log."""
    processes: Processes = {}
    for name in workers:
        log = logs / f"{name}.log"
        processes[name] = (start_worker(env, log, name), log)
    for name in beats:
        log, workdir = logs / f"{name}.log", logs / name
        workdir.mkdir(exist_ok=True)
        processes[name] = (start_beat(env, log, workdir), log)
    return processes


def stop_all(processes: Processes) -> None:
    for process, _log in processes.values():
        stop(process)


def wait_while_running(
    condition, *, seconds: float, processes: Processes, interval: float = 0.2
) -> float:
    """wait_until for work done by `processes`: fails at once, with their logs, if one of
    them exits, and when `seconds` pass. Returns the seconds waited."""
    started = time.monotonic()
    while not condition():
        for name, (process, log) in processes.items():
            assert process.poll() is None, f"{name} exited:\n{log.read_text()[-3000:]}"
        if time.monotonic() - started > seconds:
            logs = "\n".join(
                f"{name}:\n{log.read_text()[-2000:]}" for name, (_, log) in processes.items()
            )
            raise AssertionError(f"not done within {seconds} s\n{logs}")
        time.sleep(interval)
    return time.monotonic() - started
