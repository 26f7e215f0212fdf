"""`manage.py backup` and `manage.py restore` round-trip the whole database and the uploaded files (issue 18):
restored into a fresh database, every table has the same rows (count and checksum); a newer schema, a foreign file
or a missing confirmation is refused with a clear message and changes nothing."""

import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests.factories import make_meeting

ROOT = Path(__file__).resolve().parent.parent


def _manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _pg_tables(params: dict) -> dict[str, tuple[int, str]]:
    """Every table's row count and a checksum of its rows."""
    db = psycopg2.connect(**params)
    try:
        with db.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
            tables = [row[0] for row in cursor.fetchall()]
            figures = {}
            for table in tables:
                cursor.execute(
                    f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM \"{table}\" t"
                )
                figures[table] = cursor.fetchone()
            return figures
    finally:
        db.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump / pg_restore")
def test_a_postgresql_backup_restores_into_a_fresh_database(world, tmp_path, settings):
    media = tmp_path / "media"
    (media / "meetings").mkdir(parents=True)
    (media / "meetings" / "会场.jpg").write_bytes(b"\xff\xd8photo")
    settings.MEDIA_ROOT = media
    make_meeting(world.branch_a, topic="备份前的会议")
    archive = tmp_path / "portal.tar.gz"
    call_command("backup", output=archive, stdout=io.StringIO())

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    fresh = f"portal_restore_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(**params)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{fresh}"')
    try:
        db = connection.settings_dict
        url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{fresh}"
        restored_media = tmp_path / "restored-media"
        result = _manage(
            {"DATABASE_URL": url, "PORTAL_MEDIA_ROOT": str(restored_media)}, "restore", "--input", str(archive), "--yes"
        )
        assert result.returncode == 0, result.stderr
        assert _pg_tables({**params, "dbname": fresh}) == _pg_tables(params)
        assert _files(restored_media) == _files(media)
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
        admin.close()


def test_a_sqlite_backup_restores_into_another_file(tmp_path):
    """The embedded default: SQLite's backup API both ways."""
    source, target = tmp_path / "portal.sqlite3", tmp_path / "restored.sqlite3"
    media, restored_media = tmp_path / "media", tmp_path / "restored-media"
    (media / "members").mkdir(parents=True)
    (media / "members" / "photo.jpg").write_bytes(b"\xff\xd8member")
    env = {"DATABASE_URL": f"sqlite:///{source}", "PORTAL_MEDIA_ROOT": str(media)}
    assert _manage(env, "migrate", "--noinput", "-v0").returncode == 0
    archive = tmp_path / "portal.tar.gz"
    result = _manage(env, "backup", "--output", str(archive))
    assert result.returncode == 0, result.stderr
    env = {"DATABASE_URL": f"sqlite:///{target}", "PORTAL_MEDIA_ROOT": str(restored_media)}
    result = _manage(env, "restore", "--input", str(archive), "--yes")
    assert result.returncode == 0, result.stderr

    def tables(path: Path) -> dict[str, list]:
        db = sqlite3.connect(path)
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        rows = {name: sorted(map(repr, db.execute(f'SELECT * FROM "{name}"'))) for name in names}
        db.close()
        return rows

    assert tables(target) == tables(source)
    assert _files(restored_media) == _files(media)


def _archive(tmp_path: Path, manifest: dict) -> Path:
    path = tmp_path / "crafted.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        data = json.dumps(manifest).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return path


@pytest.mark.django_db
def test_restore_refuses_a_newer_schema_and_changes_nothing(world, tmp_path):
    from branches.models import Organisation

    before = Organisation.objects.count()
    manifest = {
        "format": 1,
        "created_at": "2027-01-01T00:00:00+08:00",
        "vendor": connection.vendor,
        "migrations": {"members": ["0001_initial", "0099_from_a_later_release"]},
    }
    with pytest.raises(CommandError, match="数据库结构比当前程序新"):
        call_command("restore", input=_archive(tmp_path, manifest), yes=True)
    assert Organisation.objects.count() == before


@pytest.mark.django_db
def test_restore_needs_a_confirmation_and_a_backup_file(tmp_path):
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", input=tmp_path / "x.tar.gz")
    with pytest.raises(CommandError, match="找不到备份文件"):
        call_command("restore", input=tmp_path / "x.tar.gz", yes=True)
    foreign = tmp_path / "foreign.tar.gz"
    foreign.write_bytes(b"not an archive")
    with pytest.raises(CommandError, match="无法打开备份文件"):
        call_command("restore", input=foreign, yes=True)
    with pytest.raises(CommandError, match="manifest.json"):
        call_command("restore", input=_archive(tmp_path, {"format": 1}), yes=True)
