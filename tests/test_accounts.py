"""Login, logout, password change and login throttling (django-axes: per account and per address)."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pass-2026"


def _login(client: Client, username: str, password: str, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def _fail(client: Client, username: str, times: int, **extra) -> list[int]:
    return [_login(client, username, "wrong-password", **extra).status_code for _ in range(times)]


@pytest.fixture
def user():
    return UserFactory(username="zhangsan")


def test_login_page_is_chinese():
    """The login page is in Chinese, marked lang="zh-Hans", and tells users who forgot a password whom to ask."""
    response = Client().get(reverse("login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'lang="zh-Hans"' in html
    assert "用户名" in html and "密码" in html
    assert "忘记密码请联系支部书记或管理员" in html


def test_login_with_the_right_password_opens_the_portal(user):
    """A correct username and password sign the user in and lead to the home page."""
    client = Client()
    response = _login(client, "zhangsan", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.session[SESSION_KEY] == str(user.pk)


def test_login_goes_back_to_the_page_asked_for(user):
    """A user sent to the login page from another page returns to it after signing in."""
    client = Client()
    target = reverse("password_change")
    assert client.get(target).url == f"{reverse('login')}?next={target}"
    response = client.post(
        f"{reverse('login')}?next={target}", {"username": "zhangsan", "password": PASSWORD, "next": target}
    )
    assert response.url == target


def test_wrong_password_shows_a_chinese_message_and_signs_nobody_in(user):
    """A wrong password answers the form again with a Chinese error summary; no session is opened."""
    client = Client()
    response = _login(client, "zhangsan", "wrong-password")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_empty_form_asks_for_both_fields():
    """Submitting nothing asks for the username and password in Chinese."""
    response = _login(Client(), "", "")
    html = response.content.decode()
    assert response.status_code == 200
    assert "请填写用户名和密码" in html


def test_five_failures_lock_the_account_with_a_chinese_page(user):
    """The fifth failed login answers 429 with the lockout page; even the right password is then refused."""
    client = Client()
    assert _fail(client, "zhangsan", 4) == [200] * 4
    locked = _login(client, "zhangsan", "wrong-password")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "登录失败次数过多，请15分钟后再试" in html
    assert 'lang="zh-Hans"' in html
    assert _login(client, "zhangsan", PASSWORD).status_code == 429
    assert SESSION_KEY not in client.session


def test_locked_account_stays_locked_from_another_address(user):
    """Failures are counted per account: moving to another address does not unlock it."""
    _fail(Client(REMOTE_ADDR="10.0.0.1"), "zhangsan", 5)
    other = Client(REMOTE_ADDR="10.0.0.2")
    assert _login(other, "zhangsan", PASSWORD).status_code == 429
    assert SESSION_KEY not in other.session


def test_failures_from_many_addresses_add_up_for_the_account(user):
    """Five failures on one account lock it even when each came from a different address."""
    for n in range(4):
        assert _fail(Client(REMOTE_ADDR=f"10.0.1.{n}"), "zhangsan", 1) == [200]
    assert _fail(Client(REMOTE_ADDR="10.0.1.9"), "zhangsan", 1) == [429]
    assert _login(Client(REMOTE_ADDR="10.0.1.10"), "zhangsan", PASSWORD).status_code == 429


def test_signing_in_to_ones_own_account_does_not_reset_anothers_failures(user):
    """A success clears only that account's failures: four wrong passwords for another account still count after it.

    Otherwise an account holder could guess another account's password four times, sign in to their own account,
    and start again, for ever.
    """
    UserFactory(username="lisi")
    attacker = Client(REMOTE_ADDR="10.0.0.9")
    assert _fail(attacker, "lisi", 4) == [200] * 4
    assert _login(attacker, "zhangsan", PASSWORD).status_code == 302
    attacker.post(reverse("logout"))
    assert _fail(attacker, "lisi", 1) == [429]
    assert _login(Client(REMOTE_ADDR="10.0.0.10"), "lisi", PASSWORD).status_code == 429


def test_failures_on_other_accounts_do_not_lock_out_an_address_below_its_limit(user, settings):
    """Up to AXES_ADDRESS_FAILURE_LIMIT - 1 failures (on any accounts) from one address leave it open to everyone."""
    assert settings.AXES_ADDRESS_FAILURE_LIMIT > settings.AXES_FAILURE_LIMIT
    office = Client(REMOTE_ADDR="10.0.0.9")
    for n in range(settings.AXES_ADDRESS_FAILURE_LIMIT - 1):
        assert _fail(office, f"guess{n}", 1) == [200]
    assert _login(office, "zhangsan", PASSWORD).status_code == 302


def test_fifty_failures_lock_the_address_for_every_account(user, settings):
    """At AXES_ADDRESS_FAILURE_LIMIT (50) failures on any accounts the address is locked; other addresses are not."""
    assert settings.AXES_ADDRESS_FAILURE_LIMIT == 50
    attacker = Client(REMOTE_ADDR="10.0.0.9")
    statuses = [_fail(attacker, f"guess{n}", 1)[0] for n in range(50)]
    assert statuses == [200] * 49 + [429]
    assert _login(attacker, "zhangsan", PASSWORD).status_code == 429
    assert SESSION_KEY not in attacker.session
    assert _login(Client(REMOTE_ADDR="10.0.0.10"), "zhangsan", PASSWORD).status_code == 302


def test_a_success_does_not_clear_the_addresss_failures_on_other_accounts(user, settings):
    """Signing in removes the account's own failures only; the address keeps counting the others."""
    settings.AXES_ADDRESS_FAILURE_LIMIT = 6
    client = Client(REMOTE_ADDR="10.0.0.9")
    for n in range(5):
        _fail(client, f"guess{n}", 1)
    assert _login(client, "zhangsan", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    assert _fail(client, "guess5", 1) == [429]


def test_forwarded_for_header_does_not_dodge_the_address_lock(settings):
    """Without a trusted proxy a client cannot pick its own address by sending X-Forwarded-For."""
    settings.AXES_ADDRESS_FAILURE_LIMIT = 5
    client = Client(REMOTE_ADDR="10.0.0.9")
    for n in range(5):
        _login(client, f"guess{n}", "wrong-password", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    UserFactory(username="lisi")
    assert _login(client, "lisi", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429


def test_behind_a_trusted_proxy_each_client_address_is_counted_apart(user, settings):
    """With DJANGO_TRUSTED_PROXY_COUNT=1 the address lock falls on the client nginx saw, not on nginx itself."""
    settings.TRUSTED_PROXY_COUNT = 1
    settings.AXES_ADDRESS_FAILURE_LIMIT = 5
    proxy = {"REMOTE_ADDR": "192.0.2.1"}
    for n in range(5):
        _login(Client(**proxy), f"guess{n}", "wrong-password", HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.7")
    assert AccessAttempt.objects.filter(ip_address="198.51.100.7").count() == 5
    locked = _login(Client(**proxy), "zhangsan", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert locked.status_code == 429
    colleague = _login(Client(**proxy), "zhangsan", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert colleague.status_code == 302


def test_successful_login_resets_the_failures(user):
    """A successful login clears the earlier failures: four more mistakes do not lock the account."""
    client = Client()
    _fail(client, "zhangsan", 4)
    assert _login(client, "zhangsan", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    assert _fail(client, "zhangsan", 4) == [200] * 4
    assert _login(client, "zhangsan", PASSWORD).status_code == 302


def test_lock_ends_after_the_cool_off(user):
    """After 15 minutes the account may sign in again."""
    client = Client()
    _fail(client, "zhangsan", 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert _login(client, "zhangsan", PASSWORD).status_code == 302


def test_logout_needs_a_post(user):
    """A link (GET) cannot sign a user out; the footer's form (POST) does, and leads to the login page."""
    client = Client()
    client.force_login(user)
    assert client.get(reverse("logout")).status_code == 405
    assert SESSION_KEY in client.session
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert SESSION_KEY not in client.session


def test_password_change_needs_a_login():
    """Anonymous users are sent to the login page."""
    for name in ("password_change", "password_change_done"):
        response = Client().get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_password_change_page_is_chinese(user):
    """The password change page is in Chinese with breadcrumbs and the three fields."""
    client = Client()
    client.force_login(user)
    html = client.get(reverse("password_change")).content.decode()
    assert 'lang="zh-Hans"' in html
    assert "修改密码" in html and "breadcrumb" in html
    for name in ("old_password", "new_password1", "new_password2"):
        assert f'name="{name}"' in html


def test_password_change_with_a_wrong_old_password_changes_nothing(user):
    """A wrong current password is reported at its field in Chinese and the password stays."""
    client = Client()
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": "nope", "new_password1": "Hongqi-2026-xin", "new_password2": "Hongqi-2026-xin"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "密码未修改" in html
    assert "旧密码" in html
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change_rejects_a_weak_or_mismatched_password(user):
    """The password validators and the confirmation field answer in Chinese."""
    client = Client()
    client.force_login(user)
    mismatch = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Hongqi-2026-xin", "new_password2": "Hongqi-2026-old"},
    ).content.decode()
    assert "两个密码不一致" in mismatch
    weak = client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"}
    ).content.decode()
    assert "这个密码太常见了" in weak
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change_works_and_keeps_the_user_signed_in(user):
    """A valid change leads to the confirmation page; the new password then signs in, the old one does not."""
    client = Client()
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Hongqi-2026-xin", "new_password2": "Hongqi-2026-xin"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("password_change_done")
    assert "密码已修改" in response.content.decode()
    assert SESSION_KEY in client.session
    fresh = Client()
    assert _login(fresh, "zhangsan", PASSWORD).status_code == 200
    assert _login(fresh, "zhangsan", "Hongqi-2026-xin").status_code == 302


def test_a_login_name_longer_than_any_account_is_a_failed_login(user):
    """A login name of 10,000 characters is a wrong login like any other (200 with the form), counted under its
    first 150 characters, the longest an account may have (it was a 500: the throttle's column holds 255)."""
    name = "长" * 10_000
    assert _fail(Client(), name, 2) == [200, 200]
    attempt = AccessAttempt.objects.get()
    assert attempt.username == "长" * 150 and attempt.failures_since_start == 2
