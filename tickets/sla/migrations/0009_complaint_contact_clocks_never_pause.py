"""Complaint first contact and response no longer stand still for "pending customer".

Requirements §7: moving a complaint to "pending customer" must not stop its 1-hour first
contact or its severity's response clock. Every target with those metrics stops pausing
(the choice is new in 0008, so no administrator has made it yet); open tickets are
re-planned so that a clock paused now runs on from its original start.
"""

from django.db import migrations

NEVER_PAUSING_METRICS = ("complaint_first_contact", "complaint_response")


def stop_pausing(apps, schema_editor):
    from tickets.sla.defaults import replan_open_tickets

    Target = apps.get_model("sla", "Target")
    Target.objects.filter(metric__in=NEVER_PAUSING_METRICS).update(
        pauses_while_waiting_on_customer=False
    )
    replan_open_tickets(apps)


def pause_again(apps, schema_editor):
    Target = apps.get_model("sla", "Target")
    Target.objects.filter(metric__in=NEVER_PAUSING_METRICS).update(
        pauses_while_waiting_on_customer=True
    )


class Migration(migrations.Migration):
    dependencies = [("sla", "0008_target_pauses_while_waiting_on_customer")]

    operations = [migrations.RunPython(stop_pausing, pause_again)]
