"""The audit log (issue 18): logins, failed logins, lock-outs, denials, ID reveals, exports, imports and admin actions
are each written once, with who, when and from where; admins filter and export it; nobody can edit it."""

import io
from datetime import timedelta

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import Action, AuditEvent
from audit.services import audit_record


def _events(action) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def _log_in(client, username: str, password: str = "pass-2026"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="10.0.0.7")


def test_a_login_a_failed_login_and_a_lock_out_are_logged(client, world, settings):
    _log_in(client, "secretary_a")
    assert [(e.user_id, e.address) for e in _events(Action.LOGIN)] == [(world.secretary_a.pk, "10.0.0.7")]
    client.post(reverse("logout"))
    assert [e.user_id for e in _events(Action.LOGOUT)] == [world.secretary_a.pk]
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _log_in(client, "secretary_a", "wrong-password")
    failed = _events(Action.LOGIN_FAILED)
    assert len(failed) == settings.AXES_FAILURE_LIMIT
    assert {e.username for e in failed} == {"secretary_a"} and all("wrong" not in e.detail for e in failed)
    assert [e.username for e in _events(Action.LOCKED_OUT)] == ["secretary_a"]


def test_a_denial_names_the_object_and_a_missing_one_is_not_a_denial(client, world):
    """secretary_b opening a member of branch A: 404, and a line; a number nobody has: 404 only."""
    client.force_login(world.secretary_b)
    assert client.get(reverse("members:detail", args=[world.member_a.pk])).status_code == 404
    denied = _events(Action.DENIED)
    assert [(e.user_id, e.target) for e in denied] == [(world.secretary_b.pk, f"members.member:{world.member_a.pk}")]
    assert client.get(reverse("members:detail", args=[world.member_a.pk + 10_000])).status_code == 404
    assert len(_events(Action.DENIED)) == 1


def test_a_page_the_role_may_not_open_is_a_denial(client, world):
    client.force_login(world.member_user)
    assert client.get(reverse("audit:list")).status_code == 404
    assert [e.path for e in _events(Action.DENIED)] == [reverse("audit:list")]


def test_an_id_reveal_and_an_export_are_logged(client, world):
    client.force_login(world.secretary_a)
    response = client.post(reverse("members:show_id", args=[world.member_a.pk]))
    assert response.status_code in (200, 302)
    assert [e.target for e in _events(Action.ID_REVEAL)] == [f"members.member:{world.member_a.pk}"]
    assert client.get(reverse("members:export")).status_code == 200
    assert [e.user_id for e in _events(Action.EXPORT)] == [world.secretary_a.pk]


def test_an_admin_action_is_logged(client, world):
    client.force_login(world.admin)
    url = reverse("admin:auth_user_change", args=[world.member_user.pk])
    page = client.get(url)
    assert page.status_code == 200
    from django.contrib.admin.models import CHANGE, LogEntry

    # What the admin site writes after a save (ModelAdmin.log_change).
    LogEntry.objects.log_actions(
        user_id=world.admin.pk, queryset=[world.member_user], action_flag=CHANGE, change_message="测试修改"
    )
    [event] = _events(Action.ADMIN)
    assert event.user_id == world.admin.pk and event.target == f"auth.user:{world.member_user.pk}"


def test_admins_filter_the_log_and_export_it_with_formulas_as_text(client, world):
    audit_record(action=Action.LOGIN_FAILED, username='=HYPERLINK("http://x")', address="10.0.0.9")
    audit_record(action=Action.LOGIN, user=world.secretary_a)
    old = audit_record(action=Action.LOGIN, user=world.secretary_b)
    AuditEvent.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=40))
    client.force_login(world.admin)
    since = timezone.localdate() - timedelta(days=7)
    page = client.get(reverse("audit:list"), {"action": "login", "person": "secretary", "since": since})
    assert [e.user_id for e in page.context["events"]] == [world.secretary_a.pk]
    page = client.get(reverse("audit:list"), {"person": "HYPER"})
    assert [e.action for e in page.context["events"]] == [Action.LOGIN_FAILED]
    export = client.get(reverse("audit:export"), {"action": "login_failed"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    cells = [cell.value for row in sheet.iter_rows() for cell in row]
    assert '=HYPERLINK("http://x")' in cells and all(
        not (isinstance(c, str) and c.startswith("=") and cell.data_type == "f")
        for row in sheet.iter_rows()
        for cell in row
        for c in [cell.value]
    )
    assert _events(Action.EXPORT)[-1].detail == "审计日志"


@pytest.mark.parametrize(
    "query", [{"since": "1999-01-01"}, {"until": "2999-01-01"}, {"since": "2026-12-01", "until": "2026-01-01"}]
)
def test_a_bad_date_range_is_explained_and_breaks_nothing(client, world, query):
    client.force_login(world.admin)
    page = client.get(reverse("audit:list"), query)
    assert page.status_code == 200 and page.context["form"].errors


def test_nobody_edits_the_log(client, world):
    """No portal URL writes it, and the admin offers no add, change or delete, even to a superuser."""
    event = audit_record(action=Action.LOGIN, user=world.admin)
    client.force_login(world.admin)
    assert client.post(reverse("audit:list")).status_code == 405
    request = RequestFactory().get("/")
    request.user = world.admin
    model_admin = site._registry[AuditEvent]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)
