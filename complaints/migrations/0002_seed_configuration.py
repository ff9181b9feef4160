"""Seed the configurable tables: categories, authority by severity, approval limits, scripts.

Every value here is a default an administrator may change in the admin.
"""

from decimal import Decimal

from django.db import migrations

CATEGORIES = [
    ("产品质量", "Product quality"),
    ("服务态度", "Staff attitude"),
    ("物流配送", "Delivery"),
    ("账单计费", "Billing"),
    ("售后维修", "After-sales repair"),
    ("其他", "Other"),
]

# Urgent → manager, important → supervisor or above, routine → any agent [S0 §03].
AUTHORITY = [("urgent", "manager"), ("important", "supervisor"), ("routine", "junior")]

# Example limits (configurable): what each level may grant without approval.
LIMITS = {
    "CNY": {"junior": "200", "senior": "500", "supervisor": "2000", "manager": "20000"},
    "USD": {"junior": "30", "senior": "70", "supervisor": "300", "manager": "3000"},
}

# Empathise → soothe → reframe (共情-安抚-重构) [S0 §03].
SCRIPTS = [
    ("empathise", "zh-hans", "理解感受", "非常理解您现在的心情，遇到这样的情况换作是我也会着急。"),
    ("soothe", "zh-hans", "安抚承诺", "请您放心，我已经记录了您的问题，会由专人跟进，并在约定时间内给您答复。"),
    ("reframe", "zh-hans", "重构方案", "为了尽快解决，我们可以先为您安排加急处理，同时提供以下补救方案供您选择。"),
    ("empathise", "en", "Acknowledge the feeling", "I completely understand how frustrating this must be; I would feel the same in your place."),
    ("soothe", "en", "Reassure", "Please rest assured: your case is recorded, a named colleague owns it, and you will hear from us by the agreed time."),
    ("reframe", "en", "Offer a way forward", "To put this right quickly, we can arrange priority handling and offer you the following options."),
]


def seed(apps, schema_editor):
    ComplaintCategory = apps.get_model("complaints", "ComplaintCategory")
    ComplaintAuthority = apps.get_model("complaints", "ComplaintAuthority")
    ReplyScript = apps.get_model("complaints", "ReplyScript")
    for name, name_en in CATEGORIES:
        ComplaintCategory.objects.get_or_create(name=name, defaults={"name_en": name_en})
    for severity, level in AUTHORITY:
        ComplaintAuthority.objects.get_or_create(severity=severity, defaults={"minimum_level": level})
    # The per-level table exists only in the migration history (0005 moves the limits
    # onto staff profiles and drops it): tests re-seeding today's schema skip it.
    try:
        ApprovalLimit = apps.get_model("complaints", "ApprovalLimit")
    except LookupError:
        ApprovalLimit = None
    if ApprovalLimit is not None:
        for currency, limits in LIMITS.items():
            for level, amount in limits.items():
                ApprovalLimit.objects.get_or_create(
                    level=level, currency=currency, defaults={"amount": Decimal(amount)}
                )
    for position, (step, language, title, body) in enumerate(SCRIPTS):
        ReplyScript.objects.get_or_create(
            step=step, language=language, title=title, defaults={"body": body, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
