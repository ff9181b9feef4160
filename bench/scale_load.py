"""COPY the scale seed's rows (bench/scale_rows.py) into the migrated database.

Rows go through psycopg2's copy_expert in CSV chunks, each chunk its own transaction: the
schema's check and unique constraints apply to every row as it is copied, and the
deferred foreign keys at each chunk's commit. Nothing is disabled on the way.
"""

import csv
import io
import json
import time
from datetime import date, datetime, timedelta

from bench.scale_rows import World

CHUNK_ROWS = 50_000


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return f"{value.total_seconds()} seconds"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


class Copier:
    """COPY of one model's table; columns a row leaves out take the field's default."""

    def __init__(self, model, parents: tuple["Copier", ...] = ()):
        from django.db.models import JSONField

        # Copiers of the tables this one refers to: flushed first, so that a chunk's
        # deferred foreign keys always find their rows at its commit.
        self.parents = parents

        self.table = model._meta.db_table
        self.columns = []
        self.fallback = {}
        for field in model._meta.concrete_fields:
            self.columns.append(field.column)
            if field.null:
                self.fallback[field.column] = None
            elif isinstance(field, JSONField):
                self.fallback[field.column] = json.dumps(field.get_default())
            else:
                self.fallback[field.column] = _text(field.get_default())
        self.json_columns = {
            f.column for f in model._meta.concrete_fields if isinstance(f, JSONField)
        }
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer)
        self.pending = 0
        self.rows = 0
        self.seconds = 0.0

    def add(self, row: dict) -> None:
        values = []
        for column in self.columns:
            if column in row:
                value = row[column]
                if column in self.json_columns and value is not None:
                    text = json.dumps(value, ensure_ascii=False)
                else:
                    text = _text(value)
            else:
                text = self.fallback[column]
            values.append("\\N" if text is None else text)
        self.writer.writerow(values)
        self.pending += 1
        if self.pending >= CHUNK_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        from django.db import connection, transaction

        for parent in self.parents:
            parent.flush()

        started = time.perf_counter()
        self.buffer.seek(0)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.copy_expert(
                f'COPY "{self.table}" ({", ".join(self.columns)}) '
                "FROM STDIN WITH (FORMAT csv, NULL '\\N')",
                self.buffer,
            )
        self.seconds += time.perf_counter() - started
        self.rows += self.pending
        self.pending = 0
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer)


def copy_all(model, rows) -> Copier:
    copier = Copier(model)
    for row in rows:
        copier.add(row)
    copier.flush()
    return copier


def read_defaults(world: World) -> None:
    """Role groups and the default policies' targets, as the migrations installed them."""
    from django.contrib.auth.models import Group

    from tickets.sla.models import Target

    world.groups = dict(Group.objects.values_list("name", "pk"))
    business_day = timedelta(hours=8)
    for metric, policy in (("resolution", "General aim"), ("service_plan", "Simple request")):
        target = Target.objects.select_related("policy", "calendar").get(
            metric=metric, policy__name__startswith=policy
        )
        if not target.calendar.is_24x7:
            raise SystemExit(f"the {metric} default target is no longer on the 24×7 calendar")
        duration = target.as_timedelta(target.duration, business_day)
        world.targets[metric] = {
            "id": target.pk,
            "policy_name": target.policy.name,
            "calendar_id": target.calendar_id,
            "duration": duration,
            "warn": duration * target.warn_at_percent / 100,
            "escalation": duration * (target.manager_escalation_percent or 150) / 100,
        }


def load(world: World) -> dict[str, float]:
    """Every table of the seed; returns COPY seconds per table."""
    from django.contrib.auth import get_user_model

    from customers.models import Customer
    from staff.models import StaffProfile, Team
    from tickets.models import Ticket, TicketEvent
    from tickets.sla.models import Clock, ClockPlan, PauseInterval

    read_defaults(world)
    user_model = get_user_model()
    seconds = {}
    for label, model, rows in (
        ("users", user_model, world.users()),
        ("staff_profiles", StaffProfile, world.profiles()),
        ("user_groups", user_model.groups.through, world.user_groups()),
        ("teams", Team, world.teams()),
        ("team_members", Team.members.through, world.team_members()),
        ("customers", Customer, world.customers()),
    ):
        seconds[label] = copy_all(model, rows).seconds

    tickets = Copier(Ticket)
    clocks = Copier(Clock, parents=(tickets,))
    copiers = {
        "tickets": tickets,
        "events": Copier(TicketEvent, parents=(tickets,)),
        "clocks": clocks,
        "clock_plans": Copier(ClockPlan, parents=(clocks,)),
        "pauses": Copier(PauseInterval, parents=(tickets,)),
    }
    for ticket, events, ticket_clocks, pause in world.tickets():
        tickets.add(ticket)
        for event in events:
            copiers["events"].add(event)
        for clock, plan in ticket_clocks:
            clocks.add(clock)
            copiers["clock_plans"].add(plan)
        if pause is not None:
            copiers["pauses"].add(pause)
    for name, copier in copiers.items():
        copier.flush()
        seconds[name] = copier.seconds
    reset_sequences(
        [
            *(user_model, user_model.groups.through, StaffProfile, Team, Team.members.through),
            *(Customer, Ticket, TicketEvent, Clock, ClockPlan, PauseInterval),
        ]
    )
    return seconds


def reset_sequences(models) -> None:
    """Identity sequences continue after the copied ids (the product writes next)."""
    from django.db import connection

    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f'(SELECT COALESCE(MAX(id), 0) + 1 FROM "{table}"), false)'
            )


def analyze() -> None:
    """Planner statistics for every table (autovacuum may be off, as on this machine)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def record_marker(scale: float, load_seconds: float) -> None:
    """The seed is complete: a later `make bench-data` keeps it."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_seed_scale (scale double precision, load_seconds double "
            "precision, seeded_at timestamptz DEFAULT now())"
        )
        cursor.execute(
            "INSERT INTO bench_seed_scale (scale, load_seconds) VALUES (%s, %s)",
            [scale, load_seconds],
        )
