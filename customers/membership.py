"""The membership ladder's use cases: a customer's level, dedicated advisor and tier pin,
and where a new ticket of the customer goes (advisor, important customers' team).

Each change locks the customer, checks the rule, writes, bumps `version` and records a
CustomerEvent in one transaction; a level change lets the SLA engine re-plan the
customer's open tickets (a fast-lane policy may now match) through the same signal as a
tier change.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicedesk.exceptions import PreconditionFailed, ValidationError
from staff.models import Team

from .models import Customer, CustomerAction, CustomerEvent, MembershipLevel, Tier
from .segmentation import segmentation_rule
from .signals import customer_tier_changed

MSG_LEVEL_REASON_REQUIRED = _("Say why the membership level changes.")
MSG_UNPIN_REASON_REQUIRED = _("Say why the tier goes back to the nightly classification.")
MSG_NO_ADVISOR_AT_LEVEL = _("The customer's membership level has no dedicated advisor.")
MSG_ADVISOR_NEEDS_TEAM = _("Choose the advisor's team.")
MSG_ADVISOR_NOT_IN_TEAM = _("The advisor is not a member of that team.")
MSG_ADVISOR_INACTIVE = _("The advisor's account is inactive.")
MSG_STALE = _("The customer has changed since you read it; fetch it again.")


def lowest_level() -> MembershipLevel | None:
    """The ladder's lowest rung: where a customer without a level stands."""
    return MembershipLevel.objects.order_by("rank").first()


def customer_level(customer: Customer) -> MembershipLevel | None:
    """The customer's level, the lowest rung when none is set."""
    return customer.membership_level if customer.membership_level_id else lowest_level()


def _lock(customer: Customer, expected_version: int | None) -> Customer:
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    if expected_version is not None and locked.version != expected_version:
        raise PreconditionFailed(MSG_STALE)
    return locked


def _record(customer: Customer, actor, action: str, changes: dict, fields, reason: str = ""):
    customer.version += 1
    customer.save(update_fields=[*fields, "version", "updated_at"])
    CustomerEvent.objects.create(
        customer=customer,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        changes={name: list(pair) for name, pair in changes.items()},
        reason=reason,
    )


@transaction.atomic
def customer_change_level(
    *,
    customer: Customer,
    level: MembershipLevel,
    actor,
    reason: str,
    expected_version: int | None = None,
) -> Customer:
    """Move a customer to another rung of the ladder, audited; their open tickets' SLA
    clocks are re-planned (a fast-lane policy may match the new level) from each clock's
    original start. The same level again records nothing."""
    if not (reason or "").strip():
        raise ValidationError(MSG_LEVEL_REASON_REQUIRED, field="reason")
    customer = _lock(customer, expected_version)
    before = customer_level(customer)
    if customer.membership_level_id == level.pk:
        return customer
    customer.membership_level = level
    _record(
        customer,
        actor,
        CustomerAction.LEVEL_CHANGED,
        {"membership_level": (before.code if before else None, level.code)},
        ["membership_level"],
        reason.strip(),
    )
    customer_tier_changed.send(sender=Customer, customer=customer, actor=actor, at=timezone.now())
    return customer


def advisor_check(*, level: MembershipLevel | None, advisor, team: Team | None) -> None:
    """Refuse an advisor the level does not grant, without a team, inactive, or not a
    member of the team (the service and the admin's form both ask)."""
    if level is None or not level.dedicated_advisor:
        raise ValidationError(MSG_NO_ADVISOR_AT_LEVEL, field="advisor")
    if team is None:
        raise ValidationError(MSG_ADVISOR_NEEDS_TEAM, field="team")
    if not advisor.is_active:
        raise ValidationError(MSG_ADVISOR_INACTIVE, field="advisor")
    if not team.members.filter(pk=advisor.pk).exists():
        raise ValidationError(MSG_ADVISOR_NOT_IN_TEAM, field="advisor")


@transaction.atomic
def customer_assign_advisor(
    *, customer: Customer, advisor, team: Team | None, actor, reason: str = ""
) -> Customer:
    """Give the customer a dedicated advisor (a staff user) and the advisor's team, or
    take them away (advisor None). Only a level with a dedicated advisor has one."""
    customer = _lock(customer, None)
    if advisor is not None:
        advisor_check(level=customer_level(customer), advisor=advisor, team=team)
    else:
        team = None
    if (customer.advisor_id, customer.advisor_team_id) == (
        advisor.pk if advisor else None,
        team.pk if team else None,
    ):
        return customer
    changes = {
        "advisor": (customer.advisor_id, advisor.pk if advisor else None),
        "advisor_team": (customer.advisor_team_id, team.pk if team else None),
    }
    customer.advisor, customer.advisor_team = advisor, team
    _record(
        customer,
        actor,
        CustomerAction.ADVISOR_CHANGED,
        changes,
        ["advisor", "advisor_team"],
        (reason or "").strip(),
    )
    return customer


@transaction.atomic
def customer_unpin_tier(*, customer: Customer, actor, reason: str) -> Customer:
    """Hand the customer's tier back to the nightly segmentation (a tier set by hand is
    pinned by customer_change_tier and left alone by the run until then)."""
    if not (reason or "").strip():
        raise ValidationError(MSG_UNPIN_REASON_REQUIRED, field="reason")
    customer = _lock(customer, None)
    if customer.tier_pinned_at is None:
        return customer
    changes = {"tier_pinned_at": (customer.tier_pinned_at.isoformat(), None)}
    customer.tier_pinned_at = None
    customer.tier_pinned_by = None
    customer.tier_pin_reason = ""
    _record(
        customer,
        actor,
        CustomerAction.TIER_UNPINNED,
        changes,
        ["tier_pinned_at", "tier_pinned_by", "tier_pin_reason"],
        reason.strip(),
    )
    return customer


@dataclass(frozen=True)
class TicketRouting:
    """Where a new ticket of the customer goes, unless the caller chose a team or person."""

    team: Team | None = None
    advisor: object | None = None
    raise_priority: bool = False


def customer_ticket_routing(customer: Customer | None) -> TicketRouting:
    """The customer's privileges for a new ticket: their dedicated advisor and the
    advisor's team when their level grants one; the important customers' team and high
    priority from the segmentation rule [S1 §5.1].

    An advisor whose account is inactive, or who has left the advisor's team (away, moved),
    is skipped: the ticket goes to the advisor's team unassigned, so it is never parked
    with someone who cannot work it. No query for a customer with neither privilege.
    """
    if customer is None:
        return TicketRouting()
    team, advisor = None, None
    if customer.advisor_team_id:
        level = customer_level(customer)
        if level is not None and level.dedicated_advisor:
            team = customer.advisor_team
            candidate = customer.advisor if customer.advisor_id else None
            if (
                candidate is not None
                and candidate.is_active
                and team.members.filter(pk=candidate.pk).exists()
            ):
                advisor = candidate
    raise_priority = False
    if customer.tier == Tier.IMPORTANT:
        rule = segmentation_rule()
        raise_priority = rule.important_priority_raised
        if team is None and rule.important_team_id:
            team = rule.important_team
    return TicketRouting(team=team, advisor=advisor, raise_priority=raise_priority)
