"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live_server.

No browser is ever downloaded: the system Chromium is launched by path.
"""

import importlib
import os
import shutil

import pytest
from django.db import connections

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
# test itself (fixtures, assertions) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}; install it with: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
        # Django keeps connections in a context variable, and the tests that run after
        # Playwright started do so in a context of its own (until the `with` ends): their
        # connections are closed here, or the test database cannot be dropped at the end.
        connections.close_all()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def log_in(live_server):
    """Log a person in through the login form (every factory user's password)."""

    def _log_in(page, username: str, password: str = "pass-word-123"):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)

    return _log_in


@pytest.fixture
def configured(committed_db):
    """The configuration rows the migrations load (SLA policies, complaint categories,
    authority, approval limits, reply scripts): a transactional test's flush removes them,
    and installing them again is idempotent."""
    from django.apps import apps

    from tickets.sla.defaults import install_defaults

    install_defaults(apps)
    seed = importlib.import_module("complaints.migrations.0002_seed_configuration").seed
    seed(apps, None)
