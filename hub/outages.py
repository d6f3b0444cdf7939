"""Logging a backing service's outage without flooding the log.

When Redis stops, every cache call, every broadcast and every open socket fails at once:
hundreds of identical tracebacks a second would bury everything else. An `OutageLog` writes
one warning (with the first error's traceback) when a service starts failing, one summary
a minute while it keeps failing, and one line when it answers again.
"""

from __future__ import annotations

import logging
import threading
import time

SUMMARY_INTERVAL_SECONDS = 60.0


class OutageLog:
    def __init__(self, logger: logging.Logger, service: str):
        self.logger = logger
        self.service = service
        self._lock = threading.Lock()
        self._down_since: float | None = None
        self._last_logged = 0.0
        self._failures_since_logged = 0

    @property
    def is_down(self) -> bool:
        return self._down_since is not None

    def failed(self, error: BaseException, *, during: str) -> None:
        """Record a failure of the service (and log it if nothing was logged lately)."""
        now = time.monotonic()
        with self._lock:
            if self._down_since is None:
                self._down_since = now
                self._last_logged = now
                self._failures_since_logged = 0
                first = True
            else:
                self._failures_since_logged += 1
                if now - self._last_logged < SUMMARY_INTERVAL_SECONDS:
                    return
                first = False
                failures = self._failures_since_logged
                down_for = now - self._down_since
                self._last_logged = now
                self._failures_since_logged = 0
        if first:
            self.logger.warning(
                "%s unavailable (%s): %s: %s",
                self.service,
                during,
                type(error).__name__,
                error,
                exc_info=error,
            )
        else:
            self.logger.warning(
                "%s still unavailable after %.0f s: %d more failures; last (%s): %s: %s",
                self.service,
                down_for,
                failures,
                during,
                type(error).__name__,
                error,
            )

    def recovered(self) -> None:
        """Record a success; logs once if the service had been failing."""
        if self._down_since is None:
            return
        with self._lock:
            if self._down_since is None:
                return
            down_for = time.monotonic() - self._down_since
            self._down_since = None
        self.logger.warning("%s available again after %.1f s", self.service, down_for)
