"""The care plan run every morning across a year (time-machine): birthdays (29 February
too), holidays from the SLA calendar's data, the frequency cap and the opt-out."""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction

from care.models import CareContact, CareDelivery, CareKind, CareStatus, SkipReason
from care.planning import care_day_plan, care_settings
from customers.models import Purchase
from customers.services import customer_care_opt_out
from servicedesk.outbox.models import OutboxMessage
from staff.models import Role
from tests.care.conftest import morning
from tests.factories import CustomerFactory, TeamFactory, UserFactory
from tickets.sla.models import Calendar, CalendarException, ExceptionKind

# The CN calendar's holiday periods of 2027 as the `holidays` package lists them (each
# greeted on its first day; a break across a weekend is one period), plus a manual holiday
# the test adds to the calendar on Tuesday 20 July.
HOLIDAYS_2027 = [
    date(2027, 1, 1),  # New Year's Day
    date(2027, 2, 5),  # Chinese New Year's Eve, the Spring Festival break to 10 February
    date(2027, 4, 5),  # Tomb-Sweeping Day
    date(2027, 5, 1),  # Labour Day, to 4 May
    date(2027, 6, 9),  # Dragon Boat Festival
    date(2027, 7, 20),  # the calendar's own exception
    date(2027, 9, 15),  # Mid-Autumn Festival
    date(2027, 10, 1),  # National Day, to 5 October
]


def days_of(year: int):
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += timedelta(days=1)


@pytest.fixture(scope="module")
def year_of_care(django_db_setup, django_db_blocker):
    """One year of daily runs, shared by this module's tests (a year takes a while) and
    rolled back at the end: each test runs in a savepoint inside this transaction."""
    with django_db_blocker.unblock(), transaction.atomic():
        rules = care_settings()
        rules.care_team = TeamFactory(name="Care")
        calendar = Calendar.objects.get(name="CN working calendar")
        CalendarException.objects.create(
            calendar=calendar, date=date(2027, 7, 20), kind=ExceptionKind.HOLIDAY
        )
        calendar.save()  # a new revision: the built calendar is rebuilt with the exception
        rules.holiday_calendar = calendar
        rules.cap_contacts, rules.cap_days = 2, 30
        rules.save()
        people = {
            "leap": CustomerFactory(name="闰年", birthday=date(2000, 2, 29)),
            "march": CustomerFactory(name="Mar", birthday=date(1990, 3, 15), language="en"),
            # Birthday the day after the Spring Festival greeting: the cap's test case.
            "busy": CustomerFactory(name="Busy", birthday=date(1985, 2, 6)),
            "out": CustomerFactory(name="Out", birthday=date(1980, 5, 20)),
            "silent": CustomerFactory(name="No mail", email="", birthday=date(1970, 8, 8)),
        }
        Purchase.objects.create(
            customer=people["busy"],
            order_number="A-1",
            amount=Decimal("100"),
            purchased_at=morning(date(2027, 1, 10)),
        )
        manager = UserFactory(username="care-manager", role=Role.MANAGER)
        with time_machine.travel(morning(date(2026, 12, 1)), tick=False):
            customer_care_opt_out(customer=people["out"], actor=manager, reason="Asked by phone")
        results = []
        for day in days_of(2027):
            with time_machine.travel(morning(day), tick=False):
                results.append(care_day_plan())
        yield people, results
        transaction.set_rollback(True)


@pytest.fixture
def year(year_of_care, db):
    return year_of_care


def test_birthday_on_29_february_is_greeted_on_28_february_in_a_year_without_it(year):
    people, _results = year
    greeting = CareContact.objects.get(customer=people["leap"], kind=CareKind.BIRTHDAY)
    assert (greeting.planned_on, greeting.status) == (date(2027, 2, 28), CareStatus.SENT)
    assert greeting.occasion == "birthday:2027"


def test_holidays_follow_the_calendar_data_on_the_first_day_of_each_break(year):
    people, _results = year
    greeted = sorted(
        CareContact.objects.filter(customer=people["march"], kind=CareKind.HOLIDAY).values_list(
            "planned_on", flat=True
        )
    )
    assert greeted == HOLIDAYS_2027


def test_no_customer_gets_more_than_two_contacts_in_any_30_days(year):
    people, _results = year
    made = defaultdict(list)
    for customer_id, day in CareContact.objects.exclude(status=CareStatus.SKIPPED).values_list(
        "customer", "planned_on"
    ):
        made[customer_id].append(day)
    for days in made.values():
        days.sort()
        for index in range(len(days) - 2):
            # Any third contact falls 30 days or more after the first of the three.
            assert (days[index + 2] - days[index]).days >= 30
    # Busy: the Spring Festival greeting (5 February) and the birthday (6 February) fill
    # the 30 days, so the return visit after the purchase of 10 January (9 February) is
    # recorded as skipped by the cap, not dropped.
    busy = {
        contact.kind: contact
        for contact in CareContact.objects.filter(
            customer=people["busy"], planned_on__range=(date(2027, 2, 1), date(2027, 2, 28))
        )
    }
    assert busy[CareKind.HOLIDAY].status == CareStatus.SENT
    assert busy[CareKind.BIRTHDAY].status == CareStatus.SENT
    visit = busy[CareKind.PURCHASE_RETURN]
    assert (visit.planned_on, visit.status, visit.skip_reason) == (
        date(2027, 2, 9),
        CareStatus.SKIPPED,
        SkipReason.CAPPED,
    )


def test_opted_out_customers_get_nothing_and_each_skip_is_recorded(year):
    people, _results = year
    out = CareContact.objects.filter(customer=people["out"])
    assert out.count() == len(HOLIDAYS_2027) + 1  # holidays and the birthday
    assert set(out.values_list("status", "skip_reason")) == {
        (CareStatus.SKIPPED, SkipReason.OPTED_OUT)
    }
    assert not OutboxMessage.objects.filter(recipient=people["out"].email).exists()


def test_a_message_without_an_address_is_skipped_with_the_reason(year):
    people, _results = year
    skipped = CareContact.objects.filter(customer=people["silent"])
    assert set(skipped.values_list("skip_reason", flat=True)) == {SkipReason.NO_ADDRESS}


def test_messages_go_out_in_the_customers_language(year):
    people, _results = year
    english = OutboxMessage.objects.get(
        recipient=people["march"].email, topic="care.holiday", subject__contains="New Year's Day"
    )
    assert english.subject == "Season's greetings: New Year's Day"
    assert english.body.startswith("Dear Mar,")
    chinese = OutboxMessage.objects.get(recipient=people["leap"].email, topic="care.birthday")
    assert chinese.subject == "闰年，生日快乐！"
    spring = OutboxMessage.objects.get(
        recipient=people["leap"].email, topic="care.holiday", created_at__date=date(2027, 2, 5)
    )
    assert spring.subject == "节日问候：农历除夕"
    assert set(
        CareContact.objects.filter(customer=people["leap"]).values_list("delivery", flat=True)
    ) == {CareDelivery.MESSAGE}
