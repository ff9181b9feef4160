"""A low satisfaction score opens an investigation with its own clock [S1 §2.4]: the
metric, and a default policy for every ticket (3 business days), added only if no policy
of that name exists."""

from django.db import migrations, models

NEW_POLICIES = frozenset({"Low-satisfaction investigation"})


def install(apps, schema_editor):
    from tickets.sla.defaults import install_defaults

    install_defaults(apps, policy_names=NEW_POLICIES)


def remove(apps, schema_editor):
    apps.get_model("sla", "Policy").objects.filter(name__in=NEW_POLICIES).delete()


class Migration(migrations.Migration):
    dependencies = [("sla", "0010_reconcile_default_targets")]

    operations = [
        migrations.AlterField(
            model_name="clock",
            name="metric",
            field=models.CharField(
                choices=[
                    ("first_response", "First response"),
                    ("next_response", "Next response"),
                    ("resolution", "Resolution"),
                    ("chat_classification", "Chat problem classification"),
                    ("service_plan", "Service plan"),
                    ("department_review", "Department review"),
                    ("feedback_reply", "Feedback reply"),
                    ("complaint_first_contact", "Complaint first contact"),
                    ("complaint_response", "Complaint response"),
                    ("satisfaction_investigation", "Low-satisfaction investigation"),
                ],
                max_length=30,
                verbose_name="metric",
            ),
        ),
        migrations.AlterField(
            model_name="target",
            name="metric",
            field=models.CharField(
                choices=[
                    ("first_response", "First response"),
                    ("next_response", "Next response"),
                    ("resolution", "Resolution"),
                    ("chat_classification", "Chat problem classification"),
                    ("service_plan", "Service plan"),
                    ("department_review", "Department review"),
                    ("feedback_reply", "Feedback reply"),
                    ("complaint_first_contact", "Complaint first contact"),
                    ("complaint_response", "Complaint response"),
                    ("satisfaction_investigation", "Low-satisfaction investigation"),
                ],
                max_length=30,
                verbose_name="metric",
            ),
        ),
        migrations.RunPython(install, remove),
    ]
