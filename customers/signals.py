"""What the customers app announces to the apps above it (it imports none of them).

Sent inside the service's transaction, with the customer row locked: a receiver's error
rolls the whole change back, so a receiver must not swallow its own failures.
"""

from django.dispatch import Signal

# A customer's tier changed [S1 §5.1]; keyword arguments: customer, actor, at. The SLA
# engine re-plans the clocks of the customer's open tickets for the new tier's targets.
customer_tier_changed = Signal()

# Many customers' tier changed at once (value segmentation, customers/segmentation.py);
# keyword arguments: customers (a QuerySet of them, so a receiver can join it in the
# database instead of loading them), actor (None: a scheduled run), at.
customers_tier_changed = Signal()

# A customer opted out of care contacts; keyword arguments: customer, actor, at. The care
# programme skips the customer's open care tasks in the same transaction.
customer_care_opted_out = Signal()
