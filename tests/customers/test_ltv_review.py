"""The quarterly lifetime-value review [S0 §03]: proposals up and down with their reason,
the SQL against a Python reference, the Pareto view on known data [S2 §4.1.2], bulk
approve (applied through the audited level change) and reject, refusals that write
nothing, one winner among concurrent deciders, the page's fixed query count, the API and
the beat job."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from customers.ltv import (
    APPROVE,
    REJECT,
    ltv_proposals_decide,
    ltv_review_compute,
    proposal_reason,
    quarter_of,
)
from customers.membership import customer_change_level
from customers.models import (
    CustomerAction,
    CustomerEvent,
    LevelProposal,
    LtvReview,
    MembershipLevel,
    ProposalState,
    Purchase,
)
from servicedesk.api.scopes import Scope
from servicedesk.api.services import api_token_issue
from servicedesk.exceptions import ConflictError
from tests.concurrency import in_parallel
from tests.factories import CustomerFactory
from tests.nothing_written import nothing_written

# Quarter start (Asia/Shanghai): the review of 2026-Q3 counts purchases before it.
AT = datetime(2026, 7, 1, 2, 0, tzinfo=ZoneInfo("UTC"))
REVIEW_PAGE = reverse("customers:ltv_review")
PROPOSALS = "/api/v1/ltv-proposals/"


def level(code):
    return MembershipLevel.objects.get(code=code)


def buy(customer, amount: str, *, n: int = 1, currency="CNY", days_ago: int = 30):
    for _ in range(n):
        number = Purchase.objects.filter(customer=customer).count() + 1
        Purchase.objects.create(
            customer=customer,
            order_number=f"L-{customer.pk}-{number}",
            amount=Decimal(amount),
            currency=currency,
            purchased_at=AT - timedelta(days=days_ago),
        )


def on_level(code, actor, **fields):
    customer = CustomerFactory(**fields)
    if code is None:
        return customer
    return customer_change_level(customer=customer, level=level(code), actor=actor, reason="set")


@pytest.fixture
def population(manager):
    """Default thresholds: silver from 5,000, gold from 20,000, platinum from 50,000 CNY."""
    rising = on_level(None, manager, name="Rising")
    buy(rising, "5000.00", n=5)  # 25,000: standard → gold
    fading = on_level("gold", manager, name="Fading")
    buy(fading, "3000.00")  # 3,000: gold → standard
    steady = on_level("silver", manager, name="Steady")
    buy(steady, "6000.00")  # 6,000: silver stays
    quiet = on_level(None, manager, name="Quiet")  # nothing bought: stays standard
    abroad = on_level(None, manager, name="Abroad")
    buy(abroad, "90000.00", currency="USD")  # not the rule's currency: stays standard
    late = on_level(None, manager, name="Late")
    buy(late, "60000.00", days_ago=-1)  # bought after the review's moment: not counted
    return {
        "rising": rising,
        "fading": fading,
        "steady": steady,
        "quiet": quiet,
        "abroad": abroad,
        "late": late,
    }


def proposals_by_name(review):
    return {
        p.customer.name: (p.from_level.code, p.to_level.code, p.lifetime_value)
        for p in LevelProposal.objects.filter(review=review).select_related(
            "customer", "from_level", "to_level"
        )
    }


def test_the_review_proposes_moves_up_and_down_with_the_reason(population, manager):
    review = ltv_review_compute(actor=manager, at=AT)
    assert review.quarter == "2026-Q3"
    assert proposals_by_name(review) == {
        "Rising": ("standard", "gold", Decimal("25000.00")),
        "Fading": ("gold", "standard", Decimal("3000.00")),
    }
    up = LevelProposal.objects.get(customer=population["rising"])
    down = LevelProposal.objects.get(customer=population["fading"])
    assert proposal_reason(up) == (
        "Lifetime-value review Q3 2026: lifetime value 25,000.00 CNY reaches Gold (from 20,000.00)."
    )
    assert proposal_reason(down) == (
        "Lifetime-value review Q3 2026: lifetime value 3,000.00 CNY is below Gold (from 20,000.00)."
    )
    assert (up.is_upgrade, down.is_upgrade, review.proposals_count) == (True, False, 2)


def test_the_sql_agrees_with_the_ladder_written_in_python(population, manager):
    for number in range(12):
        buy(on_level(None, manager, name=f"Extra {number}"), f"{number * 4999}.50")
    review = ltv_review_compute(actor=manager, at=AT)
    levels = list(MembershipLevel.objects.order_by("-rank"))
    expected = {}
    for customer in population["rising"].__class__.objects.all():
        value = sum(
            (
                p.amount
                for p in Purchase.objects.filter(customer=customer, currency="CNY")
                if p.purchased_at < AT
            ),
            Decimal(0),
        )
        earned = next(lv for lv in levels if lv.min_lifetime_value <= value)
        current = customer.membership_level or levels[-1]
        if earned != current:
            expected[customer.name] = (current.code, earned.code, value)
    assert proposals_by_name(review) == expected


def test_the_pareto_view_on_known_revenue(manager):
    # Ten customers: 1,000 and 500, then eight of 100. The top 20 % (2) bring 1,500 of
    # 2,300 = 65.2 %.
    for amount in ("1000", "500", *["100"] * 8):
        buy(CustomerFactory(), amount)
    review = ltv_review_compute(actor=manager, at=AT)
    assert (review.customers_count, review.top_customers_count) == (10, 2)
    assert (review.revenue_total, review.top_revenue) == (Decimal("2300.00"), Decimal("1500.00"))
    assert review.top_share_percent == Decimal("65.2")


def test_approval_applies_the_level_through_the_audited_change(population, manager):
    review = ltv_review_compute(actor=manager, at=AT)
    ids = list(LevelProposal.objects.filter(review=review).values_list("pk", flat=True))
    ltv_proposals_decide(proposal_ids=ids, decision=APPROVE, actor=manager, note="Q3 ok")

    rising, fading = (population[name] for name in ("rising", "fading"))
    rising.refresh_from_db()
    fading.refresh_from_db()
    assert (rising.membership_level.code, fading.membership_level.code) == ("gold", "standard")
    event = CustomerEvent.objects.filter(
        customer=rising, action=CustomerAction.LEVEL_CHANGED
    ).latest("pk")
    assert (event.actor, event.changes) == (manager, {"membership_level": ["standard", "gold"]})
    assert event.reason.startswith("Lifetime-value review Q3 2026: lifetime value 25,000.00")
    assert set(
        LevelProposal.objects.filter(review=review).values_list(
            "state", "decided_by", "decision_note"
        )
    ) == {(ProposalState.APPROVED, manager.pk, "Q3 ok")}


def test_bulk_reject_changes_no_level(population, manager):
    review = ltv_review_compute(actor=manager, at=AT)
    ids = list(LevelProposal.objects.filter(review=review).values_list("pk", flat=True))
    events = CustomerEvent.objects.count()
    ltv_proposals_decide(proposal_ids=ids, decision=REJECT, actor=manager)
    assert CustomerEvent.objects.count() == events
    population["rising"].refresh_from_db()
    assert population["rising"].membership_level is None
    assert set(LevelProposal.objects.values_list("state", flat=True)) == {ProposalState.REJECTED}


def test_deciding_twice_or_a_stale_proposal_is_refused_and_writes_nothing(population, manager):
    review = ltv_review_compute(actor=manager, at=AT)
    up = LevelProposal.objects.get(review=review, customer=population["rising"])
    down = LevelProposal.objects.get(review=review, customer=population["fading"])
    ltv_proposals_decide(proposal_ids=[up.pk], decision=REJECT, actor=manager)
    with nothing_written(), pytest.raises(ConflictError, match="Already decided"):
        ltv_proposals_decide(proposal_ids=[up.pk, down.pk], decision=APPROVE, actor=manager)
    # The customer's level moved by hand since the review: its proposal is stale.
    customer_change_level(
        customer=population["fading"], level=level("silver"), actor=manager, reason="by hand"
    )
    with nothing_written(), pytest.raises(ConflictError, match="changed since the review"):
        ltv_proposals_decide(proposal_ids=[down.pk], decision=APPROVE, actor=manager)


def test_a_new_quarter_supersedes_undecided_proposals_and_a_quarter_runs_once(population, manager):
    first = ltv_review_compute(actor=manager, at=AT)
    assert ltv_review_compute(actor=None, at=AT + timedelta(days=1)) == first  # same quarter
    assert LtvReview.objects.count() == 1
    later = ltv_review_compute(actor=None, at=AT + timedelta(days=92))
    assert later.quarter == "2026-Q4"
    assert set(LevelProposal.objects.filter(review=first).values_list("state", flat=True)) == {
        ProposalState.SUPERSEDED
    }
    assert LevelProposal.objects.filter(review=later, state=ProposalState.PENDING).count() == 3


def test_quarters_are_read_in_the_sites_time_zone():
    # 1 July 02:00 in Shanghai is still 30 June in UTC.
    assert quarter_of(datetime(2026, 6, 30, 18, 0, tzinfo=ZoneInfo("UTC"))) == "2026-Q3"
    assert quarter_of(datetime(2026, 12, 31, 15, 59, tzinfo=ZoneInfo("UTC"))) == "2026-Q4"


@pytest.mark.parametrize("proposal_count", [1, 30])
def test_the_review_page_costs_the_same_queries_for_1_or_30_proposals(
    client, manager, proposal_count, django_assert_num_queries
):
    for _ in range(proposal_count):
        buy(CustomerFactory(), "6000")
    ltv_review_compute(actor=manager, at=AT)
    client.force_login(manager)
    # session, user, the user's and the groups' permissions (2), the latest review, the
    # proposals' count and their page (one join): 7, for any number of proposals.
    with django_assert_num_queries(7):
        response = client.get(REVIEW_PAGE)
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == proposal_count
    assert b"The top 20 % of customers" in response.content


def test_the_page_is_for_managers_only(client, agent, supervisor):
    for user in (agent, supervisor):
        client.force_login(user)
        assert client.get(REVIEW_PAGE).status_code == 403


def test_a_manager_approves_the_chosen_proposals_on_the_page(client, population, manager):
    review = ltv_review_compute(actor=manager, at=AT)
    up = LevelProposal.objects.get(review=review, customer=population["rising"])
    client.force_login(manager)
    response = client.post(
        REVIEW_PAGE, {"review": review.pk, "proposals": [up.pk], "decision": "approve"}
    )
    assert response.status_code == 302
    population["rising"].refresh_from_db()
    assert population["rising"].membership_level.code == "gold"
    # Deciding it again: 409 with the message on the page, nothing written.
    with nothing_written():
        again = client.post(
            REVIEW_PAGE, {"review": review.pk, "proposals": [up.pk], "decision": "reject"}
        )
    assert again.status_code == 409
    assert "Already decided" in again.content.decode()


def test_the_page_in_chinese(client, population, manager):
    ltv_review_compute(actor=manager, at=AT)
    client.force_login(manager)
    body = client.get(REVIEW_PAGE, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for chinese in ("客户终身价值评审", "帕累托", "黄金会员", "批准所选"):
        assert chinese in body


def api_for(user):
    _token, secret = api_token_issue(user=user, name="crm", scopes=list(Scope.values))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_the_api_lists_and_decides_in_bulk(population, manager, agent):
    review = ltv_review_compute(actor=manager, at=AT)
    api = api_for(manager)
    listed = api.get(PROPOSALS, {"review": review.pk, "state": "pending"})
    assert listed.status_code == 200
    rows = listed.json()["results"]
    assert {(row["from_level"], row["to_level"]) for row in rows} == {
        ("standard", "gold"),
        ("gold", "standard"),
    }
    ids = [row["id"] for row in rows]
    decided = api.post(
        f"{PROPOSALS}decide/", {"proposals": ids, "decision": "reject"}, format="json"
    )
    assert decided.status_code == 200
    assert {row["state"] for row in decided.json()} == {"rejected"}
    with nothing_written():
        again = api.post(
            f"{PROPOSALS}decide/", {"proposals": ids, "decision": "approve"}, format="json"
        )
        unknown = api.post(
            f"{PROPOSALS}decide/", {"proposals": [999999], "decision": "approve"}, format="json"
        )
        bad = api.post(
            f"{PROPOSALS}decide/", {"proposals": ids, "decision": "maybe"}, format="json"
        )
    assert again.status_code == 409
    assert (unknown.status_code, list(unknown.json()["fields"])) == (400, ["proposals"])
    assert (bad.status_code, list(bad.json()["fields"])) == (400, ["decision"])
    assert api_for(agent).get(PROPOSALS).status_code == 403


def test_concurrent_deciders_one_wins(committed_db, manager):
    customer = CustomerFactory()
    buy(customer, "25000")
    review = ltv_review_compute(actor=manager, at=AT)
    proposal = LevelProposal.objects.get(review=review)
    api = api_for(manager)
    statuses = in_parallel(
        lambda: (
            api.post(
                f"{PROPOSALS}decide/",
                {"proposals": [proposal.pk], "decision": "approve"},
                format="json",
            ).status_code
        ),
        workers=3,
    )
    assert sorted(statuses) == [200, 409, 409]
    assert (
        CustomerEvent.objects.filter(customer=customer, action=CustomerAction.LEVEL_CHANGED).count()
        == 1
    )


def test_beat_runs_the_review_at_quarter_start_through_its_task(population, settings):
    from customers.tasks import ltv_review_compute_task
    from servicedesk.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["customers-ltv-review"]
    assert entry["task"] in app.tasks
    assert entry["schedule"].month_of_year == {1, 4, 7, 10}
    assert entry["schedule"].day_of_month == {1}
    with time_machine.travel(AT, tick=False):
        first = ltv_review_compute_task()
        assert ltv_review_compute_task() == first  # safe to run twice
    assert LtvReview.objects.get().proposals_count == 2
