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
