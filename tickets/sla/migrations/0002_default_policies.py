"""The default calendars, policies and targets of requirements.md §7.

Reads tickets/sla/defaults.py so that the migration, the admin's rows and the tests that
pin each number share one source; change a default later with a new migration.
"""

from django.db import migrations


def install(apps, schema_editor):
    from tickets.sla.defaults import install_defaults

    install_defaults(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(install, migrations.RunPython.noop),
    ]
