"""The Content-Security-Policy middleware: django-csp's, with one exception, the admin.

Our pages take styles only from our own files (settings.CONTENT_SECURITY_POLICY). Django's
admin templates carry inline <style> blocks (e.g. the change list without actions) and
its widgets set style attributes, so the admin alone may use inline styles; CSS cannot
run code, and the admin is for administrators only.
"""

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts

INLINE_STYLES = {"style-src": [UNSAFE_INLINE]}


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        match = getattr(request, "resolver_match", None)
        if parts.update is None and match is not None and match.app_name == "admin":
            parts.update = INLINE_STYLES
        return parts
