"""Signals the complaint workflow sends for apps above it (quality surveys, …) to react
to, without complaints importing them. Receivers run inside the sending service's
transaction.
"""

from django.dispatch import Signal

# The five steps ended with "closed" (a reopened complaint closing again sends it again).
# Arguments: complaint, actor, at.
complaint_closed = Signal()
