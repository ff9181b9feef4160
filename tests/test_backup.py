"""`manage.py backup` / `restore`: a backup restored into a fresh database holds every
ticket, event and attachment (with the same bytes), and a restore never writes over data."""

import hashlib
import io
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from tickets import services
from tickets.models import Attachment, Channel, Ticket, TicketEvent, TicketMessage

ROOT = Path(__file__).resolve().parent.parent

# Bytes that a text-mode copy, a charset conversion or a truncation would change.
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 64 + "发票 №42".encode()
SHEET = "订单,金额\nSO-1,12.50\n".encode("gb18030")


def _server_url(database: str) -> str:
    conf = connection.settings_dict
    credentials = conf["USER"] + (f":{conf['PASSWORD']}" if conf["PASSWORD"] else "")
    return (
        f"postgres://{credentials}@{conf['HOST'] or '127.0.0.1'}:{conf['PORT'] or 5432}/{database}"
    )


@pytest.fixture
def fresh_database():
    """A new, empty database that this test alone created; dropped at the end."""
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(_server_url("postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _backup(tmp_path) -> Path:
    out = io.StringIO()
    call_command("backup", output=str(tmp_path / "backups"), stdout=out)
    return Path(out.getvalue().strip())


def test_a_restored_backup_has_every_ticket_event_and_attachment(
    committed_db, agent, team, customer, settings, tmp_path, fresh_database
):
    settings.MEDIA_ROOT = tmp_path / "media"
    tickets = [
        services.ticket_create(
            actor=agent,
            subject=f"打印机故障 {i}",
            channel=Channel.WEB,
            team=team,
            customer=customer,
        )
        for i in range(3)
    ]
    services.ticket_reply(ticket=tickets[0], actor=agent, body="已安排工程师上门。")
    for ticket, name, content, kind in (
        (tickets[0], "发票.pdf", PDF, "application/pdf"),
        (tickets[1], "orders.csv", SHEET, "text/csv"),
    ):
        services.ticket_attach(
            ticket=ticket, actor=agent, uploaded_file=SimpleUploadedFile(name, content, kind)
        )
    original_events = sorted(TicketEvent.objects.values_list("id", "action", "ticket_id"))
    original_attachments = {
        a.original_name: hashlib.sha256(a.file.read()).hexdigest() for a in Attachment.objects.all()
    }
    assert original_attachments["发票.pdf"] == hashlib.sha256(PDF).hexdigest()

    backup_dir = _backup(tmp_path)
    assert json.loads((backup_dir / "manifest.json").read_text())["files"] == 2

    restored_media = tmp_path / "restored-media"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(DATABASE_URL=_server_url(fresh_database), DJANGO_MEDIA_ROOT=str(restored_media))
    result = subprocess.run(
        [sys.executable, "manage.py", "restore", str(backup_dir)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr

    restored = psycopg2.connect(_server_url(fresh_database))
    try:
        with restored.cursor() as cursor:
            cursor.execute("SELECT reference, subject FROM tickets_ticket ORDER BY id")
            assert cursor.fetchall() == [(t.reference, t.subject) for t in tickets]
            cursor.execute("SELECT id, action, ticket_id FROM tickets_ticketevent ORDER BY 1")
            assert cursor.fetchall() == original_events
            cursor.execute("SELECT COUNT(*) FROM tickets_ticketmessage")
            assert cursor.fetchone()[0] == TicketMessage.objects.count() == 1
            cursor.execute("SELECT original_name, file, sha256 FROM tickets_attachment")
            rows = cursor.fetchall()
            # The audit trail is append-only in the restored database too.
            with pytest.raises(psycopg2.DatabaseError):
                cursor.execute("UPDATE tickets_ticketevent SET action = 'forged'")
    finally:
        restored.close()
    assert len(rows) == 2
    for original_name, stored_name, recorded_digest in rows:
        content = (restored_media / stored_name).read_bytes()
        assert hashlib.sha256(content).hexdigest() == recorded_digest
        assert recorded_digest == original_attachments[original_name]
    assert Ticket.objects.count() == 3  # the source database is untouched


def test_a_restore_into_a_database_with_tables_is_refused(
    committed_db, agent, team, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    services.ticket_create(actor=agent, subject="Kept", channel=Channel.WEB, team=team)
    backup_dir = _backup(tmp_path)
    services.ticket_create(
        actor=agent, subject="Written after the backup", channel="web", team=team
    )

    with pytest.raises(CommandError, match="already has tables"):
        call_command("restore", str(backup_dir))

    assert sorted(Ticket.objects.values_list("subject", flat=True)) == [
        "Kept",
        "Written after the backup",
    ]


def test_a_backup_whose_files_do_not_match_its_manifest_is_refused(
    db, agent, team, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    backup_dir = _backup(tmp_path)
    with (backup_dir / "database.dump").open("ab") as dump:
        dump.write(b"tampered")

    with pytest.raises(CommandError, match="does not match the manifest"):
        call_command("restore", str(backup_dir))
