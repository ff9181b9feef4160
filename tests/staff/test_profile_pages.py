"""Staff profiles and training records edited by supervisors (their teams' members) and
managers (anyone): the approval limit lives on the profile; bad input is a form error
with nothing written; each change is a StaffEvent."""

import importlib
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from complaints.authority import approval_limit_of
from staff.models import (
    Role,
    StaffAction,
    StaffApprovalLimit,
    StaffEvent,
    StaffLevel,
    StaffProfile,
    TrainingRecord,
)
from tests.factories import UserFactory
from tests.nothing_written import nothing_written

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("complaints.migrations.0006_approval_limits_on_profiles")


def _form(user, **overrides) -> dict:
    """The profile form as the page fills it for this person, with some changes."""
    profile = user.staff_profile
    limits = dict(profile.approval_limits.values_list("currency", "amount"))
    data = {
        "display_name": profile.display_name,
        "level": profile.level,
        "hire_date": "",
        "mentor": "",
        "channels": "",
        "skills": "",
        "certifications": "",
        **{f"limit_{c}": str(limits.get(c, "")) for c in ("CNY", "USD", "EUR", "HKD")},
    }
    data.update(overrides)
    return data


def test_a_supervisor_edits_a_members_profile_and_the_limit_decides_compensation(
    client, agent, supervisor
):
    client.force_login(supervisor)
    assert agent.username in client.get(reverse("staff:list")).content.decode()
    url = reverse("staff:profile", args=[agent.pk])
    assert client.get(url).status_code == 200
    answer = client.post(
        url,
        _form(
            agent,
            level=StaffLevel.SENIOR,
            hire_date="2025-03-01",
            mentor=str(supervisor.pk),
            channels="phone\nemail",
            skills="Refunds\nWashing machines",
            limit_CNY="800.00",
        ),
    )
    assert answer.status_code == 302
    profile = StaffProfile.objects.get(user=agent)
    assert (profile.level, profile.hire_date, profile.mentor) == (
        StaffLevel.SENIOR,
        date(2025, 3, 1),
        supervisor,
    )
    assert profile.channels == ["phone", "email"] and profile.skills[0] == "Refunds"
    assert approval_limit_of(agent, "CNY") == Decimal("800.00")
    [event] = StaffEvent.objects.filter(user=agent)
    assert event.action == StaffAction.PROFILE_CHANGED and event.actor == supervisor
    assert event.changes["approval_limit_CNY"] == ["200.00", "800.00"]
    assert event.changes["level"] == ["junior", "senior"]


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"limit_CNY": "-1"}, "limit_CNY"),
        ({"limit_USD": "12.345"}, "limit_USD"),
        ({"limit_CNY": "lots"}, "limit_CNY"),
        ({"hire_date": "2999-01-01"}, "hire_date"),
        ({"channels": "Phone Calls"}, "channels"),
        ({"level": "director"}, "level"),
        ({"limit_CNY": "2000.01"}, "limit_CNY"),  # above the supervisor's own 2000
        ({"level": StaffLevel.MANAGER}, "level"),  # a manager's to give
    ],
)
def test_bad_input_is_a_form_error_and_nothing_is_written(
    client, agent, supervisor, overrides, field
):
    client.force_login(supervisor)
    with nothing_written():
        answer = client.post(reverse("staff:profile", args=[agent.pk]), _form(agent, **overrides))
    assert answer.status_code in (403, 422)
    assert answer.context["form"].errors.get(field), answer.context["form"].errors
    assert approval_limit_of(agent, "CNY") == Decimal("200")


def test_only_the_members_supervisor_or_a_manager_edits(client, agent, supervisor, manager):
    stranger = UserFactory(username="other.sup", role=Role.SUPERVISOR)
    client.force_login(stranger)
    url = reverse("staff:profile", args=[agent.pk])
    with nothing_written():
        assert client.post(url, _form(agent, limit_CNY="100")).status_code == 404
    client.force_login(agent)
    assert client.get(reverse("staff:list")).status_code == 403
    client.force_login(supervisor)  # not their own profile either
    assert client.get(reverse("staff:profile", args=[supervisor.pk])).status_code == 404
    client.force_login(manager)  # a manager sets any level and any limit
    answer = client.post(url, _form(agent, level=StaffLevel.SUPERVISOR, limit_CNY="5000"))
    assert answer.status_code == 302
    assert approval_limit_of(agent, "CNY") == Decimal("5000")
    # Emptying a limit removes it: nothing is granted without approval any more.
    client.post(url, _form(agent, level=StaffLevel.SUPERVISOR, limit_CNY=""))
    assert approval_limit_of(agent, "CNY") == Decimal("0")


def test_training_records_and_the_shortfall_flag(client, agent, supervisor):
    client.force_login(supervisor)
    url = reverse("staff:training_add", args=[agent.pk])
    today = timezone.localdate()
    with nothing_written():
        bad = client.post(
            url, {"kind": "training", "title": "Empathy", "started_on": today, "days": "0"}
        )
        future = client.post(
            url,
            {
                "kind": "training",
                "title": "Later",
                "started_on": today + timedelta(days=3),
                "days": "3",
            },
        )
    assert bad.status_code == 422 and future.status_code == 422
    assert future.context["training_form"].errors["started_on"]
    assert "onboarding missing" in client.get(reverse("staff:list")).content.decode()
    for kind, title, days in (("onboarding", "Onboarding", 5), ("training", "Empathy", 3)):
        answer = client.post(
            url, {"kind": kind, "title": title, "started_on": today.replace(day=1), "days": days}
        )
        assert answer.status_code == 302
    assert TrainingRecord.objects.filter(user=agent).count() == 2
    assert StaffEvent.objects.filter(user=agent, action=StaffAction.TRAINING_RECORDED).count() == 2
    page = client.get(reverse("staff:list")).content.decode()
    assert "onboarding missing" not in page and "1 of 2 long trainings" in page


def test_the_migration_gives_each_profile_its_levels_old_limits(db):
    junior = UserFactory(username="j", role=Role.AGENT)
    manager = UserFactory(username="m", role=Role.MANAGER)
    StaffApprovalLimit.objects.all().delete()
    junior.staff_profile.approval_limits.create(currency="USD", amount=Decimal("45"))
    added = MIGRATION.copy_limits(
        apps.get_model("staff", "StaffProfile"),
        apps.get_model("staff", "StaffApprovalLimit"),
        [
            ("junior", "CNY", Decimal("200")),
            ("junior", "USD", Decimal("30")),
            ("manager", "CNY", Decimal("20000")),
        ],
    )
    assert added == 2
    assert approval_limit_of(junior, "CNY") == Decimal("200")
    assert approval_limit_of(junior, "USD") == Decimal("45")  # a profile's own limit is kept
    assert approval_limit_of(manager, "CNY") == Decimal("20000")


def test_navigation_shows_staff_to_supervisors_only(client, agent, supervisor):
    client.force_login(agent)
    assert reverse("staff:list") not in client.get(reverse("quality:my_scorecard")).content.decode()
    client.force_login(supervisor)
    assert reverse("staff:list") in client.get(reverse("quality:my_scorecard")).content.decode()
