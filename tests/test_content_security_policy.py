"""Every response carries the Content-Security-Policy, and no template of ours relies on inline
script or style (only the admin and Redoc may use inline styles)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src 'self' blob:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def directives(header: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


@pytest.mark.parametrize(
    "path",
    ["/accounts/login/", "/tickets/", "/api/v1/tickets/", "/api/v1/docs/", "/readyz", "/nowhere/"],
)
def test_every_kind_of_response_carries_the_policy(client, db, agent, path):
    client.force_login(agent)
    response = client.get(path)
    assert response.status_code in (200, 302, 404)
    assert directives(response["Content-Security-Policy"]) == directives(POLICY)


@pytest.mark.parametrize(
    "path", ["/admin/", "/admin/login/", "/admin/tickets/ticket/", "/api/v1/redoc/"]
)
def test_only_the_admin_and_redoc_may_use_inline_styles(admin_client, path):
    response = admin_client.get(path)
    assert response.status_code in (200, 302)
    expected = directives(POLICY) | {"style-src": "'self' 'unsafe-inline'"}
    assert directives(response["Content-Security-Policy"]) == expected


def test_styles_come_only_from_our_own_files(client, db):
    policy = directives(client.get("/accounts/login/")["Content-Security-Policy"])
    assert policy["style-src"] == "'self'"
    assert "'unsafe-inline'" not in client.get("/admin-like/")["Content-Security-Policy"]


def test_scripts_run_only_from_our_own_files(client, db):
    policy = directives(client.get("/accounts/login/")["Content-Security-Policy"])
    assert policy["script-src"] == "'self'"
    assert policy["object-src"] == "'none'"


def template_files() -> list[Path]:
    folders = [Path(folder) for engine in settings.TEMPLATES for folder in engine["DIRS"]]
    folders += [
        Path(app.path) / "templates"
        for app in __import__("django.apps").apps.apps.get_app_configs()
        if Path(app.path).is_relative_to(settings.BASE_DIR) and ".venv" not in Path(app.path).parts
    ]
    return sorted(path for folder in folders for path in folder.rglob("*.html"))


def test_no_template_of_ours_has_an_inline_script_style_or_event_handler():
    files = template_files()
    assert len(files) > 20
    offenders = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and 'type="application/json"' not in tag:
                offenders.append(f"{path}: {tag}")
        offenders += [f"{path}: {handler}" for handler in re.findall(r"\son[a-z]+=", text)]
        offenders += [f"{path}: hx-on" for _ in re.findall(r"\shx-on", text)]
        offenders += [f"{path}: {tag}" for tag in re.findall(r"<style\b[^>]*>", text)]
        offenders += [f"{path}: {attribute}" for attribute in re.findall(r"\sstyle=", text)]
    assert offenders == []
    assert engines["django"]  # the files scanned are the ones Django renders
