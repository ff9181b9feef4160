"""Contacts with the complaining customer: the evidence that contact happened.

A recorded contact (channel, time, who, note) meets the complaint's first contact at the
time it happened; once the complaint is accepted, a contact is also the answer that
meets its response (requirements §7). A public reply delivered to the customer counts the
same way: the ticket services tell the SLA engine when the outbox accepted it.
The use cases (recording a contact, accepting with one) are in services.py.
"""

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicedesk.exceptions import ValidationError
from tickets.audit import record_event
from tickets.services import ticket_first_response_record
from tickets.sla import services as sla

from .models import Complaint, ComplaintContact, Stage, StageEntry

CONTACT_RECORDED = "complaint.contact_recorded"

MSG_CONTACT_TIME_REQUIRED = _("Say when the customer was contacted.")
MSG_CONTACT_TIME_INVALID = _("Enter the contact time as a date and time.")
MSG_CONTACT_IN_FUTURE = _("The contact time cannot be in the future.")
MSG_CONTACT_BEFORE_RECEIPT = _(
    "The contact time cannot be before the complaint was received (%(received)s)."
)


def contact_time_clean(complaint: Complaint, contacted_at) -> datetime:
    """The contact's time, aware; raises ValidationError on "contacted_at" if it is missing,
    in the future or before the complaint was received."""
    if contacted_at in (None, ""):
        raise ValidationError(MSG_CONTACT_TIME_REQUIRED, field="contacted_at")
    if isinstance(contacted_at, str):
        try:
            contacted_at = datetime.fromisoformat(contacted_at)
        except ValueError:
            raise ValidationError(MSG_CONTACT_TIME_INVALID, field="contacted_at") from None
    if timezone.is_naive(contacted_at):
        contacted_at = timezone.make_aware(contacted_at)
    if contacted_at > timezone.now():
        raise ValidationError(MSG_CONTACT_IN_FUTURE, field="contacted_at")
    # Pages give the time to the minute: a contact in the minute of receipt is after it.
    received_minute = complaint.opened_at.replace(second=0, microsecond=0)
    if contacted_at < received_minute:
        received = timezone.localtime(complaint.opened_at).strftime("%Y-%m-%d %H:%M")
        raise ValidationError(
            MSG_CONTACT_BEFORE_RECEIPT % {"received": received}, field="contacted_at"
        )
    return max(contacted_at, complaint.opened_at)


def accepted_at(complaint: Complaint) -> datetime | None:
    """When the complaint was first accepted (None while it is only received)."""
    if complaint.stage == Stage.RECEIVED:
        return None
    return (
        StageEntry.objects.filter(complaint=complaint, stage=Stage.ACCEPT)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )


def contact_snapshot(contact: ComplaintContact) -> dict:
    return {
        "label": str(contact),
        "id": contact.pk,
        "channel": contact.channel,
        "contacted_at": contact.contacted_at.isoformat(),
        "note": contact.note,
    }


def contact_write(
    *,
    complaint: Complaint,
    actor,
    channel: str,
    contacted_at: datetime,
    note: str,
    answered_at: datetime | None,
) -> ComplaintContact:
    """Write a checked contact of a locked complaint, audit it, and meet its clocks: first
    contact when it happened; the response at `answered_at` (None: not an answer)."""
    contact = ComplaintContact.objects.create(
        complaint=complaint,
        channel=channel,
        contacted_at=contacted_at,
        made_by=actor,
        note=(note or "").strip(),
    )
    record_event(
        complaint.ticket,
        actor,
        CONTACT_RECORDED,
        field="contact",
        after=contact_snapshot(contact),
    )
    ticket_first_response_record(ticket=complaint.ticket, at=contacted_at)
    sla.sla_complaint_contact(
        ticket=complaint.ticket, contacted_at=contacted_at, answered_at=answered_at, actor=actor
    )
    return contact
