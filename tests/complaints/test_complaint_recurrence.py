"""Recurrence that can move: a complaint recurs when the same customer complains again in
the same category within the window (90 days by default, configurable). On crafted data
a fix that halves the repeat complaints halves the rate; each category's share of the
month and its change are reported; the page states the definition in both languages."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from complaints import services
from complaints.analysis import Month, monthly_analysis_compute
from complaints.models import ComplaintCategory
from tests.factories import CustomerFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.fixture
def before_and_after_a_fix(agent, team):
    """February: four customers complain about product quality. March (before the fix):
    those four come back and four new customers complain — half of March recurs. April
    (after the fix): two of them come back among eight — a quarter; one more customer
    complains in another category, which is no recurrence of quality."""
    names = {c.name_en: c for c in ComplaintCategory.objects.all()}
    quality, delivery = names["Product quality"], names["Delivery"]
    people = {}

    def open_at(moment: str, category, customer: str):
        person = people.setdefault(customer, CustomerFactory(name=customer))
        with time_machine.travel(at(moment), tick=False):
            services.complaint_open(
                actor=agent,
                subject=f"{customer} {moment}",
                severity="routine",
                category=category,
                customer=person,
                team=team,
            )

    for name in ("C1", "C2", "C3", "C4"):
        open_at("2026-02-05 10:00", quality, name)
    for name in ("C1", "C2", "C3", "C4", "N1", "N2", "N3", "N4"):
        open_at("2026-03-10 10:00", quality, name)
    for name in ("C1", "C2", "M1", "M2", "M3", "M4", "M5", "M6"):
        open_at("2026-04-14 10:00", quality, name)
    open_at("2026-04-20 10:00", delivery, "N1")


def _quality(data):
    return next(item for item in data["top_categories"] if item["name_en"] == "Product quality")


def test_a_fix_that_halves_the_repeat_complaints_halves_the_recurrence_rate(
    before_and_after_a_fix,
):
    march = monthly_analysis_compute(Month.parse("2026-03"))
    april = monthly_analysis_compute(Month.parse("2026-04"))
    # Before: "same customer or same category" made every quality complaint recur (100 %).
    assert (_quality(march)["recurrent"], _quality(march)["recurrence_rate"]) == (4, 0.5)
    assert (_quality(april)["recurrent"], _quality(april)["recurrence_rate"]) == (2, 0.25)
    assert april["recurrence_rate"] == round(2 / 9, 4)
    assert march["recurrence_window_days"] == 90


def test_the_same_customer_in_another_category_is_a_repeat_customer_not_a_recurrence(
    before_and_after_a_fix,
):
    april = monthly_analysis_compute(Month.parse("2026-04"))
    delivery = next(item for item in april["categories"] if item["name_en"] == "Delivery")
    assert (delivery["recurrence_rate"], delivery["repeat_customer_rate"]) == (0.0, 1.0)


def test_the_recurrence_window_is_configurable(before_and_after_a_fix, settings):
    # February 5 to March 10 is 33 days: within 90 days, outside 30.
    settings.COMPLAINT_RECURRENCE_WINDOW_DAYS = 30
    march = monthly_analysis_compute(Month.parse("2026-03"))
    assert (_quality(march)["recurrence_rate"], march["recurrence_window_days"]) == (0.0, 30)


def test_each_category_reports_its_share_of_the_month_and_its_change(before_and_after_a_fix):
    april = monthly_analysis_compute(Month.parse("2026-04"))
    shares = {
        item["name_en"]: (
            item["count"],
            item["share"],
            item["previous_count"],
            item["previous_share"],
            item["share_change"],
        )
        for item in april["categories"]
    }
    assert shares == {
        "Product quality": (8, 0.8889, 8, 1.0, -0.1111),
        "Delivery": (1, 0.1111, 0, 0.0, 0.1111),
    }
    assert _quality(april)["share_change"] == -0.1111


@pytest.mark.parametrize(
    ("language", "definition", "share_heading"),
    [
        (
            "en",
            "a complaint recurs when the same customer already complained in the same category"
            " in the 90 days before it was received",
            "Every category: share of the month",
        ),
        ("zh-CN,zh;q=0.9", "同一客户在受理前 90 天内已就同一类别投诉过", "各类别占当月比例"),
    ],
)
def test_the_monthly_page_states_the_recurrence_definition_in_both_languages(
    client, supervisor, before_and_after_a_fix, settings, language, definition, share_heading
):
    call_command("compilemessages_portable", verbosity=0)
    settings.LOCALE_PATHS = list(settings.LOCALE_PATHS)  # resets Django's translation caches
    client.force_login(supervisor)
    response = client.get(
        reverse("complaints:monthly", args=["2026-04"]), HTTP_ACCEPT_LANGUAGE=language
    )
    html = response.content.decode()
    assert definition in html
    assert share_heading in html
    assert html.count('class="category-share"') == 2
