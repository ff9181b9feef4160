# The production image: gunicorn web, Celery worker and beat all run from it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=servicedesk.settings_production

# WeasyPrint needs Pango; Chinese PDFs need a CJK font.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk curl \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml ./
RUN pip install --upgrade pip && pip install .
COPY . .
RUN DJANGO_SECRET_KEY=build-only-$(python -c "print('x'*60)") DJANGO_ALLOWED_HOSTS=build \
    CUSTOMER_DATA_KEYS=$(python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())") \
    CUSTOMER_LOOKUP_KEY=build-only-$(python -c "print('x'*40)") \
    DATABASE_URL=postgres://build/build CELERY_BROKER_URL=redis://build:6379/0 \
    python manage.py collectstatic --noinput \
    && python manage.py compilemessages_portable \
    && useradd --system --home /app servicedesk \
    && mkdir -p /app/var/media && chown -R servicedesk /app/var

USER servicedesk
EXPOSE 8000
# Workers, worker class, keep-alive and recycling: gunicorn.conf.py (GUNICORN_* to override).
CMD ["gunicorn", "servicedesk.wsgi:application"]
