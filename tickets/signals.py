"""Signals the tickets core sends for apps above it (quality surveys, …) to react to,
without tickets importing them. Receivers run inside the sending service's transaction,
so what they write commits or rolls back with the change that caused it.
"""

from django.dispatch import Signal

# A ticket's service finished: resolved, or closed without a resolution first (reopened
# and resolved again, it is sent again). Arguments: ticket, actor, at.
ticket_resolved = Signal()
