"""The intake templates the requirements name [S0 §03], as editable defaults."""

from django.db import migrations

TEMPLATES = [
    {
        "slug": "pre-sales",
        "name": "售前咨询",
        "name_en": "Pre-sales consultation",
        "kind": "request",
        "default_priority": "normal",
        "required_fields": ["customer", "product", "description"],
        "guidance": "Ask which product, budget and timeline; offer a follow-up contact time.",
    },
    {
        "slug": "after-sales-repair",
        "name": "售后维修",
        "name_en": "After-sales repair",
        "kind": "request",
        "default_priority": "high",
        "required_fields": ["customer", "product", "order_number", "purchase_date", "description"],
        "guidance": "Record the fault, the order, the purchase date and the customer's demand.",
    },
    {
        "slug": "feedback",
        "name": "意见建议",
        "name_en": "Feedback / suggestion",
        "kind": "feedback",
        "default_priority": "low",
        "required_fields": ["customer", "description"],
        "guidance": "Feedback gets a reply within 3 business days.",
    },
    {
        "slug": "complaint",
        "name": "投诉",
        "name_en": "Complaint",
        "kind": "complaint",
        "default_priority": "high",
        "required_fields": ["customer", "description", "customer_demand"],
        "guidance": "Empathise, soothe, reframe. Contact the customer within 1 hour.",
    },
    {
        "slug": "incident",
        "name": "故障报告",
        "name_en": "Incident report",
        "kind": "incident",
        "default_priority": "high",
        "required_fields": ["description"],
        "guidance": "Describe impact and since when; link related tickets.",
    },
]


def add_templates(apps, schema_editor):
    IntakeTemplate = apps.get_model("tickets", "IntakeTemplate")
    for template in TEMPLATES:
        IntakeTemplate.objects.update_or_create(slug=template["slug"], defaults=template)


def remove_templates(apps, schema_editor):
    IntakeTemplate = apps.get_model("tickets", "IntakeTemplate")
    IntakeTemplate.objects.filter(slug__in=[t["slug"] for t in TEMPLATES]).delete()


class Migration(migrations.Migration):
    dependencies = [("tickets", "0002_events_append_only_trigger")]

    operations = [migrations.RunPython(add_templates, remove_templates)]
