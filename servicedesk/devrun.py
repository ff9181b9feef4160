"""`make run`: the web server, a Celery worker and beat in one command, on embedded defaults.

Ctrl-C (or SIGTERM) stops every process this started, and only those.
"""

import os
import signal
import subprocess
import sys
import time

HOST = os.environ.get("SERVICEDESK_HOST", "127.0.0.1")
PORT = os.environ.get("SERVICEDESK_PORT", "8000")

DEMO_LOGINS = (
    ("agent / agent-demo-pass", "坐席 agent, teams 售后服务组 + 投诉处理组"),
    ("supervisor / supervisor-demo-pass", "主管 supervisor"),
    ("manager / manager-demo-pass", "经理 manager, sees every team"),
    ("admin / admin-demo-pass", "administrator, also /admin/"),
)


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
            "--schedule", os.path.join("var", "celerybeat-schedule"),
        ],
    }  # fmt: skip
    processes: dict[str, subprocess.Popen] = {}
    for name, command in commands.items():
        processes[name] = subprocess.Popen(command)  # noqa: S603  # nosec B603
    print(f"\nservicedesk is up: http://{HOST}:{PORT}/", flush=True)
    print("demo logins:")
    for login, who in DEMO_LOGINS:
        print(f"  {login:38} {who}")
    print("Ctrl-C stops the web server, worker and beat.\n", flush=True)

    stopping = False

    def stop(*_args):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    exit_code = 0
    while not stopping:
        for name, process in processes.items():
            if process.poll() is not None:
                print(f"{name} exited with {process.returncode}; stopping the rest", flush=True)
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
