"""The quality pages where staff record work, and their API: closing an investigation
(its clock met), a coaching plan, suggestions submitted and reviewed. Each refuses bad
input with a form error (422 / 400) and writes nothing; each checks who may act."""

from datetime import date

import pytest
from django.urls import reverse

from quality.models import (
    CoachingPlan,
    Investigation,
    InvestigationStatus,
    Suggestion,
    SuggestionStatus,
)
from staff.models import Role
from tests.api.conftest import make_client  # noqa: F401
from tests.factories import TeamFactory, UserFactory
from tests.nothing_written import nothing_written
from tickets.sla.models import Clock, ClockState, Metric

from .conftest import LOW_ANSWER, survey_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def investigation(client, survey) -> Investigation:
    client.post(survey_path(survey), LOW_ANSWER)
    return Investigation.objects.get()


def _clock(investigation):
    return Clock.objects.get(ticket=investigation.ticket, metric=Metric.SATISFACTION_INVESTIGATION)


def _nav(client) -> str:
    return client.get(reverse("quality:my_scorecard")).content.decode()


# --- investigations ---------------------------------------------------------------------------


def test_the_supervisor_closes_the_investigation_on_its_page_and_the_clock_is_met(
    client, investigation, supervisor
):
    client.force_login(supervisor)
    listing = client.get(reverse("quality:investigations"))
    assert investigation.ticket.reference in listing.content.decode()
    url = reverse("quality:investigation", args=[investigation.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Close the investigation" in page.content.decode()
    answer = client.post(url, {"finding": "agent_coaching", "outcome": "Coached on greeting."})
    assert answer.status_code == 302
    investigation.refresh_from_db()
    assert investigation.status == InvestigationStatus.DONE
    assert investigation.closed_by == supervisor
    assert _clock(investigation).state == ClockState.MET


@pytest.mark.parametrize(
    "data", [{"finding": "agent_coaching", "outcome": "  "}, {"finding": "x", "outcome": "ok"}]
)
def test_a_bad_outcome_is_a_form_error_and_nothing_is_written(
    client, investigation, supervisor, data
):
    client.force_login(supervisor)
    url = reverse("quality:investigation", args=[investigation.pk])
    with nothing_written():
        answer = client.post(url, data)
    assert answer.status_code == 422
    assert 'class="error"' in answer.content.decode()
    assert _clock(investigation).state == ClockState.RUNNING


def test_agents_and_other_teams_supervisors_cannot_close_it(client, investigation, agent):
    client.force_login(agent)
    assert client.get(reverse("quality:investigations")).status_code == 403
    other = UserFactory(username="other.sup", role=Role.SUPERVISOR)
    TeamFactory(name="Elsewhere", supervisor=other).members.add(other)
    client.force_login(other)
    url = reverse("quality:investigation", args=[investigation.pk])
    with nothing_written():
        assert client.post(url, {"finding": "no_fault", "outcome": "x"}).status_code == 404


def test_the_api_closes_an_investigation_and_refuses_bad_input(
    investigation,
    supervisor,
    make_client,  # noqa: F811
):
    api = make_client(supervisor)
    url = f"/api/v1/investigations/{investigation.pk}/close/"
    with nothing_written():
        refused = api.post(url, {"finding": "guilty", "outcome": "x"}, format="json")
    assert refused.status_code == 400 and "finding" in refused.json()["fields"]
    listed = api.get("/api/v1/investigations/?status=open").json()
    assert [row["id"] for row in listed["results"]] == [investigation.pk]
    done = api.post(url, {"finding": "process", "outcome": "Script fixed"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert _clock(investigation).state == ClockState.MET
    again = api.post(url, {"finding": "process", "outcome": "again"}, format="json")
    assert again.status_code == 409


# --- coaching plans ---------------------------------------------------------------------------


def test_the_supervisor_writes_a_coaching_plan_once(client, agent, supervisor):
    url = reverse("quality:coaching_plan", args=[agent.pk, 2026, 11])
    client.force_login(supervisor)
    with nothing_written():
        assert client.post(url, {"plan": "   "}).status_code == 422
    assert client.post(url, {"plan": "Shadow a senior on calls, weekly review."}).status_code == 302
    plan = CoachingPlan.objects.get()
    assert (plan.agent, plan.month, plan.created_by) == (agent, date(2026, 11, 1), supervisor)
    assert "Shadow a senior" in client.get(url).content.decode()
    with nothing_written():
        assert client.post(url, {"plan": "Another"}).status_code == 409


def test_only_the_agents_supervisor_or_a_manager_writes_their_plan(client, agent, manager):
    stranger = UserFactory(username="stranger.sup", role=Role.SUPERVISOR)
    url = reverse("quality:coaching_plan", args=[agent.pk, 2026, 11])
    client.force_login(stranger)
    with nothing_written():
        assert client.post(url, {"plan": "Mine"}).status_code == 403
    client.force_login(agent)
    assert client.get(url).status_code == 403
    client.force_login(manager)
    assert client.post(url, {"plan": "Manager's plan"}).status_code == 302
    assert (
        client.get(reverse("quality:coaching_plan", args=[agent.pk, 2026, 13])).status_code == 404
    )


# --- suggestions ------------------------------------------------------------------------------


def test_any_staff_member_submits_and_a_manager_adopts_with_a_reason(client, agent, manager):
    client.force_login(agent)
    url = reverse("quality:suggestions")
    with nothing_written():
        refused = client.post(url, {"title": "", "body": "Something"})
    assert refused.status_code == 422
    assert client.post(url, {"title": "Callback slots", "body": "Offer slots."}).status_code == 302
    suggestion = Suggestion.objects.get()
    assert suggestion.author == agent
    review = reverse("quality:suggestion", args=[suggestion.pk])
    assert client.get(review).status_code == 403  # an agent does not review
    client.force_login(manager)
    assert "Callback slots" in client.get(url).content.decode()
    with nothing_written():
        assert client.post(review, {"decision": "adopted", "reason": " "}).status_code == 422
        assert client.post(review, {"decision": "maybe", "reason": "x"}).status_code == 422
    assert (
        client.post(review, {"decision": "adopted", "reason": "Cheap, asked for"}).status_code
        == 302
    )
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.reviewed_by) == (SuggestionStatus.ADOPTED, manager)
    with nothing_written():
        assert client.post(review, {"decision": "declined", "reason": "x"}).status_code == 409


def test_the_suggestions_api_submits_and_reviews(agent, manager, make_client):  # noqa: F811
    as_agent, as_manager = make_client(agent), make_client(manager)
    created = as_agent.post(
        "/api/v1/suggestions/", {"title": "Night shift", "body": "Cover 22–24h"}, format="json"
    )
    assert created.status_code == 201
    review = f"/api/v1/suggestions/{created.json()['id']}/review/"
    with nothing_written():
        denied = as_agent.post(review, {"decision": "adopted", "reason": "x"}, format="json")
        blank = as_manager.post(review, {"decision": "declined"}, format="json")
    assert denied.status_code == 403
    assert blank.status_code == 400 and "reason" in blank.json()["fields"]
    done = as_manager.post(
        review, {"decision": "declined", "reason": "Not enough volume"}, format="json"
    )
    assert done.status_code == 200 and done.json()["status"] == "declined"


# --- navigation and the team scorecards page ------------------------------------------------


def test_navigation_by_role(client, agent, supervisor, manager):
    client.force_login(agent)
    page = _nav(client)
    assert reverse("quality:suggestions") in page
    assert reverse("quality:investigations") not in page
    client.force_login(supervisor)
    assert reverse("quality:investigations") in _nav(client)


def test_the_team_page_says_when_to_compute(client, manager):
    client.force_login(manager)
    page = client.get(reverse("quality:scorecards") + "?month=2026-11").content.decode()
    assert "Compute now" in page and "once the month's inspections are all recorded" in page
    assert "0 recorded, 0 still to inspect." in page
