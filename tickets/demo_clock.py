"""The controlled clock the demo seeding plays its stories under (servicedesk/demo.py for the
tickets, complaints/demo.py for the complaints): each step of a story happens at its own
past time, so what the services write carries that time. Here, below both, so the
complaints demo need not import the project's wiring."""

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from tickets.sla.defaults import CN_TIME_ZONE

CN_ZONE = ZoneInfo(CN_TIME_ZONE)
WORKDAY_HOURS = (9, 18)  # the CN working calendar's day (tickets.sla.defaults)


def time_machine_or_error():
    try:
        import time_machine
    except ImportError:
        raise ImproperlyConfigured(
            "seed_demo plays the demo tickets at past times with time-machine, a development "
            "dependency: install the project with its dev extras (pip install '.[dev]', as "
            "`make install` does)."
        ) from None
    return time_machine


class DemoClock:
    """The time the services see while a ticket's story is played: `timezone.now()`,
    `date.today()` and every auto_now field read it, so the ticket, its messages, its
    audit events, its SLA clocks and their plan rows carry the story's times exactly as
    the services write them at that moment. Never later than the real `now`."""

    def __init__(self, traveller, rng: random.Random, now):
        self.traveller, self.rng, self.now = traveller, rng, now
        self.at = now

    def start(self, at) -> None:
        self.at = min(at, self.now)
        self.traveller.move_to(self.at)

    def after(self, delay: timedelta, *, working: bool = True) -> None:
        """The next step, `delay` later (an agent's step waits for working hours). A step
        that would fall after the real now happens somewhere between the last one and now."""
        at = self.at + delay
        if working:
            at = working_time(at, self.rng)
        if at > self.now:
            at = self.at + (self.now - self.at) * self.rng.uniform(0.2, 0.6)
        self.at = at
        self.traveller.move_to(at)


def working_time(at, rng: random.Random):
    """`at` if the CN working day is on, else a little after the next one begins."""
    local = timezone.localtime(at, CN_ZONE)
    start, end = WORKDAY_HOURS
    if local.weekday() < 5 and start <= local.hour < end:
        return at
    day = local.date() if local.hour < start else local.date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    opening = datetime.combine(day, time(start), tzinfo=CN_ZONE)
    return opening + timedelta(minutes=rng.uniform(2, 75))
