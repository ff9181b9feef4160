"""Backups: the PostgreSQL database (pg_dump's custom format) and the stored files.

A backup is a directory holding `database.dump` (pg_dump -Fc of the configured database),
`media.tar.gz` (everything under MEDIA_ROOT: attachments and kept raw mail) and
`manifest.json` (when, what, and the SHA-256 of both files, checked before a restore).

The database is dumped first, then the files: a row in the dump has its file in the
archive unless the file was deleted in between. pg_dump reads one consistent snapshot and
does not block writers, so a backup can run while the service does.
"""

import hashlib
import json
import os
import shutil
import subprocess
import tarfile
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

DUMP_NAME = "database.dump"
MEDIA_NAME = "media.tar.gz"
MANIFEST_NAME = "manifest.json"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why."""


def _database() -> dict:
    database = settings.DATABASES["default"]
    if "postgresql" not in database["ENGINE"]:
        raise BackupError("backups need PostgreSQL (DATABASE_URL=postgres://…)")
    return database


def _libpq(database: dict) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump/pg_restore; the password goes by environment."""
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            args += [flag, str(database[key])]
    env = dict(os.environ)
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (apt-get install postgresql-client)")
    return path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def backup(output_root: Path) -> Path:
    """Writes a new backup directory under `output_root`; returns it."""
    database = _database()
    created = datetime.now(UTC)
    target = Path(output_root) / created.strftime("%Y%m%dT%H%M%SZ")
    target.mkdir(parents=True, exist_ok=False)
    args, env = _libpq(database)
    dump = target / DUMP_NAME
    command = [_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={dump}", *args]
    subprocess.run(  # noqa: S603 - fixed executable, arguments from settings  # nosec B603
        [*command, "--dbname", database["NAME"]],
        env=env,
        check=True,
    )
    media_root = Path(settings.MEDIA_ROOT)
    files = 0
    with tarfile.open(target / MEDIA_NAME, "w:gz") as archive:
        if media_root.is_dir():
            for path in sorted(media_root.rglob("*")):
                if path.is_file():
                    archive.add(path, arcname=str(path.relative_to(media_root)))
                    files += 1
    manifest = {
        "created_at": created.isoformat(),
        "database": database["NAME"],
        "files": files,
        "sha256": {name: _sha256(target / name) for name in (DUMP_NAME, MEDIA_NAME)},
    }
    (target / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n")
    return target


def _check_manifest(source: Path) -> dict:
    try:
        manifest = json.loads((source / MANIFEST_NAME).read_text())
    except FileNotFoundError:
        raise BackupError(f"{source} has no {MANIFEST_NAME}: not a backup directory") from None
    for name, expected in manifest["sha256"].items():
        if not (source / name).is_file() or _sha256(source / name) != expected:
            raise BackupError(f"{name} is missing or does not match the manifest")
    return manifest


def _database_is_empty() -> bool:
    from django.db import connection

    return not connection.introspection.table_names()


def restore(source: Path) -> dict:
    """Restores a backup into the configured database, which must be empty (a fresh one),
    and its files under MEDIA_ROOT. Returns the manifest."""
    source = Path(source)
    manifest = _check_manifest(source)
    database = _database()
    if not _database_is_empty():
        raise BackupError(
            f"database {database['NAME']} already has tables: restore into a fresh one "
            "(createdb, then point DATABASE_URL at it)"
        )
    from django.db import connection

    connection.close()  # pg_restore works in its own session
    args, env = _libpq(database)
    command = [_tool("pg_restore"), "--no-owner", "--exit-on-error", "--single-transaction"]
    subprocess.run(  # noqa: S603 - fixed executable, arguments from settings  # nosec B603
        [*command, *args, "--dbname", database["NAME"], str(source / DUMP_NAME)],
        env=env,
        check=True,
    )
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / MEDIA_NAME, "r:gz") as archive:
        # The "data" filter refuses absolute paths, links out of the tree and devices.
        archive.extractall(media_root, filter="data")
    return manifest
