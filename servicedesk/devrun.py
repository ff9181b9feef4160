"""`make run`: the web server, a Celery worker and beat in one command, on embedded defaults.

The three write their logs to files under var/ (web.log, worker.log, beat.log), so the
terminal keeps what a newcomer needs: "up" once the server answers HTTP, then the URL and
the demo logins, last. Ctrl-C (or SIGTERM) stops every process this started, and only those.
"""

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

HOST = os.environ.get("SERVICEDESK_HOST", "127.0.0.1")
PORT = os.environ.get("SERVICEDESK_PORT", "8000")
LOG_DIR = Path("var")
# How long the web server may take to answer its first request before we give up.
STARTUP_TIMEOUT_SECONDS = 120

DEMO_LOGINS = (
    ("agent / agent-demo-pass", "坐席 agent, teams 售后服务组 + 投诉处理组"),
    ("supervisor / supervisor-demo-pass", "主管 supervisor"),
    ("manager / manager-demo-pass", "经理 manager, sees every team"),
    ("admin / admin-demo-pass", "administrator, also /admin/"),
)


def answers_http(url: str) -> bool:
    """True once anything answers HTTP at `url` (a 302 to the login page will do)."""
    try:
        with urllib.request.urlopen(url, timeout=2):  # noqa: S310  # nosec B310 (our own URL)
            return True
    except urllib.error.HTTPError:
        return True  # an HTTP answer, whatever its status
    except (urllib.error.URLError, OSError):
        return False


def wait_until_up(url: str, web: subprocess.Popen, stopping) -> bool:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if web.poll() is not None or stopping():
            return False
        if answers_http(url):
            return True
        time.sleep(0.25)
    return False


def print_banner(url: str) -> None:
    print(f"\nservicedesk is up: {url}", flush=True)
    print("demo logins:")
    for login, who in DEMO_LOGINS:
        print(f"  {login:38} {who}")
    logs = ", ".join(str(LOG_DIR / f"{name}.log") for name in ("web", "worker", "beat"))
    print(f"logs: {logs}")
    print("Ctrl-C stops the web server, worker and beat.\n", flush=True)


def main() -> int:
    python = sys.executable
    commands = {
        "web": [python, "manage.py", "runserver", f"{HOST}:{PORT}", "--noreload"],
        "worker": [
            python, "-m", "celery", "-A", "servicedesk", "worker",
            "--loglevel", "INFO", "--concurrency", "2", "--pool", "threads",
        ],
        "beat": [
            python, "-m", "celery", "-A", "servicedesk", "beat", "--loglevel", "INFO",
            "--schedule", str(LOG_DIR / "celerybeat-schedule"),
        ],
    }  # fmt: skip
    stopping = False

    def stop(*_args):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    LOG_DIR.mkdir(exist_ok=True)
    url = f"http://{HOST}:{PORT}/"
    print(f"starting the web server, a worker and beat (logs under {LOG_DIR}/) …", flush=True)
    processes: dict[str, subprocess.Popen] = {}
    for name, command in commands.items():
        with open(LOG_DIR / f"{name}.log", "ab") as log:
            processes[name] = subprocess.Popen(  # noqa: S603  # nosec B603
                command, stdout=log, stderr=subprocess.STDOUT
            )
    exit_code = 0
    if wait_until_up(url, processes["web"], lambda: stopping):
        print_banner(url)
    elif not stopping:
        print(f"the web server did not answer at {url}; see {LOG_DIR / 'web.log'}", flush=True)
        exit_code = 1
        stopping = True
    while not stopping:
        for name, process in processes.items():
            if process.poll() is not None:
                print(
                    f"{name} exited with {process.returncode} (see {LOG_DIR / name}.log); "
                    "stopping the rest",
                    flush=True,
                )
                exit_code = process.returncode or 1
                stopping = True
        time.sleep(0.5)
    for process in processes.values():
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + 10
    for process in processes.values():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
