"""Sessions end after a working day without activity, on logout, and (every other one) on a password change."""

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from config import sessions


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_session_lasts_a_working_day_without_activity():
    """Nine hours by default (PORTAL_SESSION_IDLE_HOURS)."""
    assert settings.SESSION_COOKIE_AGE == 9 * 3600


def test_activity_renews_the_session_at_most_every_five_minutes(world, monkeypatch, django_assert_max_num_queries):
    client = _logged_in(world.secretary_a)
    url = reverse("branches:detail", args=[world.branch_a.pk])
    started = client.session[sessions._KEY]
    client.get(url)
    assert client.session[sessions._KEY] == started  # just logged in: nothing to write
    monkeypatch.setattr(sessions.time, "time", lambda: started + sessions.RENEW_AFTER + 1)
    client.get(url)
    assert client.session[sessions._KEY] == started + sessions.RENEW_AFTER + 1
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_an_expired_session_is_logged_out(world):
    client = _logged_in(world.secretary_a)
    Session.objects.filter(session_key=client.session.session_key).update(expire_date="2000-01-01T00:00:00Z")
    from django.core.cache import cache

    cache.clear()  # the cached_db engine reads the shared cache first
    response = client.get(reverse("branches:detail", args=[world.branch_a.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_logout_ends_the_session(world):
    client = _logged_in(world.secretary_a)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("logout"))
    stale = Client()
    stale.cookies[settings.SESSION_COOKIE_NAME] = cookie
    response = stale.get(reverse("branches:detail", args=[world.branch_a.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("how", ["page", "admin"])
def test_a_password_change_ends_every_other_session(world, how):
    """The changer stays logged in; the user's other browsers are logged out at their next request."""
    user = world.secretary_a
    user.set_password("old-pass-2026")
    user.save()
    mine, other = _logged_in(user), _logged_in(user)
    url = reverse("branches:detail", args=[world.branch_a.pk])
    assert other.get(url).status_code == 200
    if how == "page":
        response = mine.post(
            reverse("password_change"),
            {"old_password": "old-pass-2026", "new_password1": "new-Pass-2026-x", "new_password2": "new-Pass-2026-x"},
        )
        assert response.status_code == 302
        assert mine.get(url).status_code == 200
    else:
        user.set_password("set-by-admin-2026")
        user.save()
    response = other.get(url)
    assert response.status_code == 302 and reverse("login") in response["Location"]
