"""Demo data for `manage.py seed_demo`: teams, staff of every role, customers, a category
tree and a few hundred tickets worked through the ticket services.

Every change goes through the services, so the audit trail, SLA clocks and outbox rows
are the ones real work would write. Time: the services read "now" (timezone.now(), the
auto_now fields), so each ticket's story is played under a controlled clock (DemoClock,
time-machine) at the times its steps would have happened: opened over the past weeks,
answered minutes to days later, resolved and closed days after. Nothing is moved back
afterwards: the ticket, its messages, its append-only audit events, its SLA clocks and
their plan rows agree exactly as the services wrote them. A clock that ran past its due
time was breached then; one still running past due is breached by the next SLA sweep.
time-machine is a development dependency (`make install` installs it): seeding is a
development task, and the services keep no hook for it.

Other apps add their own demo data with `servicedesk.demo_steps.register_demo_step(step)`
from their AppConfig.ready(); each step is called
once per run with the `Demo` built here, at the real time; a step plays its own stories
at past times with a DemoClock of its own (as the complaints step does).
"""

import os
import random
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from customers.models import Customer, Language, Tier
from servicedesk.demo_data import (
    APPROVAL_LIMITS_BY_LEVEL,
    CANNED_REPLIES,
    CATEGORY_TREE,
    CHANNEL_WEIGHTS,
    CHINESE_CUSTOMERS,
    CUSTOMER_MESSAGES,
    EMAIL_DOMAINS_CN,
    ENGLISH_CUSTOMERS,
    NOTES,
    PRIORITY_WEIGHTS,
    PRODUCTS,
    REPLIES,
    SCENARIOS,
    STAFF,
    STATUS_WEIGHTS,
    TEAMS,
    TEMPLATE_FOR_CATEGORY,
)
from servicedesk.demo_steps import DEMO_STEPS
from staff.models import Role, StaffApprovalLimit, StaffProfile, Team
from tickets import services
from tickets.demo_clock import DemoClock, time_machine_or_error
from tickets.models import (
    CannedReply,
    Category,
    Channel,
    Complexity,
    IntakeTemplate,
    Status,
    Ticket,
)

User = get_user_model()


# ---- staff ------------------------------------------------------------------------------------


@dataclass
class Demo:
    """What a run built, for steps of other apps to build on."""

    rng: random.Random
    # How many months of history the steps of other apps build (the current one included).
    history_months: int = 4
    teams: dict[str, Team] = field(default_factory=dict)
    staff: dict[str, object] = field(default_factory=dict)
    customers: list[Customer] = field(default_factory=list)
    categories: dict[str, Category] = field(default_factory=dict)
    tickets: list[Ticket] = field(default_factory=list)
    # Read once per run, not once per ticket: nothing the seed does changes them.
    templates: dict[str, IntakeTemplate] = field(default_factory=dict)
    channel_teams: dict[str, Team | None] = field(default_factory=dict)
    team_members: dict[int, list] = field(default_factory=dict)

    def team_for_channel(self, channel: str) -> Team | None:
        if channel not in self.channel_teams:
            self.channel_teams[channel] = services.team_for_channel(channel)
        return self.channel_teams[channel]

    def members_of(self, team: Team | None) -> list:
        if team is None:
            return []
        if team.pk not in self.team_members:
            self.team_members[team.pk] = list(team.members.order_by("pk"))
        return self.team_members[team.pk]


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


# progress(what, done, total): told after each ticket and each step of another app.
Progress = Callable[[str, int, int], None]


@transaction.atomic
def seed_demo(
    *,
    ticket_count: int = 300,
    seed: int = 20260101,
    history_months: int = 4,
    progress: Progress | None = None,
) -> Demo:
    """Build (or refresh) the demo organisation and add `ticket_count` worked tickets."""
    progress = progress or (lambda _what, _done, _total: None)
    time_machine = time_machine_or_error()
    demo = Demo(rng=random.Random(seed), history_months=history_months)
    _seed_staff(demo)
    _seed_customers(demo)
    _seed_categories(demo)
    demo.templates = IntakeTemplate.objects.in_bulk(field_name="slug")
    now = timezone.now()
    with time_machine.travel(now, tick=False) as traveller:
        _seed_tickets(demo, ticket_count, DemoClock(traveller, demo.rng, now), progress)
    for number, step in enumerate(DEMO_STEPS, start=1):
        step(demo)
        progress(step.__module__.split(".")[0], number, len(DEMO_STEPS))
    return demo


def _seed_staff(demo: Demo) -> None:
    # PBKDF2 takes a good part of a second per password, and hashlib lets go of the GIL
    # while it works: hash the demo passwords side by side, one per core.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        hashes = list(pool.map(make_password, [password for _name, password, *_rest in STAFF]))
    for name, channels in TEAMS.items():
        team, _created = Team.objects.get_or_create(name=name)
        team.channels = [str(channel) for channel in channels]
        team.save()
        demo.teams[name] = team
    for (username, _password, role, full_name, level, teams, supervised), hashed in zip(
        STAFF, hashes, strict=True
    ):
        user, _created = User.objects.get_or_create(username=username)
        user.first_name, user.last_name = full_name, ""
        user.email = f"{username}@servicedesk.example.cn"
        user.is_active = True
        user.is_staff = role == Role.ADMINISTRATOR
        user.is_superuser = role == Role.ADMINISTRATOR
        user.password = hashed
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        profile, _created = StaffProfile.objects.update_or_create(
            user=user, defaults={"level": level, "display_name": full_name}
        )
        for currency, by_level in APPROVAL_LIMITS_BY_LEVEL.items():
            StaffApprovalLimit.objects.get_or_create(
                profile=profile, currency=currency, defaults={"amount": by_level[level]}
            )
        for team_name in teams:
            demo.teams[team_name].members.add(user)
        for team_name in supervised:
            team = demo.teams[team_name]
            team.supervisor = user
            team.save(update_fields=["supervisor"])
        demo.staff[username] = user


def _seed_customers(demo: Demo) -> None:
    rng = demo.rng
    tiers = [Tier.IMPORTANT] * 2 + [Tier.GENERAL] * 6 + [Tier.POTENTIAL] * 2
    for index, (name, handle) in enumerate(CHINESE_CUSTOMERS):
        customer, _created = Customer.objects.get_or_create(
            name=name,
            defaults={
                "email": f"{handle}@{EMAIL_DOMAINS_CN[index % len(EMAIL_DOMAINS_CN)]}",
                "phone": f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
                "language": Language.ZH_HANS,
                "tier": rng.choice(tiers),
            },
        )
        demo.customers.append(customer)
    for name in ENGLISH_CUSTOMERS:
        handle = name.lower().replace(" ", ".")
        customer, _created = Customer.objects.get_or_create(
            name=name,
            defaults={
                "email": f"{handle}@example.co.uk",
                "phone": f"+44 7700 9{rng.randrange(10**5):05d}",
                "language": Language.EN,
                "tier": rng.choice(tiers),
            },
        )
        demo.customers.append(customer)


def _seed_categories(demo: Demo) -> None:
    for root_name, children in CATEGORY_TREE.items():
        root, _created = Category.objects.get_or_create(name=root_name, parent=None)
        demo.categories[root_name] = root
        for child_name in children:
            child, _created = Category.objects.get_or_create(name=child_name, parent=root)
            demo.categories[f"{root_name}/{child_name}"] = child
    for title, title_en, body, body_en, kind, category in CANNED_REPLIES:
        CannedReply.objects.get_or_create(
            title=title,
            defaults={
                "title_en": title_en,
                "body": body,
                "body_en": body_en,
                "kind": kind,
                "category": demo.categories.get(category),
            },
        )


# ---- tickets: each one's story played at its own times ----------------------------------------

# How long ago a ticket was opened, by the status its story ends in (hours): new tickets
# arrived today, open and pending ones within the week, finished ones over the past weeks.
AGE_HOURS = {
    Status.NEW: (0.2, 8),
    Status.OPEN: (2, 60),
    Status.PENDING_CUSTOMER: (4, 7 * 24),
    Status.PENDING_INTERNAL: (3, 4 * 24),
    Status.RESOLVED: (2 * 24, 21 * 24),
    Status.CLOSED: (4 * 24, 90 * 24),
}


def _reply_delay(rng: random.Random, channel: str) -> timedelta:
    """Most first replies come within the hour (chat within a minute or two); some take
    the day, a few slip by days and breach their target."""
    draw = rng.random()
    if channel == Channel.CHAT and draw < 0.85:
        return timedelta(seconds=rng.uniform(10, 50))
    if draw < 0.7:
        return timedelta(minutes=rng.uniform(4, 90))
    if draw < 0.95:
        return timedelta(hours=rng.uniform(2, 9))
    return timedelta(hours=rng.uniform(26, 80))


def _seed_tickets(demo: Demo, count: int, clock: DemoClock, progress: Progress) -> None:
    """Draw each ticket's final status and age, then play the stories oldest first (so
    references follow the order tickets came in)."""
    rng = demo.rng
    plans = []
    for _index in range(count):
        target = _pick(rng, STATUS_WEIGHTS)
        plans.append((clock.now - timedelta(hours=rng.uniform(*AGE_HOURS[target])), target))
    plans.sort(key=lambda plan: plan[0])
    for index, (created, target) in enumerate(plans):
        demo.tickets.append(_seed_ticket(demo, created, target, clock))
        progress("tickets", index + 1, count)


def _seed_ticket(demo: Demo, created, target: str, clock: DemoClock) -> Ticket:
    rng = demo.rng
    path, kind, subject_zh, subject_en, text_zh, text_en = rng.choice(SCENARIOS)
    customer = rng.choice(demo.customers)
    english = customer.language == Language.EN
    root = path.split("/")[0]
    template = None
    if rng.random() < 0.7:
        template = demo.templates.get(TEMPLATE_FOR_CATEGORY.get(root, ""))
    channel = _pick(rng, CHANNEL_WEIGHTS)
    team = demo.team_for_channel(channel)  # each channel's team [S1 §2.1]
    # Calls and chats are typed in by an agent of the team; e-mail, forms and API arrive alone.
    typed_in = channel in (Channel.PHONE, Channel.CHAT, Channel.COMPLAINT_HOTLINE)
    members = demo.members_of(team)
    actor = rng.choice(members) if typed_in and members else None
    priority = _pick(rng, PRIORITY_WEIGHTS)
    clock.start(created)
    ticket = services.ticket_create(
        actor=actor,
        subject=subject_en if english else subject_zh,
        description=text_en if english else text_zh,
        channel=channel,
        kind=kind,
        priority=priority,
        complexity=Complexity.COMPLEX if rng.random() < 0.2 else Complexity.SIMPLE,
        customer=customer,
        category=demo.categories[path],
        intake_template=template,
        team=team,
        product=rng.choice(PRODUCTS),
        order_number=f"SO{rng.randrange(10**8):08d}",
        purchase_date=date.today() - timedelta(days=rng.randrange(10, 400)),
    )
    _work_ticket(demo, ticket, english=english, target=target, clock=clock)
    return ticket


def _work_ticket(demo: Demo, ticket: Ticket, *, english: bool, target: str, clock) -> None:
    """Take the ticket to `target` the way agents would, each step at its own time."""
    rng = demo.rng
    language = Language.EN if english else Language.ZH_HANS
    members = demo.members_of(ticket.team)
    agent = rng.choice(members) if members else demo.staff["agent"]
    if target == Status.NEW:
        if rng.random() < 0.3:
            clock.after(timedelta(minutes=rng.uniform(2, 40)), working=False)
            services.ticket_assign(ticket=ticket, actor=agent, assignee=agent)
        return
    # A call or chat is the typing agent's at once; the rest wait for someone to pick them up.
    # The agent on the line answers there and then, in working hours or not.
    typed_in = ticket.created_by_id is not None
    delay = rng.uniform(3, 10) if typed_in else rng.uniform(60, 1800)
    clock.after(timedelta(seconds=delay), working=not typed_in)
    services.ticket_assign(ticket=ticket, actor=agent, assignee=agent)
    clock.after(_reply_delay(rng, ticket.channel), working=not typed_in)
    services.ticket_reply(ticket=ticket, actor=agent, body=rng.choice(REPLIES[language][:3]))
    if rng.random() < 0.4:
        clock.after(timedelta(minutes=rng.uniform(3, 60)))
        services.ticket_note(ticket=ticket, actor=agent, body=rng.choice(NOTES))
    if target in (Status.PENDING_CUSTOMER, Status.PENDING_INTERNAL):
        clock.after(timedelta(minutes=rng.uniform(1, 20)))
        services.ticket_change_status(ticket=ticket, actor=agent, to=target)
        return
    # The customer answers when it suits them, evenings and weekends included.
    clock.after(timedelta(hours=rng.uniform(0.2, 4)), working=False)
    services.ticket_customer_message(ticket=ticket, body=rng.choice(CUSTOMER_MESSAGES[language]))
    if target == Status.OPEN:
        return
    clock.after(_reply_delay(rng, ticket.channel))
    services.ticket_reply(ticket=ticket, actor=agent, body=REPLIES[language][3])
    # Resolved once the fix is confirmed: within the hour, or days later.
    quickly = rng.random() < 0.85
    clock.after(timedelta(hours=rng.uniform(0.1, 1.5) if quickly else rng.uniform(20, 96)))
    services.ticket_change_status(ticket=ticket, actor=agent, to=Status.RESOLVED)
    if target == Status.CLOSED:
        clock.after(timedelta(days=rng.uniform(1, 7)))
        services.ticket_change_status(ticket=ticket, actor=agent, to=Status.CLOSED)
