"""Foreign-key indexes that a composite index already leads with: less to write per
new ticket, nothing slower to read."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0004_percent_labels"),
        ("tickets", "0003_default_intake_templates"),
    ]

    operations = [
        # sla_clock.ticket_id: a composite index already leads with the column. Only the
        # index goes: AlterField would also drop and re-validate the foreign key,
        # scanning a large table under lock for nothing.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="clock",
                    name="ticket",
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="sla_clocks", to="tickets.ticket", verbose_name="ticket"),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    sql="DROP INDEX IF EXISTS sla_clock_ticket_id_0a036dca",
                    reverse_sql="CREATE INDEX IF NOT EXISTS sla_clock_ticket_id_0a036dca ON sla_clock (ticket_id)",
                ),
            ],
        ),
    ]
