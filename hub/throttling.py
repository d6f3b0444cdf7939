"""API throttles that survive a cache outage.

DRF keeps each caller's request history in the default cache. When that cache is Redis and
Redis stops, hub.cache.ResilientRedisCache answers from a process-local fallback, so the
history is then counted per process. That is right for anonymous callers (a flood from one
address is still refused, by each process on its own) but not for signed-in people and
association tokens, whose quota would shrink or reset unpredictably while they save their
baskets: for them a throttle fails open until the shared cache is back.
"""

from __future__ import annotations

from rest_framework import throttling


def shared_cache_available(cache) -> bool:
    """False when the cache says its shared store is down (caches without the notion are up)."""
    is_available = getattr(cache, "is_available", None)
    return True if is_available is None else bool(is_available())


def _signed_in(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class ResilientThrottleMixin:
    """Fail open for signed-in callers while the shared cache is down; count others locally."""

    def allow_request(self, request, view):
        if _signed_in(request) and not shared_cache_available(self.cache):
            return True
        allowed = super().allow_request(request, view)
        if not allowed and _signed_in(request) and not shared_cache_available(self.cache):
            # The cache failed during this very check: the history read was the local one.
            return True
        return allowed


class AnonRateThrottle(ResilientThrottleMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(ResilientThrottleMixin, throttling.UserRateThrottle):
    pass
