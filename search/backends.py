"""The search interface: one adapter, two engines, and the way from one to the other.

The database engine (search.database) is the embedded default and always holds every
document. With MEILISEARCH_URL set, Meilisearch (search.meili) answers the queries; when
it cannot (unreachable, slower than its timeout, a server error), the hub logs it, marks it
unhealthy for UNHEALTHY_SECONDS (queries skip it meanwhile, so a dead server does not cost
each of them the timeout) and answers from the database engine, saying so in the result
(`degraded`). A person never gets a 500 or a Meilisearch error for it.

Views, API and templates call search.selectors and never know which engine answered.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING

from django.conf import settings

from search.database import DatabaseEngine
from search.errors import EngineError, EngineUnavailable
from search.query import SearchQuery, SearchResult

if TYPE_CHECKING:
    from search.meili import MeilisearchEngine

logger = logging.getLogger("search")

UNHEALTHY_SECONDS = 30.0

_lock = threading.Lock()
_unhealthy_until = 0.0


@cache
def database_engine() -> DatabaseEngine:
    return DatabaseEngine()


@cache
def meilisearch_engine() -> MeilisearchEngine | None:
    """The Meilisearch engine when MEILISEARCH_URL is set, else None."""
    if not settings.MEILISEARCH_URL:
        return None
    # Imported here: the Meilisearch client (and pydantic under it) is a tenth of a second
    # of every process's start, for nothing with the embedded default.
    from search.meili import MeilisearchEngine

    return MeilisearchEngine(
        settings.MEILISEARCH_URL,
        settings.MEILISEARCH_API_KEY,
        settings.MEILISEARCH_INDEX_PREFIX,
        timeout=settings.MEILISEARCH_TIMEOUT_SECONDS,
    )


def get_backend():
    """The engine that answers queries when all is well."""
    return meilisearch_engine() or database_engine()


def mark_unhealthy(reason: str) -> None:
    global _unhealthy_until
    with _lock:
        already = _unhealthy_until > time.monotonic()
        _unhealthy_until = time.monotonic() + UNHEALTHY_SECONDS
    if not already:
        logger.warning(
            "Meilisearch unavailable (%s): queries answered by the database engine for %ds",
            reason,
            UNHEALTHY_SECONDS,
        )


def mark_healthy() -> None:
    global _unhealthy_until
    with _lock:
        _unhealthy_until = 0.0


def is_marked_unhealthy() -> bool:
    return _unhealthy_until > time.monotonic()


def search(query: SearchQuery, scopes: Sequence[str]) -> SearchResult:
    """The result of the query for someone with these scopes, from Meilisearch when it can
    answer, else from the database engine (`degraded`)."""
    engine = meilisearch_engine()
    if engine is not None and not is_marked_unhealthy():
        try:
            return engine.search(query, scopes)
        except EngineUnavailable as error:
            mark_unhealthy(str(error))
        except EngineError:
            # A request Meilisearch refused is a bug here: logged with its details, never
            # shown (the person gets the database engine's answer).
            logger.exception("Meilisearch refused a search; answered by the database engine")
    result = database_engine().search(query, scopes)
    return replace(result, degraded=engine is not None)


@dataclass(frozen=True)
class Health:
    ok: bool
    degraded: bool
    backend: str
    detail: str


def health() -> Health:
    """Whether search answers, and from which engine (for /healthz)."""
    engine = meilisearch_engine()
    if engine is not None:
        try:
            engine.ping()
            mark_healthy()
            return Health(True, False, engine.name, "ping")
        except EngineError as error:
            mark_unhealthy(str(error))
            reason = str(error)
    try:
        database_engine().ping()
    except Exception as error:
        return Health(False, False, "database", f"{type(error).__name__}: {error}")
    if engine is None:
        return Health(True, False, "database", "documents table")
    return Health(
        True,
        True,
        "database",
        f"Meilisearch unreachable ({reason[:200]}): queries answered by the database engine",
    )


def _reset_on_setting_change(*, setting, **kwargs):
    if setting.startswith("MEILISEARCH_"):
        meilisearch_engine.cache_clear()
        mark_healthy()
