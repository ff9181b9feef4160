"""The database keeps each ticket's SLA summary (next_due_at, next_warn_at, sla_paused; see
the Ticket model) from its clocks, so the queue sorts and filters through one index.

Triggers rather than calls in the engine: clocks and the ticket's status are written by
many services, bulk updates and loads, and a summary one of them forgot would put a
breached ticket at the bottom of the queue. On PostgreSQL the clock triggers are
statement triggers over transition tables (one set-based UPDATE of the tickets a
statement touched, however many clocks it wrote: a bulk load stays bulk), and they touch
an unresolved ticket (a resolved one's summary is empty whatever its clocks) only when a clock's owed, paused, due or warning time changed, so the sweep,
which only records warnings and breaches, never writes a ticket row (and never waits on
one a service holds). A trigger on the ticket row recomputes the summary when the status
changes or a write tries to set the summary, so a save of a stale in-memory ticket
cannot overwrite it. Then every unresolved ticket's summary is filled in one UPDATE.
SQLite (the embedded development database) gets row triggers with the same rule from
tickets/sla/sqlite_triggers.py after every migrate.
"""

from django.db import migrations

# Frozen here (tickets.choices.OPEN_STATUSES when written): a migration must not change
# meaning when the code does.
OPEN = "('new', 'open', 'pending_customer', 'pending_internal')"
OWED = "(c.state = 'running' OR (c.state = 'breached' AND c.met_at IS NULL))"


def refresh_summaries(tickets: str) -> str:
    """One UPDATE of the summary of the unresolved tickets whose ids `tickets` (a SELECT of
    a ticket_id column) names: their clocks grouped once and joined, set-based. Correlated
    subqueries per ticket let the planner, misled by stale statistics right after a bulk
    load, scan every running clock once per ticket (quadratic: 19 s for 8,000 tickets)."""
    return f"""
UPDATE tickets_ticket t
   SET next_due_at = s.due, next_warn_at = s.warn, sla_paused = s.paused
  FROM (SELECT k.ticket_id,
               MIN(c.due_at) FILTER (WHERE {OWED}) AS due,
               MIN(c.warn_at) FILTER (WHERE {OWED}) AS warn,
               COALESCE(bool_or(c.state = 'paused'), false) AS paused
          FROM ({tickets}) k LEFT JOIN sla_clock c ON c.ticket_id = k.ticket_id
         GROUP BY k.ticket_id) s
 WHERE t.id = s.ticket_id AND t.status IN {OPEN}
"""  # nosec B608 (built from this module's constants)


def summary_changed(old: str, new: str) -> str:
    """A change of a clock that can move its ticket's summary."""
    owed_old = OWED.replace("c.", f"{old}.")
    owed_new = OWED.replace("c.", f"{new}.")
    return (
        f"({old}.due_at IS NOT {new}.due_at OR {old}.warn_at IS NOT {new}.warn_at"
        f" OR ({owed_old}) IS NOT ({owed_new})"
        f" OR ({old}.state = 'paused') IS NOT ({new}.state = 'paused'))"
    )


POSTGRESQL = [
    # The ticket row: a new ticket has no clocks yet; an update recomputes when the status
    # changed or a write tries to set the summary (a stale save). What the clock trigger
    # writes (one trigger deeper) is the summary just computed, and is kept.
    f"""
CREATE OR REPLACE FUNCTION tickets_ticket_sla_summary() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.next_due_at := NULL;
        NEW.next_warn_at := NULL;
        NEW.sla_paused := false;
    ELSIF pg_trigger_depth() = 1 AND (NEW.status IS DISTINCT FROM OLD.status
        OR NEW.next_due_at IS DISTINCT FROM OLD.next_due_at
        OR NEW.next_warn_at IS DISTINCT FROM OLD.next_warn_at
        OR NEW.sla_paused IS DISTINCT FROM OLD.sla_paused) THEN
        SELECT MIN(c.due_at) FILTER (WHERE {OWED}),
               MIN(c.warn_at) FILTER (WHERE {OWED}),
               COALESCE(bool_or(c.state = 'paused'), false)
          INTO NEW.next_due_at, NEW.next_warn_at, NEW.sla_paused
          FROM sla_clock c
         WHERE c.ticket_id = NEW.id AND NEW.status IN {OPEN};
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
""",  # nosec B608 (built from this module's constants)
    """
CREATE TRIGGER tickets_ticket_sla_summary
    BEFORE INSERT OR UPDATE ON tickets_ticket
    FOR EACH ROW EXECUTE FUNCTION tickets_ticket_sla_summary();
""",
    # The clocks: recompute the summary of the tickets whose clocks a statement changed.
    f"""
CREATE OR REPLACE FUNCTION sla_clock_sla_summary() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {refresh_summaries("SELECT DISTINCT ticket_id FROM new_clocks")};
    ELSIF TG_OP = 'DELETE' THEN
        {refresh_summaries("SELECT DISTINCT ticket_id FROM old_clocks")};
    ELSE
        {refresh_summaries(
            "SELECT DISTINCT n.ticket_id FROM new_clocks n JOIN old_clocks o ON o.id = n.id"
            f" WHERE {summary_changed('o', 'n').replace(' IS NOT ', ' IS DISTINCT FROM ')}"
        )};
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
""",  # nosec B608 (built from this module's constants)
    """
CREATE TRIGGER sla_clock_sla_summary_insert
    AFTER INSERT ON sla_clock REFERENCING NEW TABLE AS new_clocks
    FOR EACH STATEMENT EXECUTE FUNCTION sla_clock_sla_summary();
""",
    """
CREATE TRIGGER sla_clock_sla_summary_update
    AFTER UPDATE ON sla_clock REFERENCING OLD TABLE AS old_clocks NEW TABLE AS new_clocks
    FOR EACH STATEMENT EXECUTE FUNCTION sla_clock_sla_summary();
""",
    """
CREATE TRIGGER sla_clock_sla_summary_delete
    AFTER DELETE ON sla_clock REFERENCING OLD TABLE AS old_clocks
    FOR EACH STATEMENT EXECUTE FUNCTION sla_clock_sla_summary();
""",
]

POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS sla_clock_sla_summary_delete ON sla_clock",
    "DROP TRIGGER IF EXISTS sla_clock_sla_summary_update ON sla_clock",
    "DROP TRIGGER IF EXISTS sla_clock_sla_summary_insert ON sla_clock",
    "DROP FUNCTION IF EXISTS sla_clock_sla_summary()",
    "DROP TRIGGER IF EXISTS tickets_ticket_sla_summary ON tickets_ticket",
    "DROP FUNCTION IF EXISTS tickets_ticket_sla_summary()",
]

# Every unresolved ticket's summary from its clocks (the others keep NULL/false).
BACKFILL = refresh_summaries(f"SELECT id AS ticket_id FROM tickets_ticket WHERE status IN {OPEN}")


def create_triggers(apps, schema_editor):
    # SQLite's triggers cannot survive the table rebuilds of later migrations there:
    # tickets/sla/sqlite_triggers.py installs them after every migrate instead.
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in POSTGRESQL:
        schema_editor.execute(statement, params=None)
    schema_editor.execute(BACKFILL, params=None)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in POSTGRESQL_DROP:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0014_policy_membership_level"),
        ("tickets", "0011_sla_summary_columns"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
