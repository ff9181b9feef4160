"""The timeline reads as sentences with people's display names, in both languages, for
every kind of event — the SLA engine's alerts included (they used to read as raw dumps
"Resolution: — → Cycle: 1, Due: …, Notified: zhaoqiang")."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from staff.models import Role
from tests.factories import TeamFactory, UserFactory
from tickets import services
from tickets.audit import ACTION_LABELS
from tickets.models import Channel, Status, TicketEvent
from tickets.sla.actions import SlaAction
from tickets.timeline import event_sentence


def _named(user, name):
    user.staff_profile.display_name = name
    user.staff_profile.save()
    return user


@pytest.fixture
def wang(agent):
    return _named(agent, "Wang Fang")


@pytest.fixture
def ticket(wang, team, customer):
    return services.ticket_create(
        actor=wang, subject="Washer leaks", channel=Channel.EMAIL, team=team, customer=customer
    )


def _page(client, user, ticket, language="en"):
    client.force_login(user)
    response = client.get(
        reverse("tickets:detail", args=[ticket.reference]), HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    return response.content.decode()


def _sweep_alert(ticket, action, metric, notified):
    """An alert row exactly as tickets/sla/sweep.py writes it (logins, UTC ISO time)."""
    return TicketEvent.objects.create(
        ticket=ticket,
        actor=None,
        action=action,
        field=metric,
        after={
            "cycle": 1,
            "due_at": "2026-03-04T02:00:00+00:00",
            "escalation_level": 1,
            "notified": notified,
        },
    )


def test_a_status_change_reads_as_a_sentence_with_the_display_name(client, wang, ticket):
    services.ticket_change_status(ticket=ticket, actor=wang, to=Status.OPEN)
    services.ticket_change_status(ticket=ticket, actor=wang, to=Status.PENDING_CUSTOMER)
    page = _page(client, wang, ticket)
    assert "Wang Fang changed the status from Open to Pending customer" in page
    assert "Wang Fang opened the ticket" in page


def test_assignment_to_a_team_and_to_a_person_read_as_sentences(client, wang, team, ticket):
    li = _named(UserFactory(username="lilei", role=Role.AGENT, teams=[team]), "Li Lei")
    phone = TeamFactory(name="Phone")
    services.ticket_assign(ticket=ticket, actor=li, assignee=li)
    services.ticket_transfer(ticket=ticket, actor=li, team=phone)
    page = _page(client, wang, TicketEvent.objects.first().ticket)
    assert "Li Lei assigned the ticket to Li Lei" in page
    assert "Li Lei assigned the ticket to team Phone" in page
    assert "Li Lei unassigned the ticket from Li Lei" in page


def test_an_sla_breach_names_the_clock_and_the_people_told_by_their_names(
    client, wang, supervisor, ticket
):
    _named(supervisor, "Zhao Qiang")
    _sweep_alert(ticket, SlaAction.BREACHED, "resolution", ["supervisor"])
    with timezone.override("Asia/Shanghai"):
        page = _page(client, wang, ticket)
    assert "Resolution clock breached (due 2026-03-04 10:00); told Zhao Qiang" in page
    assert "Notified" not in page and "Cycle:" not in page


def test_an_sla_warning_reads_in_chinese_on_a_chinese_page(client, wang, supervisor, ticket):
    _named(supervisor, "赵强")
    _sweep_alert(ticket, SlaAction.WARNING, "first_response", ["supervisor"])
    with timezone.override("Asia/Shanghai"):
        page = _page(client, wang, ticket, language="zh-hans")
    assert "首次响应时限即将超时（截止 2026-03-04 10:00），已提醒 赵强" in page


def test_a_replanned_clock_says_its_new_and_old_due_times():
    event = TicketEvent(
        action=SlaAction.REPLANNED,
        field="resolution",
        before="2026-03-04T02:00:00+00:00",
        after="2026-03-05T02:00:00+00:00",
    )
    with timezone.override("Asia/Shanghai"), translation.override("en"):
        assert event_sentence(event) == (
            "Resolution clock re-planned: due 2026-03-05 10:00 instead of 2026-03-04 10:00"
        )


def test_tags_read_as_what_was_added_and_removed(db):
    event = TicketEvent(
        action="ticket.tags_changed", field="tags", before=["leak", "vip"], after=["vip", "urgent"]
    )
    with translation.override("en"):
        assert event_sentence(event) == "System tagged the ticket urgent and removed leak"


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_registered_action_reads_as_a_sentence_without_raw_values(db, language):
    """Whatever an app registered, its events read as text: no dict dump, no action code."""
    stored = {"cycle": 2, "due_at": "2026-03-04T02:00:00+00:00", "notified": ["x"]}
    for action in ACTION_LABELS:
        for before, after in ((None, None), (None, stored), ("open", "resolved")):
            event = TicketEvent(action=action, field="resolution", before=before, after=after)
            with translation.override(language):
                sentence = event_sentence(event)
            assert sentence and action not in sentence, (action, sentence)
            assert "{" not in sentence and "['" not in sentence, (action, sentence)
