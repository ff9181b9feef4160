"""After-complaint loyalty on crafted rows whose rates are worked out by hand: the
complaints closed in a month, split by the follow-up's "satisfied", and whether the
customer bought again within 183 days of the close."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from complaints.analysis import Month
from complaints.loyalty import LOYALTY_WINDOW_DAYS, after_complaint_loyalty
from complaints.models import Complaint, ComplaintCategory, Severity, Stage, StageEntry
from customers.models import Purchase
from tests.factories import CustomerFactory, TicketFactory
from tickets.models import Kind

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.fixture
def close_complaint(agent, team):
    category = ComplaintCategory.objects.get(name_en="Product quality")
    orders = iter(range(1, 1000))

    def _close(closed: str, satisfied, *, bought_after_days=None, reopened=False):
        customer = CustomerFactory()
        ticket = TicketFactory(customer=customer, team=team, kind=Kind.COMPLAINT)
        closed_at = at(closed)
        complaint = Complaint.objects.create(
            ticket=ticket,
            severity=Severity.ROUTINE,
            category=category,
            source="phone",
            stage=Stage.CLOSED,
            round=2 if reopened else 1,
            opened_at=closed_at - timedelta(days=5),
            closed_at=closed_at,
        )
        if reopened:
            # The first round's answer is history: the last round's decides.
            StageEntry.objects.create(
                complaint=complaint,
                round=1,
                stage=Stage.FOLLOW_UP,
                actor=agent,
                customer_satisfied=not satisfied,
            )
        if satisfied is not None:
            StageEntry.objects.create(
                complaint=complaint,
                round=complaint.round,
                stage=Stage.FOLLOW_UP,
                actor=agent,
                customer_satisfied=satisfied,
            )
        if bought_after_days is not None:
            Purchase.objects.create(
                customer=customer,
                order_number=f"O-{next(orders)}",
                amount=Decimal("10"),
                purchased_at=closed_at + timedelta(days=bought_after_days),
            )
        return complaint

    return _close


def test_repurchase_rates_split_by_satisfaction_per_close_month(close_complaint):
    # March 2026: satisfied 4, of whom 3 bought again (75 %); not satisfied 4, of whom 1
    # did (25 %); one closed without an answer, who bought (100 %).
    close_complaint("2026-03-02 10:00", True, bought_after_days=10)
    close_complaint("2026-03-05 10:00", True, bought_after_days=100)
    close_complaint("2026-03-10 10:00", True, bought_after_days=LOYALTY_WINDOW_DAYS - 1)
    close_complaint("2026-03-12 10:00", True, bought_after_days=LOYALTY_WINDOW_DAYS + 2)
    close_complaint("2026-03-15 10:00", False, bought_after_days=30)
    close_complaint("2026-03-16 10:00", False)
    close_complaint("2026-03-17 10:00", False, bought_after_days=-3)  # before: not a re-purchase
    close_complaint("2026-03-18 10:00", False, reopened=True, bought_after_days=400)
    close_complaint("2026-03-20 10:00", None, bought_after_days=1)
    # 00:30 on 1 April in Shanghai is still 31 March in UTC: April's cohort.
    close_complaint("2026-04-01 00:30", True)
    # May: 2 satisfied, both bought again.
    close_complaint("2026-05-03 10:00", True, bought_after_days=5)
    close_complaint("2026-05-04 10:00", True, bought_after_days=6)

    months = after_complaint_loyalty(Month.parse("2026-05"), now=at("2026-12-01 12:00"))

    assert [str(row.month) for row in months] == [
        "2025-12",
        "2026-01",
        "2026-02",
        "2026-03",
        "2026-04",
        "2026-05",
    ]
    by_month = {str(row.month): row for row in months}
    march = by_month["2026-03"]
    assert (march.satisfied.complaints, march.satisfied.repurchased) == (4, 3)
    assert march.satisfied.rate == 0.75
    assert (march.unsatisfied.complaints, march.unsatisfied.repurchased) == (4, 1)
    assert march.unsatisfied.rate == 0.25
    assert (march.not_recorded.complaints, march.not_recorded.rate) == (1, 1.0)
    april = by_month["2026-04"]
    assert (april.satisfied.complaints, april.satisfied.rate) == (1, 0.0)
    assert by_month["2026-05"].satisfied.rate == 1.0
    assert by_month["2026-01"].satisfied.rate is None  # no complaints: no rate
    # Windows: March's ended before 1 December (31 March + 183 days = 30 September);
    # May's last close (31 May) + 183 days is 30 November … still before 1 December.
    assert not march.partial
    assert not by_month["2026-05"].partial
    assert after_complaint_loyalty(Month.parse("2026-06"), now=at("2026-12-01 12:00"))[-1].partial


def test_only_closed_complaints_count(close_complaint):
    complaint = close_complaint("2026-03-02 10:00", True, bought_after_days=10)
    Complaint.objects.filter(pk=complaint.pk).update(stage=Stage.FOLLOW_UP)
    months = after_complaint_loyalty(Month.parse("2026-03"), now=at("2026-12-01 12:00"))
    assert months[-1].satisfied.complaints == 0


def test_the_figure_is_one_query(close_complaint, django_assert_num_queries):
    for day in range(1, 6):
        close_complaint(f"2026-03-0{day} 10:00", day % 2 == 0, bought_after_days=day)
    with django_assert_num_queries(1):
        after_complaint_loyalty(Month.parse("2026-03"), now=at("2026-12-01 12:00"))


def test_the_monthly_report_shows_the_rates_with_their_definition(close_complaint, client, manager):
    close_complaint("2026-03-02 10:00", True, bought_after_days=10)
    close_complaint("2026-03-03 10:00", False)
    client.force_login(manager)
    response = client.get("/complaints/monthly/2026-03/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Repurchase after a complaint" in body
    assert '100 % <span class="muted">(1/1)</span>' in body
    assert '0 % <span class="muted">(0/1)</span>' in body
    assert "183 days (six months) after the close" in body
    chinese = client.get("/complaints/monthly/2026-03/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "投诉后复购" in chinese.content.decode()
    assert "结案后 183 天（六个月）内再次购买" in chinese.content.decode()
