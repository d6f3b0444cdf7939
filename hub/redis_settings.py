"""The Redis-backed channel layer and cache, as settings (used by hub.settings and tests).

Functions rather than literals so that the tests that start their own Redis run with exactly
the production configuration, pointed at another URL. Nothing here imports Django.
"""

from __future__ import annotations

from redis.asyncio.retry import Retry as AsyncRetry
from redis.backoff import ExponentialWithJitterBackoff, NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.retry import Retry

# channels_redis waits for messages with BZPOPMIN, which blocks on the server for
# RedisChannelLayer.brpop_timeout (5 s). redis-py's default socket timeout is also 5 s, so
# an idle socket's read timed out just as the server answered and the consumer died with
# 1011. The read timeout must clearly exceed the blocking time.
CHANNEL_LAYER_SOCKET_TIMEOUT = 15


def channel_layer_config(url: str, *, prefix: str = "hub:channels") -> dict:
    return {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {
            "hosts": [
                {
                    "address": url,
                    "socket_timeout": CHANNEL_LAYER_SOCKET_TIMEOUT,
                    "socket_connect_timeout": 2,
                    "socket_keepalive": True,
                    # Ping a connection idle this long before using it: a connection that a
                    # restarted Redis dropped is found and replaced, not used to fail.
                    "health_check_interval": 30,
                    # A dropped connection is retried; a timeout is not (Redis is hung).
                    "retry": AsyncRetry(
                        ExponentialWithJitterBackoff(base=0.05, cap=0.5),
                        retries=2,
                        supported_errors=(RedisConnectionError,),
                    ),
                }
            ],
            "prefix": prefix,
            # channels_redis keeps the messages of all the channels a process made with
            # `new_channel()` ("specific.<process>!<socket>") in one sorted set, and checks
            # the capacity against that set: 100 by default for the whole process. A
            # co-editing room and a chat room have one such channel per process for all
            # their sockets (tables.coedit.rooms, hub.websocket.LocalGroups): a burst of
            # typing from ten people, or a hundred people arriving, must not overflow it
            # (the layer drops what is over capacity; rooms heal from the database, later).
            "channel_capacity": {"specific.*": 2000},
        },
    }


def cache_config(url: str, *, key_prefix: str = "hub") -> dict:
    """hub.cache.ResilientRedisCache: a cache failure never fails a request. The timeouts are
    short so that a hung Redis costs a page well under a second before the local fallback."""
    return {
        "BACKEND": "hub.cache.ResilientRedisCache",
        "LOCATION": url,
        "KEY_PREFIX": key_prefix,
        "OPTIONS": {
            "socket_timeout": 0.5,
            "socket_connect_timeout": 0.5,
            "health_check_interval": 30,
            "retry": Retry(NoBackoff(), retries=1, supported_errors=(RedisConnectionError,)),
        },
    }
