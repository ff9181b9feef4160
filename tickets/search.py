"""The queue's search box: words found in a ticket's subject, description, messages or
customer name (every word must be found), or the ticket's number with or without its prefix.

On PostgreSQL each word is first narrowed by GIN indexes over the texts' two-character
pieces (search_bigrams, tickets migration 0006), which work for Chinese, whose words are
mostly two characters; a case-insensitive LIKE then decides. bench/search.py compares
this with pg_trgm. The embedded SQLite database runs the LIKE alone.
"""

import re

from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import BooleanField, F, Func, Q, QuerySet, TextField, Value

from .models import Ticket, TicketMessage

# Words beyond this many add nothing a person means and cost one more index lookup each.
MAX_WORDS = 8
# "SD-000123", "sd000123", "000123", "123": a ticket's number as people type it.
_TICKET_NUMBER = re.compile(r"^(?:sd-?)?0*(\d{1,12})$", re.IGNORECASE)


def ticket_number(text: str) -> int | None:
    found = _TICKET_NUMBER.match(text.strip())
    return int(found.group(1)) if found and int(found.group(1)) > 0 else None


def search_words(text: str) -> list[str]:
    words = []
    for word in text.split():
        if word.lower() not in (seen.lower() for seen in words):
            words.append(word)
    return words[:MAX_WORDS]


class _Bigrams(Func):
    function = "search_bigrams"
    output_field = ArrayField(TextField())


class _HasBigramsOf(Func):
    """search_bigrams(column) @> search_bigrams(word): answered by the column's GIN index."""

    template = "%(expressions)s"
    arg_joiner = " @> "
    output_field = BooleanField()

    def __init__(self, column: str, word: str):
        super().__init__(_Bigrams(F(column)), _Bigrams(Value(word)))


def _narrowed(word: str, *columns: str) -> Q:
    """The index step for a word on PostgreSQL (nothing to narrow for one character)."""
    if connection.vendor != "postgresql" or len(word) < 2:
        return Q()
    narrowed = Q()
    for column in columns:
        narrowed |= Q(_HasBigramsOf(column, word))
    return narrowed


def _tickets_with_word(word: str) -> QuerySet:
    """Ids of the tickets whose subject, description, any message or customer name
    contains the word. The bigram test only narrows (one BitmapOr); LIKE decides — kept
    apart, since inside each OR branch PostgreSQL recomputed the bigrams of every row."""
    in_ticket = (
        Ticket.objects.filter(_narrowed(word, "subject", "description"))
        .filter(Q(subject__icontains=word) | Q(description__icontains=word))
        .order_by()
        .values("pk")
    )
    in_messages = (
        TicketMessage.objects.filter(_narrowed(word, "body"), body__icontains=word)
        .order_by()
        .values("ticket_id")
    )
    by_customer = Ticket.objects.filter(customer__name__icontains=word).order_by().values("pk")
    return in_ticket.union(in_messages, by_customer)


def search_condition(text: str) -> Q:
    """The filter for what was typed in the search box (no condition for blank text)."""
    text = text.strip()
    words = search_words(text)
    if not words:
        return Q()
    every_word = Q()
    for word in words:
        every_word &= Q(pk__in=_tickets_with_word(word))
    condition = every_word | Q(order_number__iexact=text) | Q(reference__iexact=text)
    number = ticket_number(text)
    if number is not None:
        condition |= Q(reference=Ticket.reference_for(number))
    return condition
