"""Many tickets and due clocks in a few statements (INSERT … SELECT server-side), for the
SLA sweep benchmark and the mass-breach fault test: a factory would take minutes."""

from django.db import connection

from tickets.models import Ticket


def load_tickets(template_id: int, first: int, last: int) -> None:
    """Copies of the template ticket, numbered first..last, inserted server-side."""
    columns = [f.column for f in Ticket._meta.concrete_fields if not f.primary_key]
    values = ["'B-' || g" if column == "reference" else f't."{column}"' for column in columns]
    quoted = ", ".join(f'"{column}"' for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO tickets_ticket ({quoted}) "
            f"SELECT {', '.join(values)} FROM tickets_ticket t, generate_series(%s, %s) g "
            "WHERE t.id = %s",
            [first, last, template_id],
        )


def load_clocks(
    *, first_ticket: int, last_ticket: int, metric: str, cycle: int, due_in: str, calendar_id: int
) -> None:
    """One running clock per ticket id in the range, due `due_in` from now (an interval),
    already warned and without a manager escalation: the sweep's only step is the breach."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO sla_clock (
                ticket_id, metric, cycle, target_id, policy_name, calendar_id, target_duration,
                warn_duration, escalation_duration, is_urgent, state, started_at, due_at,
                warn_at, escalate_at, next_alert_at, paused_at, paused_total, met_at,
                warned_at, breached_at, escalated_at, escalation_level, ended_at, created_at,
                updated_at)
            SELECT t.id, %(metric)s, %(cycle)s, NULL, 'bench', %(calendar)s, interval '1 day',
                interval '1 day', NULL, false, 'running', now() - interval '1 hour',
                now() + %(due_in)s::interval, now() + %(due_in)s::interval,
                NULL, now() + %(due_in)s::interval, NULL, interval '0', NULL,
                now(), NULL, NULL, 1, NULL, now(), now()
            FROM tickets_ticket t
            WHERE t.id BETWEEN %(first)s AND %(last)s
            """,
            {
                "metric": metric,
                "cycle": cycle,
                "calendar": calendar_id,
                "due_in": due_in,
                "first": first_ticket,
                "last": last_ticket,
            },
        )
