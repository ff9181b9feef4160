"""The raw bytes of inbound mail, kept so that nothing we parsed is unrecoverable.

Every accepted message (a new ticket, a reply, a duplicate delivery) is stored verbatim
through Django's storage as an InboundMail row linked to its ticket and message; refused
ones, too large ones included, are RejectedInboundMail rows. Both are kept for
INBOUND_MAIL_RETENTION_DAYS and then purged (daily from beat, or `manage.py
purge_inbound_mail`): raw mail holds personal data and should not outlive its use.
"""

import hashlib
import logging
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from servicedesk.api.models import InboundMail, RejectedInboundMail

logger = logging.getLogger(__name__)
PURGE_BATCH = 500


def inbound_mail_store(raw: bytes, *, source: str) -> InboundMail:
    """An unsaved row whose file is already in storage (the caller saves or discards it)."""
    archived = InboundMail(
        source=source[:200], size_bytes=len(raw), sha256=hashlib.sha256(raw).hexdigest()
    )
    archived.raw.save("message.eml", ContentFile(raw), save=False)
    return archived


def inbound_mail_discard(archived: InboundMail) -> None:
    """Django has no on-rollback hook: remove the stored file of a row never saved."""
    archived.raw.storage.delete(archived.raw.name)


def inbound_mail_purge(*, now=None) -> int:
    """Delete kept inbound mail (accepted and refused) older than the retention period."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.INBOUND_MAIL_RETENTION_DAYS)
    purged = RejectedInboundMail.objects.filter(received_at__lt=cutoff).delete()[0]
    while batch := list(
        InboundMail.objects.filter(received_at__lt=cutoff).order_by("pk")[:PURGE_BATCH]
    ):
        with transaction.atomic():
            InboundMail.objects.filter(pk__in=[row.pk for row in batch]).delete()
        for row in batch:
            # After the rows are gone: a file without a row is harmless, the reverse is not.
            row.raw.storage.delete(row.raw.name)
        purged += len(batch)
    logger.info("purged %s inbound mails received before %s", purged, cutoff)
    return purged
