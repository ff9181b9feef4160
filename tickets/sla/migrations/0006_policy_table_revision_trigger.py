"""On PostgreSQL, any change to the SLA policy tables renews the policy table's revision.

The signals in tickets/sla/policies.py renew it for saves and deletes through the ORM;
this trigger also covers what sends no signal (QuerySet.update(), raw SQL, an
administrator's psql session), so no process keeps planning with a stale copy.
"""

from django.db import migrations

TABLES = (
    "sla_policy",
    "sla_target",
    "sla_calendar",
    "sla_workinghours",
    "sla_calendarexception",
)

FUNCTION = """
CREATE OR REPLACE FUNCTION sla_policy_table_changed() RETURNS trigger AS $$
BEGIN
    INSERT INTO sla_policytablerevision (id, revision) VALUES (1, gen_random_uuid())
    ON CONFLICT (id) DO UPDATE SET revision = EXCLUDED.revision;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""
TRIGGER = """
CREATE TRIGGER sla_policy_table_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION sla_policy_table_changed();
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table in TABLES:
        schema_editor.execute(TRIGGER.format(table=table), params=None)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS sla_policy_table_changed ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS sla_policy_table_changed()")


class Migration(migrations.Migration):
    dependencies = [("sla", "0005_drop_fk_indexes_covered_by_composites")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
