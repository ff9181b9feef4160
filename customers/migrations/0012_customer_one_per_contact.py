"""One customer per e-mail address, phone number and ID number: partial unique indexes on
the lookup hashes (an empty hash is no value and may repeat).

The services have refused a second customer with the same value since the lookups were
encrypted, but two writers checking at the same moment could both pass. Customers that
already share a value are not merged here (which record is right is for a person to
decide): the migration stops and lists them, and runs once they are corrected.
"""

from django.db import migrations, models
from django.db.models import Count

LOOKUPS = {
    "email_lookup": "e-mail address",
    "phone_lookup": "phone number",
    "id_number_lookup": "ID number",
}
# Groups listed in the error; the count says how many more there are.
LISTED = 50


def refuse_existing_duplicates(apps, schema_editor):
    Customer = apps.get_model("customers", "Customer")
    groups = []
    for column, label in LOOKUPS.items():
        shared = (
            Customer.objects.exclude(**{column: ""})
            .values(column)
            .annotate(customers=Count("pk"))
            .filter(customers__gt=1)
            .order_by(column)
        )
        for row in shared.iterator():
            groups.append((column, label, row[column]))
    if not groups:
        return
    lines = []
    for column, label, lookup in groups[:LISTED]:
        pks = Customer.objects.filter(**{column: lookup}).order_by("pk").values_list("pk", flat=True)
        lines.append(f"  same {label}: customers {', '.join(map(str, pks))}")
    if len(groups) > LISTED:
        lines.append(f"  … and {len(groups) - LISTED} more groups")
    raise RuntimeError(
        f"{len(groups)} group(s) of customers share an e-mail address, phone number or ID "
        "number; correct or merge them (each group is one person) and migrate again:\n"
        + "\n".join(lines)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0011_drop_plaintext_contact"),
    ]

    operations = [
        migrations.RunPython(refuse_existing_duplicates, migrations.RunPython.noop),
        *(
            migrations.AddConstraint(
                model_name="customer",
                constraint=models.UniqueConstraint(
                    condition=models.Q((column, ""), _negated=True),
                    fields=(column,),
                    name=f"customer_one_per_{column.removesuffix('_lookup')}",
                ),
            )
            for column in LOOKUPS
        ),
    ]
