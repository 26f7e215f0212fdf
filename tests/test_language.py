"""Pages are in Chinese by default; the footer switch changes the language for that browser only."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME


@pytest.mark.parametrize("accept", ["", "en-US,en;q=0.9", "de-DE", "zh-CN"])
def test_chinese_whatever_the_browser_asks_for(accept):
    """A browser's Accept-Language is ignored: pages come in Chinese, marked zh-Hans."""
    response = Client().get(reverse("login"), HTTP_ACCEPT_LANGUAGE=accept)
    html = response.content.decode()
    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-Hans">' in html
    assert "登录" in html


def test_footer_offers_the_switch():
    """Every page's footer has the switch, posting to /language/ with the page to come back to."""
    html = Client().get(reverse("login")).content.decode()
    assert f'action="{reverse("language_switch")}"' in html
    assert 'name="language"' in html and 'value="en"' in html and 'name="next"' in html


def test_switch_sets_the_cookie_and_returns_to_the_page():
    """Choosing English stores it in a cookie for a year and goes back to the page the user was on."""
    client = Client()
    response = client.post(reverse("language_switch"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    assert response.url == reverse("login")
    cookie = response.cookies[COOKIE]
    assert cookie.value == "en"
    assert int(cookie["max-age"]) >= 300 * 24 * 3600
    page = client.get(reverse("login"))
    assert page["Content-Language"] == "en"
    assert '<html lang="en">' in page.content.decode()


def test_switching_back_to_chinese():
    client = Client()
    client.post(reverse("language_switch"), {"language": "en", "next": "/"})
    client.post(reverse("language_switch"), {"language": "zh-hans", "next": "/"})
    assert client.get(reverse("login"))["Content-Language"] == "zh-hans"


def test_unknown_language_is_ignored():
    """A language the portal does not offer leaves the cookie unset; pages stay Chinese."""
    client = Client()
    response = client.post(reverse("language_switch"), {"language": "fr", "next": "/"})
    assert COOKIE not in response.cookies
    client.cookies[COOKIE] = "fr"
    assert client.get(reverse("login"))["Content-Language"] == "zh-hans"


def test_switch_never_redirects_to_another_site():
    """A `next` pointing elsewhere is replaced by the home page (no open redirect)."""
    response = Client().post(reverse("language_switch"), {"language": "en", "next": "https://evil.example/"})
    assert response.url == "/"


def test_switch_needs_a_post():
    assert Client().get(reverse("language_switch")).status_code == 405


def test_signed_in_pages_follow_the_choice(world):
    """The choice applies to a signed-in user's pages too."""
    client = Client()
    client.force_login(world.secretary_a)
    assert client.get(reverse("password_change"))["Content-Language"] == "zh-hans"
    client.post(reverse("language_switch"), {"language": "en", "next": "/"})
    assert client.get(reverse("password_change"))["Content-Language"] == "en"
