"""The membership ladder's privileges, enforced [S0 §03]: a dedicated advisor who receives
the customer's new tickets (page, API and mail all through ticket_create), a fast lane
(an SLA policy for the level), priority in the agent queue; important customers' team and
priority [S1 §5.1]; an audited level change that re-plans open tickets; a hand-set tier
pinned against the nightly segmentation."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from customers.membership import (
    MSG_ADVISOR_NOT_IN_TEAM,
    MSG_LEVEL_REASON_REQUIRED,
    MSG_NO_ADVISOR_AT_LEVEL,
    customer_assign_advisor,
    customer_change_level,
    customer_unpin_tier,
)
from customers.models import Customer, CustomerAction, CustomerEvent, MembershipLevel, Tier
from customers.segmentation import customer_segments_compute, segmentation_rule
from customers.services import customer_change_tier
from servicedesk.api.scopes import Scope
from servicedesk.api.services import api_token_issue
from servicedesk.exceptions import ValidationError
from staff.models import Role
from tests.factories import CustomerFactory, TeamFactory, TicketFactory, UserFactory
from tests.nothing_written import nothing_written
from tickets import services as tickets
from tickets.models import Channel, Priority, Ticket
from tickets.sla.defaults import ALWAYS_OPEN_CALENDAR
from tickets.sla.models import Calendar, Clock, Metric, Policy, Target

AT = datetime(2026, 6, 30, 12, 0, tzinfo=ZoneInfo("UTC"))


def level(code: str) -> MembershipLevel:
    return MembershipLevel.objects.get(code=code)


def test_the_default_ladder_is_loaded_in_both_languages(db):
    assert list(
        MembershipLevel.objects.order_by("rank").values_list("code", "name", "name_en")
    ) == [
        ("standard", "标准会员", "Standard"),
        ("silver", "白银会员", "Silver"),
        ("gold", "黄金会员", "Gold"),
        ("platinum", "铂金会员", "Platinum"),
    ]
    assert [lv.dedicated_advisor for lv in MembershipLevel.objects.order_by("rank")] == [
        False,
        False,
        True,
        True,
    ]


@pytest.fixture
def vip_desk(db):
    return TeamFactory(name="VIP desk")


@pytest.fixture
def advisor(vip_desk):
    return UserFactory(username="advisor", role=Role.AGENT, teams=[vip_desk])


@pytest.fixture
def gold_customer(advisor, vip_desk, manager):
    customer = CustomerFactory(name="Gold customer")
    customer = customer_change_level(
        customer=customer, level=level("gold"), actor=manager, reason="Spends a lot"
    )
    return customer_assign_advisor(customer=customer, advisor=advisor, team=vip_desk, actor=manager)


@pytest.fixture
def phone_team(team):
    team.channels = ["phone", "email"]
    team.save()
    return team


def test_a_new_ticket_of_the_customer_goes_to_their_advisor_from_the_page(
    client, agent, phone_team, gold_customer, advisor, vip_desk
):
    client.force_login(agent)
    response = client.post(
        f"{reverse('tickets:new')}?template=none",
        {"subject": "Where is my order", "channel": "phone", "kind": "request",
         "complexity": "simple", "customer": gold_customer.pk},
    )  # fmt: skip
    assert response.status_code == 302
    ticket = Ticket.objects.get(subject="Where is my order")
    assert (ticket.team, ticket.assignee, ticket.case_owner) == (vip_desk, advisor, advisor)


def test_a_new_ticket_of_the_customer_goes_to_their_advisor_from_the_api(
    agent, phone_team, gold_customer, advisor, vip_desk
):
    _token, secret = api_token_issue(user=agent, name="crm", scopes=list(Scope.values))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    response = api.post(
        "/api/v1/tickets/",
        {"subject": "Invoice", "channel": "phone", "customer": gold_customer.pk},
        format="json",
    )
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(pk=response.json()["id"])
    assert (ticket.team, ticket.assignee) == (vip_desk, advisor)


def test_mail_from_the_customer_goes_to_their_advisor(phone_team, gold_customer, advisor):
    ticket = tickets.ticket_create(
        actor=None, subject="By mail", channel=Channel.EMAIL, customer=gold_customer
    )
    assert ticket.assignee == advisor


def test_a_chosen_team_wins_over_the_advisor(agent, phone_team, gold_customer, other_team):
    ticket = tickets.ticket_create(
        actor=agent, subject="Billing", channel=Channel.PHONE, customer=gold_customer,
        team=other_team,
    )  # fmt: skip
    assert (ticket.team, ticket.assignee) == (other_team, None)


@pytest.mark.parametrize("absence", ["inactive", "left the team"])
def test_an_absent_advisor_leaves_the_ticket_with_the_advisors_team(
    absence, agent, phone_team, gold_customer, advisor, vip_desk
):
    if absence == "inactive":
        advisor.is_active = False
        advisor.save()
    else:
        vip_desk.members.remove(advisor)
    ticket = tickets.ticket_create(
        actor=agent, subject="Nobody home", channel=Channel.PHONE, customer=gold_customer
    )
    assert (ticket.team, ticket.assignee) == (vip_desk, None)


def test_a_level_without_an_advisor_routes_by_channel(agent, phone_team, gold_customer, manager):
    silver = customer_change_level(
        customer=gold_customer, level=level("silver"), actor=manager, reason="Spends less"
    )
    ticket = tickets.ticket_create(
        actor=agent, subject="Silver now", channel=Channel.PHONE, customer=silver
    )
    assert (ticket.team, ticket.assignee) == (phone_team, None)


def test_only_a_level_with_the_privilege_gets_an_advisor_and_only_from_their_team(
    manager, advisor, vip_desk, other_team
):
    customer = CustomerFactory()
    with nothing_written(), pytest.raises(ValidationError) as error:
        customer_assign_advisor(customer=customer, advisor=advisor, team=vip_desk, actor=manager)
    assert error.value.fields == {"advisor": [str(MSG_NO_ADVISOR_AT_LEVEL)]}
    customer_change_level(customer=customer, level=level("platinum"), actor=manager, reason="r")
    with pytest.raises(ValidationError) as error:
        customer_assign_advisor(customer=customer, advisor=advisor, team=other_team, actor=manager)
    assert error.value.fields == {"advisor": [str(MSG_ADVISOR_NOT_IN_TEAM)]}


def test_important_customers_get_the_rules_team_and_high_priority(agent, phone_team, other_team):
    rule = segmentation_rule()
    rule.important_team = other_team
    rule.save()
    important = CustomerFactory(tier=Tier.IMPORTANT)
    ticket = tickets.ticket_create(
        actor=agent, subject="Important", channel=Channel.PHONE, customer=important
    )
    assert (ticket.team, ticket.priority) == (other_team, Priority.HIGH)
    # A priority chosen by the agent stands; a general customer keeps the channel's team.
    chosen = tickets.ticket_create(
        actor=agent, subject="Chosen", channel=Channel.PHONE, customer=important,
        priority=Priority.LOW,
    )  # fmt: skip
    assert chosen.priority == Priority.LOW
    general = tickets.ticket_create(
        actor=agent, subject="General", channel=Channel.PHONE, customer=CustomerFactory()
    )
    assert (general.team, general.priority) == (phone_team, Priority.NORMAL)


@pytest.fixture
def gold_fast_lane(db):
    """A stricter policy for gold members: resolved within 4 hours instead of the general
    aim's 24 (two match fields, so more specific than the general aim's one)."""
    policy = Policy.objects.create(
        name="Fast lane: gold", membership_level=level("gold"), complexity="simple"
    )
    Target.objects.create(
        policy=policy,
        metric=Metric.RESOLUTION,
        duration=4,
        unit="hours",
        calendar=Calendar.objects.get(name=ALWAYS_OPEN_CALENDAR),
    )
    return policy


def resolution_clock(ticket) -> Clock:
    return Clock.objects.get(ticket=ticket, metric=Metric.RESOLUTION, cycle=1)


def test_the_fast_lane_policy_matches_gold_customers_only(gold_fast_lane, agent, team, manager):
    gold = customer_change_level(
        customer=CustomerFactory(), level=level("gold"), actor=manager, reason="r"
    )
    platinum = customer_change_level(
        customer=CustomerFactory(), level=level("platinum"), actor=manager, reason="r"
    )
    with time_machine.travel(AT, tick=False):
        fast, slow, other = (
            tickets.ticket_create(actor=agent, subject=name, channel=Channel.EMAIL, team=team,
                                  customer=customer)
            for name, customer in (("gold", gold), ("standard", CustomerFactory()),
                                   ("platinum", platinum))
        )  # fmt: skip
    assert resolution_clock(fast).due_at == AT + timedelta(hours=4)
    assert resolution_clock(fast).policy_name == "Fast lane: gold"
    assert resolution_clock(slow).due_at == AT + timedelta(hours=24)
    assert resolution_clock(other).due_at == AT + timedelta(hours=24)


def test_a_level_change_re_plans_open_tickets_and_is_audited(gold_fast_lane, agent, team, manager):
    customer = CustomerFactory()
    with time_machine.travel(AT, tick=False):
        ticket = tickets.ticket_create(
            actor=agent, subject="Broken", channel=Channel.EMAIL, team=team, customer=customer
        )
    assert resolution_clock(ticket).due_at == AT + timedelta(hours=24)
    with time_machine.travel(AT + timedelta(hours=1), tick=False):
        customer = customer_change_level(
            customer=customer, level=level("gold"), actor=manager, reason="Quarterly review"
        )
    # Re-planned from the clock's original start, not from the change.
    assert resolution_clock(ticket).due_at == AT + timedelta(hours=4)
    event = CustomerEvent.objects.get(customer=customer, action=CustomerAction.LEVEL_CHANGED)
    assert (event.actor, event.changes, event.reason) == (
        manager,
        {"membership_level": ["standard", "gold"]},
        "Quarterly review",
    )
    assert customer.version == 2


def test_a_level_change_needs_a_reason_and_writes_nothing_without(manager):
    customer = CustomerFactory()
    with nothing_written(), pytest.raises(ValidationError) as error:
        customer_change_level(customer=customer, level=level("gold"), actor=manager, reason="")
    assert error.value.fields == {"reason": [str(MSG_LEVEL_REASON_REQUIRED)]}


def test_the_queue_puts_higher_levels_first_among_the_same_priority(client, agent, team, manager):
    levels = {}
    for code in ("silver", "platinum", "gold"):
        customer = CustomerFactory(name=f"{code} member")
        customer_change_level(customer=customer, level=level(code), actor=manager, reason="r")
        levels[code] = TicketFactory(team=team, customer=customer, priority=Priority.NORMAL)
    plain = TicketFactory(team=team, customer=CustomerFactory(), priority=Priority.NORMAL)
    urgent = TicketFactory(team=team, customer=CustomerFactory(), priority=Priority.URGENT)
    client.force_login(agent)
    response = client.get(reverse("tickets:queue"), {"ordering": "priority", "scope": "all"})
    rows = [ticket.pk for ticket in response.context["page"].object_list]
    assert rows == [
        urgent.pk,
        levels["platinum"].pk,
        levels["gold"].pk,
        levels["silver"].pk,
        plain.pk,
    ]
    assert "铂金会员" not in response.content.decode()  # English page: the English name
    assert "Platinum" in response.content.decode()


def test_a_hand_set_tier_is_pinned_and_survives_the_nightly_segmentation(manager):
    customer = CustomerFactory(tier=Tier.GENERAL)
    with time_machine.travel(AT, tick=False):
        customer = customer_change_tier(
            customer=customer, actor=manager, tier=Tier.IMPORTANT, reason="Board member"
        )
    assert (customer.tier_pinned_at, customer.tier_pinned_by, customer.tier_pin_reason) == (
        AT,
        manager,
        "Board member",
    )
    moved = CustomerFactory(tier=Tier.IMPORTANT)  # no purchases: the run makes it potential
    run = customer_segments_compute(actor=None, at=AT)
    customer.refresh_from_db()
    moved.refresh_from_db()
    assert (customer.tier, moved.tier) == (Tier.IMPORTANT, Tier.POTENTIAL)
    assert customer.segment.segment == Tier.POTENTIAL  # computed, shown, not applied
    assert run.customers_moved == 1

    customer_unpin_tier(customer=customer, actor=manager, reason="Left the board")
    assert CustomerEvent.objects.filter(
        customer=customer, action=CustomerAction.TIER_UNPINNED, reason="Left the board"
    ).exists()
    customer_segments_compute(actor=None, at=AT + timedelta(seconds=1))
    customer.refresh_from_db()
    assert (customer.tier, customer.tier_pinned_at) == (Tier.POTENTIAL, None)


def admin_form(customer, admin_user, **changes):
    """The customer admin's change form bound to the customer's values with `changes`."""
    import json

    from django.contrib import admin
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = admin_user
    form_class = admin.site._registry[Customer].get_form(request, obj=customer)
    unbound = form_class(instance=customer)
    data = {}
    for name in unbound.fields:
        value = unbound[name].value()
        if isinstance(value, list | dict):
            value = json.dumps(value)
        data[name] = "" if value is None else value
    data.update(changes)
    return form_class(data=data, instance=customer)


def test_the_admin_sets_an_advisor_through_the_service_and_shows_a_refusal_on_the_form(
    admin_client, admin_user, manager, advisor, vip_desk, other_team
):
    customer = CustomerFactory()
    form = admin_form(customer, admin_user, advisor=advisor.pk, advisor_team=vip_desk.pk)
    assert not form.is_valid()
    assert form.errors["advisor"] == [str(MSG_NO_ADVISOR_AT_LEVEL)]

    customer = customer_change_level(
        customer=customer, level=level("gold"), actor=manager, reason="r"
    )
    form = admin_form(customer, admin_user, advisor=advisor.pk, advisor_team=other_team.pk)
    assert form.errors["advisor"] == [str(MSG_ADVISOR_NOT_IN_TEAM)]
    form = admin_form(customer, admin_user, advisor=advisor.pk, advisor_team=vip_desk.pk)
    assert form.is_valid(), form.errors
    from django.contrib import admin
    from django.test import RequestFactory

    request = RequestFactory().post("/")
    request.user = admin_user
    admin.site._registry[Customer].save_model(request, form.save(commit=False), form, True)
    customer.refresh_from_db()
    assert (customer.advisor, customer.advisor_team) == (advisor, vip_desk)
    assert CustomerEvent.objects.filter(
        customer=customer, action=CustomerAction.ADVISOR_CHANGED, actor=admin_user
    ).exists()


def test_the_admin_hands_pinned_tiers_back_to_the_nightly_run(admin_client, manager):
    customer = customer_change_tier(
        customer=CustomerFactory(), actor=manager, tier=Tier.IMPORTANT, reason="VIP"
    )
    response = admin_client.post(
        reverse("admin:customers_customer_changelist"),
        {"action": "unpin_tier", "_selected_action": [customer.pk]},
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.tier_pinned_at is None
    assert CustomerEvent.objects.filter(
        customer=customer, action=CustomerAction.TIER_UNPINNED, reason="Unpinned in the admin"
    ).exists()
