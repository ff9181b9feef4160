"""The approval limit moves to the staff profile, its one home: each existing profile
gets, per currency, the limit its level had in the old per-level table; then the table
goes. From now on a person's limit is edited on their profile (a supervisor up to their
own limit, a manager any), not by level."""

from django.db import migrations


def copy_limits(StaffProfile, StaffApprovalLimit, level_limits) -> int:
    """level_limits: (level, currency, amount) rows. Gives every profile its level's
    limits, keeping any limit a profile already has. Returns how many were added."""
    by_level: dict[str, list] = {}
    for level, currency, amount in level_limits:
        by_level.setdefault(level, []).append((currency, amount))
    have = set(StaffApprovalLimit.objects.values_list("profile_id", "currency"))
    new = [
        StaffApprovalLimit(profile_id=profile_id, currency=currency, amount=amount)
        for profile_id, level in StaffProfile.objects.values_list("pk", "level")
        for currency, amount in by_level.get(level, [])
        if (profile_id, currency) not in have
    ]
    StaffApprovalLimit.objects.bulk_create(new, batch_size=1000)
    return len(new)


def forwards(apps, schema_editor):
    ApprovalLimit = apps.get_model("complaints", "ApprovalLimit")
    copy_limits(
        apps.get_model("staff", "StaffProfile"),
        apps.get_model("staff", "StaffApprovalLimit"),
        ApprovalLimit.objects.values_list("level", "currency", "amount"),
    )


def backwards(apps, schema_editor):
    # The per-level table comes back empty, then holds, per level and currency, the
    # smallest limit a profile of that level had (no one gains authority by going back).
    ApprovalLimit = apps.get_model("complaints", "ApprovalLimit")
    StaffApprovalLimit = apps.get_model("staff", "StaffApprovalLimit")
    smallest: dict[tuple, object] = {}
    for level, currency, amount in StaffApprovalLimit.objects.values_list(
        "profile__level", "currency", "amount"
    ):
        key = (level, currency)
        smallest[key] = min(amount, smallest.get(key, amount))
    for (level, currency), amount in smallest.items():
        ApprovalLimit.objects.create(level=level, currency=currency, amount=amount)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0005_report_pdf_rendered_by_the_worker"),
        ("staff", "0004_approval_limits_and_events"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name="ApprovalLimit"),
    ]
