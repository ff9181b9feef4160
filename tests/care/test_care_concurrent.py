"""Two daily plans at once (two beats during a deploy): each occasion is planned and each
message queued once, on real commits with two connections."""

import threading
from datetime import date

import time_machine
from django.db import connection

from care.models import CareContact
from care.planning import care_day_plan, care_settings
from servicedesk.outbox.models import OutboxMessage
from tests.care.conftest import morning
from tests.factories import CustomerFactory
from tickets.sla.models import Calendar


def test_two_plans_at_once_make_each_contact_once(committed_db):
    rules = care_settings()
    rules.holiday_calendar = Calendar.objects.get(name="CN working calendar")
    rules.cap_contacts = 5
    rules.save()
    for number in range(30):
        CustomerFactory(birthday=date(1990, 10, 1) if number % 2 else None)
    start = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            start.wait()
            results.append(care_day_plan(today=date(2027, 10, 1)))
        except Exception as error:  # reported below; a thread's exception is otherwise lost
            errors.append(error)
        finally:
            connection.close()

    with time_machine.travel(morning(date(2027, 10, 1)), tick=False):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    # 30 holiday greetings and 15 birthdays, planned by one run; the other found them.
    assert sorted(result.planned for result in results) == [0, 45]
    assert CareContact.objects.count() == 45
    assert OutboxMessage.objects.filter(topic__startswith="care.").count() == 45
