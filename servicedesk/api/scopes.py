"""Token scopes: what an integration's token may do, independent of its user's role.

A token acts as its user (visibility and permissions are the user's) *and* only within
its scopes. Browser sessions are not limited by scopes, only by the user's permissions.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    TICKETS_READ = "tickets:read", _("Read tickets")
    TICKETS_WRITE = "tickets:write", _("Create and change tickets")
    CUSTOMERS_READ = "customers:read", _("Read customers")
    CUSTOMERS_WRITE = "customers:write", _("Create and change customers")
    COMPLAINTS_READ = "complaints:read", _("Read complaints")
    COMPLAINTS_WRITE = "complaints:write", _("Move complaints through their stages")
    SLA_READ = "sla:read", _("Read SLA clocks and figures")
    STAFF_READ = "staff:read", _("Read staff and scorecards")
    STAFF_WRITE = (
        "staff:write",
        _("Change staff profiles, close investigations, submit and review suggestions"),
    )
    EMAIL_INGEST = "email:ingest", _("Deliver inbound e-mail")
    WEBHOOKS_MANAGE = "webhooks:manage", _("Register webhook endpoints")
    TOKENS_MANAGE = "tokens:manage", _("Issue and revoke API tokens (administrators)")
