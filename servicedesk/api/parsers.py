"""The API's JSON parser: DRF's, with a bound on how deeply a body may nest.

Python's decoder recurses once per level: about a thousand levels raise RecursionError
(a 500), and a few hundred still reach serializers, the error flattener and the JSON
columns. No request body of this API nests more than a few levels, so anything past
MAX_JSON_DEPTH is refused as a parse error before a serializer sees it.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_JSON_DEPTH = 32
MSG_TOO_DEEP = _("The JSON body is nested more than %(depth)d levels deep.")


def json_depth_exceeds(document, limit: int) -> bool:
    """Whether `document` nests arrays/objects more than `limit` levels (iteratively)."""
    pending = [(document, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children)
    return False


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        too_deep = ParseError(MSG_TOO_DEEP % {"depth": MAX_JSON_DEPTH})
        try:
            document = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise too_deep from None
        if json_depth_exceeds(document, MAX_JSON_DEPTH):
            raise too_deep
        return document
