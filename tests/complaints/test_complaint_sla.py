"""Complaint SLA clocks: receipt starts first contact (1 h) and the severity's response
(30 min / 24 h / 72 h); resolution is 24 h (general) or 5 business days (complex); the
stages meet them through the SLA engine. Time is travelled, never slept."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from complaints import services
from complaints.models import Stage
from tests.complaints.conftest import VALID_CONTENT

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Monday 10:00 in Shanghai in an ordinary working week (no public holiday).
MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)


def clocks(complaint):
    return {clock.metric: clock for clock in complaint.ticket.sla_clocks.all()}


def record(complaint, actor, stage, at):
    with time_machine.travel(at, tick=False):
        services.complaint_advance(
            complaint=complaint, actor=actor, to=stage, content=VALID_CONTENT[stage]
        )
    complaint.refresh_from_db()


@pytest.fixture
def opened_on_monday(open_complaint):
    def _open(**kwargs):
        with time_machine.travel(MONDAY, tick=False):
            return open_complaint(**kwargs)

    return _open


@pytest.mark.parametrize(
    ("severity", "response_within"),
    [
        ("urgent", timedelta(minutes=30)),  # 30-minute urgent response
        ("important", timedelta(hours=24)),  # 24-hour important response
        ("routine", timedelta(hours=72)),  # 72-hour routine response
    ],
)
def test_receipt_starts_first_contact_and_the_severitys_response_clock(
    opened_on_monday, severity, response_within
):
    complaint = opened_on_monday(severity=severity)
    running = clocks(complaint)
    assert running["complaint_first_contact"].due_at == MONDAY + timedelta(hours=1)
    assert running["complaint_response"].due_at == MONDAY + response_within
    assert {clock.state for clock in running.values()} == {"running"}


@pytest.mark.parametrize(
    ("severity", "resolved_within"),
    [
        ("urgent", timedelta(hours=24)),  # the general 24 hours
        ("important", timedelta(hours=48)),  # 24 h response + 24 h
        ("routine", timedelta(hours=72 + 24)),  # 72 h response + 24 h
    ],
)
def test_a_general_complaint_is_resolved_no_earlier_than_it_is_answered(
    opened_on_monday, severity, resolved_within
):
    complaint = opened_on_monday(severity=severity, complexity="general")
    assert clocks(complaint)["resolution"].due_at == MONDAY + resolved_within


def test_a_complex_complaint_is_resolved_within_5_business_days(opened_on_monday):
    complaint = opened_on_monday(complexity="complex")
    # 5 × 8 working hours from Monday 10:00 on Mon–Fri 09–12, 13–18: next Monday 10:00.
    assert clocks(complaint)["resolution"].due_at == datetime(2026, 3, 9, 10, 0, tzinfo=SHANGHAI)


def test_acceptance_in_contact_meets_first_contact_and_the_response(opened_on_monday, manager):
    complaint = opened_on_monday(severity="urgent")
    # The accept content records a phone call at 10:20, accepted at 10:20.
    record(complaint, manager, Stage.ACCEPT, MONDAY + timedelta(minutes=20))
    after_accept = clocks(complaint)
    assert after_accept["complaint_first_contact"].state == "met"
    assert after_accept["complaint_first_contact"].met_at == MONDAY + timedelta(minutes=20)
    # Accepted and answered: the response does not wait for the investigation.
    assert after_accept["complaint_response"].state == "met"
    assert after_accept["complaint_response"].met_at == MONDAY + timedelta(minutes=20)
    record(complaint, manager, Stage.INVESTIGATE, MONDAY + timedelta(minutes=25))
    assert clocks(complaint)["complaint_response"].met_at == MONDAY + timedelta(minutes=20)
    assert clocks(complaint)["resolution"].state == "running"


def test_closing_meets_the_resolution_clock(opened_on_monday, agent, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    complaint = opened_on_monday()
    step = MONDAY
    for stage in (
        Stage.ACCEPT,
        Stage.INVESTIGATE,
        Stage.NEGOTIATE,
        Stage.COMPENSATE,
        Stage.FOLLOW_UP,
        Stage.CLOSED,
    ):
        step += timedelta(hours=2)
        record(complaint, agent, stage, step)
    resolution = clocks(complaint)["resolution"]
    assert resolution.state == "met"
    assert resolution.met_at == MONDAY + timedelta(hours=12)


def test_raising_the_severity_replans_the_response_from_the_original_start(opened_on_monday, agent):
    complaint = opened_on_monday(severity="routine")
    with time_machine.travel(MONDAY + timedelta(minutes=10), tick=False):
        services.complaint_change_terms(
            complaint=complaint, actor=agent, severity="urgent", complexity=complaint.complexity
        )
    assert clocks(complaint)["complaint_response"].due_at == MONDAY + timedelta(minutes=30)


def test_making_a_complaint_complex_replans_its_resolution(opened_on_monday, agent):
    complaint = opened_on_monday(complexity="general")
    with time_machine.travel(MONDAY + timedelta(minutes=10), tick=False):
        services.complaint_change_terms(
            complaint=complaint, actor=agent, severity=complaint.severity, complexity="complex"
        )
    assert clocks(complaint)["resolution"].due_at == datetime(2026, 3, 9, 10, 0, tzinfo=SHANGHAI)
