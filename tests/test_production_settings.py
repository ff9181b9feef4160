"""The production settings refuse unsafe configuration and pass Django's deploy checks."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent


def run_in_production(args: list[str], timeout: int = 120, **env_overrides):
    """`python <args>` from the repository root with the production settings module; an
    override of None removes that variable."""
    # Browser tests in the same worker set DJANGO_ALLOW_ASYNC_UNSAFE; a deployment never does.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "servicedesk.settings_production",
        "DJANGO_ALLOWED_HOSTS": "desk.example.com",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/servicedesk",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "CUSTOMER_DATA_KEYS": Fernet.generate_key().decode(),
        "CUSTOMER_LOOKUP_KEY": secrets.token_urlsafe(48),
        **env_overrides,
    }
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={key: value for key, value in env.items() if value is not None},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def run_check(**env_overrides):
    return run_in_production(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **env_overrides
    )


def test_check_deploy_passes_with_a_real_secret_and_host():
    result = run_check(DJANGO_SECRET_KEY=secrets.token_urlsafe(64))
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_development_key_is_refused_in_production():
    result = run_check(DJANGO_SECRET_KEY="dev-only-insecure-key-change-me")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_sqlite_is_refused_in_production():
    result = run_check(
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64), DATABASE_URL="sqlite:///tmp/x.sqlite3"
    )
    assert result.returncode != 0
    assert "PostgreSQL" in result.stderr


def test_the_development_customer_data_keys_are_refused_in_production():
    from django.conf import settings

    for variable, value in (
        ("CUSTOMER_DATA_KEYS", settings.DEVELOPMENT_CUSTOMER_DATA_KEY),
        ("CUSTOMER_LOOKUP_KEY", settings.DEVELOPMENT_CUSTOMER_LOOKUP_KEY),
    ):
        result = run_check(DJANGO_SECRET_KEY=secrets.token_urlsafe(64), **{variable: value})
        assert result.returncode != 0
        assert variable in result.stderr


def test_the_check_refuses_development_keys_with_debug_off():
    """servicedesk.settings with DJANGO_DEBUG=false (not the production module): the
    system check stops `manage.py check` (and migrate, runserver) with customers.E003."""
    result = run_in_production(
        ["manage.py", "check"],
        DJANGO_SETTINGS_MODULE="servicedesk.settings",
        DJANGO_DEBUG="false",
        CUSTOMER_DATA_KEYS=None,
        CUSTOMER_LOOKUP_KEY=None,
    )
    assert result.returncode != 0
    assert "customers.E003" in result.stderr
