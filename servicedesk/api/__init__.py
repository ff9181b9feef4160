"""The REST API's shared conventions: errors, tokens, scopes, idempotency, ETags, paging.

Each app's `api/` package builds on these; the router lives in `servicedesk/api/urls.py`.
"""
