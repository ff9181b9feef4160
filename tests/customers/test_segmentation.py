"""Value segmentation important / general / potential [S1 §5.1]: a crafted population with
known classes, the SQL's points against a Python reference, the audit and the SLA re-plan
of customers who moved, and a fixed number of statements whatever the population."""

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from customers.models import (
    Customer,
    CustomerAction,
    CustomerEvent,
    CustomerSegment,
    Purchase,
    Tier,
)
from customers.segmentation import customer_segments_compute, segmentation_rule
from customers.selectors import customer_segment_explanation
from tests.factories import CustomerFactory
from tickets import services as tickets
from tickets.models import Channel
from tickets.sla.defaults import ALWAYS_OPEN_CALENDAR
from tickets.sla.models import Calendar, Clock, Metric, Policy, Target

AT = datetime(2026, 6, 30, 12, 0, tzinfo=ZoneInfo("UTC"))


def customer_since(name: str, days: int, tier: str = Tier.GENERAL) -> Customer:
    customer = CustomerFactory(name=name, tier=tier)
    Customer.objects.filter(pk=customer.pk).update(created_at=AT - timedelta(days=days))
    return customer


def buy(customer, *, days_ago: float, amount: str, currency: str = "CNY", n: int = 1):
    for _ in range(n):
        number = Purchase.objects.filter(customer=customer).count() + 1
        Purchase.objects.create(
            customer=customer,
            order_number=f"O-{customer.pk}-{number}",
            amount=Decimal(amount),
            currency=currency,
            purchased_at=AT - timedelta(days=days_ago),
        )


@pytest.fixture
def population(db):
    """Default rule: 365-day window; full marks 10,000 CNY (35 points), 12 orders (20),
    last purchase today (20), 730 days' tenure (10), 5 repeat purchases (15); important
    from 60 points, general from 20."""
    loyal = customer_since("Loyal big spender", 800, tier=Tier.POTENTIAL)
    buy(loyal, days_ago=1, amount="1000.00", n=12)  # 19.95+35+20+10+15 = 99.95
    newcomer = customer_since("Two orders", 100)
    buy(newcomer, days_ago=50, amount="1500.00")
    buy(newcomer, days_ago=10, amount="1500.00")  # 19.45+10.50+3.33+1.37+3.00 = 37.65
    browser = customer_since("Never bought", 30, tier=Tier.IMPORTANT)  # 0.41
    lapsed = customer_since("Lapsed regular", 1000, tier=Tier.IMPORTANT)
    buy(lapsed, days_ago=700, amount="5000.00", n=20)  # tenure 10 + repeat 15 = 25
    abroad = customer_since("Pays in pounds", 10)
    buy(abroad, days_ago=5, amount="9000.00", currency="GBP", n=3)
    # 19.73 + 0 spend (other currency) + 5.00 + 0.14 + 6.00 = 30.87
    return {
        "loyal": loyal,
        "newcomer": newcomer,
        "browser": browser,
        "lapsed": lapsed,
        "abroad": abroad,
    }


def test_a_crafted_population_falls_into_its_known_classes(population, manager):
    run = customer_segments_compute(actor=manager, at=AT)

    classes = {
        name: CustomerSegment.objects.get(customer=customer).segment
        for name, customer in population.items()
    }
    assert classes == {
        "loyal": Tier.IMPORTANT,
        "newcomer": Tier.GENERAL,
        "browser": Tier.POTENTIAL,
        "lapsed": Tier.GENERAL,  # loyalty alone (tenure, repeat purchases) keeps them general
        "abroad": Tier.GENERAL,
    }
    scores = {
        name: CustomerSegment.objects.get(customer=customer).score
        for name, customer in population.items()
    }
    assert scores == {
        "loyal": Decimal("99.95"),
        "newcomer": Decimal("37.65"),
        "browser": Decimal("0.41"),
        "lapsed": Decimal("25.00"),
        "abroad": Decimal("30.87"),
    }
    assert (run.customers_classified, run.customers_moved) == (5, 3)
    tiers = dict(Customer.objects.values_list("name", "tier"))
    assert tiers["Loyal big spender"] == Tier.IMPORTANT
    assert tiers["Never bought"] == Tier.POTENTIAL
    assert tiers["Lapsed regular"] == Tier.GENERAL


def _reference_points(customer, rule) -> dict[str, Decimal]:
    """The rule written out in Python over the ORM's rows, to check the SQL."""
    window_start = AT - timedelta(days=rule.window_days)
    bought = list(Purchase.objects.filter(customer=customer, purchased_at__lte=AT))
    in_window = [p for p in bought if p.purchased_at >= window_start]
    spend = sum((p.amount for p in in_window if p.currency == rule.currency), Decimal(0))
    first_seen = min([customer.created_at, *(p.purchased_at for p in bought)])
    tenure_days = max(0, (AT - first_seen).days)
    total = Decimal(
        rule.recency_weight
        + rule.spend_weight
        + rule.frequency_weight
        + rule.tenure_weight
        + rule.repeat_weight
    )

    def points(weight, fraction):
        value = Decimal(100) * weight / total * min(Decimal(1), Decimal(fraction))
        return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    recency = (
        max(
            Decimal(0),
            1 - Decimal((AT - max(p.purchased_at for p in in_window)).days) / rule.window_days,
        )
        if in_window
        else 0
    )
    return {
        "recency_points": points(rule.recency_weight, recency),
        "spend_points": points(rule.spend_weight, spend / rule.spend_full_marks),
        "frequency_points": points(
            rule.frequency_weight, Decimal(len(in_window)) / rule.orders_full_marks
        ),
        "tenure_points": points(
            rule.tenure_weight, Decimal(tenure_days) / rule.tenure_full_marks_days
        ),
        "repeat_points": points(
            rule.repeat_weight, Decimal(max(len(bought) - 1, 0)) / rule.repeat_full_marks
        ),
    }


def test_the_sql_agrees_with_the_rule_written_in_python_under_other_weights(population):
    rule = segmentation_rule()
    rule.window_days = 90
    rule.spend_weight, rule.tenure_weight, rule.repeat_weight = 50, 0, 7
    rule.orders_full_marks = 3
    rule.save()
    customer_segments_compute(actor=None, at=AT)
    for customer in Customer.objects.all():
        segment = CustomerSegment.objects.get(customer=customer)
        expected = _reference_points(customer, rule)
        got = {name: getattr(segment, name) for name in expected}
        assert got == expected, customer.name
        assert segment.score == sum(expected.values())


def test_thresholds_are_the_rules(population):
    rule = segmentation_rule()
    rule.important_min_score = 30  # "Pays in pounds" (30.87) and "Two orders" become important
    rule.save()
    customer_segments_compute(actor=None, at=AT)
    assert set(
        CustomerSegment.objects.filter(segment=Tier.IMPORTANT).values_list(
            "customer__name", flat=True
        )
    ) == {"Loyal big spender", "Two orders", "Pays in pounds"}


def test_each_move_is_audited_with_actor_before_after_and_score(population, manager):
    customer_segments_compute(actor=manager, at=AT)
    event = CustomerEvent.objects.get(customer=population["loyal"])
    assert (event.action, event.actor, event.changes) == (
        CustomerAction.TIER_CHANGED,
        manager,
        {"tier": ["potential", "important"]},
    )
    assert event.reason == "Value segmentation: score 99.95"
    population["loyal"].refresh_from_db()
    assert population["loyal"].version == 2
    # Customers already in their class are left alone: no event, no new version.
    assert not CustomerEvent.objects.filter(customer=population["newcomer"]).exists()


def test_a_second_run_moves_nobody(population):
    customer_segments_compute(actor=None, at=AT)
    again = customer_segments_compute(actor=None, at=AT + timedelta(seconds=1))
    assert again.customers_moved == 0
    assert CustomerEvent.objects.count() == 3


def test_the_run_costs_the_same_statements_for_3_or_30_customers(
    population, django_assert_num_queries
):
    segmentation_rule()  # created on first use
    # rule, run insert, compute, apply, run update, the SLA engine's select of the moved
    # customers' open tickets, and two savepoints with their releases: for any population.
    with django_assert_num_queries(6 + 4) as few:
        customer_segments_compute(actor=None, at=AT)
    for number in range(27):
        buy(customer_since(f"Extra {number}", 400, tier=Tier.POTENTIAL), days_ago=3, amount="20000")
    with django_assert_num_queries(len(few.captured_queries)):
        run = customer_segments_compute(actor=None, at=AT + timedelta(seconds=1))
    assert run.customers_moved == 27


def test_the_profile_explains_the_class_by_its_inputs(population):
    customer_segments_compute(actor=None, at=AT)
    customer = Customer.objects.select_related("segment__run").get(pk=population["lapsed"].pk)
    explanation = customer_segment_explanation(customer)
    assert explanation.segment.segment == Tier.GENERAL
    assert explanation.threshold == 20
    assert [(item.label, item.points) for item in explanation.deciding] == [
        ("Repeat purchases", Decimal("15.00")),
        ("Tenure (days)", Decimal("10.00")),
    ]
    assert [item.max_points for item in explanation.inputs] == [
        Decimal(20),
        Decimal(35),
        Decimal(20),
        Decimal(10),
        Decimal(15),
    ]


def test_a_customer_never_classified_has_no_explanation(customer):
    assert customer_segment_explanation(customer) is None


@pytest.fixture
def important_customers_resolved_in_4_hours(db):
    policy = Policy.objects.create(
        name="Important customers", tier=Tier.IMPORTANT, complexity="simple"
    )
    Target.objects.create(
        policy=policy,
        metric=Metric.RESOLUTION,
        duration=4,
        unit="hours",
        calendar=Calendar.objects.get(name=ALWAYS_OPEN_CALENDAR),
    )


def test_a_customer_the_run_makes_important_gets_the_stricter_sla_on_open_tickets(
    important_customers_resolved_in_4_hours, population, agent, team
):
    with time_machine.travel(AT, tick=False):
        ticket = tickets.ticket_create(
            actor=agent,
            subject="Vacuum stopped",
            channel=Channel.EMAIL,
            team=team,
            customer=population["loyal"],
        )
        clock = Clock.objects.get(ticket=ticket, metric=Metric.RESOLUTION, cycle=1)
        assert clock.due_at == AT + timedelta(hours=24)  # a potential customer today
        customer_segments_compute(actor=None, at=AT)
    clock.refresh_from_db()
    assert clock.due_at == AT + timedelta(hours=4)
    assert clock.policy_name == "Important customers"


def test_beat_runs_the_segmentation_nightly_through_its_task(population, settings):
    from customers.tasks import customer_segments_compute_task
    from servicedesk.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["customers-segmentation"]
    assert entry["task"] in app.tasks
    assert entry["options"]["expire_seconds"] < 24 * 3600
    with time_machine.travel(AT, tick=False):
        assert customer_segments_compute_task() == 3
        assert customer_segments_compute_task() == 0  # safe to run twice
