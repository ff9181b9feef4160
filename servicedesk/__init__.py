"""servicedesk: tickets from every channel, graded complaints, enforced SLAs."""

from .celery import app as celery_app

__all__ = ("celery_app",)
