"""Settings of the hub: one module, driven by environment variables.

With no variable set at all it runs the embedded default (SQLite under var/, in-memory
channel layer, django-q2 ORM broker, database search, local-memory cache, DEBUG on).
Each production service is turned on by one variable:

    DATABASE_URL          postgres://user:pass@host:5432/name
    REDIS_URL             redis://host:6379/0   (channel layer, task broker and cache)
    MEILISEARCH_URL       http://host:7700      (+ MEILISEARCH_API_KEY)
    DJANGO_SECRET_KEY     required in production; setting it turns DEBUG off by default
    DJANGO_ALLOWED_HOSTS  comma-separated host names (required in production)
    DJANGO_DEBUG          true/false
    EMAIL_URL             smtp://user:pass@host:587 or smtp+ssl://...; DEFAULT_FROM_EMAIL
"""

import secrets
from pathlib import Path
from urllib.parse import unquote, urlsplit

from csp.constants import NONCE
from django.utils.translation import gettext_lazy as _

from hub.config import (
    ConfigError,
    database_config,
    env_bool,
    env_int,
    env_list,
    env_str,
    env_url,
)
from hub.redis_settings import cache_config, channel_layer_config

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("HUB_VAR_DIR", str(BASE_DIR / "var")))


def _embedded_secret_key() -> str:
    """A per-checkout random key kept in var/, for the embedded default only."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


# --- Core ----------------------------------------------------------------------------

_secret_from_env = env_str("DJANGO_SECRET_KEY")
DEBUG = env_bool("DJANGO_DEBUG", default=_secret_from_env is None)
if _secret_from_env is None and not DEBUG:
    raise ConfigError("DJANGO_SECRET_KEY", "is required when DJANGO_DEBUG is false")
if _secret_from_env is not None and len(_secret_from_env) < 50 and not DEBUG:
    raise ConfigError("DJANGO_SECRET_KEY", "must be at least 50 characters long")
SECRET_KEY = _secret_from_env or _embedded_secret_key()

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ConfigError("DJANGO_ALLOWED_HOSTS", "is required when DJANGO_DEBUG is false")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# Daphne is not an app here: its app module imports daphne.server, which installs Twisted's
# reactor (a fifth of a second) in every process, every management command and the task
# cluster included. The web process runs it itself (hub.serve); `runserver` is Daphne's
# (hub/management/commands/runserver.py), which imports it only when it runs.
INSTALLED_APPS = [
    "hub",
    "associations",
    "events",
    "gaf",
    "tables",
    "surveys",
    "search",
    "carta",
    "tariffs",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "allauth",
    "allauth.account",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "django_q",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "hub.security.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session is read: control characters in a path, parameter or cookie never
    # reach a query (hub/input_guard.py).
    "hub.input_guard.InputGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "hub.access.AccessPolicyMiddleware",
    "hub.middleware.InvalidFormStatusMiddleware",
]

ROOT_URLCONF = "hub.urls"
ASGI_APPLICATION = "hub.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "hub" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "hub.notifications.context_processors.bell",
            ],
        },
    },
]

# --- Database ----------------------------------------------------------------------------

DATABASE_URL = env_url(
    "DATABASE_URL", schemes={"postgres", "postgresql", "pgsql", "postgis", "sqlite"}
)
# PostgreSQL: a bounded connection pool per process, HUB_DB_POOL_MAX_SIZE (hub/config.py).
DATABASES = {"default": database_config(DATABASE_URL, default_sqlite_path=VAR_DIR / "hub.sqlite3")}
# While the database cannot serve, pages and API answer 503 with this Retry-After.
HUB_UNAVAILABLE_RETRY_AFTER_SECONDS = 5
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: channel layer, task broker and cache --------------------------------------------

REDIS_URL = env_url("REDIS_URL", schemes={"redis", "rediss", "unix"})

if REDIS_URL:
    # hub.redis_settings explains the timeouts; the cache never fails a request (hub.cache).
    CHANNEL_LAYERS = {"default": channel_layer_config(REDIS_URL)}
    CACHES = {"default": cache_config(REDIS_URL)}
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "hub.channel_layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

Q_CLUSTER = {
    "name": "hub",
    "workers": env_int("HUB_TASK_WORKERS", 2, minimum=1),
    "timeout": 120,
    "retry": 180,
    "max_attempts": 3,
    "catch_up": False,
    "label": _("Attività in background"),
    **({"redis": REDIS_URL} if REDIS_URL else {"orm": "default", "poll": 1}),
}

# --- Search -------------------------------------------------------------------------------

MEILISEARCH_URL = env_url("MEILISEARCH_URL", schemes={"http", "https"})
MEILISEARCH_API_KEY = env_str("MEILISEARCH_API_KEY")
MEILISEARCH_INDEX_PREFIX = env_str("MEILISEARCH_INDEX_PREFIX", "hub")
# A query waits this long for Meilisearch, then the database engine answers (search.backends).
MEILISEARCH_TIMEOUT_SECONDS = 1.5
if MEILISEARCH_URL and not DEBUG and not MEILISEARCH_API_KEY:
    raise ConfigError("MEILISEARCH_API_KEY", "is required with MEILISEARCH_URL in production")

# Wagtail's own database backend always serves the admin search; the public search
# goes through search.backends, which uses Meilisearch when MEILISEARCH_URL is set.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# --- Authentication (django-allauth, login by e-mail) ---------------------------------------

AUTH_USER_MODEL = "hub.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Links in allauth's e-mails on HUB_BASE_URL, like every other link the hub sends.
ACCOUNT_ADAPTER = "hub.account_adapter.HubAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Rete Famiglie] "
# allauth keeps its other default limits (login 30/m/ip, sign-up 20/m/ip, password reset...).
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
# Behind N reverse proxies, the client is the N-th address from the right of X-Forwarded-For:
# every per-address throttle (allauth's and hub.abuse's) reads it from there.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("HUB_TRUSTED_PROXY_COUNT", 0, minimum=0)
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "profile"
LOGOUT_REDIRECT_URL = "/"
WAGTAIL_USER_EDIT_FORM = "hub.forms.WagtailUserEditForm"
WAGTAIL_USER_CREATION_FORM = "hub.forms.WagtailUserCreationForm"
WAGTAIL_USER_CUSTOM_FIELDS = ["full_name"]
# One sign-in for everything: the admin sends people to allauth's login (verified e-mail,
# rate limits); hub.urls answers Wagtail's own login and password-reset URLs with redirects.
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_PASSWORD_RESET_ENABLED = False

# --- E-mail ---------------------------------------------------------------------------------

DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Rete Famiglie <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_URL = env_url("EMAIL_URL", schemes={"smtp", "smtp+ssl", "smtp+tls", "console"})
if EMAIL_URL is None or EMAIL_URL.startswith("console"):
    if not DEBUG and EMAIL_URL is None:
        raise ConfigError("EMAIL_URL", "is required when DJANGO_DEBUG is false")
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    _email = urlsplit(EMAIL_URL)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _email.hostname
    EMAIL_PORT = _email.port or (465 if _email.scheme == "smtp+ssl" else 587)
    EMAIL_HOST_USER = unquote(_email.username or "")
    EMAIL_HOST_PASSWORD = unquote(_email.password or "")
    EMAIL_USE_SSL = _email.scheme == "smtp+ssl"
    EMAIL_USE_TLS = _email.scheme in {"smtp", "smtp+tls"} and EMAIL_PORT != 25

# --- Internationalisation -----------------------------------------------------------------

LANGUAGE_CODE = "it"
LANGUAGES = [("it", "Italiano"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "hub" / "locale"]
# How dates read in each language (hub/formats/<lang>/formats.py; hub/dates.py explains).
FORMAT_MODULE_PATH = ["hub.formats"]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static and media -----------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "hub" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# Bodies (forms, JSON) above this answer 413 with a message (hub.input_guard.bad_request);
# uploads of images and documents stream to files and have their own limits below.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Wagtail --------------------------------------------------------------------------------

WAGTAIL_SITE_NAME = "Rete dei Comuni amici della famiglia"
# The hub's public address: every absolute URL it gives out (API, feeds, e-mails, calendar
# links, the admin's notifications) starts with it (hub.urls_absolute). `make run` derives
# it from HOST and PORT; required in production.
HUB_BASE_URL = env_url("HUB_BASE_URL", schemes={"http", "https"})
if HUB_BASE_URL is None:
    if not DEBUG:
        raise ConfigError("HUB_BASE_URL", "is required when DJANGO_DEBUG is false")
    HUB_BASE_URL = "http://127.0.0.1:8000"
HUB_BASE_URL = HUB_BASE_URL.rstrip("/")
WAGTAILADMIN_BASE_URL = HUB_BASE_URL
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "ods", "pdf", "txt", "xlsx"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILADMIN_NOTIFICATION_USE_HTML = True
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ALLOW_UNICODE_SLUGS = False
# No avatars from a third-party service: staff e-mail hashes never leave the hub.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# The network is Italian. (Wagtail's default, every zone the server knows, lists Debian's
# "localtime", which browsers reject: the admin's account page then fails in JavaScript.)
WAGTAIL_USER_TIME_ZONES = ["Europe/Rome"]

# --- API ------------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Association tokens first: that class answers only for tokens it knows (and refuses
        # revoked ones); the personal-token class then refuses every other bearer token.
        "associations.api_auth.AssociationTokenAuthentication",
        "hub.api_auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["hub.access.DeclaredPolicyPermission"],
    "DEFAULT_SCHEMA_CLASS": "hub.api_schema.HubAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "hub.api_errors.exception_handler",
    # DRF's parsers with the hub's limits: depth, number of values, control characters.
    "DEFAULT_PARSER_CLASSES": [
        "hub.api_parsers.JSONParser",
        "hub.api_parsers.FormParser",
        "hub.api_parsers.MultiPartParser",
    ],
    # OPTIONS describes the view, not its inputs (those are in the OpenAPI schema).
    "DEFAULT_METADATA_CLASS": "hub.api_metadata.HubMetadata",
    "DEFAULT_THROTTLE_CLASSES": [
        # Both fail open for signed-in callers while the cache (Redis) is down (hub.throttling).
        "hub.throttling.AnonRateThrottle",
        # Keys association principals (which have no user id) by their association.
        "associations.api_auth.UserOrAssociationRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("HUB_API_ANON_RATE", "120/min"),
        "user": env_str("HUB_API_USER_RATE", "600/min"),
    },
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Rete dei Comuni amici della famiglia — API",
    "DESCRIPTION": (
        "API pubblica dell'hub. Errors are JSON: "
        '{"error": {"code": "...", "message": "...", "fields": {...}}}.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["hub.api_schema.only_public_api"],
    # Several models have a "status": each choice set gets a name of its own.
    "ENUM_NAME_OVERRIDES": {
        "ProposalStatusEnum": "tables.models.proposals.ProposalStatus",
        "MeetingStatusEnum": "tables.models.meetings.Meeting.Status",
        "PlanStatusEnum": "tables.models.plan.PianoFamily.PlanStatus",
        "ObjectiveStatusEnum": "tables.models.plan.Status",
        "EventStatusEnum": "events.models.EventPage.Status",
    },
}

# --- Security -------------------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
# The health check answers load balancers over plain HTTP inside the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Content-Security-Policy (django-csp; hub.security adds the request's WebSocket origin and
# relaxes script-src for the Wagtail admin only, whose inline scripts need it). Scripts: the
# hub's own files, or inline ones carrying {{ request.csp_nonce }}; no inline event handlers.
# Styles allow 'unsafe-inline': Bootstrap Italia's components and the admin set style
# attributes, and a style cannot run code. Frames: the video providers of embed blocks.
_OTHER_ORIGINS = sorted(
    {
        f"{parts.scheme}://{parts.netloc}"
        for parts in (urlsplit(STATIC_URL), urlsplit(MEDIA_URL))
        if parts.scheme and parts.netloc
    }
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE, *_OTHER_ORIGINS],
        "style-src": ["'self'", "'unsafe-inline'", *_OTHER_ORIGINS],
        "img-src": ["'self'", "data:", "blob:", *_OTHER_ORIGINS],
        "font-src": ["'self'", "data:", *_OTHER_ORIGINS],
        "connect-src": ["'self'"],
        "media-src": ["'self'", *_OTHER_ORIGINS],
        "frame-src": [
            "'self'",
            "https://www.youtube.com",
            "https://www.youtube-nocookie.com",
            "https://player.vimeo.com",
            *env_list("HUB_CSP_FRAME_SRC", []),
        ],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        # 'self', not 'none': the admin's live preview frames the hub's own pages.
        "frame-ancestors": ["'self'"],
    }
}
# Public forms (hub.abuse): submissions per client address, and e-mails per address typed.
HUB_PUBLIC_FORM_RATES = {
    "address": env_str("HUB_PUBLIC_FORM_ADDRESS_RATE", "5/10m"),
    "recipient": env_str("HUB_PUBLIC_FORM_RECIPIENT_RATE", "3/d"),
}
# Carta Famiglia verification (carta.views.verify): checks per client address and per shop,
# counted in the cache; an enumeration of card numbers gets 429.
CARTA_VERIFY_RATES = {
    "address": env_str("HUB_CARTA_VERIFY_ADDRESS_RATE", "30/m"),
    "shop": env_str("HUB_CARTA_VERIFY_SHOP_RATE", "60/m"),
}
# GAF chat (gaf.services.chat): messages per person, counted in the cache.
GAF_CHAT_SEND_RATE = env_str("HUB_CHAT_SEND_RATE", "10/15s")
# The browser features the hub never uses are switched off for it and every frame it embeds.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "ambient-light-sensor": [],
    "autoplay": [],
    "browsing-topics": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "hid": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "serial": [],
    "usb": [],
}

# --- Logging: one line per event; the personal calendar token never reaches a log ---------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_tokens": {"()": "hub.logging.RedactTokensFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_tokens"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "daphne": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
    },
}

# --- The hub's own ------------------------------------------------------------------------

HUB_REQUIRE_SERVICES = env_bool("REQUIRE_SERVICES", False)
HUB_HEALTH_TIMEOUT_SECONDS = 2.0
