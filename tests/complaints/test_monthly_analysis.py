"""The monthly analysis on a crafted data set whose answers are worked out by hand:
top 3 categories, root causes, recurrence (90 days, same customer and category), trend,
time per stage, month boundaries in Asia/Shanghai."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from complaints import services
from complaints.analysis import Month, monthly_analysis_compute
from complaints.models import ComplaintCategory, MonthlyComplaintAnalysis, Stage
from complaints.tasks import complaint_monthly_analysis_task
from tests.complaints.conftest import content_for
from tests.factories import CustomerFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.fixture
def crafted(agent, team):
    """Sept: 2 product quality. Oct: product quality 4, delivery 3, billing 2, staff 1."""
    names = {c.name_en: c for c in ComplaintCategory.objects.all()}
    quality, delivery, billing, staff, other = (
        names["Product quality"],
        names["Delivery"],
        names["Billing"],
        names["Staff attitude"],
        names["Other"],
    )
    customer_names = ["P", "X", "Q1", "Q2", "R1", "R2", "R3", "W", "Y", "Z2", "N1", "N2"]
    people = {name: CustomerFactory(name=name) for name in customer_names}
    opened = {}

    def open_at(key, moment, category, customer):
        with time_machine.travel(moment, tick=False):
            opened[key] = services.complaint_open(
                actor=agent,
                subject=key,
                severity="routine",
                category=category,
                customer=people[customer],
                team=team,
            )

    def record(key, stage, moment, **content):
        with time_machine.travel(moment, tick=False):
            services.complaint_advance(
                complaint=opened[key],
                actor=agent,
                to=stage,
                content={**content_for(stage), **content},
            )

    open_at("june-billing", at("2026-06-01 10:00"), billing, "P")
    open_at("aug-other", at("2026-08-01 10:00"), other, "X")
    open_at("sep-quality-1", at("2026-09-05 10:00"), quality, "Q1")
    open_at("sep-quality-2", at("2026-09-20 10:00"), quality, "Q2")
    # 00:05 in Shanghai on 1 October is still 30 September in UTC: October's.
    open_at("a1", at("2026-10-01 00:05"), quality, "R1")
    open_at("a2", at("2026-10-10 09:00"), quality, "R2")
    open_at("a3", at("2026-10-12 09:00"), quality, "R3")
    open_at("a4", at("2026-10-20 09:00"), quality, "R1")
    open_at("b1", at("2026-10-04 09:00"), delivery, "W")
    open_at("b2", at("2026-10-06 09:00"), delivery, "Y")
    open_at("b3", at("2026-10-25 09:00"), delivery, "X")
    open_at("c1", at("2026-10-07 09:00"), billing, "P")
    open_at("c2", at("2026-10-31 23:30"), billing, "Z2")
    open_at("d1", at("2026-10-15 09:00"), staff, "N1")
    open_at("d2", at("2026-11-01 00:10"), staff, "N2")

    # Accept after 30 / 90 / 60 / 60 minutes; investigate 120 / 240 / 180 / 180 after that.
    for key, accept_after, investigate_after, cause in [
        ("a1", 30, 120, "product_defect"),
        ("a2", 90, 240, "product_defect"),
        ("a3", 60, 180, "process_gap"),
        ("b1", 60, 180, "logistics"),
    ]:
        start = opened[key].opened_at
        accepted = start + timedelta(minutes=accept_after)
        record(key, Stage.ACCEPT, accepted)
        record(
            key,
            Stage.INVESTIGATE,
            accepted + timedelta(minutes=investigate_after),
            root_cause=cause,
        )
    return names


def test_the_top_three_categories_with_their_counts_and_trend(crafted):
    data = monthly_analysis_compute(Month.parse("2026-10"))
    assert (data["total"], data["previous_total"], data["change"]) == (10, 2, 8)
    top = data["top_categories"]
    assert [(item["name_en"], item["count"]) for item in top] == [
        ("Product quality", 4),
        ("Delivery", 3),
        ("Billing", 2),
    ]
    assert [(item["previous_count"], item["change"], item["change_rate"]) for item in top] == [
        (2, 2, 1.0),
        (0, 3, None),
        (0, 2, None),
    ]
    assert top[0]["share"] == 0.4


def test_recurrence_counts_the_same_customer_in_the_same_category_in_the_previous_90_days(
    crafted,
):
    top = monthly_analysis_compute(Month.parse("2026-10"))["top_categories"]
    rates = {
        item["name_en"]: (item["recurrence_rate"], item["repeat_customer_rate"]) for item in top
    }
    # Quality: R1 came back in the same category (a4); September's complaints were others'.
    assert rates["Product quality"] == (0.25, 0.25)
    # Delivery: X's August complaint (85 days before b3) was in another category: a repeat
    # customer, not a recurrence.
    assert rates["Delivery"] == (0.0, 0.3333)
    # Billing: P's June complaint is 128 days before c1 — outside the window.
    assert rates["Billing"] == (0.0, 0.0)


def test_the_overall_recurrence_and_the_month_boundaries_follow_shanghai_time(crafted):
    data = monthly_analysis_compute(Month.parse("2026-10"))
    assert data["recurrence_rate"] == 0.1
    november = monthly_analysis_compute(Month.parse("2026-11"))
    assert november["total"] == 1
    assert november["previous_total"] == 10


def test_root_causes_found_in_investigation_are_listed_per_category(crafted):
    top = monthly_analysis_compute(Month.parse("2026-10"))["top_categories"]
    assert top[0]["root_causes"] == [
        {"root_cause": "product_defect", "count": 2},
        {"root_cause": "process_gap", "count": 1},
    ]
    assert top[1]["root_causes"] == [{"root_cause": "logistics", "count": 1}]
    assert top[2]["root_causes"] == []


def test_average_time_per_stage_in_minutes(crafted):
    averages = monthly_analysis_compute(Month.parse("2026-10"))["stage_average_minutes"]
    assert averages["accept"] == 60.0
    assert averages["investigate"] == 180.0
    assert averages["negotiate"] is None


def test_the_history_shows_six_months_of_totals(crafted):
    history = monthly_analysis_compute(Month.parse("2026-10"))["history"]
    assert history == [
        {"month": "2026-05", "count": 0},
        {"month": "2026-06", "count": 1},
        {"month": "2026-07", "count": 0},
        {"month": "2026-08", "count": 1},
        {"month": "2026-09", "count": 2},
        {"month": "2026-10", "count": 10},
    ]


def test_the_monthly_task_stores_last_month_once_however_often_it_runs(crafted):
    with time_machine.travel(at("2026-11-01 08:30"), tick=False):
        assert complaint_monthly_analysis_task() == "2026-10"
        complaint_monthly_analysis_task()
    stored = MonthlyComplaintAnalysis.objects.get()
    assert str(stored) == "2026-10"
    assert stored.data["total"] == 10


def test_the_command_stores_any_month(crafted, capsys):
    call_command("complaint_monthly_report", "--month", "2026-09")
    assert MonthlyComplaintAnalysis.objects.get().data["total"] == 2
    assert "2026-09: 2 complaints" in capsys.readouterr().out


def test_the_beat_runs_the_analysis_on_the_first_of_each_month(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["complaints-monthly-analysis"]
    assert entry["task"] == "complaints.tasks.complaint_monthly_analysis_task"
    assert entry["schedule"].day_of_month == {1}
