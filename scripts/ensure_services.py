"""Make sure the PostgreSQL and Redis that the tests use are reachable.

If one is down and a local server is installed, start it; otherwise say in one line what
is missing and how to get it, and exit non-zero.
"""

import glob
import os
import shutil
import socket
import subprocess
import sys
import time
from urllib.parse import urlparse

HOW_TO_GET = "start them with: docker compose up -d db redis"


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def wait_for(host: str, port: int, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if reachable(host, port):
            return True
        time.sleep(0.5)
    return False


def start_postgres(port: int) -> bool:
    versions = sorted(glob.glob("/etc/postgresql/*"))
    if not versions or not shutil.which("pg_ctlcluster"):
        return False
    version = os.path.basename(versions[-1])
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"]
    return subprocess.run(command, check=False).returncode == 0  # noqa: S603  # nosec B603


def start_redis(port: int) -> bool:
    if not shutil.which("redis-server"):
        return False
    command = [
        "redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port", str(port),
        "--save", "", "--appendonly", "no",
    ]  # fmt: skip
    return subprocess.run(command, check=False).returncode == 0  # noqa: S603  # nosec B603


def ensure(name: str, url: str, default_port: int, start) -> bool:
    parsed = urlparse(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or default_port
    if reachable(host, port):
        return True
    local = host in ("127.0.0.1", "localhost", "::1")
    if local and start(port) and wait_for(host, port):
        print(f"started local {name} on {host}:{port}")
        return True
    print(
        f"{name} is not reachable at {host}:{port} and no local server could be started; "
        f"{HOW_TO_GET}",
        file=sys.stderr,
    )
    return False


def main() -> int:
    database = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/servicedesk")
    broker = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
    ok = ensure("postgresql", database, 5432, start_postgres)
    ok = ensure("redis", broker, 6379, start_redis) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
