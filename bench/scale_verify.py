"""Checks that the scale seed is data the product could have written.

PostgreSQL already enforced the schema on COPY (check, unique, not-null, foreign keys);
this makes sure none of it was bypassed, that the audit trail's append-only trigger is in
force over the copied events, that every open ticket has its clocks, and runs the models'
own validation (choices, lengths: what the database does not check) over a sample.
"""

from django.db import DatabaseError, connection, transaction

SAMPLE = 300


class SeedInvalid(SystemExit):
    pass


def _scalar(sql: str, params=()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def check_counts(world) -> None:
    from bench.scale_rows import EVENTS_PER_TICKET, counted_models

    sizes = world.sizes
    expected = {
        "users": sizes["agents"] + sizes["managers"],
        "teams": sizes["teams"],
        "customers": sizes["customers"],
        "tickets": sizes["tickets"],
        "events": sizes["tickets"] * EVENTS_PER_TICKET,
    }
    models = counted_models()
    for label, count in expected.items():
        found = _scalar(f'SELECT COUNT(*) FROM "{models[label]._meta.db_table}"')
        if found != count:
            raise SeedInvalid(f"{label}: {found} rows, expected {count}")


def check_schema_in_force() -> None:
    """No constraint left unvalidated, no trigger disabled, the audit trigger present."""
    unvalidated = _scalar(
        "SELECT COUNT(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
        "WHERE n.nspname = 'public' AND NOT c.convalidated"
    )
    if unvalidated:
        raise SeedInvalid(f"{unvalidated} constraints are not validated")
    disabled = _scalar("SELECT COUNT(*) FROM pg_trigger WHERE NOT tgisinternal AND tgenabled = 'D'")
    if disabled:
        raise SeedInvalid(f"{disabled} triggers are disabled")
    audit_triggers = _scalar(
        "SELECT COUNT(*) FROM pg_trigger WHERE tgrelid = 'tickets_ticketevent'::regclass "
        "AND NOT tgisinternal AND tgenabled <> 'D'"
    )
    if audit_triggers < 2:  # the row trigger (UPDATE, DELETE) and the TRUNCATE one
        raise SeedInvalid("the audit trail's append-only triggers are missing")


def check_audit_trigger_refuses() -> None:
    """Raw SQL cannot rewrite or remove a copied event."""
    event_id = _scalar("SELECT MIN(id) FROM tickets_ticketevent")
    for statement in (
        "UPDATE tickets_ticketevent SET action = 'forged' WHERE id = %s",
        "DELETE FROM tickets_ticketevent WHERE id = %s",
    ):
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement, [event_id])
        except DatabaseError:
            continue
        raise SeedInvalid(f"the audit trigger let through: {statement}")


def check_open_tickets_have_clocks() -> None:
    missing = _scalar(
        "SELECT COUNT(*) FROM tickets_ticket t WHERE t.status IN "
        "('new', 'open', 'pending_customer', 'pending_internal') AND NOT EXISTS ("
        "SELECT 1 FROM sla_clock c WHERE c.ticket_id = t.id AND c.metric = 'resolution' "
        "AND c.state IN ('running', 'paused', 'breached'))"
    )
    if missing:
        raise SeedInvalid(f"{missing} open tickets have no resolution clock")
    running = _scalar("SELECT COUNT(*) FROM sla_clock WHERE state = 'running'")
    if not running:
        raise SeedInvalid("no running clock")


def check_sample_validates() -> None:
    from django.core.exceptions import ValidationError

    from bench.scale_rows import counted_models

    for label, model in counted_models().items():
        table = model._meta.db_table
        with connection.cursor() as cursor:
            # TABLESAMPLE reads a few pages, not the whole table.
            cursor.execute(
                f'SELECT id FROM "{table}" TABLESAMPLE SYSTEM (1) LIMIT %s',
                [SAMPLE],
            )
            ids = [row[0] for row in cursor.fetchall()]
        for instance in model._base_manager.filter(pk__in=ids):
            try:
                # Uniqueness is the database's (enforced on COPY); the queries would
                # only repeat it.
                instance.full_clean(validate_unique=False, validate_constraints=False)
            except ValidationError as error:
                raise SeedInvalid(f"{label} #{instance.pk}: {error.message_dict}") from None


def verify(world) -> None:
    check_counts(world)
    check_schema_in_force()
    check_audit_trigger_refuses()
    check_open_tickets_have_clocks()
    check_sample_validates()
    print("seed_verified: constraints, audit trigger, clocks, model validation", flush=True)
