"""Complaints that arrive by mail to COMPLAINT_MAILBOX_ADDRESS: the inbound-mail reader of
the tickets app calls `complaint_open_from_mail` (registered in ComplaintsConfig.ready)."""

from django.db.models import Q

from customers.models import Customer
from tickets.models import Channel, Ticket

from .models import ComplaintCategory, Severity
from .services import complaint_open

# (name, English name) of the seeded general complaint category (complaints migration 0002).
GENERAL_COMPLAINT_CATEGORY = ("其他", "Other")


def _mailbox_complaint_category() -> ComplaintCategory:
    """The category of a complaint that arrives by mail, before anyone has read it: the
    general "other" category (seeded as 其他 / Other), created if an administrator removed it."""
    general = Q(name=GENERAL_COMPLAINT_CATEGORY[0]) | Q(
        name_en__iexact=GENERAL_COMPLAINT_CATEGORY[1]
    )
    category = ComplaintCategory.objects.filter(general).order_by("-active", "pk").first()
    if category is None:
        category, _created = ComplaintCategory.objects.get_or_create(
            name=GENERAL_COMPLAINT_CATEGORY[0],
            defaults={"name_en": GENERAL_COMPLAINT_CATEGORY[1]},
        )
    return category


def complaint_open_from_mail(
    *, actor, subject: str, description: str, customer: Customer
) -> Ticket:
    """Through the complaint service, so the five-step workflow and its SLA clocks start
    (first contact 1 h, the routine response clock) [S1 §5.3]; routine until someone
    reads it and raises the severity."""
    complaint = complaint_open(
        actor=actor,
        subject=subject,
        description=description,
        severity=Severity.ROUTINE,
        category=_mailbox_complaint_category(),
        customer=customer,
        source=Channel.COMPLAINT_MAILBOX,
    )
    return complaint.ticket
