"""Satisfaction surveys [S1 §2.4, S3 ch.1]: sent when service ends, answered once through
a signed, expiring link; expired, replayed, tampered and second answers are refused with
nothing written."""

from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.utils import timezone

from quality.models import Survey, SurveyKind
from quality.surveys import SIGNING_SALT
from servicedesk.api.models import WebhookEndpoint
from servicedesk.outbox.models import OutboxMessage
from tests.complaints.conftest import advance_to
from tests.factories import CustomerFactory
from tests.test_i18n import compiled_catalogues  # noqa: F401
from tickets import services as ticket_services
from tickets.models import Status

from .conftest import GOOD_ANSWER, resolve, survey_path

pytestmark = pytest.mark.django_db


def _answer_fields(survey):
    survey.refresh_from_db()
    return (survey.answered_at, survey.attitude, survey.recommend, survey.comment)


@pytest.mark.usefixtures("compiled_catalogues")
def test_resolving_a_ticket_sends_one_survey_by_mail_in_the_customers_language(agent, team):
    customer = CustomerFactory(email="li.na@example.com", language="zh-hans")
    ticket = ticket_services.ticket_create(
        actor=agent, subject="Slow refund", channel="email", team=team, customer=customer
    )
    resolve(ticket, agent)
    survey = Survey.objects.get(ticket=ticket)
    assert survey.kind == SurveyKind.TICKET and survey.language == "zh-hans"
    [mail] = OutboxMessage.objects.filter(topic="survey.sent")
    assert mail.recipient == customer.email and mail.ticket == ticket
    assert survey_path(survey) in mail.body and survey.nonce not in mail.body
    assert mail.subject == f"[{ticket.reference}] 您对我们的服务满意吗？"
    page = Client().get(survey_path(survey)).content.decode()
    assert '<html lang="zh-hans">' in page and "服务态度" in page


def test_the_survey_rates_the_assignee_through_the_ticket_team_and_channel(
    resolved_ticket, agent, team
):
    survey = Survey.objects.get(ticket=resolved_ticket)
    assert (survey.agent, survey.team, survey.channel) == (agent, team, "email")


def test_an_english_customer_gets_the_survey_in_english(agent, team, customer):
    customer.language = "en"
    customer.save()
    ticket = ticket_services.ticket_create(
        actor=agent, subject="Slow refund", channel="email", team=team, customer=customer
    )
    resolve(ticket, agent)
    [mail] = OutboxMessage.objects.filter(topic="survey.sent")
    assert mail.subject == f"[{ticket.reference}] How did we do?"


def test_a_reopened_and_resolved_again_ticket_keeps_its_one_survey(resolved_ticket, agent):
    resolved_ticket = ticket_services.ticket_change_status(
        ticket=resolved_ticket, actor=agent, to=Status.OPEN
    )
    resolve(resolved_ticket, agent)
    assert Survey.objects.filter(ticket=resolved_ticket).count() == 1
    assert OutboxMessage.objects.filter(topic="survey.sent").count() == 1


def test_a_customer_without_an_email_address_gets_no_survey(agent, team, customer):
    customer.email = ""
    customer.save()
    ticket = ticket_services.ticket_create(
        actor=agent, subject="Call me", channel="phone", team=team, customer=customer
    )
    resolve(ticket, agent)
    assert not Survey.objects.exists()


def test_closing_a_complaint_sends_a_complaint_survey(complaint, supervisor):
    advance_to(complaint, supervisor, "closed")
    [survey] = Survey.objects.all()
    assert survey.ticket == complaint.ticket and survey.kind == SurveyKind.COMPLAINT
    [mail] = OutboxMessage.objects.filter(topic="survey.sent")
    assert mail.ticket == complaint.ticket


def test_the_page_asks_the_three_dimensions_and_recommend_without_javascript(client, survey):
    response = client.get(survey_path(survey))
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("attitude", "effectiveness", "timeliness", "recommend", "comment"):
        assert f'name="{name}"' in html
    assert "<script" not in html
    assert 'name="viewport"' in html


def test_an_answer_is_recorded_once_and_published_as_survey_answered(client, survey):
    WebhookEndpoint.objects.create(
        name="crm", url="https://crm.example.com/hook", events=["survey.answered"]
    )
    response = client.post(survey_path(survey), {**GOOD_ANSWER, "comment": "Quick, thanks"})
    assert response.status_code == 200
    survey.refresh_from_db()
    assert (survey.attitude, survey.effectiveness, survey.timeliness, survey.recommend) == (
        5,
        4,
        5,
        9,
    )
    assert survey.comment == "Quick, thanks" and survey.answered_at is not None
    [hook] = OutboxMessage.objects.filter(channel="webhook", topic="survey.answered")
    assert hook.payload["data"]["recommend"] == 9
    assert hook.ticket == survey.ticket


def test_a_second_answer_is_refused_and_the_first_stands(client, survey):
    client.post(survey_path(survey), GOOD_ANSWER)
    first = _answer_fields(survey)
    response = client.post(
        survey_path(survey), {**GOOD_ANSWER, "attitude": "1", "comment": "changed my mind"}
    )
    assert response.status_code == 409
    assert "already been answered" in response.content.decode()
    assert _answer_fields(survey) == first


def test_a_replayed_link_after_answering_shows_it_was_answered(client, survey):
    client.post(survey_path(survey), GOOD_ANSWER)
    response = client.get(survey_path(survey))
    assert response.status_code == 409
    assert 'name="attitude"' not in response.content.decode()


def test_an_expired_link_is_refused_and_nothing_is_written(client, survey, settings):
    # 14 days by default (SURVEY_LINK_DAYS).
    with time_machine.travel(timezone.now() + timedelta(days=settings.SURVEY_LINK_DAYS, hours=1)):
        response = client.post(survey_path(survey), GOOD_ANSWER)
        assert client.get(survey_path(survey)).status_code == 410
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert _answer_fields(survey) == (None, None, None, "")


def test_the_link_works_until_the_last_day(client, survey, settings):
    with time_machine.travel(timezone.now() + timedelta(days=settings.SURVEY_LINK_DAYS - 1)):
        assert client.post(survey_path(survey), GOOD_ANSWER).status_code == 200


def test_a_tampered_link_is_refused_and_nothing_is_written(client, survey):
    token = survey_path(survey).split("/")[3]
    head, signature = token.rsplit(":", 1)
    tampered = f"{head}:{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}"
    response = client.post(f"/quality/survey/{tampered}/", GOOD_ANSWER)
    assert response.status_code == 404
    assert "not valid" in response.content.decode()
    assert _answer_fields(survey) == (None, None, None, "")


def test_a_guessed_or_forged_link_is_refused(client, survey):
    # Signed with our key but naming no survey: the nonce cannot be guessed.
    guessed = signing.dumps({"n": "x" * 32}, salt=SIGNING_SALT)
    # A valid nonce signed with another key.
    forged = signing.dumps({"n": survey.nonce}, salt=SIGNING_SALT, key="not-our-secret-key" * 3)
    for token in (guessed, forged, str(survey.pk)):
        assert client.post(f"/quality/survey/{token}/", GOOD_ANSWER).status_code == 404
    assert _answer_fields(survey) == (None, None, None, "")


@pytest.mark.parametrize(
    "field,value",
    [
        ("attitude", "0"),
        ("attitude", "6"),
        ("effectiveness", ""),
        ("timeliness", "4.5"),
        ("recommend", "11"),
        ("recommend", "-1"),
    ],
)
def test_scores_out_of_range_are_refused_with_the_form_kept(client, survey, field, value):
    response = client.post(survey_path(survey), {**GOOD_ANSWER, field: value, "comment": "kept"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Choose a whole number" in html and "kept" in html
    assert _answer_fields(survey) == (None, None, None, "")
    assert not OutboxMessage.objects.filter(channel="webhook").exists()
