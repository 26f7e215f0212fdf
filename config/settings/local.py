"""Settings for a developer's machine or the demo: works with no environment at all."""

import os

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or "local-only-not-secret-0f4c2b"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]

# A fresh clone has no var/ yet; SQLite cannot create its file in a missing folder.
VAR_DIR.mkdir(parents=True, exist_ok=True)

# Fixed demo keys so that a restart can still read the demo's ID numbers. Never used in production.
ID_NUMBER_ENCRYPTION_KEY = os.environ.get("ID_NUMBER_ENCRYPTION_KEY") or "tTPOf0y3K6wFzY1yDl6R2oHqs7e5cK7l2hSy5Yy9Gxk="
ID_NUMBER_INDEX_KEY = os.environ.get("ID_NUMBER_INDEX_KEY") or "local-index-key-not-secret"

EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
