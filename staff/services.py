"""Changes to staff records, one function per use case: each checks who may act, refuses
bad input with the field named (nothing written), writes, and records a StaffEvent in one
transaction. Supervisors edit the members of the teams they supervise; managers anyone."""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicedesk.exceptions import AuthorityError, ValidationError, require_choice
from servicedesk.text import require_single_line

from .models import (
    StaffAction,
    StaffApprovalLimit,
    StaffEvent,
    StaffLevel,
    StaffProfile,
    Team,
    TrainingKind,
    TrainingRecord,
)

MANAGE_ALL_PERMISSION = "staff.manage_all_staff"
EDIT_PERMISSION = "staff.change_staffprofile"
MSG_NOT_YOURS = _("You can edit only the members of the teams you supervise.")
MSG_LEVEL_ABOVE = _("Only a manager can set the level of service supervisor or manager.")
MSG_LIMIT_ABOVE_OWN = _("You cannot set an approval limit above your own (%(limit)s %(currency)s).")
MSG_LIMIT_INVALID = _("Enter an amount of 0 or more with at most two decimals.")
MSG_CURRENCY = _("“%(currency)s” is not a compensation currency.")
MSG_FUTURE_DATE = _("The date cannot be in the future.")
MSG_MENTOR_SELF = _("Nobody is their own mentor.")
MSG_MENTOR_UNKNOWN = _("The mentor must be an active member of staff.")
MSG_TOO_LONG = _("Keep it under %(limit)d characters.")
MSG_LIST_ITEM = _(
    "Each entry is one line of at most %(limit)d characters, at most %(count)d entries."
)
MSG_CHANNEL = _("A channel is a code of lowercase letters, digits and underscores (e.g. phone).")
MSG_TITLE_REQUIRED = _("Name the training.")
MSG_DAYS = _("Give the days as a whole number from 1 to 366.")

LIST_ITEM_MAX, LIST_MAX = 100, 30
CHANNEL_CODE = re.compile(r"^[a-z][a-z0-9_]{0,29}$")
# Levels a supervisor may give; the two above are managers' to give [S1 §3.3].
SUPERVISOR_GIVES = (StaffLevel.JUNIOR, StaffLevel.SENIOR)
LIMIT_MAX = Decimal("1e10")


def may_edit(actor, user) -> bool:
    """Managers edit anyone; a supervisor the members of the teams they supervise."""
    if actor.has_perm(MANAGE_ALL_PERMISSION):
        return True
    if not actor.has_perm(EDIT_PERMISSION) or actor.pk == user.pk:
        return False
    return Team.objects.filter(supervisor=actor, members=user).exists()


def limits_of(user) -> dict[str, Decimal]:
    return dict(
        StaffApprovalLimit.objects.filter(profile__user=user).values_list("currency", "amount")
    )


def _text_list(field: str, values) -> list[str]:
    items = [str(value).strip() for value in (values or []) if str(value).strip()]
    if len(items) > LIST_MAX or any(len(item) > LIST_ITEM_MAX for item in items):
        raise ValidationError(
            MSG_LIST_ITEM % {"limit": LIST_ITEM_MAX, "count": LIST_MAX}, field=field
        )
    for item in items:
        require_single_line(field, item)
    return list(dict.fromkeys(items))


def _channels(values) -> list[str]:
    items = _text_list("channels", values)
    if any(not CHANNEL_CODE.match(item) for item in items):
        raise ValidationError(MSG_CHANNEL, field="channels")
    return items


def _limits(raw: dict) -> dict[str, Decimal | None]:
    """currency → amount (None: no limit, i.e. 0); every problem named by its currency."""
    cleaned, errors = {}, {}
    for currency, value in (raw or {}).items():
        field = f"limit_{currency}"
        if currency not in settings.COMPENSATION_CURRENCIES:
            errors[field] = [MSG_CURRENCY % {"currency": currency}]
            continue
        if value is None or str(value).strip() == "":
            cleaned[currency] = None
            continue
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            amount = None
        if (
            amount is None
            or not amount.is_finite()
            or amount < 0
            or amount >= LIMIT_MAX
            or amount != amount.quantize(Decimal("0.01"))
        ):
            errors[field] = [MSG_LIMIT_INVALID]
            continue
        cleaned[currency] = amount
    if errors:
        raise ValidationError(next(iter(errors.values()))[0], fields=errors)
    return cleaned


def _mentor(mentor, user):
    if mentor is None:
        return None
    if mentor.pk == user.pk:
        raise ValidationError(MSG_MENTOR_SELF, field="mentor")
    if not (mentor.is_active and StaffProfile.objects.filter(user=mentor).exists()):
        raise ValidationError(MSG_MENTOR_UNKNOWN, field="mentor")
    return mentor


def _as_json(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "pk"):
        return value.pk
    return value


@transaction.atomic
def staff_profile_update(*, user, actor, changes: dict) -> StaffProfile:
    """Change any of level, display_name, hire_date, channels, skills, certifications,
    mentor and approval_limits ({currency: amount or None}). Unchanged values record
    nothing."""
    if not may_edit(actor, user):
        raise AuthorityError(MSG_NOT_YOURS)
    profile, _created = StaffProfile.objects.select_for_update().get_or_create(user=user)
    wanted = {}
    if "level" in changes:
        require_choice("level", changes["level"], StaffLevel)
        if (
            changes["level"] != profile.level
            and changes["level"] not in SUPERVISOR_GIVES
            and not actor.has_perm(MANAGE_ALL_PERMISSION)
        ):
            raise AuthorityError(MSG_LEVEL_ABOVE, field="level")
        wanted["level"] = changes["level"]
    if "display_name" in changes:
        name = (changes["display_name"] or "").strip()
        require_single_line("display_name", name)
        if len(name) > 100:
            raise ValidationError(MSG_TOO_LONG % {"limit": 100}, field="display_name")
        wanted["display_name"] = name
    if "hire_date" in changes:
        hired = changes["hire_date"]
        if hired is not None and hired > timezone.localdate():
            raise ValidationError(MSG_FUTURE_DATE, field="hire_date")
        wanted["hire_date"] = hired
    if "channels" in changes:
        wanted["channels"] = _channels(changes["channels"])
    for name in ("skills", "certifications"):
        if name in changes:
            wanted[name] = _text_list(name, changes[name])
    if "mentor" in changes:
        wanted["mentor"] = _mentor(changes["mentor"], user)
    limits = _limits(changes.get("approval_limits") or {})
    recorded = {}
    for name, value in wanted.items():
        before = getattr(profile, name)
        if before != value:
            recorded[name] = [_as_json(before), _as_json(value)]
            setattr(profile, name, value)
    recorded.update(_set_limits(profile, limits, actor))
    if recorded:
        profile.save()
        StaffEvent.objects.create(
            user=user, actor=actor, action=StaffAction.PROFILE_CHANGED, changes=recorded
        )
    return profile


def _set_limits(profile, limits: dict, actor) -> dict:
    """Write the changed limits (a supervisor up to their own); returns what changed."""
    if not limits:
        return {}
    current = dict(profile.approval_limits.values_list("currency", "amount"))
    own = None
    changed = {}
    for currency, amount in limits.items():
        if current.get(currency) == amount:
            continue
        if amount and not actor.has_perm(MANAGE_ALL_PERMISSION):
            own = limits_of(actor) if own is None else own
            if amount > own.get(currency, Decimal("0")):
                raise AuthorityError(
                    MSG_LIMIT_ABOVE_OWN
                    % {"limit": own.get(currency, Decimal("0")), "currency": currency},
                    field=f"limit_{currency}",
                )
        changed[f"approval_limit_{currency}"] = [_as_json(current.get(currency)), _as_json(amount)]
    for currency, amount in limits.items():
        if f"approval_limit_{currency}" not in changed:
            continue
        if amount is None:
            profile.approval_limits.filter(currency=currency).delete()
        else:
            StaffApprovalLimit.objects.update_or_create(
                profile=profile, currency=currency, defaults={"amount": amount}
            )
    return changed


@transaction.atomic
def training_record_add(
    *, user, actor, kind: str, title: str, started_on: date, days
) -> TrainingRecord:
    """Record a training the person took (onboarding, or a training of some days)."""
    if not may_edit(actor, user):
        raise AuthorityError(MSG_NOT_YOURS)
    require_choice("kind", kind, TrainingKind)
    title = (title or "").strip()
    if not title:
        raise ValidationError(MSG_TITLE_REQUIRED, field="title")
    require_single_line("title", title)
    if len(title) > 200:
        raise ValidationError(MSG_TOO_LONG % {"limit": 200}, field="title")
    if started_on is None or started_on > timezone.localdate():
        raise ValidationError(MSG_FUTURE_DATE, field="started_on")
    try:
        days = int(str(days).strip())
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= 366:
        raise ValidationError(MSG_DAYS, field="days")
    record = TrainingRecord.objects.create(
        user=user, kind=kind, title=title, started_on=started_on, days=days
    )
    StaffEvent.objects.create(
        user=user,
        actor=actor,
        action=StaffAction.TRAINING_RECORDED,
        changes={"training": [None, {"kind": kind, "title": title, "days": days}]},
    )
    return record
