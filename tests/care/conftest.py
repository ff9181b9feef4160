"""Fixtures of the care programme: its settings, and a day of the plan at a given time."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from care.planning import care_day_plan, care_settings

SHANGHAI = ZoneInfo("Asia/Shanghai")


def morning(day: date) -> datetime:
    """09:30 in Shanghai, when beat runs the plan (01:30 UTC)."""
    return datetime.combine(day, time(9, 30), SHANGHAI)


@pytest.fixture
def rules(db, team):
    row = care_settings()
    row.care_team = team
    row.save()
    return row


@pytest.fixture
def plan_day():
    def _plan(day: date):
        with time_machine.travel(morning(day), tick=False):
            return care_day_plan()

    return _plan
