"""Read queries of the care programme, shared by the agents' page and the profile."""

from collections.abc import Sequence

from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from .models import CareContact, CareStatus

MANAGE_ALL_PERMISSION = "tickets.view_all_tickets"


def care_tasks_for(user) -> QuerySet[CareContact]:
    """The open care tasks the user carries out: assigned to them, or to one of their
    teams with no agent yet; soonest due first."""
    return (
        CareContact.objects.filter(status=CareStatus.SCHEDULED)
        .filter(Q(assignee=user) | Q(assignee__isnull=True, team__members=user))
        .select_related("customer", "team", "assignee")
        .order_by("due_on", "pk")
        .distinct()
    )


def care_task_may_handle(user, contact: CareContact) -> bool:
    """Its assignee; with none, a member of its team; its team's supervisor; a manager."""
    if user.has_perm(MANAGE_ALL_PERMISSION):
        return True
    if contact.assignee_id is not None:
        if contact.assignee_id == user.pk:
            return True
    elif contact.team_id is not None and contact.team.members.filter(pk=user.pk).exists():
        return True
    return contact.team_id is not None and contact.team.supervisor_id == user.pk


# The profile shows the latest; the admin's care contacts list has them all.
PROFILE_CARE_CONTACTS = 10


def customer_care_contacts(*, customer_ids: Sequence[int], user) -> dict[int, list[CareContact]]:
    """The profile's care section: each customer's latest care contacts, skipped ones with
    their reason. Set-based: one query for any number of customers."""
    latest = (
        CareContact.objects.filter(customer_id__in=customer_ids)
        .select_related("assignee", "team")
        .annotate(
            position=Window(
                RowNumber(),
                partition_by=[F("customer_id")],
                order_by=[F("planned_on").desc(), F("pk").desc()],
            )
        )
        .filter(position__lte=PROFILE_CARE_CONTACTS)
        .order_by("customer_id", "position")
    )
    found: dict[int, list[CareContact]] = {}
    for contact in latest:
        found.setdefault(contact.customer_id, []).append(contact)
    return found


def customer_care_contacts_json(contacts, request) -> list[dict]:
    return [
        {
            "kind": contact.kind,
            "occasion": contact.occasion,
            "delivery": contact.delivery,
            "status": contact.status,
            "skip_reason": contact.skip_reason,
            "planned_on": contact.planned_on.isoformat(),
            "due_on": contact.due_on.isoformat(),
            "note": contact.note,
        }
        for contact in contacts or []
    ]
