"""Drop the plaintext e-mail and phone columns (step 3 of 3); the encrypted fields take
their names (their columns stay email_ciphertext / phone_ciphertext)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0010_encrypt_personal_data"),
    ]

    operations = [
        migrations.RemoveField(model_name="customer", name="email"),
        migrations.RemoveField(model_name="customer", name="phone"),
        migrations.RenameField(
            model_name="customer", old_name="email_ciphertext", new_name="email"
        ),
        migrations.RenameField(
            model_name="customer", old_name="phone_ciphertext", new_name="phone"
        ),
    ]
