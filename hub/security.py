"""Browser-side security of the hub: Content-Security-Policy and the admin's single sign-in.

Content-Security-Policy (django-csp, configured in settings.CONTENT_SECURITY_POLICY):

- The public pages get a strict policy: scripts only from the hub itself or carrying the
  request's nonce (`<script nonce="{{ request.csp_nonce }}">`), no inline event handlers, no
  `eval`, no plugins, no third-party frames except the video providers that embeds use.
- Wagtail 8's admin (everything under /admin/) still renders inline `<script>` blocks (date
  pickers, choosers, inline panels), so its policy allows `'unsafe-inline'` for scripts there
  only; `eval` stays forbidden (tests/e2e/test_csp.py drives the admin without it). The admin
  is reached only by people with admin access, and Wagtail escapes what editors write.
- WebSockets: `connect-src` names the request's own host with ws:/wss:, because not every
  browser lets `'self'` cover WebSocket URLs.

The Wagtail admin signs people in through allauth (throttled, verified e-mail required):
`admin_login_redirect` answers Wagtail's own login and password-reset URLs, which come first in
hub.urls, so Wagtail's login form can no longer be reached or posted to.
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

# Wagtail 8's admin is not CSP-clean: its widgets and panels start from inline scripts.
ADMIN_PATH_PREFIX = "/admin/"
ADMIN_SCRIPT_SRC = ["'self'", "'unsafe-inline'"]


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's relaxation and the request's WebSocket origin."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only:
            return parts
        try:
            host = request.get_host()
        except DisallowedHost:
            host = None  # already answered 400; no WebSocket origin to allow
        if host:
            websocket_origins = [f"wss://{host}"] + (
                [] if request.is_secure() else [f"ws://{host}"]
            )
            update = dict(parts.update or {})
            update["connect-src"] = [*(update.get("connect-src") or []), *websocket_origins]
            parts.update = update
        if request.path_info.startswith(ADMIN_PATH_PREFIX):
            # A nonce would make browsers ignore 'unsafe-inline': the admin gets neither.
            parts.replace = {**(parts.replace or {}), "script-src": ADMIN_SCRIPT_SRC}
            parts.nonce = None
        return parts


def admin_login_redirect(request: HttpRequest) -> HttpResponseRedirect:
    """Wagtail's login (and password reset) → allauth's, keeping a safe `next`."""
    target = "account_reset_password" if "password_reset" in request.path_info else "account_login"
    url = reverse(target)
    next_url = request.GET.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        url = f"{url}?{urlencode({'next': next_url})}"
    elif target == "account_login":
        url = f"{url}?{urlencode({'next': reverse('wagtailadmin_home')})}"
    return HttpResponseRedirect(url)
