"""A roster upload between preview and confirmation: kept encrypted in the database, never as a clear file, dropped
on cancel, refused and purged after an hour (a beat task that is harmless to repeat)."""

import importlib
import io
import zipfile
from datetime import date, timedelta

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from branches.errors import DomainError
from members import crypto, imports, tasks
from members.access import SYSTEM, scope_for
from members.models import ImportStage, Member
from tests.factories import make_id_number
from tests.members.test_excel import XLSX, _row, _staged_token, _upload, _workbook

pytestmark = pytest.mark.django_db


def _texts_on_disk(root) -> list[bytes]:
    """Every file under `root` as bytes, and the members of every zip (an .xlsx) decompressed."""
    texts = []
    for path in root.rglob("*") if root.exists() else []:
        if not path.is_file():
            continue
        data = path.read_bytes()
        texts.append(data)
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as package:
                texts.extend(package.read(name) for name in package.namelist())
    return texts


def _stage(world, *names: str) -> tuple[imports.ImportPreview, list[str]]:
    births = [date(1990, 1, 1) + timedelta(days=400 * i) for i in range(len(names))]
    numbers = [make_id_number(birth) for birth in births]
    rows = [
        _row(name, birth=birth, id_number=number) for name, birth, number in zip(names, births, numbers, strict=True)
    ]
    upload = SimpleUploadedFile("名册.xlsx", _workbook(rows), content_type=XLSX)
    preview = imports.import_stage(upload=upload, by=scope_for(world.secretary_a))
    return preview, numbers


def test_no_clear_id_number_on_disk_after_staging(client, world, settings):
    """After the preview the ID numbers are nowhere under MEDIA_ROOT (not even inside an .xlsx) nor in the
    database row, which holds only the encrypted file."""
    number = make_id_number(date(1990, 2, 3))
    client.force_login(world.secretary_a)
    preview = _upload(client, _workbook([_row("刘一", id_number=number)]))
    assert preview.status_code == 200 and preview.context["token"]

    for text in _texts_on_disk(settings.MEDIA_ROOT):
        assert number.encode() not in text
    stage = ImportStage.objects.get(user=world.secretary_a)
    assert number.encode() not in bytes(stage.content_encrypted)
    with zipfile.ZipFile(io.BytesIO(crypto.decrypt_bytes(stage.content_encrypted))) as package:
        assert any(number.encode() in package.read(name) for name in package.namelist())


def test_a_new_upload_replaces_the_users_earlier_one(world):
    """Each user has at most one upload waiting; another user's is left alone."""
    first, _numbers = _stage(world, "甲")
    ImportStage.objects.create(token="x" * 32, user=world.admin, content_encrypted=crypto.encrypt_bytes(b"x"))
    second, _numbers = _stage(world, "乙")
    assert list(ImportStage.objects.filter(user=world.secretary_a).values_list("token", flat=True)) == [second.token]
    assert first.token != second.token
    assert ImportStage.objects.filter(user=world.admin).exists()


def test_confirm_imports_once_and_removes_the_stage(world):
    """Confirmation imports every row and drops the upload; confirming the same token again is refused."""
    preview, numbers = _stage(world, "甲", "乙")
    scope = scope_for(world.secretary_a)
    created = imports.import_stage_confirm(token=preview.token, by=scope)
    assert sorted(m.name for m in created) == ["乙", "甲"]
    assert {crypto.decrypt(m.id_number_encrypted) for m in created} == set(numbers)
    assert not ImportStage.objects.exists()
    with pytest.raises(DomainError, match="待导入的文件已失效"):
        imports.import_stage_confirm(token=preview.token, by=scope)


def test_an_upload_older_than_an_hour_is_refused_and_purged(world):
    """A preview left for more than an hour can no longer be confirmed; the purge deletes it and keeps newer ones."""
    old, _numbers = _stage(world, "甲")
    ImportStage.objects.filter(token=old.token).update(created_at=timezone.now() - timedelta(minutes=61))
    with pytest.raises(DomainError, match="待导入的文件已失效"):
        imports.import_stage_confirm(token=old.token, by=scope_for(world.secretary_a))
    assert not Member.objects.filter(name="甲").exists()

    fresh = ImportStage.objects.create(
        token="f" * 32,
        user=world.admin,
        content_encrypted=crypto.encrypt_bytes(b"x"),
        created_at=timezone.now() - timedelta(minutes=59),
    )
    assert imports.import_stages_purge_expired(by=SYSTEM) == 1
    assert list(ImportStage.objects.all()) == [fresh]
    assert imports.import_stages_purge_expired(now=timezone.now() + timedelta(minutes=2), by=SYSTEM) == 1
    assert not ImportStage.objects.exists()


def test_purge_task_run_twice_is_harmless(world):
    """The beat task removes the expired uploads once; a second run finds nothing and changes nothing."""
    preview, _numbers = _stage(world, "甲")
    ImportStage.objects.update(created_at=timezone.now() - timedelta(hours=2))
    kept = ImportStage.objects.create(token="k" * 32, user=world.admin, content_encrypted=crypto.encrypt_bytes(b"x"))
    assert tasks.import_stages_purge_task() == 1
    assert tasks.import_stages_purge_task() == 0
    assert list(ImportStage.objects.all()) == [kept]


def test_purge_task_has_time_limits_and_is_scheduled_at_least_every_30_minutes():
    """The task is time-limited and acknowledged late; beat runs it from a database row every 15 minutes."""
    task = tasks.import_stages_purge_task
    assert task.time_limit and task.soft_time_limit and task.soft_time_limit < task.time_limit
    assert task.acks_late and task.reject_on_worker_lost
    assert task.time_limit < django_settings.CELERY_REDIS_VISIBILITY_TIMEOUT
    row = PeriodicTask.objects.get(task="members.tasks.import_stages_purge_task")
    assert row.enabled and (row.interval.every, row.interval.period) == (15, "minutes")


def test_cancel_drops_only_the_users_own_upload(client, world):
    """The cancel button removes the secretary's upload and nobody else's."""
    _stage(world, "甲")
    ImportStage.objects.create(token="o" * 32, user=world.admin, content_encrypted=crypto.encrypt_bytes(b"x"))
    client.force_login(world.secretary_a)
    response = client.post(reverse("members:import"), {"action": "cancel"}, follow=True)
    assert "已取消本次导入，未保存任何数据。" in response.content.decode()
    assert list(ImportStage.objects.values_list("user", flat=True)) == [world.admin.pk]
    assert _staged_token(client) == ""


def test_migration_removes_uploads_an_earlier_version_left_in_clear(settings):
    """Files the old import left under MEDIA_ROOT/imports/ (with ID numbers in clear) are deleted on upgrade."""
    folder = settings.MEDIA_ROOT / "imports"
    folder.mkdir(parents=True)
    (folder / ("a" * 32 + ".xlsx")).write_bytes(b"PK old upload")
    migration = importlib.import_module("members.migrations.0002_import_stage")
    migration.remove_legacy_uploads(None, None)
    assert not list(folder.iterdir())
    migration.remove_legacy_uploads(None, None)  # nothing left: harmless


def test_a_valid_upload_is_previewed_on_a_page_of_its_own(client, world):
    """A fully valid upload answers with a redirect to its preview (POST, redirect, GET): reloading the preview
    shows the same rows again and neither uploads again nor keeps a second file."""
    client.force_login(world.secretary_a)
    number = make_id_number(date(1991, 4, 5))
    content = _workbook([_row("孙七", birth=date(1991, 4, 5), id_number=number)])
    response = client.post(
        reverse("members:import"), {"action": "upload", "file": SimpleUploadedFile("名册.xlsx", content)}
    )
    assert response.status_code == 302
    for _reload in range(2):
        preview = client.get(response["Location"])
        assert preview.status_code == 200
        assert "孙七" in preview.content.decode() and preview.context["token"]
    assert ImportStage.objects.count() == 1


@pytest.mark.parametrize("token", ["", "a\x00b", "0" * 31, "g" * 32, "x" * 5000])
def test_a_token_that_is_no_token_is_an_expired_upload(client, world, token):
    """A preview or confirmation with a token `import_stage` never makes (a NUL, the wrong length or letters) is
    told the upload has expired, as for an old one; nothing is saved and nothing fails."""
    client.force_login(world.secretary_a)
    preview = client.get(reverse("members:import"), {"stage": token}, follow=True)
    assert preview.status_code == 200 and "待导入的文件已失效" in preview.content.decode()
    confirm = client.post(reverse("members:import"), {"action": "confirm", "token": token}, follow=True)
    assert confirm.status_code == 200 and "待导入的文件已失效" in confirm.content.decode()
    assert not Member.objects.filter(name="孙七").exists()
