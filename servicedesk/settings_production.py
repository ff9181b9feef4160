"""Production settings: everything secure by default, all values from the environment.

`DJANGO_SETTINGS_MODULE=servicedesk.settings_production manage.py check --deploy` passes
with no warnings given a real DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS.
"""

from django.core.exceptions import ImproperlyConfigured

from .settings import *  # noqa: F403
from .settings import env

DEBUG = False
SECRET_KEY = env.str("DJANGO_SECRET_KEY")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("dev-only"):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be a real secret of 50+ characters.")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
CUSTOMER_DATA_KEYS = env.list("CUSTOMER_DATA_KEYS")
CUSTOMER_LOOKUP_KEY = env.str("CUSTOMER_LOOKUP_KEY")
if DEVELOPMENT_CUSTOMER_DATA_KEY in CUSTOMER_DATA_KEYS:  # noqa: F405
    raise ImproperlyConfigured("CUSTOMER_DATA_KEYS must not contain the development key.")
if CUSTOMER_LOOKUP_KEY == DEVELOPMENT_CUSTOMER_LOOKUP_KEY or len(CUSTOMER_LOOKUP_KEY) < 32:  # noqa: F405
    raise ImproperlyConfigured("CUSTOMER_LOOKUP_KEY must be a real secret of 32+ characters.")

# Persistent connections: a new PostgreSQL connection per request costs more than most
# requests (health-checked before reuse, see settings.py).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)  # noqa: F405

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
EMAIL_BACKEND = env.str(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend"
)
# A receiver on the web server itself could reach what only listens locally.
WEBHOOK_DENIED_NETWORKS = env.list(
    "WEBHOOK_DENIED_NETWORKS",
    default=[*WEBHOOK_ALWAYS_DENIED_NETWORKS, "127.0.0.0/8", "::1/128"],  # noqa: F405
)

# Production never falls back to the embedded SQLite file or filesystem broker.
if not env.str("DATABASE_URL", default="").startswith(("postgres://", "postgresql://")):
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL in production.")
if not env.str("CELERY_BROKER_URL", default="").startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured("CELERY_BROKER_URL must point at Redis in production.")
