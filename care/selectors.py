"""Read queries of the care programme, shared by the agents' page and the profile."""

from django.db.models import Q, QuerySet

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


def customer_care_contacts(customer, *, limit: int = 20) -> QuerySet[CareContact]:
    """The customer's latest care contacts, skipped ones with their reason."""
    return (
        CareContact.objects.filter(customer=customer)
        .select_related("assignee", "team")
        .order_by("-planned_on", "-pk")[:limit]
    )
