"""Production settings take every secret from the environment and stop with a clear message when one is missing."""

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "test-" + "k3y-n0t-used-anywhere-else-" * 3,
    "DJANGO_ALLOWED_HOSTS": "portal.example",
    "DATABASE_URL": "sqlite:///unused.sqlite3",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "ID_NUMBER_ENCRYPTION_KEY": Fernet.generate_key().decode(),
    "ID_NUMBER_INDEX_KEY": "test-index-key",
}
REQUIRED = [name for name in PRODUCTION_ENV if name != "DJANGO_SETTINGS_MODULE"]


def _run(env: dict, *args: str) -> subprocess.CompletedProcess:
    """Run manage.py in a clean environment (nothing inherited but PATH), as a service manager would."""
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PORTAL_VAR_DIR": str(ROOT / "var" / "settings-test")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("missing", REQUIRED)
def test_missing_secret_stops_start_up_naming_it(missing):
    """Without one required variable, start-up fails with ImproperlyConfigured naming that variable."""
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = _run(env, "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"Environment variable {missing} must be set for production." in result.stderr


def test_an_empty_secret_counts_as_missing():
    result = _run({**PRODUCTION_ENV, "DJANGO_SECRET_KEY": ""}, "check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_a_malformed_encryption_key_stops_start_up():
    """An ID number key that is not a Fernet key is refused at start, with how to make one."""
    result = _run({**PRODUCTION_ENV, "ID_NUMBER_ENCRYPTION_KEY": "not-a-key"}, "check")
    assert result.returncode != 0
    assert "ID_NUMBER_ENCRYPTION_KEY is not a Fernet key" in result.stderr
    assert "Fernet.generate_key()" in result.stderr


def test_check_deploy_is_clean_with_every_variable_set():
    """With the environment complete, `manage.py check --deploy` reports nothing, warnings included."""
    result = _run(PRODUCTION_ENV, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_takes_the_secrets_from_the_environment(monkeypatch):
    """The values in use are those of the environment; none falls back to the local defaults."""
    module = _production(monkeypatch, {})
    assert PRODUCTION_ENV["DJANGO_SECRET_KEY"] == module.SECRET_KEY
    assert module.ALLOWED_HOSTS == ["portal.example"]
    assert PRODUCTION_ENV["ID_NUMBER_ENCRYPTION_KEY"] == module.ID_NUMBER_ENCRYPTION_KEY
    assert PRODUCTION_ENV["REDIS_URL"] == module.CELERY_BROKER_URL
    assert module.DEBUG is False
    assert module.SESSION_COOKIE_SECURE and module.CSRF_COOKIE_SECURE
    assert module.STORAGES["staticfiles"]["BACKEND"].startswith("whitenoise.")


def _production(monkeypatch, extra: dict):
    for name, value in {**PRODUCTION_ENV, **extra}.items():
        monkeypatch.setenv(name, value)
    import config.settings.production as module

    return importlib.reload(module)


@pytest.mark.parametrize("module", ["config.settings.production", "config.settings.local"])
def test_throttle_and_proxy_settings_come_from_the_environment(module):
    """Every settings module reads the login limits and the trusted proxy count, and the address rule follows it."""
    code = (
        "from django.conf import settings; from django.test import RequestFactory; "
        "from config.proxies import client_address; "
        "request = RequestFactory().get('/', REMOTE_ADDR='192.0.2.1', "
        "HTTP_X_FORWARDED_FOR='10.9.9.9, 198.51.100.23, 192.0.2.10'); "
        "print(settings.AXES_FAILURE_LIMIT, settings.AXES_ADDRESS_FAILURE_LIMIT, settings.TRUSTED_PROXY_COUNT, "
        "client_address(request))"
    )
    env = {
        **PRODUCTION_ENV,
        "DJANGO_SETTINGS_MODULE": module,
        "AXES_FAILURE_LIMIT": "7",
        "AXES_ADDRESS_FAILURE_LIMIT": "80",
        "DJANGO_TRUSTED_PROXY_COUNT": "2",
    }
    result = _run(env, "shell", "--verbosity", "0", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["7", "80", "2", "198.51.100.23"]


def test_local_settings_work_in_a_fresh_clone_without_var(tmp_path):
    """With no settings and no var/ folder yet (a fresh clone), the SQLite database can be created and read."""
    var = tmp_path / "fresh" / "var"
    env = {"DJANGO_SETTINGS_MODULE": "config.settings.local", "PORTAL_VAR_DIR": str(var)}
    result = _run(env, "showmigrations", "branches")
    assert result.returncode == 0, result.stderr
    assert (var / "portal.sqlite3").exists()
