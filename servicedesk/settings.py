"""Settings read from the environment; the defaults are the embedded `make run` setup.

Production overrides live in servicedesk/settings_production.py.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# With DEBUG on, errors still show the project's 404 and 500 pages (servicedesk/
# error_pages.py) unless this asks for Django's technical pages.
DEBUG_TECHNICAL_ERROR_PAGES = env.bool("DJANGO_DEBUG_TECHNICAL_ERRORS", default=False)
# Only the embedded development setup falls back to this key; production refuses it.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me")
# Customers' personal data (customers/crypto.py). CUSTOMER_DATA_KEYS: Fernet keys,
# comma-separated, newest first (new values are encrypted with the first; the others still
# decrypt until `manage.py rotate_customer_keys` has run). CUSTOMER_LOOKUP_KEY: the HMAC
# key of the exact-lookup columns. The embedded values are for development only:
# production settings refuse them, and a system check fails when DEBUG is off.
DEVELOPMENT_CUSTOMER_DATA_KEY = "uyavi30os-doOpCz34DY_fJo2C_74bx_2FiLYi--A8o="
DEVELOPMENT_CUSTOMER_LOOKUP_KEY = "dev-only-lookup-key-Bo76e26emD3LxQByTWuijCmOdlc78Gf3"
CUSTOMER_DATA_KEYS = env.list("CUSTOMER_DATA_KEYS", default=[DEVELOPMENT_CUSTOMER_DATA_KEY])
CUSTOMER_LOOKUP_KEY = env.str("CUSTOMER_LOOKUP_KEY", default=DEVELOPMENT_CUSTOMER_LOOKUP_KEY)
# The lookup keys a rotation is replacing, comma-separated: rows still hashed under one are
# found until `manage.py rotate_customer_keys` has moved them to CUSTOMER_LOOKUP_KEY.
CUSTOMER_LOOKUP_PREVIOUS_KEYS = env.list("CUSTOMER_LOOKUP_PREVIOUS_KEYS", default=[])
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_htmx",
    "csp",
    "servicedesk",
    "servicedesk.outbox",
    "servicedesk.api",
    "customers",
    "staff",
    "tickets",
    "tickets.sla",
    "complaints",
    "plans",
    "quality",
    "care",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "servicedesk.content_security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Development only (it removes itself when DEBUG is off): the project's 404/500 pages.
    "servicedesk.error_pages.DevelopmentErrorPagesMiddleware",
    # After authentication: replays POSTs that carry a known Idempotency-Key (issue 6).
    "servicedesk.api.middleware.ApiRequestMiddleware",
]

# Content-Security-Policy on every response (django-csp). Scripts and styles only from our
# own static files: no inline script or style, no eval, nothing from another origin, so
# markup that slips past escaping can neither run nor restyle the page (a fake login box).
# Only the admin and Redoc, which need inline styles, are allowed them (servicedesk/
# content_security.py, servicedesk/api/urls.py). Images may be data: URIs (Swagger UI's
# icons); Redoc's search runs in a blob: worker.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "worker-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

ROOT_URLCONF = "servicedesk.urls"
WSGI_APPLICATION = "servicedesk.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'servicedesk.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
# With persistent connections, a connection the server dropped is replaced before use.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("DATABASE_CONN_HEALTH_CHECKS", default=True)
# Parallel test runs on one server (several developers, CI) each need their own test database.
DATABASES["default"]["TEST"] = {"NAME": env.str("DATABASE_TEST_NAME", default=None)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the embedded web, worker and beat processes share one SQLite file.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
    # Covering indexes (INCLUDE columns) are PostgreSQL's index-only scans; SQLite keeps
    # them as plain indexes, which is all the embedded development database needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "tickets:queue"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = env.str("DJANGO_LANGUAGE_CODE", default="zh-hans")
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=VAR_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "servicedesk" / "static"]
# In development WhiteNoise serves straight from the finders, without collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
if DEBUG:
    Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Attachments: the limit and the allow-list are product rules, not web-server rules.
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
# Files one reply may carry (each within ATTACHMENT_MAX_BYTES).
ATTACHMENTS_PER_MESSAGE = env.int("ATTACHMENTS_PER_MESSAGE", default=10)
# The ticket page warns that a colleague is writing for this long after their last
# keystroke (tickets/presence.py); the composer beats and the page polls more often.
TICKET_PRESENCE_SECONDS = env.int("TICKET_PRESENCE_SECONDS", default=20)
ATTACHMENT_ALLOWED_CONTENT_TYPES = env.list(
    "ATTACHMENT_ALLOWED_CONTENT_TYPES",
    default=[
        "application/pdf",
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "text/plain",
        "text/csv",
        "application/zip",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "message/rfc822",
    ],
)
# Tags per ticket: each new name becomes a tag every ticket can use, so it is bounded.
TICKET_MAX_TAGS = env.int("TICKET_MAX_TAGS", default=20)
# Django refuses larger uploads before our validators run; keep it above the product limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

EMAIL_BACKEND = env.str(
    "DJANGO_EMAIL_BACKEND",
    default="django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = env.path("DJANGO_EMAIL_FILE_PATH", default=VAR_DIR / "mail")
# The mail server of the SMTP backend (DJANGO_EMAIL_BACKEND=django.core.mail.backends.smtp…).
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="servicedesk@localhost")

CACHES = {
    "default": env.cache_url("CACHE_URL", default="locmemcache://servicedesk"),
}
# API rate limits must be shared by every web process: on Redis when one is configured
# (THROTTLE_CACHE_URL, else CACHE_URL, else a redis:// broker); in the process's memory
# for `make run` (servicedesk/api/throttling.py).
_throttle_url = env.str("THROTTLE_CACHE_URL", default="") or env.str("CACHE_URL", default="")
if not _throttle_url and env.str("CELERY_BROKER_URL", default="").startswith("redis://"):
    _throttle_url = env.str("CELERY_BROKER_URL")
API_THROTTLE_REDIS_URL = (
    _throttle_url if _throttle_url.startswith(("redis://", "rediss://", "unix://")) else ""
)
# The limit fails open: a Redis slower than this (connect or reply) lets the request
# through unthrottled, and is not tried again for the retry interval.
API_THROTTLE_REDIS_TIMEOUT_SECONDS = env.float("API_THROTTLE_REDIS_TIMEOUT_SECONDS", default=0.2)
API_THROTTLE_REDIS_RETRY_SECONDS = env.float("API_THROTTLE_REDIS_RETRY_SECONDS", default=10.0)
# /readyz waits at most this long for each Redis it reports on (servicedesk/health.py).
HEALTH_CHECK_TIMEOUT_SECONDS = env.float("HEALTH_CHECK_TIMEOUT_SECONDS", default=1.0)

# Celery: the embedded default needs no server (kombu's filesystem transport).
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    for sub in ("out", "processed"):
        (BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "out"),
        "data_folder_out": str(BROKER_DIR / "out"),
        "data_folder_processed": str(BROKER_DIR / "processed"),
    }
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Every periodic job is declared here, each expiring before its next run.
SLA_SWEEP_INTERVAL_SECONDS = env.float("SLA_SWEEP_INTERVAL_SECONDS", default=30.0)
OUTBOX_DELIVERY_INTERVAL_SECONDS = env.float("OUTBOX_DELIVERY_INTERVAL_SECONDS", default=10.0)
CELERY_BEAT_SCHEDULE: dict = {}
# "expires" is read by Celery's own scheduler, "expire_seconds" by django-celery-beat's
# DatabaseScheduler (it drops "expires"); both under the interval, so runs never pile up.
CELERY_BEAT_SCHEDULE["sla-sweep"] = {
    "task": "sla.sweep",
    "schedule": SLA_SWEEP_INTERVAL_SECONDS,
    "options": {
        "expires": SLA_SWEEP_INTERVAL_SECONDS * 0.9,
        "expire_seconds": max(1, int(SLA_SWEEP_INTERVAL_SECONDS * 0.9)),
    },
}
CELERY_BEAT_SCHEDULE["outbox-deliver"] = {
    "task": "outbox.deliver",
    "schedule": OUTBOX_DELIVERY_INTERVAL_SECONDS,
    "options": {
        "expires": OUTBOX_DELIVERY_INTERVAL_SECONDS * 0.9,
        "expire_seconds": max(1, int(OUTBOX_DELIVERY_INTERVAL_SECONDS * 0.9)),
    },
}
# How often the manager dashboard's live part (counts, breached and at-risk lists) refreshes.
SLA_DASHBOARD_REFRESH_SECONDS = env.int("SLA_DASHBOARD_REFRESH_SECONDS", default=15)
# Ticket statuses in which SLA clocks stand still (values of tickets.models.Status).
SLA_PAUSING_STATUSES = env.list("SLA_PAUSING_STATUSES", default=["pending_customer"])
# From this day of the year ("MM-DD") administrators are warned about country calendars
# with no official holidays or make-up workdays for next year (tickets/sla/official_data.py).
SLA_CALENDAR_WARNING_FROM = env.str("SLA_CALENDAR_WARNING_FROM", default="11-01")
# Outbox delivery: retries back off exponentially; a claimed row's lease outlives a send.
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
OUTBOX_RETRY_BASE_SECONDS = env.float("OUTBOX_RETRY_BASE_SECONDS", default=30.0)
OUTBOX_RETRY_MAX_SECONDS = env.float("OUTBOX_RETRY_MAX_SECONDS", default=3600.0)
OUTBOX_LEASE_SECONDS = env.float("OUTBOX_LEASE_SECONDS", default=300.0)
OUTBOX_MESSAGE_ID_DOMAIN = env.str("OUTBOX_MESSAGE_ID_DOMAIN", default="servicedesk.local")
# Upper bound of one SMTP conversation, well inside the delivery lease.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
CELERY_BEAT_SCHEDULE["api-idempotency-purge"] = {
    "task": "servicedesk.api.tasks.api_idempotency_purge",
    "schedule": 3600.0,
    "options": {"expires": 3000.0, "expire_seconds": 3000},
}

# The monthly complaint analysis for the month just ended [S0 §03]: 00:30 UTC on the 1st
# (08:30 in Asia/Shanghai, when the previous month is complete in local time).
CELERY_BEAT_SCHEDULE["complaints-monthly-analysis"] = {
    "task": "complaints.tasks.complaint_monthly_analysis_task",
    "schedule": crontab(minute=30, hour=0, day_of_month=1),
    "options": {"expires": 12 * 3600.0, "expire_seconds": 12 * 3600},
}
# Value segmentation of every customer [S1 §5.1] (customers/segmentation.py), nightly at
# 18:45 UTC (02:45 in Asia/Shanghai, after the day's purchases are in).
CELERY_BEAT_SCHEDULE["customers-segmentation"] = {
    "task": "customers.tasks.customer_segments_compute_task",
    "schedule": crontab(minute=45, hour=18),
    "options": {"expires": 12 * 3600.0, "expire_seconds": 12 * 3600},
}
# The care programme's daily plan (care/planning.py): return visits and greetings, at
# 01:30 UTC (09:30 in Asia/Shanghai: messages arrive in the morning, tasks for the day).
CELERY_BEAT_SCHEDULE["care-daily-plan"] = {
    "task": "care.tasks.care_day_plan_task",
    "schedule": crontab(minute=30, hour=1),
    "options": {"expires": 12 * 3600.0, "expire_seconds": 12 * 3600},
}
# The lifetime-value review at the start of each quarter [S0 §03] (02:00 UTC on the 1st
# of January, April, July and October); a manager decides its proposals.
CELERY_BEAT_SCHEDULE["customers-ltv-review"] = {
    "task": "customers.tasks.ltv_review_compute_task",
    "schedule": crontab(minute=0, hour=2, day_of_month=1, month_of_year="1,4,7,10"),
    "options": {"expires": 12 * 3600.0, "expire_seconds": 12 * 3600},
}
# Currencies a complaint compensation may be granted in (approval limits are per currency).
COMPENSATION_CURRENCIES = env.list("COMPENSATION_CURRENCIES", default=["CNY", "USD", "EUR", "HKD"])

# The API's conventions (issue 6) live in servicedesk/api/; every app's api/ follows them.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "servicedesk.api.schema.ServiceDeskAutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "servicedesk.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["servicedesk.api.permissions.ScopedPermission"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "servicedesk.api.pagination.StableCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": ["servicedesk.api.throttling.ClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"client": env.str("API_THROTTLE_RATE", default="600/min")},
    # JSON everywhere; endpoints that take files declare MultiPartParser themselves.
    "DEFAULT_PARSER_CLASSES": ["servicedesk.api.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "servicedesk.api.errors.api_exception_handler",
    "NON_FIELD_ERRORS_KEY": "non_field_errors",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "servicedesk API",
    "DESCRIPTION": "REST API for integrations. See servicedesk/api/errors.py for error codes.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "TicketKindEnum": "tickets.models.Kind",
        "MessageKindEnum": "tickets.models.MessageKind",
        "ChannelEnum": "tickets.models.Channel",
        "TicketStatusEnum": "tickets.models.Status",
        "TicketComplexityEnum": "tickets.models.Complexity",
        "ComplaintComplexityEnum": "complaints.models.ComplaintComplexity",
        "CompensationKindEnum": "complaints.models.CompensationKind",
        "CompensationStatusEnum": "complaints.models.CompensationStatus",
        "ComplaintStepEnum": "complaints.api.serializers.STAGE_STEP_CHOICES",
        "ContactMethodEnum": "complaints.models.ContactMethod",
        "PlanStatusEnum": "plans.models.PlanStatus",
        "PlanTaskStatusEnum": "plans.models.TaskStatus",
        "ImprovementMeasureStatusEnum": "plans.models.MeasureStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "servicedesk.api.schema.document_error_codes",
    ],
}
# Webhook deliveries: a short timeout keeps the outbox worker moving; after this many
# consecutive failed deliveries an endpoint is disabled until an administrator re-enables it.
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=5.0)
WEBHOOK_DISABLE_AFTER_FAILURES = env.int("WEBHOOK_DISABLE_AFTER_FAILURES", default=10)
# Webhook receivers may not sit at these addresses (servicedesk/api/receivers.py): checked
# when an endpoint is registered with a literal address and, on every delivery, against
# the address actually connected to. Cloud metadata (169.254.169.254) and the other
# link-local, unspecified, multicast and reserved ranges always; production adds loopback.
# Private ranges (10/8, 192.168/16, …) stay allowed: an on-premises CRM lives there.
WEBHOOK_ALWAYS_DENIED_NETWORKS = [
    "0.0.0.0/8",
    "169.254.0.0/16",
    "224.0.0.0/4",
    "240.0.0.0/4",
    "::/128",
    "fe80::/10",
    "ff00::/8",
]
WEBHOOK_DENIED_NETWORKS = env.list(
    "WEBHOOK_DENIED_NETWORKS", default=WEBHOOK_ALWAYS_DENIED_NETWORKS
)
# Idempotency keys are kept this long (issue 6: 24 h).
API_IDEMPOTENCY_TTL_HOURS = env.int("API_IDEMPOTENCY_TTL_HOURS", default=24)
# Inbound e-mail to this address opens a complaint on the complaint-mailbox channel [S1 §5.3].
COMPLAINT_MAILBOX_ADDRESS = env.str("COMPLAINT_MAILBOX_ADDRESS", default="complaints@localhost")
# A complaint recurs when the same customer complained in the same category this many days
# before (the monthly analysis's recurrence rate) [S0 §03].
COMPLAINT_RECURRENCE_WINDOW_DAYS = env.int("COMPLAINT_RECURRENCE_WINDOW_DAYS", default=90)
# Where customers reach this site: the start of links in e-mails (the survey link).
SERVICEDESK_BASE_URL = env.str("SERVICEDESK_BASE_URL", default="")
# Satisfaction surveys [S1 §2.4]: the link works once, for this many days; an answer with
# any dimension (1–5) at or below SURVEY_LOW_DIMENSION_MAX, or a recommend score (0–10)
# at or below SURVEY_LOW_RECOMMEND_MAX, opens an investigation for the supervisor.
SURVEY_LINK_DAYS = env.int("SURVEY_LINK_DAYS", default=14)
SURVEY_LOW_DIMENSION_MAX = env.int("SURVEY_LOW_DIMENSION_MAX", default=2)
SURVEY_LOW_RECOMMEND_MAX = env.int("SURVEY_LOW_RECOMMEND_MAX", default=6)
# The monthly quality evaluation [S1 §4.2]: tickets drawn at random per agent (besides
# every low-satisfaction and SLA-breached one).
QA_SAMPLE_PER_AGENT = env.int("QA_SAMPLE_PER_AGENT", default=5)
# Honours [S1 §3.3]: Service Star goes to the top agents of the month who handled at least
# this many tickets (ties at the last place all get it); below KPI_COACHING_BELOW an
# agent is flagged for coaching.
SERVICE_STAR_COUNT = env.int("SERVICE_STAR_COUNT", default=3)
SERVICE_STAR_MIN_HANDLED = env.int("SERVICE_STAR_MIN_HANDLED", default=20)
KPI_COACHING_BELOW = env.int("KPI_COACHING_BELOW", default=60)
# The month's scorecards and QA sample at 01:00 UTC on the 1st (09:00 in Asia/Shanghai,
# when the month just ended is complete in local time).
CELERY_BEAT_SCHEDULE["quality-month-end"] = {
    "task": "quality.tasks.quality_month_end_task",
    "schedule": crontab(minute=0, hour=1, day_of_month=1),
    "options": {"expires": 12 * 3600.0, "expire_seconds": 12 * 3600},
}
# Inbound mail (tickets/inbound.py): the largest message accepted (room for an attachment
# of the largest size and its envelope); a larger one, up to INBOUND_MAIL_KEEP_MAX_BYTES,
# is still read and kept verbatim as refused (413); beyond that it is refused unread.
INBOUND_MAIL_MAX_BYTES = env.int("INBOUND_MAIL_MAX_BYTES", default=ATTACHMENT_MAX_BYTES + 2**20)
INBOUND_MAIL_KEEP_MAX_BYTES = env.int("INBOUND_MAIL_KEEP_MAX_BYTES", default=50 * 2**20)
# The raw bytes of every inbound mail, accepted or refused, are kept this long, then
# purged daily (tickets/mail_archive.py): raw mail is personal data.
INBOUND_MAIL_RETENTION_DAYS = env.int("INBOUND_MAIL_RETENTION_DAYS", default=365)
CELERY_BEAT_SCHEDULE["inbound-mail-purge"] = {
    "task": "tickets.tasks.inbound_mail_purge_task",
    "schedule": crontab(minute=15, hour=3),
    "options": {"expires": 12 * 3600.0, "expire_seconds": 12 * 3600},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"line": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "line",
            "filters": ["personal_data"],
        }
    },
    "filters": {
        "refusal": {"()": "servicedesk.log_filters.RefusalWithoutTraceback"},
        "personal_data": {"()": "servicedesk.log_filters.PersonalDataRedaction"},
    },
    "loggers": {"django.request": {"filters": ["refusal"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
if CELERY_BROKER_URL == "filesystem://":
    # The embedded broker has no host by design; kombu would warn of it on every publish.
    LOGGING["loggers"]["kombu.connection"] = {"level": "ERROR"}

# Service plans (plans/): the working calendar of plan tasks and of the case owners'
# daily digest (by name), and how long a customer's acceptance link stays valid.
PLANS_CALENDAR = env.str("PLANS_CALENDAR", default="CN working calendar")
PLANS_ACCEPTANCE_LINK_MAX_AGE_DAYS = env.int("PLANS_ACCEPTANCE_LINK_MAX_AGE_DAYS", default=14)
PLANS_DIGEST_INTERVAL_SECONDS = env.float("PLANS_DIGEST_INTERVAL_SECONDS", default=900.0)
CELERY_BEAT_SCHEDULE["plans-daily-digest"] = {
    "task": "plans.tasks.plan_digests_send_task",
    "schedule": PLANS_DIGEST_INTERVAL_SECONDS,
    "options": {
        "expires": PLANS_DIGEST_INTERVAL_SECONDS * 0.9,
        "expire_seconds": max(1, int(PLANS_DIGEST_INTERVAL_SECONDS * 0.9)),
    },
}
