"""State changes of care contacts: an agent carries out or skips a care task; an opt-out
skips the customer's open tasks."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicedesk.exceptions import AuthorityError, ConflictError, ValidationError

from .models import CareContact, CareStatus, SkipReason
from .selectors import care_task_may_handle

MSG_NOT_OPEN = _("This care task is no longer open: it was done or skipped.")
MSG_OPTED_OUT = _("The customer opted out of care contacts; the task was skipped.")
MSG_NOT_YOURS = _("This care task belongs to another agent or team.")
MSG_NOTE_REQUIRED = _("Say why the task is skipped.")


def _lock_open(contact: CareContact, actor) -> CareContact:
    contact = (
        CareContact.objects.select_for_update(of=("self",))
        .select_related("customer")
        .get(pk=contact.pk)
    )
    if contact.status != CareStatus.SCHEDULED:
        raise ConflictError(MSG_NOT_OPEN)
    if not care_task_may_handle(actor, contact):
        raise AuthorityError(MSG_NOT_YOURS)
    return contact


def _finish(contact: CareContact, actor, status: str, note: str, reason: str = "") -> None:
    contact.status = status
    contact.skip_reason = reason
    contact.note = note
    contact.finished_at = timezone.now()
    contact.finished_by = actor
    contact.save(update_fields=["status", "skip_reason", "note", "finished_at", "finished_by"])


@transaction.atomic
def care_task_complete(*, contact: CareContact, actor, note: str = "") -> CareContact:
    """The agent made the return visit or greeting; the note says how it went."""
    contact = _lock_open(contact, actor)
    if contact.customer.care_opted_out_at is not None:
        # The opt-out skips open tasks; a task read before it landed is refused here too.
        raise ConflictError(MSG_OPTED_OUT)
    _finish(contact, actor, CareStatus.DONE, (note or "").strip())
    return contact


@transaction.atomic
def care_task_skip(*, contact: CareContact, actor, note: str) -> CareContact:
    """The agent decided against the contact, saying why (it frees a place under the
    customer's frequency cap)."""
    if not (note or "").strip():
        raise ValidationError(MSG_NOTE_REQUIRED, field="note")
    contact = _lock_open(contact, actor)
    _finish(contact, actor, CareStatus.SKIPPED, note.strip(), SkipReason.BY_AGENT)
    return contact


def care_tasks_skip_for_opt_out(*, customer, actor, at) -> int:
    """Skip every open care task of a customer who opted out (inside the opt-out's
    transaction, so the two land together)."""
    return CareContact.objects.filter(customer=customer, status=CareStatus.SCHEDULED).update(
        status=CareStatus.SKIPPED,
        skip_reason=SkipReason.OPTED_OUT,
        finished_at=at,
        finished_by=actor if actor is not None and actor.is_authenticated else None,
    )
