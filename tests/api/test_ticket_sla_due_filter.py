"""`sla_due_before` on the ticket list: unresolved tickets with a target still owed that
falls due before the given time (the queue's notion of due)."""

from datetime import timedelta

from django.utils import timezone

from tickets import services
from tickets.models import Channel, Status
from tickets.sla.models import Clock, ClockState


def open_ticket(team, actor, subject):
    return services.ticket_create(actor=actor, subject=subject, channel=Channel.API, team=team)


def ids(api, **params) -> list[int]:
    response = api.get("/api/v1/tickets/", params)
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def test_the_list_filters_tickets_due_before_a_time(api, team, integration):
    soon = open_ticket(team, integration, "soon")
    later = open_ticket(team, integration, "later")
    in_two_hours = timezone.now() + timedelta(hours=2)
    Clock.objects.filter(ticket=soon).update(due_at=in_two_hours, warn_at=in_two_hours)

    assert ids(api, sla_due_before=(timezone.now() + timedelta(hours=3)).isoformat()) == [soon.pk]
    everything = (timezone.now() + timedelta(days=2)).isoformat()
    assert ids(api, sla_due_before=everything) == [later.pk, soon.pk]


def test_met_targets_and_resolved_tickets_are_not_due(api, team, integration):
    answered = open_ticket(team, integration, "answered late")
    resolved = open_ticket(team, integration, "resolved")
    now = timezone.now()
    Clock.objects.filter(ticket=answered).update(
        state=ClockState.BREACHED, breached_at=now, met_at=now
    )
    services.ticket_change_status(ticket=resolved, actor=integration, to=Status.OPEN)
    services.ticket_change_status(ticket=resolved, actor=integration, to=Status.RESOLVED)
    Clock.objects.filter(ticket=resolved).update(state=ClockState.BREACHED, breached_at=now)

    assert ids(api, sla_due_before=(now + timedelta(days=30)).isoformat()) == []


def test_a_time_that_is_not_a_time_is_a_400_naming_the_filter(api):
    response = api.get("/api/v1/tickets/", {"sla_due_before": "tomorrow"})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["sla_due_before"]
