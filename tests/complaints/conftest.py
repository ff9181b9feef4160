"""Fixtures for complaints: a category, an opened complaint, and valid content per stage."""

import pytest
from django.utils import timezone

from complaints import services
from complaints.models import ComplaintCategory, Severity, Stage
from staff.models import Role, StaffLevel
from tests.factories import UserFactory

# Valid content for every stage, as a page or the API would send it.
VALID_CONTENT = {
    # The contact time must lie between receipt and now: tests that do not travel to
    # Monday 2 March 2026 take accept_content() instead.
    Stage.ACCEPT: {
        "contact_channel": "phone",
        "contacted_at": "2026-03-02T10:20:00+08:00",
        "notes": "Called back at once",
    },
    Stage.INVESTIGATE: {"findings": "Seal fitted the wrong way", "root_cause": "product_defect"},
    Stage.NEGOTIATE: {
        "options_offered": "Repair, replacement or refund",
        "customer_agreed": "Replacement",
    },
    Stage.COMPENSATE: {"recovery_actions": ["apology", "urgent_restoration"], "none_agreed": True},
    Stage.FOLLOW_UP: {
        "visit_date": "2026-03-09",
        "method": "phone",
        "customer_response": "Works well now",
        "customer_satisfied": "yes",
    },
    Stage.CLOSED: {"summary": "Replaced and confirmed"},
}


def accept_content(at=None) -> dict:
    """Valid accept content whose phone contact happened at `at` (default: now)."""
    return {**VALID_CONTENT[Stage.ACCEPT], "contacted_at": (at or timezone.now()).isoformat()}


def content_for(stage: str) -> dict:
    """Valid content for a stage recorded now."""
    return accept_content() if stage == Stage.ACCEPT else VALID_CONTENT[stage]


@pytest.fixture
def category(db):
    # Seeded by migration complaints 0002 (re-installed after every committed test's flush).
    return ComplaintCategory.objects.get(name_en="Product quality")


@pytest.fixture
def senior(team):
    user = UserFactory(username="senior", role=Role.AGENT, teams=[team])
    user.staff_profile.level = StaffLevel.SENIOR
    user.staff_profile.save()
    return user


@pytest.fixture
def other_supervisor(team):
    return UserFactory(username="supervisor2", role=Role.SUPERVISOR, teams=[team])


@pytest.fixture
def open_complaint(agent, team, customer, category):
    """Open a complaint of the given severity, handled by the Support team."""

    def _open(severity=Severity.ROUTINE, **kwargs):
        fields = dict(
            actor=agent,
            subject="Washer leaks after repair",
            severity=severity,
            category=category,
            customer=customer,
            team=team,
            product="Washer W7",
            customer_demand="A working washer",
        )
        fields.update(kwargs)
        return services.complaint_open(**fields)

    return _open


@pytest.fixture
def complaint(open_complaint):
    return open_complaint()


def advance_to(complaint, actor, stage):
    """Record every stage up to and including `stage` with valid content."""
    complaint.refresh_from_db()
    while complaint.stage != stage:
        target = complaint.next_stage
        services.complaint_advance(
            complaint=complaint, actor=actor, to=target, content=content_for(target)
        )
        complaint.refresh_from_db()
    return complaint
