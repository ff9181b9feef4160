"""The quarterly lifetime-value review [S0 §03]: every customer's lifetime value, the level
it earns on the ladder, a proposal for each customer whose level would move (up or down),
and the Pareto view — the share of revenue the top 20 % of customers bring [S2 §4.1.2].

The whole review is one statement over purchases grouped by customer (never a customer
in Python); a manager then approves or rejects proposals in bulk, and an approved one
changes the level through the audited customer_change_level.
"""

from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicedesk.exceptions import ConflictError, ValidationError

from .membership import customer_change_level, lowest_level
from .models import Customer, LevelProposal, LtvReview, ProposalState
from .segmentation import segmentation_rule

MSG_NO_PROPOSALS = _("Choose at least one proposal.")
MSG_UNKNOWN_PROPOSALS = _("No such proposal: %(ids)s.")
MSG_UNKNOWN_DECISION = _("Decide “approve” or “reject”.")
MSG_ALREADY_DECIDED = _("Already decided (or superseded by a later review): %(customers)s.")
MSG_STALE_PROPOSAL = _(
    "The level of %(customers)s changed since the review proposed it; nothing was decided."
)
MSG_UPGRADE_REASON = _(
    "Lifetime-value review %(quarter)s: lifetime value %(value)s %(currency)s reaches "
    "%(level)s (from %(threshold)s)."
)
MSG_DOWNGRADE_REASON = _(
    "Lifetime-value review %(quarter)s: lifetime value %(value)s %(currency)s is below "
    "%(level)s (from %(threshold)s)."
)

APPROVE, REJECT = "approve", "reject"
DECISIONS = (APPROVE, REJECT)
# The Pareto view's head: the top fifth of customers by lifetime value [S2 §4.1.2].
TOP_SHARE = Decimal("0.2")

# Hand-built SQL: an INSERT … SELECT over an aggregate, with a window over every customer
# in the same statement, is not expressible in the ORM; tests/customers/test_ltv_review.py
# compares its answer with Python's on the same rows. `ltv` is materialised once and read
# by both the proposals and the Pareto figures.
_REVIEW = """
WITH ltv AS MATERIALIZED (
    SELECT c.id AS customer_id,
           COALESCE(c.membership_level_id, %(lowest_id)s) AS level_id,
           COALESCE(p.lifetime_value, 0) AS lifetime_value,
           COALESCE(p.orders, 0) AS orders
      FROM customers_customer c
      LEFT JOIN (
            SELECT customer_id, SUM(amount) AS lifetime_value, COUNT(*) AS orders
              FROM customers_purchase
             WHERE currency = %(currency)s AND purchased_at < %(at)s
             GROUP BY customer_id
      ) p ON p.customer_id = c.id
), earned AS (
    SELECT l.*,
           (SELECT m.id FROM customers_membershiplevel m
             WHERE m.min_lifetime_value <= l.lifetime_value
             ORDER BY m.rank DESC LIMIT 1) AS to_level_id
      FROM ltv l
), inserted AS (
    INSERT INTO customers_levelproposal (
        review_id, customer_id, from_level_id, to_level_id, lifetime_value, orders, state,
        decision_note
    )
    SELECT %(review_id)s, customer_id, level_id, to_level_id, lifetime_value, orders,
           %(pending)s, ''
      FROM earned
     WHERE to_level_id IS NOT NULL AND to_level_id <> level_id
    RETURNING 1
), ranked AS (
    SELECT lifetime_value,
           ROW_NUMBER() OVER (ORDER BY lifetime_value DESC) AS position,
           COUNT(*) OVER () AS customers
      FROM ltv
)
SELECT (SELECT COUNT(*) FROM inserted),
       COUNT(*),
       COALESCE(SUM(lifetime_value), 0),
       COALESCE(MAX(CEIL(customers * %(top_share)s)), 0),
       COALESCE(SUM(lifetime_value) FILTER (WHERE position <= CEIL(customers * %(top_share)s)), 0)
  FROM ranked
"""


def quarter_of(at: datetime) -> str:
    """The quarter a moment falls in, in the site's time zone, e.g. 2026-Q4."""
    local = timezone.localtime(at)
    return f"{local.year}-Q{(local.month - 1) // 3 + 1}"


@transaction.atomic
def ltv_review_compute(*, actor, at: datetime | None = None) -> LtvReview:
    """Review every customer's lifetime value for the quarter `at` falls in: propose each
    level move and record the Pareto figures. Once per quarter: a second run (a retried
    beat, two beats during a deploy) returns the quarter's review unchanged.

    Lifetime value counts every purchase before `at` in the segmentation rule's currency
    (other currencies are not converted). Pending proposals of earlier reviews are
    superseded: a customer has at most one proposal to decide.
    """
    at = at or timezone.now()
    actor = actor if actor is not None and actor.is_authenticated else None
    currency = segmentation_rule().currency
    quarter = quarter_of(at)
    try:
        # A savepoint: a concurrent run waits on the unique quarter and then lands here.
        with transaction.atomic():
            review = LtvReview.objects.create(
                quarter=quarter, computed_at=at, actor=actor, currency=currency
            )
    except IntegrityError:
        return LtvReview.objects.get(quarter=quarter)
    lowest = lowest_level()
    if lowest is None:
        return review  # no ladder: nothing to propose
    LevelProposal.objects.filter(state=ProposalState.PENDING).exclude(review=review).update(
        state=ProposalState.SUPERSEDED
    )
    with connection.cursor() as cursor:
        cursor.execute(
            _REVIEW,
            {
                "lowest_id": lowest.pk,
                "currency": currency,
                "at": at,
                "review_id": review.pk,
                "pending": ProposalState.PENDING.value,
                "top_share": TOP_SHARE,
            },
        )
        proposals, customers, revenue, top_count, top_revenue = cursor.fetchone()
    review.proposals_count = proposals
    review.customers_count = customers
    review.revenue_total = revenue
    review.top_customers_count = top_count
    review.top_revenue = top_revenue
    review.save(
        update_fields=[
            "proposals_count",
            "customers_count",
            "revenue_total",
            "top_customers_count",
            "top_revenue",
        ]
    )
    return review


def proposal_reason(proposal: LevelProposal) -> str:
    """Why the review proposes the move: the lifetime value against the threshold of the
    level it reaches (up) or of the level it falls below (down)."""
    upgrade = proposal.is_upgrade
    level = proposal.to_level if upgrade else proposal.from_level
    message = MSG_UPGRADE_REASON if upgrade else MSG_DOWNGRADE_REASON
    return str(message) % {
        "quarter": proposal.review.quarter_label,
        "value": f"{proposal.lifetime_value:,.2f}",
        "currency": proposal.review.currency,
        "level": level.display_name(),
        "threshold": f"{level.min_lifetime_value:,.2f}",
    }


def _names(proposals) -> str:
    return ", ".join(proposal.customer.name for proposal in proposals)


@transaction.atomic
def ltv_proposals_decide(
    *, proposal_ids, decision: str, actor, note: str = ""
) -> list[LevelProposal]:
    """Approve or reject proposals in bulk, all or none: an unknown, already decided or
    stale proposal (the customer's level moved since) refuses the whole batch and writes
    nothing. Approved proposals change each customer's level through the audited
    customer_change_level (which re-plans their open tickets).

    The proposals are locked in id order, then their customers: of two managers deciding
    the same proposals at once, the second waits and is then told they are decided.
    """
    if decision not in DECISIONS:
        raise ValidationError(MSG_UNKNOWN_DECISION, field="decision")
    ids = sorted({int(pk) for pk in proposal_ids or ()})
    if not ids:
        raise ValidationError(MSG_NO_PROPOSALS, field="proposals")
    proposals = list(
        LevelProposal.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("customer", "from_level", "to_level", "review")
        .order_by("pk")
    )
    missing = sorted(set(ids) - {proposal.pk for proposal in proposals})
    if missing:
        raise ValidationError(
            MSG_UNKNOWN_PROPOSALS % {"ids": ", ".join(map(str, missing))}, field="proposals"
        )
    decided = [proposal for proposal in proposals if proposal.state != ProposalState.PENDING]
    if decided:
        raise ConflictError(MSG_ALREADY_DECIDED % {"customers": _names(decided)})
    customers = Customer.objects.select_for_update().filter(
        pk__in=[proposal.customer_id for proposal in proposals]
    )
    current = {customer.pk: customer for customer in customers.order_by("pk")}
    lowest = lowest_level()
    stale = [
        proposal
        for proposal in proposals
        if (current[proposal.customer_id].membership_level_id or lowest.pk)
        != proposal.from_level_id
    ]
    if stale:
        raise ConflictError(MSG_STALE_PROPOSAL % {"customers": _names(stale)})
    now = timezone.now()
    if decision == APPROVE:
        for proposal in proposals:
            customer_change_level(
                customer=current[proposal.customer_id],
                level=proposal.to_level,
                actor=actor,
                reason=proposal_reason(proposal),
            )
    state = ProposalState.APPROVED if decision == APPROVE else ProposalState.REJECTED
    LevelProposal.objects.filter(pk__in=ids).update(
        state=state, decided_by=actor, decided_at=now, decision_note=(note or "").strip()
    )
    for proposal in proposals:
        proposal.state, proposal.decided_by, proposal.decided_at = state, actor, now
    return proposals


def latest_ltv_review() -> LtvReview | None:
    return LtvReview.objects.order_by("-computed_at", "-pk").first()


def ltv_proposals(*, review: LtvReview, state: str = ""):
    """The review's proposals, highest lifetime value first, with what the page shows."""
    proposals = LevelProposal.objects.filter(review=review).select_related(
        "customer", "from_level", "to_level", "review", "decided_by"
    )
    if state:
        proposals = proposals.filter(state=state)
    return proposals.order_by("-lifetime_value", "pk")
