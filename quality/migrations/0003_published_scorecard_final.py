"""On PostgreSQL, refuse any UPDATE of a published scorecard in the database itself.

Scorecard.save() already refuses, but QuerySet.update(), bulk_update() and raw SQL do
not call it; a published scorecard is final (a correction is a new version with its
reason), whatever path tries. Publishing itself changes a draft row, which stays allowed.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION quality_scorecard_published_final() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'scorecard % is published and final; correct it with a new version', OLD.id
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER quality_scorecard_published_final
    BEFORE UPDATE ON quality_scorecard
    FOR EACH ROW WHEN (OLD.status = 'published')
    EXECUTE FUNCTION quality_scorecard_published_final();
"""
DROP = """
DROP TRIGGER IF EXISTS quality_scorecard_published_final ON quality_scorecard;
DROP FUNCTION IF EXISTS quality_scorecard_published_final();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("quality", "0002_inspections_and_scorecards")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
