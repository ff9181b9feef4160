"""Encrypt the plaintext e-mail and phone of existing customers (step 2 of 3).

In chunks by primary key (never every customer in memory): the new columns get the
Fernet tokens (EncryptedTextField encrypts on write) and the lookup hashes. The audit
trail's contact changes recorded e-mail and phone in clear in CustomerEvent.changes; they
are masked here as the services now record them.

Reversible for the customers (backwards decrypts into the plaintext columns 0011's
reverse has brought back); the masked audit values stay masked — the clear ones are what
this migration exists to remove.
"""

from django.db import migrations

from customers import crypto, masking

CHUNK = 2000
MASKS = {"email": masking.mask_email, "phone": masking.mask_phone}


def _chunks(queryset):
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last).order_by("pk")[:CHUNK])
        if not rows:
            return
        yield rows
        last = rows[-1].pk


def encrypt(apps, schema_editor):
    Customer = apps.get_model("customers", "Customer")
    CustomerEvent = apps.get_model("customers", "CustomerEvent")
    for rows in _chunks(Customer.objects.only("pk", "email", "phone")):
        for row in rows:
            row.email_ciphertext = row.email
            row.phone_ciphertext = row.phone
            row.email_lookup = crypto.email_lookup(row.email)
            row.phone_lookup = crypto.phone_lookup(row.phone)
        Customer.objects.bulk_update(
            rows, ["email_ciphertext", "phone_ciphertext", "email_lookup", "phone_lookup"]
        )
    events = CustomerEvent.objects.filter(action="customer.contact_updated").only("pk", "changes")
    for rows in _chunks(events):
        changed = []
        for event in rows:
            if not set(MASKS) & set(event.changes):
                continue
            event.changes = {
                name: [MASKS[name](value or "") for value in pair] if name in MASKS else pair
                for name, pair in event.changes.items()
            }
            changed.append(event)
        CustomerEvent.objects.bulk_update(changed, ["changes"])


def decrypt(apps, schema_editor):
    Customer = apps.get_model("customers", "Customer")
    for rows in _chunks(Customer.objects.only("pk", "email_ciphertext", "phone_ciphertext")):
        for row in rows:
            row.email = row.email_ciphertext
            row.phone = row.phone_ciphertext
        Customer.objects.bulk_update(rows, ["email", "phone"])


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0009_personal_data_columns"),
    ]

    operations = [migrations.RunPython(encrypt, decrypt)]
