"""Settings, read from the environment with working defaults for the demo.

Every variable is documented in docs/configuration.md.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import xstatic.pkg.leaflet
from csp.constants import NONCE, NONE, SELF, UNSAFE_HASHES, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("JIEFEN_DATA_DIR", Path.cwd() / "data")).resolve()


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("JIEFEN_DEBUG")
DEMO = env_bool("JIEFEN_DEMO")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or DEMO or os.environ.get("JIEFEN_TESTING"):
        SECRET_KEY = "jiefen-insecure-demo-key-never-use-in-production"
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set in the environment (or run with JIEFEN_DEMO=1 / JIEFEN_DEBUG=1)."
        )

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("JIEFEN_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("JIEFEN_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "jiefen.regions",
    "jiefen.accounts",
    "jiefen.taxonomy",
    "jiefen.sla",
    "jiefen.cases",
    "jiefen.intake",
    "jiefen.api",
    "jiefen.open311",
    "jiefen.imports",
    "jiefen.posters",
    "jiefen.notify",
    "jiefen.followup",
    "jiefen.routing",
    "jiefen.incidents",
    "jiefen.warnings",
    "jiefen.risk",
    "jiefen.audit",
    "jiefen.analytics",
    "jiefen.reports",
    "jiefen.assessment",
    "jiefen.mediators",
    "jiefen.knowledge",
    "jiefen.online",
    "jiefen.field",
    "jiefen.points",
    "jiefen.demo",
    "jiefen.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "jiefen.audit.context.ActorMiddleware",  # who changed a post, for the audit chain
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "jiefen.accounts.middleware.IdleTimeoutMiddleware",
    # After the idle timeout: a signed-in user with a second factor verifies it first.
    "jiefen.accounts.twofactor_middleware.SecondFactorMiddleware",
    "jiefen.accounts.middleware.RateLimitMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "jiefen.urls"
WSGI_APPLICATION = "jiefen.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jiefen.web.context_processors.staff",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'jiefen.sqlite3'}",
        conn_max_age=int(os.environ.get("JIEFEN_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the web server read while the worker writes; the timeout waits out short locks.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
if os.environ.get("JIEFEN_TEST_DB_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["JIEFEN_TEST_DB_NAME"]}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes: refuses a locked-out username+address before the password is checked.
    "jiefen.accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "worklist"
LOGOUT_REDIRECT_URL = "home"

# Argon2 first: new passwords use it; older hashes are still accepted and rehashed with Argon2
# at the user's next successful login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "jiefen.accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": int(os.environ.get("JIEFEN_PASSWORD_MIN_LENGTH", "10"))},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("JIEFEN_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# Front-end libraries come from Python packages (XStatic), never from a CDN.
STATICFILES_DIRS = [("leaflet", xstatic.pkg.leaflet.BASE_DIR)]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("JIEFEN_MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not (DEBUG or DEMO or os.environ.get("JIEFEN_TESTING"))
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or DEMO or bool(os.environ.get("JIEFEN_TESTING"))

# Uploads: photos of the dispute. Bigger files are refused with a message, not truncated.
# The address residents reach the site at (QR posters, links in messages).
JIEFEN_PUBLIC_URL = os.environ.get("JIEFEN_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# Open311's public listing: "redacted" publishes descriptions with phone/ID numbers and party
# names masked, "none" publishes no description at all; the contact shown by discovery.
JIEFEN_OPEN311_DESCRIPTION = os.environ.get("JIEFEN_OPEN311_DESCRIPTION", "redacted")
JIEFEN_OPEN311_CONTACT = os.environ.get("JIEFEN_OPEN311_CONTACT", "")
JIEFEN_MAX_UPLOAD_BYTES = int(os.environ.get("JIEFEN_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = JIEFEN_MAX_UPLOAD_BYTES + 1024 * 1024
# The most cases one export of the worklist may hold (Excel/CSV, /work/export/).
JIEFEN_EXPORT_MAX_ROWS = int(os.environ.get("JIEFEN_EXPORT_MAX_ROWS", "50000"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

TASKS = {
    "default": {
        "BACKEND": os.environ.get("JIEFEN_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "jiefen.api.auth.ApiKeyAuthentication",  # systems
        "rest_framework.authentication.SessionAuthentication",  # the UI, CSRF-checked
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    # Public endpoints are limited per client address, systems and staff per account.
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("JIEFEN_RATE_ANON", "60/minute"),
        "user": os.environ.get("JIEFEN_RATE_USER", "6000/minute"),
    },
    "NUM_PROXIES": int(os.environ.get("JIEFEN_NUM_PROXIES", "0")),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Jiefen (解纷) API",
    "DESCRIPTION": "Cases, timelines, attachments and workflow actions for other government systems.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and Redoc from the drf-spectacular-sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# One cache for rate limits shared by all server processes: set JIEFEN_CACHE_LOCATION to a
# folder (file cache) in production; the default keeps counts per process.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
         "LOCATION": os.environ["JIEFEN_CACHE_LOCATION"]}
        if os.environ.get("JIEFEN_CACHE_LOCATION")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(os.environ.get("JIEFEN_SESSION_SECONDS", str(8 * 3600)))
# A signed-in session with no request for this long ends (0: no idle limit).
JIEFEN_SESSION_IDLE_SECONDS = int(os.environ.get("JIEFEN_SESSION_IDLE_SECONDS", str(30 * 60)))

# Login lockout (django-axes): after this many failed logins for one username from one address,
# that pair is locked for JIEFEN_LOCKOUT_MINUTES; a successful login resets the count.
# Unlock early with `jiefen axes_reset_username <name>` (see docs/security.md).
AXES_FAILURE_LIMIT = int(os.environ.get("JIEFEN_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("JIEFEN_LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "jiefen.accounts.lockout.lockout_response"
# The client address: X-Forwarded-For only behind JIEFEN_NUM_PROXIES trusted proxies, else a
# client could dodge the lockout by sending the header itself.
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("JIEFEN_NUM_PROXIES", "0")) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)

# Notifications (docs/notifications.md): email through Django's backends (the console in the
# demo and in development), SMS through a backend class (the console backend logs and keeps an
# outbox; a provider adapter subclasses jiefen.notify.sms.BaseBackend).
EMAIL_BACKEND = os.environ.get(
    "JIEFEN_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG or DEMO else "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("JIEFEN_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("JIEFEN_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("JIEFEN_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("JIEFEN_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("JIEFEN_EMAIL_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("JIEFEN_EMAIL_FROM", "jiefen@localhost")
JIEFEN_SMS_BACKEND = os.environ.get("JIEFEN_SMS_BACKEND", "jiefen.notify.sms.ConsoleBackend")
JIEFEN_NOTIFY_MAX_ATTEMPTS = int(os.environ.get("JIEFEN_NOTIFY_MAX_ATTEMPTS", "6"))

# Per-address limits on the public forms and the login POST: URL name -> (requests, seconds).
# More in the window gets HTTP 429 and a page saying when to try again.
JIEFEN_RATE_LIMITS = {
    "report": (int(os.environ.get("JIEFEN_RATE_REPORT", "20")), 3600),
    "track": (int(os.environ.get("JIEFEN_RATE_TRACK", "30")), 600),
    "guide": (int(os.environ.get("JIEFEN_RATE_GUIDE", "60")), 600),
    "login": (int(os.environ.get("JIEFEN_RATE_LOGIN", "30")), 600),
}

# Content security policy (django-csp): only this server's scripts, plus inline scripts that
# carry the page's nonce (`<script nonce="{{ request.csp_nonce }}">`). The one inline event
# handler (the language menu's `this.form.submit()`) is allowed by its hash. Inline styles stay
# allowed: templates use style attributes and <style> blocks, which cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE, UNSAFE_HASHES,
                       "'sha256-osjxnKEPL/pQJbFk1dKsF7PYFmTyMWGmVSiL9inhxJY='"],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "connect-src": [SELF],
        "font-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env_bool("JIEFEN_SECURE_COOKIES", default=not (DEBUG or DEMO))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("JIEFEN_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

if os.environ.get("JIEFEN_TESTING"):
    # Hashing strength is not under test; the default hasher would dominate the suite's time.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The suite posts many reports from one address; tests of the limits set their own.
    JIEFEN_RATE_LIMITS = {name: (100000, seconds) for name, (_n, seconds) in JIEFEN_RATE_LIMITS.items()}

# The name authenticator apps show beside the account (TOTP second factor).
OTP_TOTP_ISSUER = "解纷 Jiefen"
