"""Who is writing on a ticket right now, so a colleague about to answer the same customer
is warned ("Li Lei is replying").

The composer beats (htmx, throttled) while its owner types; the beat keeps the writer in
the cache for TICKET_PRESENCE_SECONDS. Everyone on the ticket page polls the list. The
cache is Redis in production (CACHE_URL) and the process's memory in development; a lost
entry costs one missed warning for a few seconds, never a wrong write, so no lock.
"""

import time

from django.conf import settings
from django.core.cache import cache

from servicedesk.templatetags.desk import person


def _key(ticket_id: int) -> str:
    return f"tickets:composing:{ticket_id}"


def _live(entries: dict, now: float) -> dict:
    return {user_id: entry for user_id, entry in entries.items() if entry[1] > now}


def presence_beat(*, ticket_id: int, user) -> None:
    """`user` is writing on the ticket now."""
    now = time.time()
    ttl = settings.TICKET_PRESENCE_SECONDS
    profile = getattr(user, "staff_profile", None)
    name = person(user) if profile is None else (user.get_full_name() or str(profile))
    entries = _live(cache.get(_key(ticket_id)) or {}, now)
    entries[user.pk] = (name, now + ttl)
    cache.set(_key(ticket_id), entries, timeout=ttl)


def presence_leave(*, ticket_id: int, user) -> None:
    """`user` sent what they wrote: no longer writing."""
    entries = cache.get(_key(ticket_id)) or {}
    if entries.pop(user.pk, None) is not None:
        cache.set(_key(ticket_id), entries, timeout=settings.TICKET_PRESENCE_SECONDS)


def colleagues_writing(*, ticket_id: int, user) -> list[str]:
    """The names of the others writing on the ticket now (not `user`)."""
    entries = _live(cache.get(_key(ticket_id)) or {}, time.time())
    return sorted(name for user_id, (name, _until) in entries.items() if user_id != user.pk)
