"""A Redis cache that never fails a request.

The cache is an optimisation: a page, a feed or a throttle must work with Redis stopped.
`ResilientRedisCache` is Django's RedisCache with every operation guarded:

- a Redis error is logged (rate-limited, see hub.outages) and the operation is answered by a
  process-local fallback (a LocMemCache) instead: pages and feeds are still cached per
  process, and the rate limits that live in the cache (DRF throttles, allauth's login
  limits) keep counting per process, so an anonymous flood is still refused;
- after an error, Redis is left alone for `RETRY_AFTER_SECONDS` (a circuit breaker: a
  stopped Redis costs each request nothing, not one failed connection per cache call), then
  the next operation tries it again; once Redis answers, the fallback is emptied so that no
  stale local copy outlives the outage;
- entries written to the fallback live at most `FALLBACK_MAX_SECONDS`, which bounds how long
  another process may serve a copy whose invalidation it could not see.

`is_available()` tells callers that care (hub.throttling) whether the shared cache is in use.

Django creates a cache backend per thread and per asynchronous context, which under ASGI
means one per request. The circuit, the fallback's storage, the outage log and the Redis
client (its connection pool) are therefore kept per process, shared by every instance with
the same servers and key prefix: one failure opens the circuit for all requests, and
requests reuse pooled connections instead of each opening its own.

Configure with the usual CACHES entry; OPTIONS go to redis-py's connection pool, as with
Django's RedisCache (keep socket timeouts short: a hung Redis must not hang pages).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

from hub.outages import OutageLog

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 2.0
FALLBACK_MAX_SECONDS = 300
FALLBACK_MAX_ENTRIES = 1000


@dataclass
class _Shared:
    """What every instance of one configuration shares within the process."""

    outage: OutageLog
    fallback_name: str
    client: object = None
    down_until: float = 0.0
    client_lock: threading.Lock = field(default_factory=threading.Lock)


_shared: dict[tuple, _Shared] = {}
_shared_lock = threading.Lock()


class _ReusedClients(RedisCacheClient):
    """Django's client makes a new redis.Redis for every operation, and building one (its
    table of reply callbacks) costs more than a round trip to a local Redis; a redis.Redis
    is safe to share between threads (each command takes a connection from the pool), so
    each pool gets one, made once."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(
                    self._servers[index], **self._pool_options
                )
            pool = self._pools[index]
            client = self._clients.setdefault(index, self._client(connection_pool=pool))
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusedClients
        self.retry_after = float(params.get("RETRY_AFTER_SECONDS", RETRY_AFTER_SECONDS))
        identity = (tuple(self._servers), self.key_prefix)
        with _shared_lock:
            shared = _shared.get(identity)
            if shared is None:
                shared = _Shared(
                    outage=OutageLog(logger, f"cache at {', '.join(self._servers)}"),
                    fallback_name=f"hub-cache-fallback-{len(_shared)}",
                )
                _shared[identity] = shared
        self._shared = shared
        fallback_params = {
            key: params[key]
            for key in ("KEY_PREFIX", "VERSION", "KEY_FUNCTION", "TIMEOUT")
            if key in params
        }
        fallback_params["OPTIONS"] = {"MAX_ENTRIES": FALLBACK_MAX_ENTRIES}
        # LocMemCache keeps its entries per name, process-wide: every instance sees the same.
        self._fallback = LocMemCache(shared.fallback_name, fallback_params)

    @property
    def _cache(self):
        """The Redis client, one per process for this configuration (Django's is per instance)."""
        shared = self._shared
        if shared.client is None:
            with shared.client_lock:
                if shared.client is None:
                    shared.client = self._class(self._servers, **self._options)
        return shared.client

    def is_available(self) -> bool:
        """False while Redis is considered down (after an error, for `retry_after` s)."""
        return time.monotonic() >= self._shared.down_until

    def _guarded(self, operation: str, redis_call, fallback_call):
        if self.is_available():
            try:
                result = redis_call()
            except RedisError as error:
                self._shared.down_until = time.monotonic() + self.retry_after
                self._shared.outage.failed(error, during=operation)
            else:
                if self._shared.outage.is_down:
                    self._fallback.clear()
                    self._shared.outage.recovered()
                return result
        return fallback_call()

    def _fallback_timeout(self, timeout):
        if timeout is DEFAULT_TIMEOUT:
            timeout = self.default_timeout
        return FALLBACK_MAX_SECONDS if timeout is None else min(timeout, FALLBACK_MAX_SECONDS)

    def count(self, timeouts: dict[str, int], version=None) -> dict[str, int]:
        """Add one to each counter, one created at 1 living `timeout` seconds, in one round
        trip (Django's add then incr takes three per counter: SET NX, EXISTS, INCR). What the
        rate limits of hub.abuse count with."""

        def redis_call():
            keys = [self.make_and_validate_key(key, version=version) for key in timeouts]
            with self._cache.get_client(write=True).pipeline(transaction=False) as pipe:
                for key, timeout in zip(keys, timeouts.values(), strict=True):
                    pipe.set(key, 0, ex=timeout, nx=True)
                    pipe.incr(key)
                results = pipe.execute()
            return dict(zip(timeouts, results[1::2], strict=True))

        return self._guarded(
            "count", redis_call, lambda: count_each(self._fallback, timeouts, version)
        )

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(
            "add",
            lambda: super(ResilientRedisCache, self).add(key, value, timeout, version),
            lambda: self._fallback.add(key, value, self._fallback_timeout(timeout), version),
        )

    def get(self, key, default=None, version=None):
        return self._guarded(
            "get",
            lambda: super(ResilientRedisCache, self).get(key, default, version),
            lambda: self._fallback.get(key, default, version),
        )

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(
            "set",
            lambda: super(ResilientRedisCache, self).set(key, value, timeout, version),
            lambda: self._fallback.set(key, value, self._fallback_timeout(timeout), version),
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(
            "touch",
            lambda: super(ResilientRedisCache, self).touch(key, timeout, version),
            lambda: self._fallback.touch(key, self._fallback_timeout(timeout), version),
        )

    def delete(self, key, version=None):
        return self._guarded(
            "delete",
            lambda: super(ResilientRedisCache, self).delete(key, version),
            lambda: self._fallback.delete(key, version),
        )

    def get_many(self, keys, version=None):
        keys = list(keys)
        return self._guarded(
            "get_many",
            lambda: super(ResilientRedisCache, self).get_many(keys, version),
            lambda: self._fallback.get_many(keys, version),
        )

    def has_key(self, key, version=None):
        return self._guarded(
            "has_key",
            lambda: super(ResilientRedisCache, self).has_key(key, version),
            lambda: self._fallback.has_key(key, version),
        )

    def incr(self, key, delta=1, version=None):
        return self._guarded(
            "incr",
            lambda: super(ResilientRedisCache, self).incr(key, delta, version),
            lambda: self._fallback.incr(key, delta, version),
        )

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(
            "set_many",
            lambda: super(ResilientRedisCache, self).set_many(data, timeout, version),
            lambda: self._fallback.set_many(data, self._fallback_timeout(timeout), version),
        )

    def delete_many(self, keys, version=None):
        keys = list(keys)
        return self._guarded(
            "delete_many",
            lambda: super(ResilientRedisCache, self).delete_many(keys, version),
            lambda: self._fallback.delete_many(keys, version),
        )

    def clear(self):
        self._fallback.clear()
        return self._guarded(
            "clear", lambda: super(ResilientRedisCache, self).clear(), lambda: False
        )


def count_each(cache, timeouts: dict[str, int], version=None) -> dict[str, int]:
    """ResilientRedisCache.count() on any Django cache, a counter at a time."""
    counts = {}
    for key, timeout in timeouts.items():
        cache.add(key, 0, timeout=timeout, version=version)
        try:
            counts[key] = cache.incr(key, version=version)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=timeout, version=version)
            counts[key] = 1
    return counts
