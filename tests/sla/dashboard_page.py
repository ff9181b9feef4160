"""The SLA dashboard as a browser with script reads it: the page, then each period figure
its placeholders ask for (htmx GETs with HX-Request), in the page's order."""

import re
from html import unescape

from django.test import Client

FIGURE_SLOT = re.compile(r'hx-get="([^"]+)"[^>]*data-figure-pending="([a-z]+)"')

# The queries of one figure's request: the request's own (session, user, the user's and
# the groups' permissions) and the figure's (see tickets/sla/views.py FIGURES): trend
# (created, resolved, breached) 3, open tickets by age 1, response times (PostgreSQL:
# percentiles in the same aggregate) 1, outcomes by every dimension in one pass and the
# names of their teams 2, pause time per agent 1.
REQUEST_QUERIES = 4
FIGURE_QUERIES = {"trend": 3, "backlog": 1, "times": 1, "outcomes": 2, "pauses": 1}


def figure_urls(html: str) -> dict[str, str]:
    return {name: unescape(url) for url, name in FIGURE_SLOT.findall(html)}


def with_figures(client: Client, page_html: str, assert_num_queries=None, **headers) -> str:
    """The page's HTML with every figure's fragment put in: what the manager sees."""
    fragments = []
    for name, url in figure_urls(page_html).items():
        if assert_num_queries is None:
            response = client.get(url, HTTP_HX_REQUEST="true", **headers)
        else:
            with assert_num_queries(REQUEST_QUERIES + FIGURE_QUERIES[name]):
                response = client.get(url, HTTP_HX_REQUEST="true", **headers)
        assert response.status_code == 200, (name, response.status_code)
        fragments.append(response.content.decode())
    return page_html + "".join(fragments)
