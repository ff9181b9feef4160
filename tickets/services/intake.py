"""Opening a ticket: template checks, the channel's team, the number and the SLA clocks it
starts with.
"""

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils.translation import get_language

from customers.membership import customer_ticket_routing
from customers.models import Customer
from customers.services import customer_create
from servicedesk.exceptions import (
    ValidationError,
    require_choice,
)
from servicedesk.outbox.services import event_publish
from staff.models import Team

from ..audit import EventAction, record_event
from ..extensions import (
    refuse_owned_kind,
)
from ..models import (
    PRIORITY_RANK,
    Category,
    Channel,
    Complexity,
    IntakeTemplate,
    Kind,
    Priority,
    Status,
    Ticket,
)
from ..sla import services as sla
from .common import (
    MSG_REQUIRED,
    MSG_TEMPLATE_REQUIRED,
    _check_assignee,
    _check_single_line,
    _person,
    _tag_names,
    _tags_named,
    _webhook_payload,
)


def _missing_template_fields(template: IntakeTemplate, values: dict) -> dict[str, list]:
    missing = {}
    for field in template.required_fields or []:
        value = values.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            missing[field] = [
                MSG_TEMPLATE_REQUIRED % {"template": template.display_name(get_language())}
            ]
    return missing


def team_for_channel(channel: str) -> Team | None:
    """The team responsible for a channel [S1 §2.1]; the first by name if several claim it."""
    for team in Team.objects.order_by("name"):
        if channel in (team.channels or []):
            return team
    return None


@transaction.atomic
def ticket_create(
    *,
    actor,
    subject: str,
    channel: str,
    kind: str = Kind.REQUEST,
    priority: str | None = None,
    complexity: str = Complexity.SIMPLE,
    description: str = "",
    customer: Customer | None = None,
    new_customer: dict | None = None,
    category: Category | None = None,
    intake_template: IntakeTemplate | None = None,
    team: Team | None = None,
    assignee=None,
    case_owner=None,
    tags: Iterable[str] = (),
    product: str = "",
    order_number: str = "",
    purchase_date: date | None = None,
    customer_demand: str = "",
    preferred_contact_time: str = "",
    opened_by: str = "tickets",
) -> Ticket:
    """Open a ticket; an intake template's required fields must all be given.

    A kind another app owns (a complaint) is opened only by that app (`opened_by`, its
    label); anyone else is told where to go. `new_customer` (customer_create's fields)
    registers a first-time caller as the ticket's customer. Without a chosen team or
    assignee, the customer's privileges route it (customers.membership: dedicated advisor
    and team, important customers' team and priority).
    """
    if new_customer:
        # In the ticket's transaction: a ticket refused below leaves no customer behind.
        customer = customer_create(actor=actor, **new_customer)
    if not subject or not subject.strip():
        raise ValidationError(MSG_REQUIRED, field="subject")
    _check_single_line(
        {
            "subject": subject,
            "product": product,
            "order_number": order_number,
            "preferred_contact_time": preferred_contact_time,
        }
    )
    tag_names = _tag_names(tags)
    require_choice("channel", channel, Channel)
    require_choice("kind", kind, Kind)
    refuse_owned_kind(kind, opened_by)
    if intake_template is not None:
        refuse_owned_kind(intake_template.kind, opened_by)
    require_choice("complexity", complexity, Complexity)
    chosen_priority = priority
    if intake_template is not None:
        priority = priority or intake_template.default_priority
        category = category or intake_template.default_category
    priority = priority or Priority.NORMAL
    require_choice("priority", priority, Priority)
    if intake_template is not None:
        missing = _missing_template_fields(
            intake_template,
            {
                "description": description,
                "customer": customer,
                "category": category,
                "product": product,
                "order_number": order_number,
                "purchase_date": purchase_date,
                "customer_demand": customer_demand,
                "preferred_contact_time": preferred_contact_time,
            },
        )
        if missing:
            raise ValidationError(fields=missing)
    # The customer's privileges: their dedicated advisor and team, or the important
    # customers' team, unless the caller chose where it goes. A kind another app owns (a
    # complaint) is routed by that app under its own authority rules.
    routing = customer_ticket_routing(customer)
    if team is None and assignee is None and opened_by == "tickets":
        team, assignee = routing.team, routing.advisor
        case_owner = case_owner or assignee
    if (
        routing.raise_priority
        and chosen_priority is None
        and PRIORITY_RANK[priority] > PRIORITY_RANK[Priority.HIGH]
    ):
        priority = Priority.HIGH
    team = team or team_for_channel(channel)
    _check_assignee(assignee, team)

    ticket = Ticket(
        subject=subject.strip(),
        description=description,
        channel=channel,
        kind=kind,
        complexity=complexity,
        priority=priority,
        customer=customer,
        category=category,
        intake_template=intake_template,
        team=team,
        assignee=assignee,
        case_owner=case_owner or assignee,
        product=product,
        order_number=order_number,
        purchase_date=purchase_date,
        customer_demand=customer_demand,
        preferred_contact_time=preferred_contact_time,
        created_by=actor if actor is not None and actor.is_authenticated else None,
        status=Status.NEW,
    )
    _insert_numbered(ticket)
    if tag_names:
        Ticket.tags.through.objects.bulk_create(
            Ticket.tags.through(ticket=ticket, tag=tag) for tag in _tags_named(tag_names)
        )
    record_event(
        ticket,
        actor,
        EventAction.CREATED,
        after={
            "subject": ticket.subject,
            "channel": channel,
            "kind": kind,
            "priority": priority,
            "team": team.name if team else None,
            "assignee": _person(assignee),
            "tags": tag_names,
        },
    )
    # Inside ticket_create's transaction, which any error of the engine rolls back whole.
    sla.sla_ticket_created(ticket=ticket, at=ticket.created_at, actor=actor, savepoint=False)
    event_publish("ticket.created", _webhook_payload(ticket), ticket=ticket)
    return ticket


def _insert_numbered(ticket: Ticket) -> None:
    """Insert a new ticket with its reference, derived from the never-reused primary key
    sequence (so references are never reused either).

    The reference is the column's database default (NewTicketReference), returned by the
    INSERT: one statement. Where the database cannot number the row in its default
    (SQLite), the row comes in under a unique placeholder, never visible outside this
    transaction, and is numbered once its key exists.
    """
    ticket.save(force_insert=True)
    if ticket.reference != Ticket.reference_for(ticket.pk):
        ticket.reference = Ticket.reference_for(ticket.pk)
        ticket.save(update_fields=["reference"])
