"""Encrypted columns and lookup hashes for customers' personal data (step 1 of 3).

The plaintext `email` and `phone` stay until 0010 has encrypted them into the new columns;
0011 drops them. Three migrations so that no table is altered after its rows were updated
in the same transaction (PostgreSQL refuses that with pending trigger events).
"""

from django.db import migrations, models

import customers.fields


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0008_membership_ladder"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="customer",
            options={
                "ordering": ["name", "pk"],
                "permissions": [
                    (
                        "view_customer_contact",
                        "Can see customers' phone numbers, e-mail addresses and ID numbers",
                    ),
                    ("import_customers", "Can import customers from a CSV file"),
                ],
                "verbose_name": "customer",
                "verbose_name_plural": "customers",
            },
        ),
        migrations.AlterField(
            model_name="customerevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("customer.tier_changed", "Tier changed"),
                    ("customer.contact_updated", "Contact details changed"),
                    ("customer.purchase_recorded", "Purchase recorded"),
                    ("customer.registered", "Registered"),
                    ("customer.imported", "Imported"),
                    ("customer.care_opted_out", "Opted out of care contacts"),
                    ("customer.care_opted_in", "Opted in to care contacts again"),
                    ("customer.level_changed", "Membership level changed"),
                    ("customer.advisor_changed", "Dedicated advisor changed"),
                    ("customer.tier_unpinned", "Tier unpinned"),
                    ("customer.contact_revealed", "Personal data revealed"),
                ],
                max_length=50,
                verbose_name="action",
            ),
        ),
        migrations.AddField(
            model_name="customer",
            name="email_ciphertext",
            field=customers.fields.EncryptedTextField(
                blank=True,
                db_column="email_ciphertext",
                db_default="",
                default="",
                verbose_name="e-mail",
            ),
        ),
        migrations.AddField(
            model_name="customer",
            name="phone_ciphertext",
            field=customers.fields.EncryptedTextField(
                blank=True,
                db_column="phone_ciphertext",
                db_default="",
                default="",
                verbose_name="phone",
            ),
        ),
        migrations.AddField(
            model_name="customer",
            name="id_number",
            field=customers.fields.EncryptedTextField(
                blank=True,
                db_column="id_number_ciphertext",
                default="",
                db_default="",
                help_text="Identity document number (resident ID card, passport…), optional.",
                verbose_name="ID number",
            ),
        ),
        migrations.AddField(
            model_name="customer",
            name="email_lookup",
            field=customers.fields.LookupHashField(
                db_default="", db_index=True, kind="email", source="email"
            ),
        ),
        migrations.AddField(
            model_name="customer",
            name="phone_lookup",
            field=customers.fields.LookupHashField(
                db_default="", db_index=True, kind="phone", source="phone"
            ),
        ),
        migrations.AddField(
            model_name="customer",
            name="id_number_lookup",
            field=customers.fields.LookupHashField(
                db_default="", db_index=True, kind="id_number", source="id_number"
            ),
        ),
    ]
