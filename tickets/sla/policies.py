"""Which targets apply to a ticket: its terms, matched against the active policies.

Targets are chosen per metric: for each metric, the matching policy with the most match
fields set wins, ties broken by the policy's `order`, then its id.
"""

from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q

from tickets.models import Complexity, Priority, Ticket

from .models import Severity, Target


@dataclass(frozen=True)
class TicketTerms:
    """The ticket's properties that choose its SLA policy."""

    kind: str
    priority: str
    severity: str
    complexity: str
    tier: str
    channel: str
    team_id: int | None

    @property
    def is_urgent(self) -> bool:
        return self.priority == Priority.URGENT or self.severity == Severity.URGENT


def ticket_complaint(ticket: Ticket):
    """The ticket's complaint record, or None (also when the complaints app is not installed)."""
    if not hasattr(type(ticket), "complaint"):
        return None
    try:
        return ticket.complaint
    except ObjectDoesNotExist:
        return None


def ticket_terms(ticket: Ticket) -> TicketTerms:
    complaint = ticket_complaint(ticket)
    severity = getattr(complaint, "severity", "") or ""
    complexity = ticket.complexity
    complaint_complexity = getattr(complaint, "complexity", "") or ""
    if complaint_complexity:
        # Complaints are "general" or "complex"; a general complaint matches "simple".
        complexity = Complexity.COMPLEX if complaint_complexity == "complex" else Complexity.SIMPLE
    customer = ticket.customer if ticket.customer_id else None
    return TicketTerms(
        kind=ticket.kind,
        priority=ticket.priority,
        severity=severity,
        complexity=complexity,
        tier=customer.tier if customer is not None else "",
        channel=ticket.channel,
        team_id=ticket.team_id,
    )


def targets_for(terms: TicketTerms) -> dict[str, Target]:
    """metric → the winning target, in one query."""
    query = Q(policy__active=True)
    for field in ("kind", "priority", "severity", "complexity", "tier", "channel"):
        value = getattr(terms, field)
        query &= Q(**{f"policy__{field}": ""}) | Q(**{f"policy__{field}": value})
    query &= Q(policy__team__isnull=True) | Q(policy__team_id=terms.team_id)
    best: dict[str, tuple[tuple[int, int, int], Target]] = {}
    for target in Target.objects.filter(query).select_related("policy", "calendar"):
        policy = target.policy
        rank = (-policy.specificity, policy.order, policy.pk)
        if target.metric not in best or rank < best[target.metric][0]:
            best[target.metric] = (rank, target)
    return {metric: target for metric, (_rank, target) in best.items()}
