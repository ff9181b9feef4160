"""Foreign-key indexes that a composite index already leads with: less to write per
new ticket, nothing slower to read."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0003_customer_version_and_events"),
        ("staff", "0001_initial"),
        ("tickets", "0003_default_intake_templates"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # tickets_ticket.assignee_id: a composite index already leads with the column. Only the
        # index goes: AlterField would also drop and re-validate the foreign key,
        # scanning a large table under lock for nothing.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="ticket",
                    name="assignee",
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="assigned_tickets", to=settings.AUTH_USER_MODEL, verbose_name="assignee"),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    sql="DROP INDEX IF EXISTS tickets_ticket_assignee_id_3a5aa407",
                    reverse_sql="CREATE INDEX IF NOT EXISTS tickets_ticket_assignee_id_3a5aa407 ON tickets_ticket (assignee_id)",
                ),
            ],
        ),
        # tickets_ticket.customer_id: a composite index already leads with the column. Only the
        # index goes: AlterField would also drop and re-validate the foreign key,
        # scanning a large table under lock for nothing.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="ticket",
                    name="customer",
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="tickets", to="customers.customer", verbose_name="customer"),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    sql="DROP INDEX IF EXISTS tickets_ticket_customer_id_f2d9135a",
                    reverse_sql="CREATE INDEX IF NOT EXISTS tickets_ticket_customer_id_f2d9135a ON tickets_ticket (customer_id)",
                ),
            ],
        ),
        # tickets_ticket.team_id: a composite index already leads with the column. Only the
        # index goes: AlterField would also drop and re-validate the foreign key,
        # scanning a large table under lock for nothing.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="ticket",
                    name="team",
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="tickets", to="staff.team", verbose_name="team"),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    sql="DROP INDEX IF EXISTS tickets_ticket_team_id_5a4e7469",
                    reverse_sql="CREATE INDEX IF NOT EXISTS tickets_ticket_team_id_5a4e7469 ON tickets_ticket (team_id)",
                ),
            ],
        ),
        # tickets_ticketevent.ticket_id: a composite index already leads with the column. Only the
        # index goes: AlterField would also drop and re-validate the foreign key,
        # scanning a large table under lock for nothing.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="ticketevent",
                    name="ticket",
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="events", to="tickets.ticket", verbose_name="ticket"),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    sql="DROP INDEX IF EXISTS tickets_ticketevent_ticket_id_b572d14b",
                    reverse_sql="CREATE INDEX IF NOT EXISTS tickets_ticketevent_ticket_id_b572d14b ON tickets_ticketevent (ticket_id)",
                ),
            ],
        ),
    ]
