"""The SLA engine's receivers of signals sent by the apps below it (connected in
SlaConfig.ready): those apps cannot import the engine, so they announce the change."""

from .services import sla_customer_tier_changed, sla_customers_tier_changed


def customer_tier_changed(sender, *, customer, actor, at, **kwargs) -> None:
    """customers.signals.customer_tier_changed: re-plan the clocks of the customer's open
    tickets for the new tier's targets, from each clock's original start."""
    sla_customer_tier_changed(customer=customer, at=at, actor=actor)


def customers_tier_changed(sender, *, customers, actor, at, **kwargs) -> None:
    """customers.signals.customers_tier_changed (a segmentation run): the same re-plan for
    every moved customer, their open tickets found by a join, not a loop over customers."""
    sla_customers_tier_changed(customers=customers, at=at, actor=actor)
