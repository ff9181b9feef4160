"""The API's JSON parser: DRF's, refusing documents that parse but are not sound input.

- Nesting: Python's decoder recurses once per level, so about a thousand levels raise
  RecursionError (a 500), and a few hundred still reach serializers, the error flattener
  and the JSON columns. No request body of this API nests more than a few levels;
  anything past MAX_JSON_DEPTH is a parse error.
- Unpaired surrogates: JSON may escape half of a UTF-16 pair (`"\\ud800"`); Python
  decodes it into a string that cannot be encoded again, so echoing it in an error (or
  storing it) failed with UnicodeEncodeError (a 500). It is not text; a parse error.
"""

import re

from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_JSON_DEPTH = 32
MSG_TOO_DEEP = _("The JSON body is nested more than %(depth)d levels deep.")
MSG_SURROGATE = _("The JSON body contains an unpaired surrogate escape, which is not text.")

_SURROGATE = re.compile("[\ud800-\udfff]")


def json_document_problem(document, depth_limit: int):
    """The first reason to refuse a parsed document, or None (an iterative walk)."""
    pending = [(document, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                return MSG_SURROGATE
            continue
        if isinstance(value, dict):
            pending.extend((key, depth) for key in value)
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > depth_limit:
            return MSG_TOO_DEEP % {"depth": depth_limit}
        pending.extend((child, depth + 1) for child in children)
    return None


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            document = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(MSG_TOO_DEEP % {"depth": MAX_JSON_DEPTH}) from None
        problem = json_document_problem(document, MAX_JSON_DEPTH)
        if problem is not None:
            raise ParseError(problem)
        return document
