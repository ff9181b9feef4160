"""On the embedded SQLite database, the triggers that keep each ticket's SLA summary and each
clock's copies of its ticket's values (what SLA migrations 0015 and 0016 install on
PostgreSQL, by the same rules).

SQLite changes a column by rebuilding the table (create, copy, drop, rename), which drops
the table's own triggers and breaks the rename while another table's trigger names it; so
here they are dropped before every migrate and installed again after it, then every
summary and copy is recomputed (a development database is small). Recursive triggers are
off in SQLite (its default), so a trigger's own UPDATE of its table does not fire it again.
"""

from django.db import connections, transaction
from django.db.models.signals import post_migrate, pre_migrate

from tickets.models import OPEN_STATUSES

_OPEN = "(" + ", ".join(f"'{status.value}'" for status in sorted(OPEN_STATUSES)) + ")"
_OWED = "(c.state = 'running' OR (c.state = 'breached' AND c.met_at IS NULL))"
_SCOPE = f"c.ticket_id = tickets_ticket.id AND tickets_ticket.status IN {_OPEN}"
SUMMARY = (
    f"next_due_at = (SELECT MIN(c.due_at) FROM sla_clock c WHERE {_SCOPE} AND {_OWED}), "  # nosec B608 (built from this module's constants)
    f"next_warn_at = (SELECT MIN(c.warn_at) FROM sla_clock c WHERE {_SCOPE} AND {_OWED}), "
    f"sla_paused = EXISTS (SELECT 1 FROM sla_clock c WHERE {_SCOPE} AND c.state = 'paused')"
)
_OWED_OLD = _OWED.replace("c.", "OLD.")
_OWED_NEW = _OWED.replace("c.", "NEW.")
_SUMMARY_CHANGED = (
    f"OLD.due_at IS NOT NEW.due_at OR OLD.warn_at IS NOT NEW.warn_at"
    f" OR ({_OWED_OLD}) IS NOT ({_OWED_NEW})"
    f" OR (OLD.state = 'paused') IS NOT (NEW.state = 'paused')"
)
_TICKET = "SELECT t.{column} FROM tickets_ticket t WHERE t.id = sla_clock.ticket_id"
COPIES = (
    f"ticket_team_id = ({_TICKET.format(column='team_id')}), "  # nosec B608 (built from this module's constants)
    f"ticket_priority = ({_TICKET.format(column='priority')}), "
    f"ticket_channel = ({_TICKET.format(column='channel')}), "
    "customer_tier = COALESCE((SELECT cu.tier FROM tickets_ticket t"
    " JOIN customers_customer cu ON cu.id = t.customer_id WHERE t.id = sla_clock.ticket_id), '')"
)
_COPIES_CHANGED = (
    "OLD.ticket_team_id IS NOT NEW.ticket_team_id OR OLD.ticket_priority IS NOT NEW.ticket_priority"
    " OR OLD.ticket_channel IS NOT NEW.ticket_channel"
    " OR OLD.customer_tier IS NOT NEW.customer_tier OR OLD.ticket_id IS NOT NEW.ticket_id"
)

TRIGGERS = {
    "sla_clock_sla_summary_insert": f"""
        AFTER INSERT ON sla_clock BEGIN
            UPDATE tickets_ticket SET {SUMMARY}
             WHERE id = NEW.ticket_id AND status IN {_OPEN};
            UPDATE sla_clock SET {COPIES} WHERE id = NEW.id;
        END""",  # nosec B608 (built from this module's constants)
    "sla_clock_sla_summary_update": f"""
        AFTER UPDATE ON sla_clock WHEN {_SUMMARY_CHANGED} BEGIN
            UPDATE tickets_ticket SET {SUMMARY}
             WHERE id = NEW.ticket_id AND status IN {_OPEN};
        END""",  # nosec B608 (built from this module's constants)
    "sla_clock_sla_summary_delete": f"""
        AFTER DELETE ON sla_clock BEGIN
            UPDATE tickets_ticket SET {SUMMARY}
             WHERE id = OLD.ticket_id AND status IN {_OPEN};
        END""",  # nosec B608 (built from this module's constants)
    "tickets_ticket_sla_summary": f"""
        AFTER UPDATE ON tickets_ticket
        WHEN OLD.status IS NOT NEW.status OR OLD.next_due_at IS NOT NEW.next_due_at
            OR OLD.next_warn_at IS NOT NEW.next_warn_at OR OLD.sla_paused IS NOT NEW.sla_paused
        BEGIN
            UPDATE tickets_ticket SET {SUMMARY} WHERE id = NEW.id;
        END""",  # nosec B608 (built from this module's constants)
    "sla_clock_ticket_copies_update": f"""
        AFTER UPDATE ON sla_clock WHEN {_COPIES_CHANGED} BEGIN
            UPDATE sla_clock SET {COPIES} WHERE id = NEW.id;
        END""",  # nosec B608 (built from this module's constants)
    "tickets_ticket_clock_copies": f"""
        AFTER UPDATE ON tickets_ticket
        WHEN OLD.team_id IS NOT NEW.team_id OR OLD.priority IS NOT NEW.priority
            OR OLD.channel IS NOT NEW.channel OR OLD.customer_id IS NOT NEW.customer_id
        BEGIN
            UPDATE sla_clock SET {COPIES} WHERE ticket_id = NEW.id;
        END""",  # nosec B608 (built from this module's constants)
    "customers_customer_clock_copies": f"""
        AFTER UPDATE ON customers_customer WHEN OLD.tier IS NOT NEW.tier BEGIN
            UPDATE sla_clock SET {COPIES}
             WHERE ticket_id IN (SELECT id FROM tickets_ticket WHERE customer_id = NEW.id);
        END""",  # nosec B608 (built from this module's constants)
}


def drop_triggers(using: str = "default") -> None:
    with connections[using].cursor() as cursor:
        for name in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def install_triggers(using: str = "default") -> None:
    """Drop, create, and recompute every summary and copy they keep."""
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        for name in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        for name, body in TRIGGERS.items():
            cursor.execute(f"CREATE TRIGGER {name} {body}")
        cursor.execute(f"UPDATE sla_clock SET {COPIES}")  # nosec B608 (built from this module's constants)
        cursor.execute(f"UPDATE tickets_ticket SET {SUMMARY} WHERE status IN {_OPEN}")  # nosec B608 (built from this module's constants)
        cursor.execute(
            "UPDATE tickets_ticket SET next_due_at = NULL, next_warn_at = NULL, sla_paused = 0"  # nosec B608 (built from this module's constants)
            f" WHERE status NOT IN {_OPEN} AND (next_due_at IS NOT NULL OR sla_paused)"
        )


_TABLES = {"sla_clock", "tickets_ticket", "customers_customer"}


def _sqlite_with_tables(using: str) -> bool:
    database = connections[using]
    return database.vendor == "sqlite" and set(database.introspection.table_names()) >= _TABLES


def _before_migrate(sender, using="default", **kwargs) -> None:
    if _sqlite_with_tables(using):
        drop_triggers(using)


def _after_migrate(sender, using="default", **kwargs) -> None:
    if _sqlite_with_tables(using):
        install_triggers(using)


def connect(app_config) -> None:
    """Called by the SLA app's ready(): once per migrate, as the SLA app's own signals."""
    pre_migrate.connect(_before_migrate, sender=app_config, dispatch_uid="sla-sqlite-triggers")
    post_migrate.connect(_after_migrate, sender=app_config, dispatch_uid="sla-sqlite-triggers")
