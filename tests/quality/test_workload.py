"""Workload per agent against the team: open and handled tickets beside the home team's
median, on crafted data with known answers; page and CSV; supervisors see their teams."""

import csv
import io
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from quality.workload import workload
from staff.models import Role, Team
from tests.factories import TeamFactory, TicketFactory, UserFactory
from tickets.models import Status

pytestmark = pytest.mark.django_db

NOVEMBER = datetime(2026, 11, 1).date()
IN_NOVEMBER = datetime(2026, 11, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
IN_OCTOBER = datetime(2026, 10, 31, 23, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def desk(team, supervisor):
    a = UserFactory(username="a", first_name="Ann", role=Role.AGENT, teams=[team])
    b = UserFactory(username="b", first_name="Bo", role=Role.AGENT, teams=[team])
    elsewhere = TeamFactory(name="Billing")
    c = UserFactory(username="c", first_name="Cy", role=Role.AGENT, teams=[elsewhere])
    # Open now: a 4, b 2, supervisor 0 → team median 2.
    for agent, count in ((a, 4), (b, 2), (c, 1)):
        for _ in range(count):
            TicketFactory(team=team, assignee=agent, status=Status.OPEN)
    # Resolved in November: a 1, b 3, supervisor 5 → team median 3 (October's do not count).
    for agent, count in ((a, 1), (b, 3), (supervisor, 5)):
        for _ in range(count):
            TicketFactory(
                team=team, assignee=agent, status=Status.RESOLVED, resolved_at=IN_NOVEMBER
            )
    TicketFactory(team=team, assignee=a, status=Status.CLOSED, resolved_at=IN_OCTOBER)
    return {"a": a, "b": b, "c": c}


def test_each_agent_against_the_median_of_their_team(desk, team, supervisor):
    rows = {row.agent.username: row for row in workload(month=NOVEMBER, teams=Team.objects.all())}
    a, b, sup = rows["a"], rows["b"], rows["supervisor"]
    assert (a.open_count, a.handled_count) == (4, 1)
    assert (sup.open_count, sup.handled_count) == (0, 5)
    assert a.team_median_open == Decimal("2") and a.team_median_handled == Decimal("3")
    assert a.open_vs_median == Decimal("200") and a.handled_vs_median == Decimal("33")
    assert b.open_vs_median == Decimal("100") and b.handled_vs_median == Decimal("100")
    # Billing's lone agent is their own team's median.
    assert rows["c"].team.name == "Billing" and rows["c"].open_vs_median == Decimal("100")


def test_the_page_and_csv_in_a_fixed_number_of_queries(
    client, desk, manager, django_assert_max_num_queries
):
    client.force_login(manager)
    url = reverse("quality:workload") + "?month=2026-11"
    with django_assert_max_num_queries(12):
        page = client.get(url)
    assert page.status_code == 200 and "Ann" in page.content.decode()
    answer = client.get(url + "&format=csv")
    assert answer["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["agent", "team", "open tickets"]
    ann = next(row for row in rows if row[0] == "Ann")
    assert ann[1:] == ["Support", "4", "2", "200", "1", "3", "33"]


def test_a_supervisor_sees_the_teams_they_supervise_and_an_agent_nothing(
    client, desk, supervisor, agent
):
    client.force_login(supervisor)
    page = client.get(reverse("quality:workload") + "?month=2026-11").content.decode()
    assert "Ann" in page and "Cy" not in page
    client.force_login(agent)
    assert client.get(reverse("quality:workload")).status_code == 403
