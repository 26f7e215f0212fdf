"""Backup and restore of the whole portal: the database and the uploaded files, in one archive.

The archive (`.tar.gz`) holds `manifest.json` (format, when, the database vendor, the migrations applied), the
database (`database.dump`: `pg_dump --format=custom` on PostgreSQL; `database.sqlite3`: SQLite's online backup API)
and the uploaded files under `media/`. ID numbers stay encrypted in the dump as they are at rest; the archive needs
the same `ID_NUMBER_ENCRYPTION_KEY` to be read after a restore, so keep the keys apart from the backups.

Restore refuses an archive whose schema is newer than the code (a migration the code does not have): restore it
with the release that made it, or upgrade the code first. It replaces every table and the uploaded files.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = 1
MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_DUMP = "database.sqlite3"
MEDIA = "media"


class BackupError(Exception):
    """A backup or restore that cannot go on; its message says why, in Chinese."""


@dataclass(frozen=True)
class Manifest:
    format: int
    created_at: str
    vendor: str
    migrations: dict[str, list[str]]

    @classmethod
    def read(cls, data: dict) -> Manifest:
        try:
            return cls(
                format=int(data["format"]),
                created_at=str(data["created_at"]),
                vendor=str(data["vendor"]),
                migrations={str(app): [str(name) for name in names] for app, names in data["migrations"].items()},
            )
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise BackupError(_("备份文件的说明（manifest.json）不完整，无法恢复。")) from error


def applied_migrations() -> dict[str, list[str]]:
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    applied: dict[str, list[str]] = {}
    for app, name in sorted(loader.applied_migrations):
        applied.setdefault(app, []).append(name)
    return applied


def known_migrations() -> set[tuple[str, str]]:
    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def _pg_env() -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump / pg_restore, the password through the environment (never argv)."""
    db = settings.DATABASES["default"]
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(_("%(tool)s 失败：%(error)s") % {"tool": command[0], "error": result.stderr.strip()[-500:]})


def backup(output: Path) -> Manifest:
    """Write the archive to `output` (replaced atomically: a failed backup leaves no half file)."""
    manifest = Manifest(
        format=FORMAT,
        created_at=timezone.now().isoformat(),
        vendor=connection.vendor,
        migrations=applied_migrations(),
    )
    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        if connection.vendor == "postgresql":
            args, env = _pg_env()
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    "--file",
                    str(work_dir / PG_DUMP),
                    *args,
                ],
                env,
            )
            dump = work_dir / PG_DUMP
        elif connection.vendor == "sqlite":
            dump = work_dir / SQLITE_DUMP
            target = sqlite3.connect(dump)
            connection.ensure_connection()
            connection.connection.backup(target)
            target.close()
        else:
            raise BackupError(_("不支持的数据库：%(vendor)s") % {"vendor": connection.vendor})
        (work_dir / MANIFEST).write_text(json.dumps(manifest.__dict__, ensure_ascii=False, indent=1), "utf-8")
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(work_dir / MANIFEST, MANIFEST)
            archive.add(dump, dump.name)
            media = Path(settings.MEDIA_ROOT)
            if media.is_dir():
                archive.add(media, MEDIA)
        partial.replace(output)
    return manifest


def _safe_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    """Only regular files and folders, inside the archive's own tree (no links, no absolute or ../ paths)."""
    members = []
    for member in archive.getmembers():
        path = Path(member.name)
        if path.is_absolute() or ".." in path.parts or not (member.isfile() or member.isdir()):
            raise BackupError(_("备份文件中有不安全的路径：%(name)s") % {"name": member.name})
        members.append(member)
    return members


def read_manifest(archive: tarfile.TarFile) -> Manifest:
    try:
        data = archive.extractfile(MANIFEST)
    except KeyError as error:
        raise BackupError(_("这不是本平台的备份文件（缺少 manifest.json）。")) from error
    if data is None:
        raise BackupError(_("这不是本平台的备份文件（缺少 manifest.json）。"))
    try:
        return Manifest.read(json.loads(data.read().decode("utf-8")))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupError(_("备份文件的说明（manifest.json）无法读取。")) from error


def check_restorable(manifest: Manifest) -> None:
    """Refuse a newer format or schema, or another database vendor."""
    if manifest.format > FORMAT:
        raise BackupError(_("备份文件的格式比当前版本新，请用生成它的版本恢复。"))
    if manifest.vendor != connection.vendor:
        raise BackupError(
            _("备份来自 %(source)s 数据库，当前是 %(target)s，不能直接恢复。")
            % {"source": manifest.vendor, "target": connection.vendor}
        )
    known = known_migrations()
    newer = sorted(
        f"{app}.{name}" for app, names in manifest.migrations.items() for name in names if (app, name) not in known
    )
    if newer:
        raise BackupError(
            _("备份的数据库结构比当前程序新（当前程序没有迁移 %(names)s），请先升级程序，或用生成备份的版本恢复。")
            % {"names": "、".join(newer[:5])}
        )


def restore(archive_path: Path) -> Manifest:
    """Replace the database and the uploaded files with the archive's."""
    try:
        archive = tarfile.open(archive_path, "r:gz")  # noqa: SIM115 (closed by the with below; opening may fail)
    except (OSError, tarfile.TarError) as error:
        raise BackupError(_("无法打开备份文件：%(error)s") % {"error": error}) from error
    with archive, tempfile.TemporaryDirectory() as work:
        manifest = read_manifest(archive)
        check_restorable(manifest)
        members = _safe_members(archive)
        archive.extractall(work, members=members, filter="data")
        work_dir = Path(work)
        if connection.vendor == "postgresql":
            dump = work_dir / PG_DUMP
            if not dump.is_file():
                raise BackupError(_("备份文件中没有数据库。"))
            connections.close_all()
            args, env = _pg_env()
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--no-privileges",
                    "--single-transaction",
                    *args,
                    str(dump),
                ],
                env,
            )
        else:
            dump = work_dir / SQLITE_DUMP
            if not dump.is_file():
                raise BackupError(_("备份文件中没有数据库。"))
            source = sqlite3.connect(dump)
            connection.ensure_connection()
            source.backup(connection.connection)
            source.close()
        media = Path(settings.MEDIA_ROOT)
        restored = work_dir / MEDIA
        if media.exists():
            shutil.rmtree(media)
        if restored.is_dir():
            shutil.copytree(restored, media)
        else:
            media.mkdir(parents=True, exist_ok=True)
    return manifest
