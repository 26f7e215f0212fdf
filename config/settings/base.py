"""Settings shared by every environment; the environment decides the rest."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var"))

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS: list[str] = []

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "crispy_forms",
    "crispy_bootstrap5",
    "treebeard",
    "simple_history",
    "django_filters",
    "axes",
    "django_celery_beat",
    "config.apps.PortalSiteConfig",
    "audit",
    "branches",
    "members",
    "meetings",
    "evaluations",
    "study",
    "dues",
    "development",
    "notifications",
    "dashboards",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.database_errors.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.locale.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CsrfViewMiddleware: its process_view is the first thing that reads a body, and this one refuses a body
    # above what the view accepts before that (config/request_size.py).
    "config.request_size.RequestBodyLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.sessions.IdleExpiryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "members.access.context_processors.site_permissions",
                "notifications.context_processors.unread_notices",
            ],
            # The filters `date` and `time` show 日期无效 for a stored date that cannot be read.
            "builtins": ["branches.templatetags.portal_dates"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        # A kept connection is tested before a request reuses it: one the server dropped is replaced.
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Failed logins are throttled per account and per address, each with its own limit (django-axes with the handler in
# config/login_throttle.py). An account is locked for 15 minutes after AXES_FAILURE_LIMIT failures from anywhere; a
# successful login clears that account's own failures only, never another account's. An address is locked after
# AXES_ADDRESS_FAILURE_LIMIT failures on any accounts: much higher, as a whole office may share one address.
AXES_HANDLER = "config.login_throttle.AccountAndAddressHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_ADDRESS_FAILURE_LIMIT = int(os.environ.get("AXES_ADDRESS_FAILURE_LIMIT", "50"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
# Behind reverse proxies the socket's peer is the proxy: with DJANGO_TRUSTED_PROXY_COUNT=n the client is the n-th
# X-Forwarded-For address from the right (config/proxies.py, also used for the ID-number audit rows).
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "config.proxies.client_address"
AXES_USERNAME_CALLABLE = "config.login_throttle.client_username"
# axes warns when its lock-out parameters leave out the address; the handler above counts it with its own limit.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "portal_language"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("PORTAL_MEDIA_ROOT", VAR_DIR / "media"))
# Uploaded files are never served directly: views check access, then stream them.
MEDIA_URL = "/protected-media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

PAGE_SIZE = 25
# Lists count their rows exactly up to this many and show "超过 N 次" beyond (branches/paging.py): an exact COUNT(*)
# reads every matching row (about 140 ms for a root organisation's 300,000 meetings) while nobody pages that far.
# 10,000 keeps a 基层党委's three years of meetings exact and costs a few milliseconds to count.
LIST_COUNT_CAP = int(os.environ.get("PORTAL_LIST_COUNT_CAP", "10000"))
# An organisation's compliance overview (every unit's status) is cached until something under it changes
# (meetings.compliance.page_cache); the expiry only bounds how long a write that bypasses the portal (a raw UPDATE)
# can hide.
COMPLIANCE_CACHE_SECONDS = int(os.environ.get("PORTAL_COMPLIANCE_CACHE_SECONDS", "600"))
# A page of the meeting list is cached until a meeting in the reader's part of the tree changes
# (meetings.compliance.page_cache); the expiry only bounds how long a write that bypasses the services can hide.
MEETING_LIST_CACHE_SECONDS = int(os.environ.get("PORTAL_MEETING_LIST_CACHE_SECONDS", "600"))
MEETING_BACKFILL_DAYS = int(os.environ.get("PORTAL_MEETING_BACKFILL_DAYS", "7"))
PHOTO_MAX_BYTES = int(os.environ.get("PORTAL_PHOTO_MAX_BYTES", str(5 * 1024 * 1024)))
ATTACHMENT_MAX_BYTES = int(os.environ.get("PORTAL_ATTACHMENT_MAX_BYTES", str(20 * 1024 * 1024)))
# A .ttf/.ttc with Chinese glyphs for the minutes PDF; empty: the font vendored under static/vendor/, else a system one.
MINUTES_FONT_PATH = os.environ.get("PORTAL_MINUTES_FONT_PATH", "")
# A body above REQUEST_MAX_BYTES is refused with 413 from its Content-Length, before it is read
# (config/request_size.py). 0: the largest upload the forms accept (ten meeting photos, or one attachment or import
# workbook) plus 1 MiB for the rest of the form, 51 MiB with the caps above. Give the reverse proxy the same limit.
REQUEST_MAX_BYTES = int(os.environ.get("PORTAL_REQUEST_MAX_BYTES", "0"))
# A body that is not an upload (no files) may be at most this large, also refused before it is read.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# An upload body above this is streamed to a temporary file instead of being held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# ID numbers: Fernet key for encryption at rest, separate key for the blind index used by exact search.
ID_NUMBER_ENCRYPTION_KEY = os.environ.get("ID_NUMBER_ENCRYPTION_KEY", "")
ID_NUMBER_INDEX_KEY = os.environ.get("ID_NUMBER_INDEX_KEY", "")

REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL) or "filesystem://"
# Redis redelivers an unacknowledged message after this many seconds: above the longest task time limit, so that
# a slow task is not delivered twice (tests/notifications/test_celery_config.py checks every task).
CELERY_REDIS_VISIBILITY_TIMEOUT = 3600
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
if CELERY_BROKER_URL == "filesystem://":
    _queue_dir = VAR_DIR / "celery"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir / "queue"),
        "data_folder_out": str(_queue_dir / "queue"),
        "processed_folder": str(_queue_dir / "processed"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_REDIS_VISIBILITY_TIMEOUT}
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 600
CELERY_TASK_SOFT_TIME_LIMIT = 540
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "portal@localhost")
# An unreachable mail server fails the send within this many seconds; the notice is retried, then marked failed.
EMAIL_TIMEOUT = int(os.environ.get("DJANGO_EMAIL_TIMEOUT", "20"))

# Reminders and alerts (notifications app). Each send task has a hard time limit below the lease, so a row is only
# re-claimed once its worker is surely gone; the broker's visibility timeout (3600 s) is above both.
NOTIFICATIONS_CHANNELS = [
    path.strip()
    for path in os.environ.get(
        "PORTAL_NOTIFICATION_CHANNELS", "notifications.channels.PortalChannel,notifications.channels.EmailChannel"
    ).split(",")
    if path.strip()
]
NOTIFICATIONS_CHUNK_SIZE = int(os.environ.get("PORTAL_NOTIFICATION_CHUNK_SIZE", "250"))
NOTIFICATIONS_SEND_TIME_LIMIT = int(os.environ.get("PORTAL_NOTIFICATION_SEND_TIME_LIMIT", "300"))
NOTIFICATIONS_LEASE_SECONDS = int(os.environ.get("PORTAL_NOTIFICATION_LEASE_SECONDS", "600"))
# How long a chunk may wait in the broker before the sweep publishes it again (its message may have been lost with
# a Redis restarted without persistence): above the time the largest backlog takes to drain.
NOTIFICATIONS_QUEUE_LEASE_SECONDS = int(os.environ.get("PORTAL_NOTIFICATION_QUEUE_LEASE_SECONDS", "1800"))
NOTIFICATIONS_MESSAGE_ID_DOMAIN = os.environ.get("PORTAL_NOTIFICATION_MESSAGE_ID_DOMAIN", "portal.localhost")
# The portal's address as members reach it, for links in emails (empty: emails carry no link).
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "")

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    # Sessions read from the shared cache, written through to the database (a request saves the session query).
    # Only with a cache every process shares: with per-process memory a logout in one worker would not reach another.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

SESSION_COOKIE_HTTPONLY = True
# A working day without activity ends a session (config/sessions.py renews it while the user is active).
SESSION_COOKIE_AGE = int(float(os.environ.get("PORTAL_SESSION_IDLE_HOURS", "9")) * 3600)
X_FRAME_OPTIONS = "DENY"

# Content security policy (django-csp): only the portal's own files run and style its pages; no inline script, style
# element or style attribute anywhere (static/js/portal.js, static/css/portal.css; tests/test_csp.py checks every
# page). `data:` images: Bootstrap draws its form controls' icons with them. In every environment, so that the tests
# and the browser tests run under the policy production sends.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"portal.audit": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
