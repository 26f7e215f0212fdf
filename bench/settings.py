"""Benchmark settings: the local settings with DEBUG off (cached templates, no debug toolbar of errors) and a
URLconf that adds a bare one-query view for comparison. Never used by the product."""

from config.settings.local import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
# The benchmark logs in three users a run; a locked-out address would stop it without saying why.
AXES_FAILURE_LIMIT = 50
# Pages are measured without their static files; whitenoise need not find a collected STATIC_ROOT.
WHITENOISE_AUTOREFRESH = True
