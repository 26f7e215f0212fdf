"""Settings for the test suite: fast hashing, eager-free Celery, in-memory mail."""

import os

from .local import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_FAILURE_LIMIT = 5
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests never run collectstatic: let whitenoise look files up on demand instead of scanning STATIC_ROOT at start-up.
WHITENOISE_AUTOREFRESH = True

# Under pytest-xdist (`make test` runs the suite on two processes) each worker has its own test database (pytest-django
# adds the worker id to its name); its cached pages and sessions get their own key prefix in the shared Redis, so that
# two workers' organisations with the same tree paths never read each other's entries.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _WORKER:
    for _cache in CACHES.values():  # noqa: F405
        _cache["KEY_PREFIX"] = f"test-{_WORKER}"
