"""When the database cannot serve a request: 503 with Retry-After, never a 500.

PostgreSQL stopped or restarting, the pool's wait for a connection timed out, a connection
broken under a request: Django raises OperationalError or InterfaceError wherever the
database is first touched, which is usually not the view but the session or authentication
middleware. A middleware's process_exception would see only the view's exceptions, so the
answer is given where every uncaught exception ends: the 500 handler (hub.views.server_error)
asks `database_unavailable()` first, and the API's exception handler (hub.api_errors) does
the same for DRF views.

Pages get the hub's look without the database: the 503 template is rendered with a plain
context, without the context processors (the user from the session, Wagtail settings and
messages all read the database).

WebSockets have no status to answer with: `ServiceOutageGuard` closes a socket whose
handshake or consumer meets an unavailable database, or a failing channel layer, with 1013
"try again later".
"""

from __future__ import annotations

import logging
import sqlite3

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from hub import websocket
from hub.outages import OutageLog
from hub.websocket import CHANNEL_LAYER_ERRORS, CloseCode

logger = logging.getLogger(__name__)

# SQLSTATE classes meaning "not now" rather than "wrong request": connection exception,
# insufficient resources (too many connections), operator intervention (shutdown, restart,
# statement timeout) and transaction rollback (serialization failure, deadlock).
TRANSIENT_SQLSTATE_CLASSES = frozenset({"08", "53", "57", "40"})
TRANSIENT_SQLITE_MESSAGES = ("database is locked", "unable to open database file", "disk i/o error")


def database_unavailable(error: BaseException | None) -> bool:
    """Whether `error` says the database cannot serve now (worth a retry), not a bug."""
    if isinstance(error, InterfaceError):
        return True  # the connection was closed under the request
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    sqlstate = getattr(cause, "sqlstate", None)
    if sqlstate:
        return sqlstate[:2] in TRANSIENT_SQLSTATE_CLASSES
    if isinstance(cause, sqlite3.OperationalError):
        return str(cause).lower().startswith(TRANSIENT_SQLITE_MESSAGES)
    # psycopg errors without a SQLSTATE come from the client side: connection refused or
    # lost, server closed the connection, the pool's timeout (psycopg_pool.PoolTimeout).
    return type(cause).__module__.split(".")[0] in {"psycopg", "psycopg_pool"}


def retry_after_seconds() -> int:
    return settings.HUB_UNAVAILABLE_RETRY_AFTER_SECONDS


def api_body() -> dict:
    """The API's error format, with the wait in the same field as a throttled answer's."""
    from hub.api_errors import error_body

    body = error_body(
        "service_unavailable",
        _("Il servizio è momentaneamente non disponibile: riprova tra qualche secondo."),
    )
    body["error"]["retry_after_seconds"] = retry_after_seconds()
    return body


def unavailable_response(request: HttpRequest, error: BaseException) -> HttpResponse:
    """503 with Retry-After: JSON for the API, the hub's page otherwise."""
    from hub.access import is_api_path

    log_unavailable(request, error)
    if is_api_path(request.path_info):
        response = JsonResponse(api_body(), status=503)
    else:
        response = HttpResponse(render_to_string("503.html", page_context(request)), status=503)
    response["Retry-After"] = str(retry_after_seconds())
    add_never_cache_headers(response)
    return response


def page_context(request: HttpRequest) -> dict:
    """What base.html needs, none of it from the database (no `user`, no `messages`)."""
    return {
        "request": request,
        "LANGUAGE_CODE": translation.get_language() or settings.LANGUAGE_CODE,
        "LANGUAGES": settings.LANGUAGES,
        "csrf_token": get_token(request),
        "retry_after": retry_after_seconds(),
    }


def log_unavailable(request: HttpRequest, error: BaseException) -> None:
    # One line, no traceback: during an outage every request ends here.
    logger.warning(
        "Database unavailable, answered 503: %s %s (%s: %s)",
        request.method,
        request.path,
        type(error).__name__,
        str(error).strip().splitlines()[0] if str(error).strip() else "",
    )


# --- WebSockets ------------------------------------------------------------------------------


def _service_outage(error: BaseException) -> str | None:
    """Which backing service `error` says is down ("channel layer", "database"), or None."""
    if database_unavailable(error):
        return "database"
    if isinstance(error, CHANNEL_LAYER_ERRORS):
        return "channel layer"
    return None


_socket_outages = {
    "channel layer": websocket.channel_layer_outage,
    "database": OutageLog(logger, "database (sockets)"),
}


class ServiceOutageGuard:
    """ASGI middleware: a socket that fails on a backing service closes with 1013.

    Without it, an exception from the channel layer (Redis stopped) or from the database
    (PostgreSQL stopped, the pool's wait timed out) escapes the consumer, or the session and
    authentication middleware during the handshake, and the server answers the upgrade with
    HTTP 500 or closes the socket with 1011 "internal error", which tells a client nothing.
    With it, the socket is closed with TRY_AGAIN_LATER (accepted first, if the failure came
    during the handshake, so that the client sees the code rather than a refused upgrade),
    and the client reconnects with backoff. Any other exception is a bug and is re-raised.

    hub.asgi puts it outermost around the whole WebSocket stack; hub.routing also wraps the
    router in it (for tests that drive the router directly). Nested guards are harmless: the
    inner one handles the failure and the outer one sees none.
    """

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            return await self.app(scope, receive, send)
        state = {"accepted": False, "closed": False}

        async def watched_receive():
            message = await receive()
            if message["type"] == "websocket.disconnect":
                state["closed"] = True
            return message

        async def watched_send(message):
            if message["type"] == "websocket.accept":
                state["accepted"] = True
            elif message["type"] == "websocket.close":
                state["closed"] = True
            await send(message)

        try:
            return await self.app(scope, watched_receive, watched_send)
        except Exception as error:
            service = _service_outage(error)
            if service is None:
                raise
            _socket_outages[service].failed(error, during=f"socket {scope.get('path', '?')}")
            if state["closed"]:
                return None
            if not state["accepted"]:
                await send({"type": "websocket.accept"})
            await send({"type": "websocket.close", "code": int(CloseCode.TRY_AGAIN_LATER)})
            return None
