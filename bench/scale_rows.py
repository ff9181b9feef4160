"""The rows of the scale seed (bench/seed_scale.py), generated lazily and reproducibly.

Each generator yields dicts keyed by column name; columns left out take the model
field's default (bench/scale_load.py fills them). Ids are assigned here so that tickets,
events and clocks can refer to each other without reading anything back.

The shape: tickets spread evenly over two years; those of the last 30 days are still
open in part (new, open, waiting on the customer or on another team), the older ones
resolved or closed. Five audit events per ticket (created, assigned, status changes,
reply). SLA clocks as the default policies plan them on the 24×7 calendar: resolution
for every ticket and the service plan for requests; an open ticket's clocks run (or are
paused while it waits on the customer, or breached once due), a finished ticket's are met
or breached.
"""

import random
from datetime import UTC, datetime, timedelta

SIZES = {
    "tickets": 1_000_000,
    "customers": 200_000,
    "agents": 500,
    "teams": 40,
    "managers": 10,
}
EVENTS_PER_TICKET = 5
HISTORY = timedelta(days=730)
OPEN_WINDOW = timedelta(days=30)
CHANNELS = ["email", "phone", "web", "chat", "api", "social"]
KINDS = ["request"] * 6 + ["incident"] * 2 + ["feedback"] * 2
PRIORITIES = ["urgent"] + ["high"] * 2 + ["normal"] * 5 + ["low"] * 2
RECENT_STATUSES = (
    ["new"] * 15
    + ["open"] * 35
    + ["pending_customer"] * 15
    + ["pending_internal"] * 5
    + ["resolved"] * 20
    + ["closed"] * 10
)
OPEN = {"new", "open", "pending_customer", "pending_internal"}
TIERS = ["important"] + ["general"] * 7 + ["potential"] * 2
PRODUCTS = ["路由器 R1", "智能音箱 S2", "会员服务", "扫地机器人 V3", "Laptop X13", ""]


def scaled(count: int, scale: float) -> int:
    return max(1, round(count * scale))


def counted_models() -> dict:
    from django.contrib.auth import get_user_model

    from customers.models import Customer
    from staff.models import Team
    from tickets.models import Ticket, TicketEvent
    from tickets.sla.models import Clock, ClockPlan, PauseInterval

    return {
        "users": get_user_model(),
        "teams": Team,
        "customers": Customer,
        "tickets": Ticket,
        "events": TicketEvent,
        "clocks": Clock,
        "clock_plans": ClockPlan,
        "pauses": PauseInterval,
    }


class World:
    """Sizes, the fixed ids of reference rows, and a seeded random source."""

    def __init__(self, sizes: dict[str, int], seed: int = 16):
        self.sizes = sizes
        self.seed = seed
        self.now = datetime.now(UTC).replace(microsecond=0)
        self.start = self.now - HISTORY
        self.agent_ids = list(range(1, sizes["agents"] + 1))
        self.manager_ids = list(range(sizes["agents"] + 1, sizes["agents"] + sizes["managers"] + 1))
        self.team_ids = list(range(1, sizes["teams"] + 1))
        # Agent i works in team i mod 40; the first agent of each team supervises it.
        self.team_agents = {team: [] for team in self.team_ids}
        for index, agent in enumerate(self.agent_ids):
            self.team_agents[self.team_ids[index % len(self.team_ids)]].append(agent)
        self.supervisors = {team: agents[0] for team, agents in self.team_agents.items() if agents}
        # Filled by bench/scale_load.py from the migrated defaults.
        self.groups: dict[str, int] = {}
        self.targets: dict[str, dict] = {}
        self.open_ticket_ids: list[int] = []

    # People -------------------------------------------------------------------------
    def users(self):
        for agent in self.agent_ids:
            yield {
                "id": agent,
                "password": "!",  # unusable: benchmarks issue tokens or set passwords
                "is_superuser": False,
                "username": f"agent-{agent:04d}",
                "first_name": "",
                "last_name": "",
                "email": f"agent-{agent:04d}@example.com",
                "is_staff": False,
                "is_active": True,
                "date_joined": self.start,
            }
        for manager in self.manager_ids:
            yield {
                "id": manager,
                "password": "!",
                "is_superuser": False,
                "username": f"manager-{manager:04d}",
                "first_name": "",
                "last_name": "",
                "email": f"manager-{manager:04d}@example.com",
                "is_staff": False,
                "is_active": True,
                "date_joined": self.start,
            }

    def profiles(self):
        supervisors = set(self.supervisors.values())
        for user in self.agent_ids + self.manager_ids:
            if user in self.manager_ids:
                level = "manager"
            elif user in supervisors:
                level = "supervisor"
            else:
                level = "senior" if user % 4 == 0 else "junior"
            yield {"id": user, "user_id": user, "level": level, "display_name": f"员工 {user}"}

    def user_groups(self):
        supervisors = set(self.supervisors.values())
        for row_id, user in enumerate(self.agent_ids + self.manager_ids, start=1):
            if user in self.manager_ids:
                role = "manager"
            else:
                role = "supervisor" if user in supervisors else "agent"
            yield {"id": row_id, "user_id": user, "group_id": self.groups[role]}

    def teams(self):
        for team in self.team_ids:
            yield {
                "id": team,
                "name": f"服务组 {team:02d}",
                "channels": [CHANNELS[team % len(CHANNELS)]],
                "supervisor_id": self.supervisors.get(team),
            }

    def team_members(self):
        row_id = 0
        for team, agents in self.team_agents.items():
            for agent in agents:
                row_id += 1
                yield {"id": row_id, "team_id": team, "user_id": agent}

    def customers(self):
        # Personal data as the model stores it (customers/crypto.py): Fernet tokens under
        # the newest data key and the keyed lookup hashes, so that lookups, reveals and
        # rotation work on the seed as on real data.
        from customers import crypto

        rng = random.Random(self.seed)
        span = HISTORY.total_seconds()
        for customer in range(1, self.sizes["customers"] + 1):
            created = self.start + timedelta(seconds=rng.random() * span)
            email = f"customer-{customer:06d}@example.com"
            phone = f"138{customer:08d}"
            yield {
                "id": customer,
                "name": f"客户 {customer:06d}",
                "email_ciphertext": crypto.encrypt(email),
                "phone_ciphertext": crypto.encrypt(phone),
                "email_lookup": crypto.email_lookup(email),
                "phone_lookup": crypto.phone_lookup(phone),
                "language": "en" if customer % 10 == 0 else "zh-hans",
                "tier": rng.choice(TIERS),
                "created_at": created,
                "updated_at": created,
            }

    # Tickets, their events and clocks -------------------------------------------------
    def tickets(self):
        """Yields (ticket row, its events, its clocks with their plans, its open pause)."""
        rng = random.Random(self.seed + 1)
        count = self.sizes["tickets"]
        step = HISTORY / count
        open_from = self.now - OPEN_WINDOW
        event_id = clock_id = pause_id = 0
        for ticket_id in range(1, count + 1):
            created = self.start + step * (ticket_id - 1) + timedelta(seconds=rng.random())
            recent = created >= open_from
            status = (
                rng.choice(RECENT_STATUSES) if recent else rng.choice(["closed"] * 9 + ["resolved"])
            )
            team = self.team_ids[rng.randrange(len(self.team_ids))]
            agents = self.team_agents[team]
            assignee = None if status == "new" else agents[rng.randrange(len(agents))]
            kind = rng.choice(KINDS)
            channel = rng.choice(CHANNELS)
            first_response = (
                None if status == "new" else created + timedelta(minutes=rng.randint(5, 240))
            )
            resolved = closed = None
            if status in ("resolved", "closed"):
                resolved = first_response + timedelta(hours=rng.uniform(1, 40))
                resolved = min(resolved, self.now)
                first_response = min(first_response, resolved)
            if status == "closed":
                closed = min(resolved + timedelta(days=3), self.now)
            last = closed or resolved or first_response or created
            ticket = {
                "id": ticket_id,
                "reference": f"SD-{ticket_id:06d}",
                "subject": f"工单 {ticket_id}: {PRODUCTS[ticket_id % 5]} 问题",
                "description": "客户来电反映问题，需要跟进。",
                "channel": channel,
                "kind": kind,
                "priority": rng.choice(PRIORITIES),
                "status": status,
                "customer_id": rng.randint(1, self.sizes["customers"]),
                "team_id": team,
                "assignee_id": assignee,
                "product": PRODUCTS[ticket_id % len(PRODUCTS)],
                "created_at": created,
                "updated_at": last,
                "first_response_at": first_response,
                "resolved_at": resolved,
                "closed_at": closed,
                "version": EVENTS_PER_TICKET,
            }
            if status in OPEN:
                self.open_ticket_ids.append(ticket_id)
            events = []
            for action, field, before, after, actor, at in self._events(ticket, agents, rng):
                event_id += 1
                events.append(
                    {
                        "id": event_id,
                        "ticket_id": ticket_id,
                        "actor_id": actor,
                        "action": action,
                        "field": field,
                        "before": before,
                        "after": after,
                        "created_at": at,
                    }
                )
            paused_at = None
            pause = None
            if status == "pending_customer":
                paused_at = min((first_response or created) + timedelta(minutes=30), self.now)
                pause_id += 1
                pause = {
                    "id": pause_id,
                    "ticket_id": ticket_id,
                    "status": status,
                    "paused_at": paused_at,
                    "paused_by_id": assignee,
                    "resume_reason": "",
                }
            clocks = []
            metrics = ["resolution", "service_plan"] if kind == "request" else ["resolution"]
            for metric in metrics:
                clock_id += 1
                clocks.append(self._clock(clock_id, ticket, metric, paused_at))
            yield ticket, events, clocks, pause

    def _events(self, ticket, agents, rng):
        created, status = ticket["created_at"], ticket["status"]
        supervisor = agents[0]
        responder = ticket["assignee_id"] or supervisor
        after_create = created + timedelta(seconds=rng.randint(30, 600))
        yield "ticket.created", "", None, None, None, created
        yield (
            "ticket.assigned",
            "assignee",
            None,
            {"id": responder, "label": f"agent-{responder:04d}"},
            supervisor,
            after_create,
        )
        replied = ticket["first_response_at"] or after_create
        if status == "new":
            # Not yet answered: internal notes while the team looks into it.
            yield "ticket.noted", "", None, None, supervisor, after_create
            yield "ticket.noted", "", None, None, supervisor, after_create
            yield (
                "ticket.priority_changed",
                "priority",
                "normal",
                ticket["priority"],
                supervisor,
                after_create,
            )
            return
        yield "ticket.status_changed", "status", "new", "open", responder, replied
        yield "ticket.replied", "", None, None, responder, replied
        if status in ("resolved", "closed"):
            yield (
                "ticket.status_changed",
                "status",
                "open",
                "resolved",
                responder,
                ticket["resolved_at"],
            )
        elif status == "open":
            yield "ticket.customer_message", "", None, None, None, replied
        else:
            yield "ticket.status_changed", "status", "open", status, responder, replied

    def _clock(self, clock_id, ticket, metric, paused_at):
        target = self.targets[metric]
        started = ticket["created_at"]
        due = started + target["duration"]
        warn = started + target["warn"]
        escalate = started + target["escalation"]
        clock = {
            "id": clock_id,
            "ticket_id": ticket["id"],
            "metric": metric,
            "cycle": 1,
            "target_id": target["id"],
            "policy_name": target["policy_name"],
            "calendar_id": target["calendar_id"],
            "target_duration": target["duration"],
            "warn_duration": target["warn"],
            "escalation_duration": target["escalation"],
            "is_urgent": ticket["priority"] == "urgent",
            "started_at": started,
            "due_at": due,
            "warn_at": warn,
            "escalate_at": escalate,
            "created_at": started,
            "updated_at": ticket["updated_at"],
        }
        now = self.now
        fulfilled = (
            ticket["first_response_at"] if metric == "service_plan" else ticket["resolved_at"]
        )
        if fulfilled is not None and fulfilled <= due:
            clock.update(state="met", met_at=fulfilled)
        elif paused_at is not None and paused_at < due:
            clock.update(state="paused", paused_at=paused_at)
            if paused_at >= warn:
                clock.update(warned_at=warn, escalation_level=1)
        elif now < warn:
            clock.update(state="running", next_alert_at=warn)
        elif now < due:
            clock.update(state="running", warned_at=warn, escalation_level=1, next_alert_at=due)
        else:
            # Due and not met in time: the sweep recorded the breach (breached_at is the
            # due time, as the sweep records it), and the managers' escalation if reached.
            clock.update(state="breached", warned_at=warn, breached_at=due, met_at=fulfilled)
            if fulfilled is None and now >= escalate:
                clock.update(escalated_at=escalate, escalation_level=3)
            elif fulfilled is None:
                clock.update(escalation_level=2, next_alert_at=escalate)
            else:
                clock.update(escalation_level=2)
        plan = {
            "id": clock_id,
            "clock_id": clock_id,
            "reason": "started",
            "target_id": target["id"],
            "policy_name": target["policy_name"],
            "calendar_id": target["calendar_id"],
            "target_duration": target["duration"],
            "paused_total": timedelta(0),
            "due_at": due,
            "warn_at": warn,
            "planned_at": started,
        }
        return clock, plan
