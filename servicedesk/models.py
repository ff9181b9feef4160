"""Model building blocks several apps share."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .exceptions import ServiceDeskError


class AppendOnlyError(ServiceDeskError):
    code = "append_only"
    default_message = _("Audit events are append-only; they cannot be changed or deleted.")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError()

    def delete(self):
        raise AppendOnlyError()

    _raw_delete = delete


class AppendOnlyModel(models.Model):
    """A record of history: inserted once, never updated or deleted through the ORM."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError()
