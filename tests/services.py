"""Reaching the real services tests need, and skipping (or failing) when they are missing.

Tests that need PostgreSQL, Redis, Meilisearch, Chromium or Node use them when reachable
and skip with a reason when not. Under REQUIRE_SERVICES=1 (CI) a missing service fails the
test instead: nothing that CI is meant to check can be skipped there.
"""

from __future__ import annotations

import os
import shutil
import socket
from urllib.parse import urlsplit

import pytest

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES", "").strip().lower() in {"1", "true", "yes"}

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def skip_or_fail(reason: str):
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 and a required service is missing: {reason}")
    pytest.skip(reason)


def reachable(url: str, default_port: int, timeout: float = 1.0) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or default_port), timeout):
            return True
    except OSError:
        return False


def require_redis() -> str:
    if not reachable(REDIS_URL, 6379):
        skip_or_fail(f"Redis is not reachable at {REDIS_URL}")
    return REDIS_URL


def require_postgres(connection) -> None:
    if connection.vendor != "postgresql":
        skip_or_fail(
            "this test needs PostgreSQL: run the suite with "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/test"
        )


def require_executable(name: str, path_hint: str | None = None) -> str:
    found = path_hint if path_hint and os.path.exists(path_hint) else shutil.which(name)
    if not found:
        skip_or_fail(f"{name} is not installed (scripts/install-browser.sh installs it)")
    return found
