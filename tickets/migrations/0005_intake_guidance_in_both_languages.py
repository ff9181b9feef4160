"""Intake-template guidance in both languages: `guidance` is read on Chinese pages (the
default language, as `name` is), `guidance_en` on English ones. The defaults of 0003 were
English only; where an administrator has not changed them they get their Chinese text."""

from django.db import migrations, models

# slug: (the English default of 0003, its Chinese text)
GUIDANCE = {
    "pre-sales": (
        "Ask which product, budget and timeline; offer a follow-up contact time.",
        "询问产品、预算和时间安排；约定回访联系时间。",
    ),
    "after-sales-repair": (
        "Record the fault, the order, the purchase date and the customer's demand.",
        "记录故障、订单号、购买日期和客户诉求。",
    ),
    "feedback": (
        "Feedback gets a reply within 3 business days.",
        "意见建议须在 3 个工作日内答复。",
    ),
    "complaint": (
        "Empathise, soothe, reframe. Contact the customer within 1 hour.",
        "共情、安抚、引导。1 小时内联系客户。",
    ),
    "incident": (
        "Describe impact and since when; link related tickets.",
        "说明影响范围和开始时间；关联相关工单。",
    ),
}


def translate_guidance(apps, schema_editor):
    IntakeTemplate = apps.get_model("tickets", "IntakeTemplate")
    for slug, (english, chinese) in GUIDANCE.items():
        IntakeTemplate.objects.filter(slug=slug, guidance=english).update(
            guidance=chinese, guidance_en=english
        )


def english_only(apps, schema_editor):
    IntakeTemplate = apps.get_model("tickets", "IntakeTemplate")
    for slug, (english, chinese) in GUIDANCE.items():
        IntakeTemplate.objects.filter(slug=slug, guidance=chinese).update(guidance=english)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0004_drop_fk_indexes_covered_by_composites")]

    operations = [
        migrations.AddField(
            model_name="intaketemplate",
            name="guidance_en",
            field=models.TextField(blank=True, verbose_name="English guidance for the agent"),
        ),
        migrations.RunPython(translate_guidance, english_only),
    ]
