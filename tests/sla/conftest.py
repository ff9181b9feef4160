"""Fixtures of the SLA tests: a known working week, helpers (the default policies of
requirements §7 come from migration sla 0002, re-installed after every flush)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tickets import services as tickets
from tickets.models import Channel, Kind

SHANGHAI = ZoneInfo("Asia/Shanghai")


def shanghai(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


# Wednesday 4 March 2026, 10:00 in Shanghai: an ordinary working day (no holiday near).
WEDNESDAY_10 = shanghai(2026, 3, 4, 10, 0)


@pytest.fixture
def clock_at():
    """Freeze time at a moment; move it with .move_to(); time does not tick by itself."""
    travellers = []

    def freeze(moment: datetime):
        traveller = time_machine.travel(moment, tick=False)
        travellers.append(traveller)
        return traveller.start()

    yield freeze
    for traveller in reversed(travellers):
        traveller.stop()


@pytest.fixture
def wednesday(clock_at):
    return clock_at(WEDNESDAY_10)


@pytest.fixture
def new_ticket(db, agent, team, customer):
    def create(**fields):
        values = {"actor": agent, "subject": "Printer jams", "channel": Channel.EMAIL, "team": team}
        values.update(customer=customer, assignee=agent)
        values.update(fields)
        if values.get("kind") == Kind.COMPLAINT:
            # These tests play the complaints app, which alone opens complaint tickets.
            values["opened_by"] = "complaints"
        return tickets.ticket_create(**values)

    return create
