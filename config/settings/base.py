"""Settings shared by every environment. Environment-specific files import from here."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "title_review.core",
    "title_review.accounts",
    "title_review.organisations",
    "title_review.dictionaries",
    "title_review.access",
    "title_review.audit",
    "title_review.verification",
    "title_review.attachments",
    "title_review.api",
    "title_review.rounds",
    "title_review.eligibility",
    "title_review.achievements",
    "title_review.declarations",
    "title_review.reviews",
    "title_review.committees",
    "title_review.jobs",
    # Django's task API (backport) and its database backend: the queue behind jobs (ADR 0036).
    "django_tasks",
    "django_tasks_db",
    "title_review.certificates",
    "title_review.portal",
    "title_review.results",
    "title_review.printing",
    "title_review.exchange",
    "title_review.exports",
    "title_review.notifications",
    "title_review.system",
    "title_review.demo",
]

MIDDLEWARE = [
    "title_review.core.middleware.UntrustedProxyHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "title_review.accounts.middleware.IdleSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "title_review.accounts.middleware.LoginRequiredMiddleware",
    "title_review.accounts.middleware.ForcePasswordChangeMiddleware",
    "title_review.audit.middleware.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "title_review.core.middleware.DomainErrorMiddleware",
    "csp.middleware.CSPMiddleware",
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "title_review.access.context_processors.navigation",
                "title_review.notifications.context_processors.unread_notifications",
                "title_review.core.kept.kept_form",
            ],
        },
    },
]

# Form widgets (inputs, selects and their options) render through Django's Jinja2 templates of the same markup:
# a dossier page draws 10 widgets and their options, which took 14 % of its time in Django templates (ADR 0049).
FORM_RENDERER = "django.forms.renderers.Jinja2"

# One connection per request: the development server starts a thread per request, and a connection kept
# open by a finished thread is never reused, so persistent connections there pile up until PostgreSQL
# refuses new clients. Production keeps one per gunicorn worker (prod.py, ADR 0019).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=0,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer commits; busy timeout instead of "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = ["title_review.accounts.backends.AccountBackend"]
CSRF_FAILURE_VIEW = "title_review.system.views.csrf_failure"

PASSWORD_HASHERS = [
    "title_review.accounts.hashers.SurgeArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "title_review.accounts.passwords.ComplexityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "system:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# 等保 三级: 30-minute idle timeout. The session is renewed by a request at most once a minute
# (accounts.middleware.IdleSessionMiddleware), not saved on every request.
SESSION_COOKIE_AGE = 30 * 60
SESSION_RENEW_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"

# Uploads and generated files live outside every served path; downloads go through views.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT") or VAR_DIR / "files")
MEDIA_URL = "/files/"

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

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
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header makes unauthenticated API calls answer 401.
        "title_review.api.tokens.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "title_review.api.schema.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "title_review.api.pagination.CappedPageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "title_review.api.errors.exception_handler",
    # Our throttles tell clients apart by title_review.core.clientip (TRUSTED_PROXIES), never by DRF's
    # NUM_PROXIES rule (ADR 0019).
    "DEFAULT_THROTTLE_CLASSES": ["title_review.api.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": "30/minute"},
}

# The addresses (or CIDR ranges) of our own reverse proxies. Only a request whose TCP peer is one of them
# may name the client in X-Forwarded-For / X-Real-IP; empty trusts no header (ADR 0019, docs/deploy.md).
TRUSTED_PROXIES: list[str] = []
SPECTACULAR_SETTINGS = {
    "TITLE": "职称评审管理信息系统 API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Two tick lists share the field name "permissions": 经办账号 and 个人申报账号 permissions.
    "ENUM_NAME_OVERRIDES": {
        "SubAccountPermissionEnum": "title_review.accounts.models.SubAccountPermission",
        "FilingPermissionEnum": "title_review.accounts.models.FilingPermission",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Background jobs (ADR 0036): a job is enqueued as a task of Django's task API; `manage.py run_jobs` processes
# (make run starts one; production runs as many as needed) take tasks from the database backend.
# JOBS_RUNNER "worker" hands each job to the TASKS backend; "inline" runs it right after the enqueuing
# transaction commits through the immediate backend (tests).
JOBS_RUNNER = os.environ.get("JOBS_RUNNER", "worker")
TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    "inline": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}
# A running job's worker writes a heartbeat every JOBS_HEARTBEAT_SECONDS; a job whose heartbeat is older
# than JOBS_STALE_SECONDS (its worker was killed or lost its machine) is queued again for another worker,
# up to JOBS_MAX_ATTEMPTS runs, then shown as 失败 with 重试. Idle workers look for such jobs and for
# the day's daily work every JOBS_SWEEP_SECONDS. Defaults: a dead worker's job is back within 3 minutes.
JOBS_HEARTBEAT_SECONDS = float(os.environ.get("JOBS_HEARTBEAT_SECONDS", "15"))
JOBS_STALE_SECONDS = float(os.environ.get("JOBS_STALE_SECONDS", "120"))
JOBS_SWEEP_SECONDS = float(os.environ.get("JOBS_SWEEP_SECONDS", "30"))
JOBS_MAX_ATTEMPTS = int(os.environ.get("JOBS_MAX_ATTEMPTS", "2"))

# PDF forms (title_review/printing, ADR 0013): WeasyPrint reads only the vendored OFL font files in
# FONT_DIR — never the network, never another file.
PRINTING = {
    "FONT_DIR": BASE_DIR / "static" / "fonts",
}

# 电子证书 signatures (title_review/certificates/signing.py, ADR 0039). Development and tests sign with a test
# CA made under var/signing on first use (or by `manage.py make_test_ca var/signing`); production sets
# real paths and refuses to start without them (certificates.E001/E002).
CERTIFICATE_SIGNING = {
    "KEY": VAR_DIR / "signing" / "signer.key",
    "CERT": VAR_DIR / "signing" / "signer.pem",
    "CHAIN": [VAR_DIR / "signing" / "ca.pem"],
    "TRUST_ROOTS": [VAR_DIR / "signing" / "ca.pem"],
    "TEST_CA": True,
}
# 证书查验 (public): lookups per client address (DRF's rate syntax; over it: 429 with a Chinese page).
CERTIFICATE_VERIFY_RATE = "20/minute"
