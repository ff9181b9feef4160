"""Demo data for `manage.py seed_demo`: teams, staff of every role, customers, a category
tree and a few hundred tickets worked through the ticket services.

Every change goes through the services, so the audit trail, SLA clocks and outbox rows
are the ones real work would write. Time: the services stamp "now", and the audit trail
is append-only, so a seeded ticket's own timestamps (created, first response, resolved,
closed) and its messages are moved back afterwards to spread the demo over ~90 days,
while its audit events and SLA clocks keep the moment they were really written. Open
tickets are moved back by hours only, so their running SLA clocks stay close to the
truth; the long history is made of resolved and closed tickets.

Other apps add their own demo data with `servicedesk.demo_steps.register_demo_step(step)`
from their AppConfig.ready(); each step is called
once per run with the `Demo` built here.
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
from tickets.models import (
    CannedReply,
    Category,
    Channel,
    Complexity,
    IntakeTemplate,
    Status,
    Ticket,
    TicketMessage,
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
    demo = Demo(rng=random.Random(seed), history_months=history_months)
    _seed_staff(demo)
    _seed_customers(demo)
    _seed_categories(demo)
    demo.templates = IntakeTemplate.objects.in_bulk(field_name="slug")
    now = timezone.now()
    for index in range(ticket_count):
        demo.tickets.append(_seed_ticket(demo, now))
        progress("tickets", index + 1, ticket_count)
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


def _seed_ticket(demo: Demo, now) -> Ticket:
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
    _work_ticket(demo, ticket, english=english, target=_pick(rng, STATUS_WEIGHTS), now=now)
    return ticket


def _work_ticket(demo: Demo, ticket: Ticket, *, english: bool, target: str, now) -> None:
    """Take the ticket to `target` the way agents would, then spread it over time."""
    rng = demo.rng
    language = Language.EN if english else Language.ZH_HANS
    members = demo.members_of(ticket.team)
    agent = rng.choice(members) if members else demo.staff["agent"]
    # Steps with a time: messages get that time, status steps set the ticket's timestamps.
    steps: list[tuple[str, object]] = []
    if target == Status.NEW:
        if rng.random() < 0.3:
            services.ticket_assign(ticket=ticket, actor=agent, assignee=agent)
        _backdate(ticket, steps, hours=(0.2, 8), rng=rng, now=now)
        return
    services.ticket_assign(ticket=ticket, actor=agent, assignee=agent)
    steps.append(
        (
            "reply",
            services.ticket_reply(
                ticket=ticket, actor=agent, body=rng.choice(REPLIES[language][:3])
            ),
        )
    )
    if rng.random() < 0.4:
        steps.append(
            ("note", services.ticket_note(ticket=ticket, actor=agent, body=rng.choice(NOTES)))
        )
    if target in (Status.PENDING_CUSTOMER, Status.PENDING_INTERNAL):
        services.ticket_change_status(ticket=ticket, actor=agent, to=target)
        _backdate(ticket, steps, hours=(2, 72), rng=rng, now=now)
        return
    steps.append(
        (
            "customer",
            services.ticket_customer_message(
                ticket=ticket, body=rng.choice(CUSTOMER_MESSAGES[language])
            ),
        )
    )
    if target == Status.OPEN:
        _backdate(ticket, steps, hours=(1, 72), rng=rng, now=now)
        return
    steps.append(
        ("reply", services.ticket_reply(ticket=ticket, actor=agent, body=REPLIES[language][3]))
    )
    services.ticket_change_status(ticket=ticket, actor=agent, to=Status.RESOLVED)
    steps.append(("resolved", None))
    if target == Status.CLOSED:
        services.ticket_change_status(ticket=ticket, actor=agent, to=Status.CLOSED)
        steps.append(("closed", None))
        _backdate(ticket, steps, hours=(72, 90 * 24), rng=rng, now=now)
    else:
        _backdate(ticket, steps, hours=(24, 14 * 24), rng=rng, now=now)


def _backdate(ticket: Ticket, steps: list, *, hours: tuple, rng: random.Random, now) -> None:
    """Move the ticket's own timestamps and messages back (see the module docstring)."""
    created = now - timedelta(hours=rng.uniform(*hours))
    span = (now - created).total_seconds()
    # Later steps at increasing, random points between creation and now.
    offsets = sorted(rng.uniform(0.05, 0.95) * span for _step in steps)
    times = [created + timedelta(seconds=offset) for offset in offsets]
    stamps = {"created_at": created, "updated_at": times[-1] if times else created}
    for (kind, message), at in zip(steps, times, strict=True):
        if isinstance(message, TicketMessage):
            TicketMessage.objects.filter(pk=message.pk).update(created_at=at)
        if kind == "reply":
            stamps.setdefault("first_response_at", at)
        elif kind in ("resolved", "closed"):
            stamps[f"{kind}_at"] = at
    Ticket.objects.filter(pk=ticket.pk).update(**stamps)
