"""Satisfaction surveys [S1 §2.4, S3 ch.1]: sent when a ticket is resolved or a complaint
closes, answered once through a signed, expiring link that needs no login.

The link carries signing.dumps({"n": nonce}): the signature stops forgery and tampering,
signing's own timestamp and the stored expiry stop late answers, the random nonce (stored,
unique) stops guessing, and answered_at set by a compare-and-swap stops replay.
"""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from servicedesk.exceptions import ConflictError, NotFound, ServiceDeskError, ValidationError
from servicedesk.outbox.services import event_publish, outbox_enqueue_email
from tickets.audit import record_event
from tickets.models import Ticket

from .investigations import investigation_open_if_low
from .models import (
    DIMENSION_MAX,
    DIMENSION_MIN,
    RECOMMEND_MAX,
    RECOMMEND_MIN,
    Survey,
    SurveyKind,
)

SIGNING_SALT = "quality.survey"
DIMENSIONS = ("attitude", "effectiveness", "timeliness")


class SurveyAction:
    SENT = "survey.sent"
    ANSWERED = "survey.answered"


class SurveyExpired(ServiceDeskError):
    code = "survey_expired"
    status_code = 410

    def __init__(self, message=None, *, language: str = "", **kwargs):
        super().__init__(message, **kwargs)
        self.language = language


MSG_LINK_INVALID = _("This survey link is not valid. Please use the link from your e-mail.")
MSG_LINK_EXPIRED = _("This survey link has expired.")
MSG_ALREADY_ANSWERED = _("This survey has already been answered. Thank you!")
MSG_SCORE_RANGE = _("Choose a whole number from %(low)d to %(high)d.")
MSG_COMMENT_TOO_LONG = _("Keep the comment under %(limit)d characters.")
COMMENT_MAX_CHARS = 4000


def survey_link_days() -> int:
    return settings.SURVEY_LINK_DAYS


def survey_token(survey: Survey) -> str:
    return signing.dumps({"n": survey.nonce}, salt=SIGNING_SALT, compress=False)


def survey_url(survey: Survey) -> str:
    path = reverse("quality:survey", args=[survey_token(survey)])
    return settings.SERVICEDESK_BASE_URL.rstrip("/") + path


def _email_body(survey: Survey) -> tuple[str, str]:
    values = {
        "reference": survey.ticket.reference,
        "link": survey_url(survey),
        "days": survey_link_days(),
    }
    with translation.override(survey.language):
        if survey.kind == SurveyKind.COMPLAINT:
            subject = gettext("[%(reference)s] How did we handle your complaint?") % values
        else:
            subject = gettext("[%(reference)s] How did we do?") % values
        body = (
            gettext(
                "Please tell us how we served you: three quick ratings and one question, "
                "on one page.\n\n%(link)s\n\nThe link works once, for %(days)d days."
            )
            % values
        )
    return subject, body


def survey_send(*, ticket: Ticket, actor, at: datetime, kind: str) -> Survey | None:
    """Create the ticket's survey and queue its e-mail; None when the ticket already has
    one (one survey, one answer per ticket) or its customer has no e-mail address.

    Called inside the transaction that resolved the ticket or closed the complaint.
    """
    customer = ticket.customer
    if customer is None or not customer.email:
        return None
    if Survey.objects.filter(ticket=ticket).exists():
        return None
    survey = Survey.objects.create(
        ticket=ticket,
        kind=kind,
        customer=customer,
        agent_id=ticket.assignee_id or ticket.case_owner_id,
        team_id=ticket.team_id,
        channel=ticket.channel,
        language=customer.language,
        nonce=secrets.token_urlsafe(24),
        sent_at=at,
        expires_at=at + timedelta(days=survey_link_days()),
    )
    subject, body = _email_body(survey)
    outbox_enqueue_email(
        topic=SurveyAction.SENT,
        to=customer.email,
        subject=subject,
        body=body,
        ticket=ticket,
        dedupe_key=f"survey:{survey.pk}",
    )
    record_event(ticket, actor, SurveyAction.SENT, field="survey", after=survey.kind)
    return survey


def survey_for_token(token: str, *, now: datetime | None = None) -> Survey:
    """The survey a link names; NotFound for a forged, tampered or unknown link,
    SurveyExpired (with the survey's language) after its expiry if still unanswered.
    Read-only: an answered survey is returned, for the page to say so."""
    expired = False
    try:
        value = signing.loads(token, salt=SIGNING_SALT, max_age=_link_lifetime())
    except signing.SignatureExpired:
        # Genuine but old: read it only to answer in the customer's language.
        expired = True
        value = signing.loads(token, salt=SIGNING_SALT)
    except signing.BadSignature:
        raise NotFound(MSG_LINK_INVALID) from None
    nonce = value.get("n") if isinstance(value, dict) else None
    if not isinstance(nonce, str):
        raise NotFound(MSG_LINK_INVALID)
    survey = Survey.objects.select_related("ticket").filter(nonce=nonce).first()
    if survey is None:
        raise NotFound(MSG_LINK_INVALID)
    expired = expired or (now or timezone.now()) >= survey.expires_at
    if expired and not survey.is_answered:
        raise SurveyExpired(MSG_LINK_EXPIRED, language=survey.language)
    return survey


def _link_lifetime() -> timedelta:
    return timedelta(days=survey_link_days())


def _score(answers: dict, field: str, low: int, high: int, errors: dict) -> int | None:
    raw = answers.get(field)
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        value = None
    if value is None or not low <= value <= high or str(raw).strip() != str(value):
        errors[field] = [MSG_SCORE_RANGE % {"low": low, "high": high}]
        return None
    return value


def survey_answer_clean(answers: dict) -> dict:
    """Scores as integers in range and the comment; ValidationError names every bad field."""
    errors: dict = {}
    cleaned = {
        field: _score(answers, field, DIMENSION_MIN, DIMENSION_MAX, errors) for field in DIMENSIONS
    }
    cleaned["recommend"] = _score(answers, "recommend", RECOMMEND_MIN, RECOMMEND_MAX, errors)
    comment = str(answers.get("comment") or "").replace("\x00", "").strip()
    if len(comment) > COMMENT_MAX_CHARS:
        errors["comment"] = [MSG_COMMENT_TOO_LONG % {"limit": COMMENT_MAX_CHARS}]
    cleaned["comment"] = comment
    if errors:
        raise ValidationError(next(iter(errors.values()))[0], fields=errors)
    return cleaned


@transaction.atomic
def survey_answer(*, token: str, answers: dict) -> Survey:
    """Record the customer's one answer; publishes survey.answered and, for a low score,
    opens the investigation. Raises NotFound, SurveyExpired, ConflictError (already
    answered) or ValidationError, with nothing written."""
    survey = survey_for_token(token)
    if survey.is_answered:
        raise ConflictError(MSG_ALREADY_ANSWERED)
    cleaned = survey_answer_clean(answers)
    now = timezone.now()
    # Compare-and-swap: of two submissions racing, exactly one changes the row.
    changed = Survey.objects.filter(pk=survey.pk, answered_at__isnull=True).update(
        answered_at=now, **cleaned
    )
    if not changed:
        raise ConflictError(MSG_ALREADY_ANSWERED)
    survey.refresh_from_db()
    record_event(
        survey.ticket,
        None,
        SurveyAction.ANSWERED,
        field="survey",
        after={field: getattr(survey, field) for field in (*DIMENSIONS, "recommend")},
    )
    event_publish("survey.answered", survey_webhook_payload(survey), ticket=survey.ticket)
    investigation_open_if_low(survey=survey, at=now)
    return survey


def survey_webhook_payload(survey: Survey) -> dict:
    return {
        "reference": survey.ticket.reference,
        "ticket_id": survey.ticket_id,
        "kind": survey.kind,
        "attitude": survey.attitude,
        "effectiveness": survey.effectiveness,
        "timeliness": survey.timeliness,
        "recommend": survey.recommend,
        "comment": survey.comment,
        "answered_at": survey.answered_at.isoformat() if survey.answered_at else None,
    }


def survey_answered_sentence(reading) -> str:
    """The customer, not a staff member, answered: the timeline says so with the scores."""
    return gettext("The customer answered the satisfaction survey: %(scores)s") % {
        "scores": reading.value(reading.event.after)
    }
