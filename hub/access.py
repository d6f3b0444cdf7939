"""The access policy registry: every HTTP and WebSocket route declares who may use it.

Routes are declared where they are defined:

    access.route("healthz", views.healthz, name="healthz", policy=access.PUBLIC)
    access.declare_prefix("admin/", access.WAGTAIL_ADMIN)      # a third-party include
    access.ws_route("ws/notifications/", NotificationsConsumer.as_asgi(), policy=...)

The registry is enforced, not only documented: AccessPolicyMiddleware checks the declared
policy of every resolved HTML route (deny by default: a route without a policy answers 403),
the DRF permission class `DeclaredPolicyPermission` checks API routes after DRF has
authenticated the request (session or token), and `PolicyGuard` wraps every WebSocket
consumer. Object-level rules (a family sees only its own order) are answered by each app's
`rules.py`; routes whose access depends on the object declare `object_policy(...)`, which
requires a signed-in user here and names the rule the view must ask.

tests/hub/test_access.py walks the URL resolver and the WebSocket router and fails for any
route that has no declared policy.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path as django_path
from django.urls import re_path as django_re_path
from django.utils.translation import gettext as _

from hub.rules import is_person

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Policy:
    """Who may use a route. `check(user)` answers at route level; None delegates the decision."""

    key: str
    description: str
    check: Callable | None = field(default=None, compare=False)
    requires_login: bool = False
    object_rule: str | None = None

    def allows(self, user) -> bool:
        return True if self.check is None else bool(self.check(user))


def _is_authenticated(user) -> bool:
    return is_person(user)


def _is_staff(user) -> bool:
    return _is_authenticated(user) and (user.is_staff or user.is_superuser)


PUBLIC = Policy("public", "anyone, signed in or not")
AUTHENTICATED = Policy(
    "authenticated", "any signed-in user", check=_is_authenticated, requires_login=True
)
STAFF = Policy("staff", "network staff (is_staff)", check=_is_staff, requires_login=True)


def _may_enter_admin(user) -> bool:
    # Visitors pass: Wagtail sends them to the sign-in page (allauth's). A signed-in person
    # without admin access is refused here, with the hub's 403 page: Wagtail would send them to
    # the sign-in page, which sends signed-in people back to `next`, in a loop.
    if not (user and user.is_authenticated):
        return True
    return _is_authenticated(user) and user.has_perm("wagtailadmin.access_admin")


# Wagtail's admin checks `wagtailadmin.access_admin` and page/collection permissions itself;
# its own login and password-reset URLs redirect to allauth's (hub.security).
WAGTAIL_ADMIN = Policy(
    "wagtail_admin",
    "Wagtail admin: access_admin permission and Wagtail's page permissions",
    check=_may_enter_admin,
)
# Allauth's account pages: each decides itself (login/sign-up for visitors, the rest
# for signed-in users); allauth redirects as appropriate.
ACCOUNT_FLOW = Policy("account_flow", "django-allauth account pages (allauth decides per page)")
# Wagtail's public page tree: published pages are public; pages with a view restriction
# (private, password, groups) are enforced by Wagtail's page privacy.
WAGTAIL_PAGES = Policy("wagtail_pages", "Wagtail pages: public unless the page has a restriction")


def object_policy(rule: str, description: str) -> Policy:
    """Signed-in users only, and the view must ask `rule` (dotted path) about the object."""
    return Policy(
        f"object:{rule}",
        description,
        check=_is_authenticated,
        requires_login=True,
        object_rule=rule,
    )


# --- HTTP registry ----------------------------------------------------------------------------

_by_name: dict[str, Policy] = {}
_by_prefix: list[tuple[str, Policy]] = []


def declare(view_name: str, policy: Policy) -> None:
    existing = _by_name.get(view_name)
    if existing is not None and existing != policy:
        raise ValueError(f"route {view_name!r} already declared with policy {existing.key}")
    _by_name[view_name] = policy


def declare_prefix(route_prefix: str, policy: Policy) -> None:
    """Declare every route below an include whose routes this project does not name itself."""
    if route_prefix in {"", "^"}:
        raise ValueError("a prefix policy must name a prefix; declare the catch-all by name")
    entry = (route_prefix, policy)
    if entry not in _by_prefix:
        _by_prefix.append(entry)


def route(route_str: str, view, *, name: str, policy: Policy, namespace: str = "", regex=False):
    """`django.urls.path` (or `re_path`) that also declares the route's policy."""
    declare(f"{namespace}:{name}" if namespace else name, policy)
    maker = django_re_path if regex else django_path
    return maker(route_str, view, name=name)


def policy_for(view_name: str | None, route_str: str) -> Policy | None:
    if view_name and view_name in _by_name:
        return _by_name[view_name]
    for prefix, policy in _by_prefix:
        if route_str.startswith(prefix):
            return policy
    return None


def policy_for_match(match) -> Policy | None:
    return policy_for(match.view_name if match.url_name else None, match.route or "")


def declared_http_policies() -> dict[str, Policy]:
    return dict(_by_name)


def is_api_path(path: str) -> bool:
    return path.startswith("/api/")


def _denied(request: HttpRequest, policy: Policy | None):
    if policy is None:
        message = _("Questa pagina non ha una regola di accesso dichiarata.")
        logger.error("route without access policy: %s", request.resolver_match.route)
    else:
        message = _("Non hai il permesso di accedere a questa pagina.")
    return permission_denied_response(request, message)


def permission_denied_response(request: HttpRequest, message: str) -> HttpResponse:
    """403 with `message`: JSON under /api/, the 403 page elsewhere."""
    # Imported here: DRF imports this module (through the API authentication classes of
    # its settings) while rest_framework.views, which hub.api_errors needs, is loading.
    from hub.api_errors import json_error

    if is_api_path(request.path_info):
        return json_error(403, message)
    return render(request, "403.html", {"message": message}, status=403)


class AccessPolicyMiddleware:
    """Enforces the declared policy of every resolved HTML route; deny by default."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None:
            return None
        policy = policy_for_match(match)
        if policy is None:
            return _denied(request, None)
        if is_api_path(request.path_info):
            # DRF authenticates tokens after this point: DeclaredPolicyPermission checks it.
            return None
        if policy.allows(request.user):
            return None
        if policy.requires_login and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return _denied(request, policy)


class DeclaredPolicyPermission:
    """DRF permission: the route's declared policy, checked against the DRF-authenticated user."""

    message = None

    def has_permission(self, request, view) -> bool:
        match = request.resolver_match
        policy = policy_for_match(match) if match is not None else None
        if policy is None:
            return False
        return policy.allows(request.user)

    def has_object_permission(self, request, view, obj) -> bool:
        return True


# --- WebSocket registry -----------------------------------------------------------------------

_ws_routes: dict[str, Policy] = {}


class PolicyGuard:
    """ASGI wrapper that lets a WebSocket through only when the route's policy allows the user."""

    def __init__(self, app, policy: Policy, route_str: str):
        self.app = app
        self.policy = policy
        self.route = route_str

    async def __call__(self, scope, receive, send):
        from hub.websocket import CloseCode, ensure_relay_started

        ensure_relay_started()
        user = scope.get("user")
        if not self.policy.allows(user):
            # Accepting the handshake only to refuse it at once would leak nothing more, but
            # a plain close before accept gives the client an HTTP 403 on the upgrade.
            await send({"type": "websocket.close", "code": int(CloseCode.FORBIDDEN)})
            return None
        return await self.app(scope, receive, send)


def ws_route(route_str: str, consumer_app, *, policy: Policy):
    if route_str in _ws_routes and _ws_routes[route_str] != policy:
        raise ValueError(f"WebSocket route {route_str!r} already declared")
    _ws_routes[route_str] = policy
    return django_path(route_str, PolicyGuard(consumer_app, policy, route_str))


def declared_ws_policies() -> dict[str, Policy]:
    return dict(_ws_routes)
