"""The manager's dashboard in the browser, against real Celery beat and worker processes:
a breach recorded by the beat's sweep appears without a reload, and exports as CSV."""

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.utils import timezone
from playwright.sync_api import expect

from complaints.models import ComplaintCategory
from servicedesk.celery import app
from staff.models import Role
from tests.factories import CustomerFactory, TeamFactory, UserFactory
from tests.real_processes import (
    process_env,
    start_workers_and_beats,
    stop_all,
    wait_while_running,
)
from tickets.sla.models import Clock, ClockState

from .test_sla_views import open_complaint

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

# Complaint first contact: 1 hour of calendar time (requirements, complaint policy).
FIRST_CONTACT = timedelta(hours=1)


@pytest.fixture
def complaints_desk(configured):
    team = TeamFactory(name="Complaints desk", channels=["complaint_hotline"])
    return {
        "team": team,
        "agent": UserFactory(
            username="wang.fang", first_name="Fang", last_name="Wang", teams=[team]
        ),
        "customer": CustomerFactory(name="Zhang Wei"),
        "category": ComplaintCategory.objects.get(name_en="Product quality"),
    }


def clock_state(clock: Clock) -> str:
    return Clock.objects.values_list("state", flat=True).get(pk=clock.pk)


def test_a_breach_swept_by_beat_appears_on_the_dashboard_without_a_reload_and_exports(
    live_server,
    page,
    log_in,
    complaints_desk,
    settings,
    tmp_path,
):
    settings.SLA_DASHBOARD_REFRESH_SECONDS = 1
    UserFactory(username="zhou.min", role=Role.MANAGER)
    # Received almost an hour ago: its first contact falls due in a few seconds.
    with time_machine.travel(timezone.now() - FIRST_CONTACT + timedelta(seconds=8)):
        late = open_complaint(complaints_desk, "Nobody called me back")
    clock = Clock.objects.get(ticket=late.ticket, metric="complaint_first_contact")
    assert clock.state == ClockState.RUNNING

    log_in(page, "zhou.min")
    page.goto(f"{live_server.url}/sla/")
    breached_count = page.locator('[data-count="breached"]')
    expect(breached_count).to_have_text("0")
    breached_list = page.locator("section.sla-list-breached")
    expect(breached_list).to_contain_text("Nothing is breached right now.")
    # A mark in the page's own memory: a reload would wipe it.
    page.evaluate("window.noReload = 'still the same page'")

    app.control.purge()  # tasks other tests left on the broker would run first
    env = process_env(
        CELERY_BROKER_URL=django_settings.CELERY_BROKER_URL,
        SLA_SWEEP_INTERVAL_SECONDS="1",
        LOG_LEVEL="WARNING",
    )
    processes = start_workers_and_beats(env, tmp_path, workers=["dashboard"], beats=["beat"])
    try:
        # The dashboard counts a running clock past its due time as breached the moment
        # it is due, so the page can change before the sweep has run: wait for both.
        expect(breached_count).to_have_text("1", timeout=60_000)
        wait_while_running(
            lambda: clock_state(clock) == ClockState.BREACHED,  # recorded by the sweep
            seconds=60,
            processes=processes,
        )
    finally:
        stop_all(processes)

    row = breached_list.locator("tbody tr", has_text=late.ticket.reference)
    expect(row).to_contain_text("Complaint first contact")
    expect(row.locator("time[role=timer]")).to_contain_text("overdue")
    assert page.evaluate("window.noReload") == "still the same page"

    with page.expect_download() as download_info:
        breached_list.get_by_role("link", name="CSV").click()
    download = download_info.value
    assert download.suggested_filename.startswith("sla-breached-")
    text = download.path().read_text(encoding="utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert header[:3] == ["Ticket", "Subject", "Target"]
    assert [late.ticket.reference, "Nobody called me back", "Complaint first contact"] in [
        row[:3] for row in rows
    ]
