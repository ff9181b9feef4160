"""Innovation suggestions from staff [S3 ch.1, S1 §7.1]: submitted, then adopted or
declined with a reason by a manager."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicedesk.exceptions import AuthorityError, ConflictError, ValidationError
from servicedesk.text import require_single_line

from .models import Suggestion, SuggestionStatus

REVIEW_PERMISSION = "quality.review_suggestion"
MSG_TITLE_REQUIRED = _("Give the suggestion a title.")
MSG_BODY_REQUIRED = _("Describe the suggestion.")
MSG_REASON_REQUIRED = _("Say why the suggestion is adopted or declined.")
MSG_ALREADY_REVIEWED = _("This suggestion has already been reviewed.")
MSG_NOT_REVIEWER = _("Only managers adopt or decline suggestions.")
MSG_DECISION = _("Choose adopted or declined.")


@transaction.atomic
def suggestion_submit(*, actor, title: str, body: str) -> Suggestion:
    title = (title or "").strip()
    body = (body or "").replace("\x00", "").strip()
    if not title:
        raise ValidationError(MSG_TITLE_REQUIRED, field="title")
    require_single_line("title", title)
    if not body:
        raise ValidationError(MSG_BODY_REQUIRED, field="body")
    return Suggestion.objects.create(
        author=actor, title=title[:200], body=body, submitted_at=timezone.now()
    )


@transaction.atomic
def suggestion_review(*, suggestion: Suggestion, actor, decision: str, reason: str) -> Suggestion:
    if not actor.has_perm(REVIEW_PERMISSION):
        raise AuthorityError(MSG_NOT_REVIEWER)
    if decision not in (SuggestionStatus.ADOPTED, SuggestionStatus.DECLINED):
        raise ValidationError(MSG_DECISION, field="decision")
    reason = (reason or "").replace("\x00", "").strip()
    if not reason:
        raise ValidationError(MSG_REASON_REQUIRED, field="reason")
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.status != SuggestionStatus.SUBMITTED:
        raise ConflictError(MSG_ALREADY_REVIEWED)
    suggestion.status = decision
    suggestion.decision_reason = reason
    suggestion.reviewed_by = actor
    suggestion.reviewed_at = timezone.now()
    suggestion.save()
    return suggestion
