"""One settings file for every mode, driven by the environment.

Embedded (no variables): SQLite file in the checkout, Celery runs tasks eagerly,
local-memory cache, console email. Production and CI: DATABASE_URL, REDIS_URL and
friends.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


# Embedded mode is the zero-setup demo: no DATABASE_URL (or an SQLite one) and no Redis.
# Only there does DEBUG default to on; a server with a real database or Redis is
# production unless DEBUG=true says otherwise.
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'salesproc.sqlite3'}")
EMBEDDED = DATABASE_URL.startswith("sqlite:") and not env("REDIS_URL")
DEBUG = env_bool("DEBUG", EMBEDDED)

# Keys that are public (this file, the docs): never good enough with DEBUG off.
EMBEDDED_SECRET_KEY = "embedded-only-key-set-SECRET_KEY-in-production-9f3b1c7e2a"
KNOWN_SECRET_KEYS = {EMBEDDED_SECRET_KEY, "change-me", "changeme", "secret", "django-insecure"}
SECRET_KEY = env("SECRET_KEY") or (EMBEDDED_SECRET_KEY if DEBUG else "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
if not DEBUG:
    if (
        not SECRET_KEY
        or SECRET_KEY in KNOWN_SECRET_KEYS
        or SECRET_KEY.startswith("django-insecure")
    ):
        raise ImproperlyConfigured(
            "SECRET_KEY is missing or is a key published with salesproc. With DEBUG off, set "
            "SECRET_KEY to a long random value (python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))'), or set DEBUG=true on a development machine."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS is empty. With DEBUG off, set ALLOWED_HOSTS to the host names this "
            "CRM answers on (comma-separated, e.g. crm.example.com)."
        )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "salesproc",
    "accounts",
    "deals",
    "opportunities",
    "leads",
    "calls",
    "territories",
    "automation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "salesproc.events.ActingViaMiddleware",
    "salesproc.idempotency.middleware.IdempotencyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "salesproc.middleware.SecurityHeadersMiddleware",
    "salesproc.middleware.QueryStringMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "salesproc.quick_create.views.QuickCreateMiddleware",
]

ROOT_URLCONF = "salesproc.urls"
WSGI_APPLICATION = "salesproc.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "salesproc.context_processors.shell",
            ],
        },
    },
]

# A server keeps its database connection between requests (each gunicorn worker or Celery
# process holds one, checked before reuse): a new PostgreSQL connection per request cost a
# connection set-up and a backend whose catalog caches start cold, 10 to 20 ms of a 25-row
# API page (automation.benchmark). SQLite (the embedded demo) opens per request as before.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=int(
            env("DB_CONN_MAX_AGE", "0" if DATABASE_URL.startswith("sqlite") else "60")
        ),
        conn_health_checks=True,
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Covering indexes (INCLUDE) are a PostgreSQL optimisation; SQLite builds the index
# without the extra columns, which is all the embedded demo needs.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_USER_MODEL = "salesproc.User"
AUTHENTICATION_BACKENDS = ["salesproc.auth.CrmModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
WHITENOISE_AUTOREFRESH = DEBUG
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "media/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Jobs and cache: Redis when REDIS_URL is set, otherwise everything in-process.
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Redis down or unreachable: fail within a second, never hang a request.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 1, "socket_connect_timeout": 2}
CELERY_TIMEZONE = TIME_ZONE
# An event name a service records must be in the event catalogue (salesproc.registry
# .register_event_types); when strict (DEBUG, and always in the test suite) an unknown name
# raises instead of only logging a warning.
EVENT_CATALOGUE_STRICT = env_bool("EVENT_CATALOGUE_STRICT", DEBUG)
# Webhooks may call private, loopback and link-local addresses (tests, a closed network).
WEBHOOKS_ALLOW_PRIVATE = env_bool("WEBHOOKS_ALLOW_PRIVATE", False)
CELERY_BEAT_SCHEDULE = {}  # apps add their schedules in salesproc/celery.py
# Embedded mode: long jobs run in a background thread of the web process rather than
# inside the request (salesproc/background.py explains the choice).
BACKGROUND_JOBS_IN_THREAD = env_bool("BACKGROUND_JOBS_IN_THREAD", CELERY_TASK_ALWAYS_EAGER)

# Email
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "salesproc <crm@localhost>")
# The organisation's currency: deals start in it and every amount without its own shows it.
DEFAULT_CURRENCY = env("DEFAULT_CURRENCY", "EUR")

# Security: strict whenever DEBUG is off.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Sent on every response (salesproc.middleware): no inline script anywhere, our scripts
# and htmx from this site only. Inline styles stay allowed: server-rendered charts and
# progress bars set widths in style attributes, and an inline style cannot run code.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=(), "
    "interest-cohort=()"
)
# The client address comes from REMOTE_ADDR, or, behind N reverse proxies that each
# append to X-Forwarded-For, from the Nth address from the right (salesproc.client).
TRUSTED_PROXIES = int(env("TRUSTED_PROXIES", "0"))
# Log-in lockout (salesproc.lockout), counted in the database.
LOGIN_FAILURES_PER_USERNAME = int(env("LOGIN_FAILURES_PER_USERNAME", "5"))
LOGIN_FAILURES_PER_ADDRESS = int(env("LOGIN_FAILURES_PER_ADDRESS", "20"))
PASSWORD_RESETS_PER_EMAIL = int(env("PASSWORD_RESETS_PER_EMAIL", "3"))
PASSWORD_RESETS_PER_ADDRESS = int(env("PASSWORD_RESETS_PER_ADDRESS", "10"))
LOGIN_LOCKOUT_MINUTES = int(env("LOGIN_LOCKOUT_MINUTES", "15"))

# The API search looks a related column up by id (salesproc.api_search) where trigram
# indexes serve the searched columns (PostgreSQL: the apps' contains_indexes migrations);
# without them (SQLite) the join is faster.
API_SEARCH_RELATED_BY_ID = env_bool(
    "API_SEARCH_RELATED_BY_ID", not DATABASE_URL.startswith("sqlite")
)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "salesproc.auth.CrmTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "salesproc.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": [
        "salesproc.api_filtering.FilterBackend",
        "salesproc.api_search.RelatedByIdSearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "salesproc.api_schema.CrmAutoSchema",
    "EXCEPTION_HANDLER": "salesproc.api_support.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"intake": env("INTAKE_RATE", "60/min")},
    # DRF's own address reading (any throttle not ours) follows the same proxies.
    "NUM_PROXIES": TRUSTED_PROXIES,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "salesproc API",
    "DESCRIPTION": "REST API of salesproc (the full text: salesproc.api_schema.DESCRIPTION).",
    # Tags and operation ids come from the resource after /api/v1/ ("deals", not "v1").
    "SCHEMA_PATH_PREFIX": r"/api/v1/",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "salesproc.api_schema.postprocess",
    ],
    # The Authorize dialog offers the token only: the browser's session works by itself.
    "AUTHENTICATION_WHITELIST": ["salesproc.auth.CrmTokenAuthentication"],
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI would otherwise send the schema's address to an online validator.
    "SWAGGER_UI_SETTINGS": {
        "deepLinking": True,
        "validatorUrl": None,
        "persistAuthorization": True,
        "docExpansion": "none",
        "filter": True,
    },
    "ENUM_NAME_OVERRIDES": {
        "DealStatusEnum": "deals.models.Deal.Status",
        "ForecastCategoryEnum": "deals.models.Deal.ForecastCategory",
        "AccountStatusEnum": "accounts.models.Account.Status",
        "LeadStatusEnum": "leads.models.Lead.Status",
        "CallStatusEnum": "calls.models.Call.Status",
        "CallChannelEnum": "calls.models.Call.Channel",
        "PlanItemLevelEnum": "accounts.plans.models.Priority",
        "QuoteStatusEnum": "automation.quotes.models.Quote.Status",
        "QuoteApprovalEnum": "automation.quotes.models.Quote.Approval",
        "TaskPriorityEnum": "salesproc.todo.models.Task.Priority",
        "NotificationChannelEnum": "salesproc.notifications.kinds.CHANNELS",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    # Eager tasks would otherwise log a line each in the web process.
    "loggers": {"celery.app.trace": {"level": env("CELERY_TASK_LOG_LEVEL", "WARNING")}},
}
