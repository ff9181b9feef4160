"""Screenshots of the agent queue, a ticket page and the manager SLA dashboard, in Chinese
and in English, from the demo data: docs/screenshots/*.png, shown in the README.

    .venv/bin/python scripts/screenshots.py

Seeds the demo organisation into a throw-away SQLite database (as `make run` does), starts
the development server on a free port, drives Debian's Chromium (/usr/bin/chromium, or
CHROMIUM_PATH) and stops the server it started.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
VIEWPORT = {"width": 1366, "height": 900}
LANGUAGES = {"zh-hans": "zh", "en": "en"}
DEMO_PASSWORDS = {"agent": "agent-demo-pass", "manager": "manager-demo-pass"}


def free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]


def manage(env: dict, *arguments: str) -> None:
    print("manage.py", *arguments, flush=True)
    command = [sys.executable, "manage.py", *arguments]
    subprocess.run(command, cwd=ROOT, env=env, check=True)  # noqa: S603  # nosec B603


def wait_for(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the development server exited")
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 — our own local server
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within 120 s")


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORDS[username])
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def shoot(browser, base: str, language: str) -> None:
    suffix = LANGUAGES[language]
    for username, pages in (("agent", ("queue", "ticket")), ("manager", ("dashboard",))):
        context = browser.new_context(viewport=VIEWPORT, locale="en-US")
        context.add_cookies([{"name": "django_language", "value": language, "url": base}])
        page = context.new_page()
        log_in(page, base, username)
        for name in pages:
            if name == "queue":
                page.goto(f"{base}/tickets/")
            elif name == "ticket":
                page.goto(f"{base}/tickets/")
                page.locator("#queue-results tbody a").first.click()
                page.wait_for_load_state("networkidle")
            else:
                page.goto(f"{base}/sla/")
                # The period's figures arrive by requests of their own.
                expect(page.locator("[data-figure-pending]")).to_have_count(0)
            page.wait_for_timeout(1500)  # countdowns have ticked, htmx has settled
            path = OUT / f"{name}-{suffix}.png"
            page.screenshot(path=str(path), full_page=name != "dashboard")
            print("wrote", path.relative_to(ROOT), flush=True)
        context.close()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as workdir:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "CELERY_"))}
        env.update(
            DATABASE_URL=f"sqlite:///{workdir}/demo.sqlite3",
            CELERY_BROKER_URL="memory://",
            DJANGO_SETTINGS_MODULE="servicedesk.settings",
            DJANGO_DEBUG="true",
        )
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "seed_demo")
        port = free_port()
        server = subprocess.Popen(  # noqa: S603 - our own manage.py  # nosec B603
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_for(f"{base}/livez", server)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
                )
                for language in LANGUAGES:
                    shoot(browser, base, language)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=15)


if __name__ == "__main__":
    main()
