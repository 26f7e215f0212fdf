"""No full ID number anywhere but the logged reveal (issue 18): every page each role opens (the access matrix's cases),
its headers and redirects, the log lines, the Celery tasks sent, the emails, the files on disk, every database table
and the roster exports are scanned for the full numbers of every member; only the logged "show ID number" answer and
the logged "with ID numbers" export may hold one."""

import io
import logging
from pathlib import Path

import pytest
from celery.app.task import Task
from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from members import crypto
from members.models import Member
from tests.fingerprint import FILES, NOT_DATA
from tests.matrix import load_cases

ROLES = ("member", "secretary_a", "secretary_b", "reviewer", "admin")
#: The one page whose answer is the full number: the logged reveal (members.services.id_number_reveal).
REVEAL = "members:show_id"


def _numbers() -> set[str]:
    return {crypto.decrypt(m.id_number_encrypted) for m in Member.all_objects.exclude(id_number_encrypted="")}


def _found(text: str, numbers: set[str]) -> list[str]:
    upper = text.upper()
    return sorted(number for number in numbers if number in upper)


@pytest.fixture
def sent_tasks(monkeypatch):
    """Every Celery task sent during the test, with its arguments (still sent as usual)."""
    sent: list[str] = []
    original = Task.apply_async

    def recorded(self, args=None, kwargs=None, *rest, **options):
        sent.append(f"{self.name} {args!r} {kwargs!r}")
        return original(self, args, kwargs, *rest, **options)

    monkeypatch.setattr(Task, "apply_async", recorded)
    return sent


def test_no_full_id_number_leaves_the_reveal(world, caplog, sent_tasks):
    caplog.set_level(logging.DEBUG)
    numbers = _numbers()
    assert numbers, "the world has members with ID numbers"
    cases, _exempt = load_cases()
    clients = {}
    for role in ROLES:
        client = Client()
        client.force_login(world.users()[role])
        clients[role] = client
    leaks: list[str] = []
    for name, make in sorted(cases.items()):
        if name == REVEAL:
            continue
        # Each URL's objects are made and dropped again, as the access matrix does.
        with transaction.atomic():
            leaks += _page_leaks(name, make(world), clients, numbers)
            transaction.set_rollback(True)

    # The reveal and the "with ID numbers" export do hand numbers out, and each is logged.
    reveal = clients["secretary_a"].post(reverse(REVEAL, args=[world.member_a.pk]))
    assert _found(reveal.content.decode(), numbers)
    export = clients["secretary_a"].post(reverse("members:export"), {"ids": "full"})
    assert export.status_code == 200

    leaks += [f"log: {n}" for n in _found(caplog.text, numbers)]
    leaks += [f"task: {n}" for task in sent_tasks for n in _found(task, numbers)]
    for message in mail.outbox:
        leaks += [f"email {message.subject}: {n}" for n in _found(message.subject + message.body, numbers)]
    media = Path(settings.MEDIA_ROOT)
    for path in media.rglob("*") if media.is_dir() else []:
        if path.is_file():
            leaks += [f"file {path.name}: {n}" for n in _found(path.read_bytes().decode(errors="replace"), numbers)]
    leaks += _database_leaks(numbers)
    assert FILES  # the fingerprint's name for the uploads, scanned above
    assert not leaks, "\n".join(leaks)


def _page_leaks(name: str, cases, clients: dict, numbers: set[str]) -> list[str]:
    leaks = []
    for case in cases:
        if case.method != "get":
            continue
        url = reverse(name, kwargs=case.kwargs) + (f"?{case.query}" if case.query else "")
        leaks += [f"URL {url}: {n}" for n in _found(url, numbers)]
        for role in ROLES:
            response = clients[role].get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
                book = load_workbook(io.BytesIO(body), read_only=True)
                body = " ".join(str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row)
                body = body.encode()
            text = body.decode(errors="replace") + " " + " ".join(f"{k}: {v}" for k, v in response.items())
            leaks += [f"{role} GET {url} ({response.status_code}): {n}" for n in _found(text, numbers)]
    return leaks


def _database_leaks(numbers: set[str]) -> list[str]:
    """Every row of every table as text (the encrypted column holds ciphertext, the masked one a mask)."""
    leaks = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table in NOT_DATA and table != "django_session":
                continue
            if connection.vendor == "postgresql":
                cursor.execute(f"SELECT r::text FROM {quote(table)} r")  # noqa: S608 - table names from the schema
            else:
                cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608
            for row in cursor.fetchall():
                leaks += [f"table {table}: {n}" for n in _found(" ".join(map(str, row)), numbers)]
    return leaks
