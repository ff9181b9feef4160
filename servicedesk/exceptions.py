"""Domain errors raised by services; views and the API turn them into messages and 4xx.

Every error carries a stable `code` (documented in the API) and, where one input is to
blame, the field it concerns.
"""

import functools

from django.utils.translation import gettext_lazy as _


class ServiceDeskError(Exception):
    code = "invalid"
    status_code = 400
    default_message = _("The request could not be carried out.")

    def __init__(self, message=None, *, field: str | None = None, fields: dict | None = None):
        self.message = message if message is not None else self.default_message
        self.fields = dict(fields or {})
        if field:
            self.fields.setdefault(field, [self.message])
        super().__init__(str(self.message))


class ValidationError(ServiceDeskError):
    code = "invalid"
    default_message = _("Some fields are not valid.")


class TransitionError(ServiceDeskError):
    code = "transition_not_allowed"
    status_code = 409
    default_message = _("That status change is not allowed.")


class StageError(ServiceDeskError):
    code = "stage_order"
    status_code = 409
    default_message = _("That stage cannot be entered now.")


class AuthorityError(ServiceDeskError):
    code = "not_authorised"
    status_code = 403
    default_message = _("You do not have the authority for this action.")


class ConflictError(ServiceDeskError):
    code = "conflict"
    status_code = 409
    default_message = _("Someone else changed this record at the same time; reload and retry.")


class PreconditionFailed(ServiceDeskError):
    code = "precondition_failed"
    status_code = 412
    default_message = _("The record has changed since you read it.")


class NotFound(ServiceDeskError):
    code = "not_found"
    status_code = 404
    default_message = _("Not found.")


MSG_UNKNOWN_CHOICE = _("“%(value)s” is not a valid choice.")


def require_choice(field: str, value, choices) -> None:
    """Refuse a value outside a TextChoices, naming the field (services get raw input too)."""
    if value not in _choice_values(choices):
        raise ValidationError(MSG_UNKNOWN_CHOICE % {"value": value}, field=field)


@functools.cache
def _choice_values(choices) -> frozenset:
    # TextChoices.values builds a new list (and every label) on each access.
    return frozenset(choices.values)
