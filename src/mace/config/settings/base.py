"""Settings shared by every environment. Environment-specific values come from the environment."""

from __future__ import annotations

import json
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parents[2]  # src/mace
PROJECT_DIR = BASE_DIR.parents[1]
VAR_DIR = Path(os.environ.get("MACE_VAR_DIR", PROJECT_DIR / "var"))

SECRET_KEY = os.environ.get("MACE_SECRET_KEY", "insecure-development-key-change-me")
DEBUG = os.environ.get("MACE_DEBUG", "0") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("MACE_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

# Demo mode: synthetic data banner and no two-factor enrolment, so the demo accounts sign straight in.
DEMO_MODE = os.environ.get("MACE_DEMO_MODE", "0") == "1"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "rules.apps.AutodiscoverRulesConfig",
    "mace.core",
    "mace.accounts",
    "mace.people",
    "mace.frontdoor",
    "mace.missing",
    "mace.meetings",
    "mace.screening",
    "mace.health",
    "mace.plans",
    "mace.casework",
    # Before oversight: it registers scorecard figures that oversight checks its definitions against.
    "mace.network",
    "mace.oversight",
    "mace.exports",
    "mace.improvement",
    "mace.demo",
]

MIDDLEWARE = [
    "mace.core.middleware.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "mace.accounts.middleware.SignInRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "mace.config.urls"
WSGI_APPLICATION = "mace.config.wsgi.application"
ASGI_APPLICATION = "mace.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "mace.core.ui.environment", "autoescape": True},
    },
    {
        # Django's own templates (e.g. the OpenAPI docs page of django-ninja).
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    },
]


def database_from_env(default_sqlite: Path) -> dict[str, object]:
    """PostgreSQL in production via DATABASE_URL; embedded SQLite (WAL, immediate transactions) otherwise."""
    url = os.environ.get("DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        return dict(config)
    default_sqlite.parent.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": default_sqlite,
        "OPTIONS": {
            # IMMEDIATE: a writer takes the lock at BEGIN, so the access log's hash chain cannot fork.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        },
    }


DATABASES = {"default": database_from_env(VAR_DIR / "mace.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "mace.accounts.backends.LockoutBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "core:home"

# Inactivity timeout: the session expires after this many seconds without a request.
SESSION_COOKIE_AGE = int(os.environ.get("MACE_SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# The access log's key (HMAC-SHA256), held outside the database: from the environment, or else a
# key file made on first use (mode 0600). Back it up apart from the database: without it the log
# cannot be verified. Checkpoints of the log's head are appended to the anchor file (decision 0015).
MACE_AUDIT_KEY = os.environ.get("MACE_AUDIT_KEY", "")
MACE_AUDIT_KEY_FILE = Path(os.environ.get("MACE_AUDIT_KEY_FILE", VAR_DIR / "audit.key"))
MACE_AUDIT_ANCHOR_FILE = Path(os.environ.get("MACE_AUDIT_ANCHOR_FILE", VAR_DIR / "audit-anchors.jsonl"))
# The worker appends a checkpoint at most this often, and only when the log has grown.
MACE_AUDIT_ANCHOR_MINUTES = 5

# Sign-in lockout: this many failures within the window locks the account for the window.
MACE_LOCKOUT_FAILURES = 5
MACE_LOCKOUT_MINUTES = 15
# Break-glass access lasts this long before the user must give a reason again.
MACE_BREAK_GLASS_HOURS = 8
# A child attending an emergency department this many times in 12 months is a frequent attender.
MACE_FREQUENT_ATTENDER_COUNT = int(os.environ.get("MACE_FREQUENT_ATTENDER_COUNT", "3"))
# Casework standards (4.1b, 1.1, 5.3): a child not in full-time education has this many sessions a
# week and this much tuition; a child not heard in this many days is flagged to their worker and
# manager; case supervision is due this many working days after the last (or after allocation).
MACE_TIMETABLE_SESSIONS_TARGET = int(os.environ.get("MACE_TIMETABLE_SESSIONS_TARGET", "10"))
MACE_TUITION_HOURS_TARGET = int(os.environ.get("MACE_TUITION_HOURS_TARGET", "5"))
MACE_VOICE_DAYS = int(os.environ.get("MACE_VOICE_DAYS", "60"))
MACE_SUPERVISION_WORKING_DAYS = int(os.environ.get("MACE_SUPERVISION_WORKING_DAYS", "20"))
# An agreed plan is reviewed at least this often (the scorecard's "plans reviewed on time" counts the same).
MACE_PLAN_REVIEW_DAYS = int(os.environ.get("MACE_PLAN_REVIEW_DAYS", "92"))
# Statutory returns: the code tables' overrides (a JSON file), and how long a validator may take (the CIN
# validator's time grows with the square of the children: about 20 minutes for 20,000).
MACE_EXPORT_MAPPINGS = os.environ.get("MACE_EXPORT_MAPPINGS", "")
MACE_VALIDATOR_TIMEOUT = int(os.environ.get("MACE_VALIDATOR_TIMEOUT", "3600"))
# Missing from home (5.4g): a child missing this many times in 90 days should have a police trigger
# plan; trigger plans are reviewed this many days after each save.
MACE_TRIGGER_PLAN_EPISODES = int(os.environ.get("MACE_TRIGGER_PLAN_EPISODES", "3"))
MACE_TRIGGER_PLAN_REVIEW_DAYS = int(os.environ.get("MACE_TRIGGER_PLAN_REVIEW_DAYS", "90"))
# Leaders' oversight: the executive board's meeting dates (ISO dates, comma-separated) for the landing
# page, and whether the partnership analyst sees the pseudonymised rows behind a figure.
MACE_BOARD_DATES = [d for d in os.environ.get("MACE_BOARD_DATES", "").split(",") if d.strip()]
MACE_ANALYST_SEES_ROWS = os.environ.get("MACE_ANALYST_SEES_ROWS", "0") == "1"
# The child population (0 to 17) of each partnership, for rates per 10,000 children on the scorecard and the
# profile: JSON, partnership code to a number or to {"total": n, "sex": {"F": n, "M": n}, "age": {"0-9": n,
# "10-13": n, "14-15": n, "16-17": n}, "ethnicity": {...}}. Unset: no rates are shown, and pages say so.
MACE_CHILD_POPULATION: dict[str, object] = json.loads(os.environ.get("MACE_CHILD_POPULATION") or "{}")

# Oversized requests are refused before they reach a view.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MACE_LOG_LEVEL", "WARNING")},
}

EMAIL_BACKEND = os.environ.get("MACE_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

# GOV.UK Frontend's compiled CSS asks for fonts and images at /assets/; whitenoise serves them from here.
WHITENOISE_ROOT = BASE_DIR / "webroot"
