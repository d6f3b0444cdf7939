"""Test settings: the hub's settings with fast, deterministic choices.

DATABASE_URL selects PostgreSQL (CI runs the suite on SQLite and on PostgreSQL);
REDIS_URL is deliberately ignored here, so that the suite does not depend on Redis except
in the tests marked `redis`, which build their own Redis-backed layer, cache and broker.
"""

import os

os.environ.pop("REDIS_URL", None)
os.environ.pop("MEILISEARCH_URL", None)
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-" + "x" * 50)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("EMAIL_URL", "console://")
# On PostgreSQL the suite runs with the production pool; the concurrency tests hold up to
# 40 connections at once from their threads.
os.environ.setdefault("HUB_DB_POOL_MAX_SIZE", "45")

os.environ.setdefault("HUB_BASE_URL", "http://testserver")

from hub.settings import *  # noqa: F403
from hub.settings import Q_CLUSTER, REST_FRAMEWORK

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
Q_CLUSTER = {**Q_CLUSTER, "sync": True}
CHANNEL_LAYERS = {"default": {"BACKEND": "hub.channel_layers.InMemoryChannelLayer"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tests fill chat rooms quickly; the rate limit's own tests set their rate.
GAF_CHAT_SEND_RATE = "100000/m"
SECURE_SSL_REDIRECT = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"anon": "1000/min", "user": "1000/min"},
}
ACCOUNT_RATE_LIMITS = False
HUB_BASE_URL = WAGTAILADMIN_BASE_URL = "http://testserver"
