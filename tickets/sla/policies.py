"""Which targets apply to a ticket: its terms, matched against the active policies.

Targets are chosen per metric: for each metric, the matching policy with the most match
fields set wins, ties broken by the policy's `order`, then its id.

The active policies (with their targets and calendars) are read once per process and
kept until the policy table's revision changes (models.PolicyTableRevision): choosing a
ticket's targets then costs one single-row read instead of a three-table query.
"""

import uuid
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.db.models.signals import post_delete, post_save

from tickets.models import Complexity, Priority, Ticket

from .models import (
    Calendar,
    CalendarException,
    Policy,
    PolicyTableRevision,
    Severity,
    Target,
    WorkingHours,
)

# The single row of PolicyTableRevision.
_REVISION_ROW = 1


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
    membership_level_id: int | None = None

    @property
    def is_urgent(self) -> bool:
        return self.priority == Priority.URGENT or self.severity == Severity.URGENT


def ticket_complaint(ticket: Ticket):
    """The ticket's complaint record (the complaints app's one-to-one), or None."""
    try:
        return ticket.complaint
    except ObjectDoesNotExist:
        return None


def ticket_terms(ticket: Ticket) -> TicketTerms:
    return _terms(ticket, ticket_complaint(ticket))


def new_ticket_terms(ticket: Ticket) -> TicketTerms:
    """Terms of a ticket inserted in this transaction: it has no complaint record yet (a
    complaint is recorded after its ticket, and then re-plans), so none is looked up."""
    return _terms(ticket, None)


def _terms(ticket: Ticket, complaint) -> TicketTerms:
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
        membership_level_id=customer.membership_level_id if customer is not None else None,
    )


@dataclass(frozen=True)
class PolicyTable:
    """The targets of every active policy, with their policy and calendar loaded.

    Shared by every request of the process: read-only.
    """

    revision: uuid.UUID
    targets: tuple[Target, ...]


_policy_table: PolicyTable | None = None


def _read_revision():
    return (
        PolicyTableRevision.objects.filter(pk=_REVISION_ROW)
        .values_list("revision", flat=True)
        .first()
    )


def _current_revision():
    revision = _read_revision()
    if revision is None:
        # First use of a new (or flushed) database; no data migration creates the row, so
        # a flush needs nothing re-installed. A concurrent creator may win the insert: its
        # value is read back.
        PolicyTableRevision.objects.bulk_create(
            [PolicyTableRevision(pk=_REVISION_ROW)], ignore_conflicts=True
        )
        revision = _read_revision()
    return revision


def active_policy_table() -> PolicyTable:
    """The active policies' targets: from memory while the table's revision is unchanged.

    The revision is read before the rows, so a table read while an edit commits is kept
    under the older revision and read again on the next call; it is never kept under a
    revision whose rows it does not hold.
    """
    global _policy_table
    revision = _current_revision()
    table = _policy_table
    if table is not None and table.revision == revision:
        return table
    targets = (
        Target.objects.filter(policy__active=True)
        .select_related("policy", "calendar")
        .order_by("pk")
    )
    table = PolicyTable(revision=revision, targets=tuple(targets))
    _policy_table = table
    return table


def _matches(policy: Policy, terms: TicketTerms) -> bool:
    """Blank match fields match anything; set ones must equal the ticket's."""
    for field in ("kind", "priority", "severity", "complexity", "tier", "channel"):
        wanted = getattr(policy, field)
        if wanted and wanted != getattr(terms, field):
            return False
    if policy.membership_level_id and policy.membership_level_id != terms.membership_level_id:
        return False
    return policy.team_id is None or policy.team_id == terms.team_id


def targets_for(terms: TicketTerms) -> dict[str, Target]:
    """metric → the winning target (one single-row query while the policies are unchanged)."""
    best: dict[str, tuple[tuple[int, int, int], Target]] = {}
    for target in active_policy_table().targets:
        policy = target.policy
        if not _matches(policy, terms):
            continue
        rank = (-policy.specificity, policy.order, policy.pk)
        if target.metric not in best or rank < best[target.metric][0]:
            best[target.metric] = (rank, target)
    return {metric: target for metric, (_rank, target) in best.items()}


def policy_table_changed() -> None:
    """Renew the policy table's revision: every process re-reads the policies on next use.

    Runs in the caller's transaction, so other processes see the new revision exactly
    when they can see the change itself; a rollback takes both back.
    """
    global _policy_table
    _policy_table = None
    PolicyTableRevision.objects.update_or_create(
        pk=_REVISION_ROW, defaults={"revision": uuid.uuid4()}
    )


def _on_policy_table_saved_or_deleted(**kwargs) -> None:
    policy_table_changed()


# Everything a planned clock depends on: the policies and targets chosen, and the
# calendars (with their hours and exceptions) whose revisions the cached rows carry.
for _model in (Policy, Target, Calendar, WorkingHours, CalendarException):
    for _signal in (post_save, post_delete):
        _signal.connect(
            _on_policy_table_saved_or_deleted,
            sender=_model,
            dispatch_uid=f"sla-policy-table-{_signal is post_save}-{_model._meta.model_name}",
        )
