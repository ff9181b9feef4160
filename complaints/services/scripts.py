"""Reply scripts managers keep for agents (empathise → soothe → reframe)."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from servicedesk.exceptions import (
    AuthorityError,
    ValidationError,
    require_choice,
)

from ..models import (
    ReplyScript,
    ReplyStep,
    ScriptLanguage,
)
from .common import (
    _has_perm,
)


@transaction.atomic
def reply_script_save(*, actor, script: ReplyScript | None, fields: dict) -> ReplyScript:
    """Create or edit a reply script (managers keep the empathise → soothe → reframe set)."""
    if not _has_perm(actor, "complaints.change_replyscript"):
        raise AuthorityError()
    require_choice("step", fields.get("step"), ReplyStep)
    require_choice("language", fields.get("language"), ScriptLanguage)
    if not (fields.get("title") or "").strip():
        raise ValidationError(_("This field is required."), field="title")
    if not (fields.get("body") or "").strip():
        raise ValidationError(_("This field is required."), field="body")
    script = script or ReplyScript()
    for name in ("step", "language", "title", "body", "active", "position"):
        if name in fields:
            setattr(script, name, fields[name])
    script.updated_by = actor
    script.save()
    return script
