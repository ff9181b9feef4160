"""Reconcile the default targets so that they never contradict each other (requirements §7,
"How the rows fit together"), then re-plan the open tickets' clocks.

- Feedback and suggestions: the 24-hour calendar-time general aim breached over a weekend
  while their reply has 3 business days; they are now closed on that same working clock.
- A complaint's resolution is never due before its response: an important general
  complaint gets 48 h (24 h + 24 h), a routine one 96 h (72 h + 24 h).

The new rows are policies of their own, added only if no policy of that name exists, so
no row the administrator edited (or deleted) is touched; every number stays editable.
"""

from django.db import migrations

NEW_POLICIES = frozenset(
    {
        "Feedback and suggestions: closed",
        "Complaint: general, important",
        "Complaint: general, routine",
    }
)


def reconcile(apps, schema_editor):
    from tickets.sla.defaults import install_defaults, replan_open_tickets

    install_defaults(apps, policy_names=NEW_POLICIES)
    replan_open_tickets(apps)


def restore(apps, schema_editor):
    Policy = apps.get_model("sla", "Policy")
    Policy.objects.filter(name__in=NEW_POLICIES).delete()


class Migration(migrations.Migration):
    dependencies = [("sla", "0009_complaint_contact_clocks_never_pause")]

    operations = [migrations.RunPython(reconcile, restore)]
