"""The complaints section of the customer profile (registered from ComplaintsConfig.ready:
customers sits below complaints): the customer's complaints this user may see."""

from collections.abc import Sequence

from django.urls import reverse
from django.utils.translation import get_language

from .models import Complaint

# Complaints are few per customer; a cap keeps a pathological one from a huge page.
PROFILE_COMPLAINTS = 100


def customer_complaints(*, customer_ids: Sequence[int], user) -> dict[int, list[Complaint]]:
    """Set-based: two queries (the user's teams, the complaints) for any number of customers."""
    complaints = (
        Complaint.objects.visible_to(user)
        .filter(ticket__customer_id__in=customer_ids)
        .select_related("ticket", "category")
        .order_by("-opened_at", "-pk")
    )
    found: dict[int, list[Complaint]] = {}
    for complaint in complaints:
        rows = found.setdefault(complaint.ticket.customer_id, [])
        if len(rows) < PROFILE_COMPLAINTS:
            rows.append(complaint)
    return found


def customer_complaints_json(complaints: list[Complaint] | None, request) -> list[dict]:
    return [
        {
            "id": complaint.pk,
            "reference": complaint.ticket.reference,
            "subject": complaint.ticket.subject,
            "severity": complaint.severity,
            "stage": complaint.stage,
            "category": complaint.category.display_name(get_language()),
            "opened_at": complaint.opened_at,
            "closed_at": complaint.closed_at,
            "url": reverse("tickets:detail", args=[complaint.ticket.reference]),
        }
        for complaint in complaints or []
    ]
