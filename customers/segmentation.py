"""Value segmentation important / general / potential [S1 §5.1], for all customers at once.

Each customer earns points for five inputs over the rule's window (segmentation rule,
edited in the admin): recency of the last purchase, spend, number of orders, tenure and
repeat purchases. An input's points are its weight's share of 100 times how far it got
towards its full marks (capped at 1); the sum is the score, and the thresholds turn it
into a class. Absolute full marks rather than percentiles: a customer's class then depends
on what they did, not on how the rest of the population moved, and reads as a sentence.

The whole computation is one INSERT … SELECT over purchases grouped by customer (never a
customer in Python), and applying the classes is one data-modifying statement that moves
the changed tiers, bumps their versions and writes their audit events.
"""

from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Customer, CustomerAction, SegmentationRule, SegmentationRun
from .signals import customers_tier_changed

SEGMENTATION_REASON = _("Value segmentation: score %(score)s")

# Hand-built SQL: INSERT … SELECT … ON CONFLICT over an aggregate is not expressible in
# the ORM; tests/customers/test_segmentation.py compares its answer with Python's.
_COMPUTE = """
WITH bought AS (
    SELECT customer_id,
           MAX(purchased_at) FILTER (WHERE purchased_at >= %(window_start)s) AS last_purchase_at,
           COALESCE(SUM(amount) FILTER (
               WHERE purchased_at >= %(window_start)s AND currency = %(currency)s), 0) AS spend,
           COUNT(*) FILTER (WHERE purchased_at >= %(window_start)s) AS orders,
           COUNT(*) AS lifetime_orders,
           MIN(purchased_at) AS first_purchase_at
      FROM customers_purchase
     WHERE purchased_at <= %(at)s
     GROUP BY customer_id
), inputs AS (
    SELECT c.id AS customer_id,
           b.last_purchase_at,
           FLOOR(EXTRACT(EPOCH FROM (%(at)s - b.last_purchase_at)) / 86400)::int AS recency_days,
           COALESCE(b.spend, 0) AS spend,
           COALESCE(b.orders, 0) AS orders,
           GREATEST(0, FLOOR(EXTRACT(EPOCH FROM (
               %(at)s - LEAST(c.created_at, COALESCE(b.first_purchase_at, c.created_at))
           )) / 86400))::int AS tenure_days,
           GREATEST(COALESCE(b.lifetime_orders, 0) - 1, 0) AS repeat_purchases
      FROM customers_customer c
      LEFT JOIN bought b ON b.customer_id = c.id
), points AS (
    SELECT customer_id, last_purchase_at, recency_days, spend, orders, tenure_days,
           repeat_purchases,
           ROUND(%(recency_share)s * CASE WHEN recency_days IS NULL THEN 0
                 ELSE GREATEST(0, 1 - recency_days::numeric / %(window_days)s) END, 2)
               AS recency_points,
           ROUND(%(spend_share)s * LEAST(1, spend / %(spend_full)s), 2) AS spend_points,
           ROUND(%(frequency_share)s * LEAST(1, orders::numeric / %(orders_full)s), 2)
               AS frequency_points,
           ROUND(%(tenure_share)s * LEAST(1, tenure_days::numeric / %(tenure_full)s), 2)
               AS tenure_points,
           ROUND(%(repeat_share)s * LEAST(1, repeat_purchases::numeric / %(repeat_full)s), 2)
               AS repeat_points
      FROM inputs
), scored AS (
    SELECT *, recency_points + spend_points + frequency_points + tenure_points
              + repeat_points AS score
      FROM points
)
INSERT INTO customers_customersegment (
    customer_id, run_id, segment, score, last_purchase_at, recency_days, spend, orders,
    tenure_days, repeat_purchases, recency_points, spend_points, frequency_points,
    tenure_points, repeat_points
)
SELECT customer_id, %(run_id)s,
       CASE WHEN score >= %(important_min)s THEN 'important'
            WHEN score >= %(general_min)s THEN 'general'
            ELSE 'potential' END,
       score, last_purchase_at, recency_days, spend, orders, tenure_days, repeat_purchases,
       recency_points, spend_points, frequency_points, tenure_points, repeat_points
  FROM scored
ON CONFLICT (customer_id) DO UPDATE SET
    run_id = EXCLUDED.run_id, segment = EXCLUDED.segment, score = EXCLUDED.score,
    last_purchase_at = EXCLUDED.last_purchase_at, recency_days = EXCLUDED.recency_days,
    spend = EXCLUDED.spend, orders = EXCLUDED.orders, tenure_days = EXCLUDED.tenure_days,
    repeat_purchases = EXCLUDED.repeat_purchases, recency_points = EXCLUDED.recency_points,
    spend_points = EXCLUDED.spend_points, frequency_points = EXCLUDED.frequency_points,
    tenure_points = EXCLUDED.tenure_points, repeat_points = EXCLUDED.repeat_points
"""

# One statement: lock and move every unpinned customer whose class changed, bump the version (the
# API's ETag), and write each one's audit event with the old and new class and the score.
_APPLY = """
WITH moving AS (
    SELECT c.id, c.tier AS before, s.segment AS after, s.score
      FROM customers_customer c
      JOIN customers_customersegment s ON s.customer_id = c.id
     WHERE s.run_id = %(run_id)s AND c.tier <> s.segment
       -- A tier set by hand is pinned: the run computes the class (the profile shows
       -- it) but leaves the tier.
       AND c.tier_pinned_at IS NULL
       FOR UPDATE OF c
), moved AS (
    UPDATE customers_customer c
       SET tier = m.after, version = c.version + 1, updated_at = %(now)s
      FROM moving m
     WHERE c.id = m.id
 RETURNING c.id, m.before, m.after, m.score
)
INSERT INTO customers_customerevent (customer_id, actor_id, action, changes, reason, created_at)
SELECT id, %(actor_id)s, %(action)s,
       jsonb_build_object('tier', jsonb_build_array(before, after)),
       REPLACE(%(reason)s, '{score}', score::text), %(now)s
  FROM moved
"""


def segmentation_rule() -> SegmentationRule:
    """The rule in force: the single row, created with the defaults on first use."""
    rule = SegmentationRule.objects.order_by("pk").first()
    if rule is None:
        rule = SegmentationRule.objects.create()
    return rule


RULE_FIELDS = (
    "window_days",
    "currency",
    "spend_full_marks",
    "orders_full_marks",
    "tenure_full_marks_days",
    "repeat_full_marks",
    "recency_weight",
    "spend_weight",
    "frequency_weight",
    "tenure_weight",
    "repeat_weight",
    "important_min_score",
    "general_min_score",
)


def rule_values(rule: SegmentationRule) -> dict:
    """The rule as JSON-ready values, kept on each run."""
    return {name: str(getattr(rule, name)) for name in RULE_FIELDS}


def _parameters(rule: SegmentationRule, at: datetime, run_id: int) -> dict:
    weights = {
        "recency_share": rule.recency_weight,
        "spend_share": rule.spend_weight,
        "frequency_share": rule.frequency_weight,
        "tenure_share": rule.tenure_weight,
        "repeat_share": rule.repeat_weight,
    }
    total = sum(weights.values())
    return {
        **{name: 100 * weight / total for name, weight in weights.items()},
        "at": at,
        "run_id": run_id,
        "window_start": at - timedelta(days=rule.window_days),
        "window_days": rule.window_days,
        "currency": rule.currency,
        "spend_full": rule.spend_full_marks,
        "orders_full": rule.orders_full_marks,
        "tenure_full": rule.tenure_full_marks_days,
        "repeat_full": rule.repeat_full_marks,
        "important_min": rule.important_min_score,
        "general_min": rule.general_min_score,
    }


@transaction.atomic
def customer_segments_compute(*, actor, at: datetime | None = None) -> SegmentationRun:
    """Classify every customer by the segmentation rule and move each changed customer to
    their class (audited); the SLA engine re-plans those customers' open tickets.

    A tier set by hand (customer_change_tier) is pinned and stays until unpinned.
    """
    at = at or timezone.now()
    now = timezone.now()
    rule = segmentation_rule()
    actor = actor if actor is not None and actor.is_authenticated else None
    run = SegmentationRun.objects.create(computed_at=at, actor=actor, rule=rule_values(rule))
    # Rendered here in the default language; the statement fills in each customer's score.
    reason = str(SEGMENTATION_REASON % {"score": "{score}"})
    with connection.cursor() as cursor:
        cursor.execute(_COMPUTE, _parameters(rule, at, run.pk))
        run.customers_classified = cursor.rowcount
        cursor.execute(
            _APPLY,
            {
                "run_id": run.pk,
                "now": now,
                "actor_id": actor.pk if actor is not None else None,
                "action": CustomerAction.TIER_CHANGED.value,
                "reason": reason,
            },
        )
        run.customers_moved = cursor.rowcount
    run.save(update_fields=["customers_classified", "customers_moved"])
    if run.customers_moved:
        # A query, not a list of ids: the receiver joins it to the open tickets, so a run
        # that moves many customers never brings them into Python.
        moved = Customer.objects.filter(
            events__action=CustomerAction.TIER_CHANGED, events__created_at=now
        )
        customers_tier_changed.send(sender=Customer, customers=moved, actor=actor, at=now)
    return run
