"""hub.cache.ResilientRedisCache against a Redis of the test's own, stopped and restarted."""

from __future__ import annotations

import logging
import threading
import time
import uuid

import pytest
import redis

from hub.cache import FALLBACK_MAX_SECONDS, ResilientRedisCache
from hub.redis_settings import cache_config
from tests.redis_server import RedisServer

RETRY_AFTER = 0.2


@pytest.fixture
def server():
    running = RedisServer().start()
    yield running
    running.close()


def make_cache(url: str, prefix: str) -> ResilientRedisCache:
    config = {**cache_config(url, key_prefix=prefix), "RETRY_AFTER_SECONDS": RETRY_AFTER}
    config.pop("BACKEND")
    return ResilientRedisCache(config.pop("LOCATION"), config)


def wait_for_retry_window():
    # Not a timing assertion: the circuit stays open this long by configuration.
    time.sleep(RETRY_AFTER * 1.5)


@pytest.fixture
def cache(server):
    return make_cache(server.url, f"t-{uuid.uuid4().hex[:8]}")


def test_values_go_to_redis_while_it_answers(server, cache):
    cache.set("famiglie", {"Bruino": 3}, 30)
    assert cache.get("famiglie") == {"Bruino": 3}
    assert redis.Redis.from_url(server.url).keys(f"{cache.key_prefix}:*")
    assert cache.is_available()


def test_a_stopped_redis_fails_no_call_and_is_logged_once(server, cache, caplog):
    cache.set("before", 1, 30)
    server.stop()
    with caplog.at_level(logging.WARNING, logger="hub.cache"):
        # Every operation answers, from the process-local fallback.
        assert cache.get("before") is None
        assert cache.add("lock", True, 10) is True
        assert cache.add("lock", True, 10) is False
        cache.set("feed", b"BEGIN:VCALENDAR", 60)
        assert cache.get("feed") == b"BEGIN:VCALENDAR"
        assert cache.get_many(["feed", "nothing"]) == {"feed": b"BEGIN:VCALENDAR"}
        assert cache.set_many({"a": 1, "b": 2}, 60) == []
        assert cache.incr("a") == 2
        assert cache.has_key("b") and cache.touch("b", 30)
        cache.delete_many(["a", "b"])
        assert cache.delete("feed") is True
        assert cache.get_or_set("computed", lambda: 42, 60) == 42
        for _ in range(100):
            cache.get("again")
    assert cache.is_available() is False
    warnings = [record for record in caplog.records if record.name == "hub.cache"]
    assert len(warnings) == 1, [record.getMessage() for record in warnings]
    assert "unavailable" in warnings[0].getMessage()


def test_after_the_retry_window_redis_is_used_again_and_the_fallback_dropped(server, cache, caplog):
    server.stop()
    cache.set("local-only", "stale", 60)
    assert cache.get("local-only") == "stale"
    server.start()
    wait_for_retry_window()
    with caplog.at_level(logging.WARNING, logger="hub.cache"):
        assert cache.get("local-only") is None  # from Redis, which never had it
    assert cache.is_available()
    assert "available again" in caplog.records[-1].getMessage()
    cache.set("shared", "yes", 30)
    assert redis.Redis.from_url(server.url).exists(cache.make_key("shared")) == 1
    server.stop()
    wait_for_retry_window()
    # A second outage starts with an empty fallback: nothing from the first one lingers.
    assert cache.get("local-only") is None


def test_instances_of_one_configuration_share_the_circuit_the_fallback_and_the_client(
    server,
):
    """Django makes a backend per thread (per request under ASGI): they must agree."""
    prefix = f"t-{uuid.uuid4().hex[:8]}"
    first = make_cache(server.url, prefix)
    made_in_thread = []
    thread = threading.Thread(target=lambda: made_in_thread.append(make_cache(server.url, prefix)))
    thread.start()
    thread.join()
    second = made_in_thread[0]
    assert first._cache is second._cache
    server.stop()
    first.set("seen-by-both", 1, 60)  # fails over; opens the circuit for both
    assert second.is_available() is False
    assert second.get("seen-by-both") == 1


def test_fallback_entries_live_at_most_a_few_minutes(server, cache):
    server.stop()
    cache.get("trip-the-circuit")
    cache.set("forever", 1, None)
    expiry = cache._fallback._expire_info[cache._fallback.make_key("forever")]
    assert expiry <= time.time() + FALLBACK_MAX_SECONDS


def test_counters_count_in_one_round_trip_and_on_the_fallback(server, cache):
    """What the rate limits (hub.abuse) count with: created at 1 with their lifetime, then
    one more each call; Django's own counters (incr) read them; without Redis they count
    on the fallback."""
    client = redis.Redis.from_url(server.url)
    assert cache.count({"ip": 60, "shop": 120}) == {"ip": 1, "shop": 1}
    assert cache.count({"ip": 60}) == {"ip": 2}
    assert cache.get("ip") == 2 and cache.incr("shop") == 2
    ttl = client.ttl(cache.make_and_validate_key("shop"))
    assert 0 < ttl <= 120
    # An existing counter keeps its lifetime: the window does not slide with each event.
    client.expire(cache.make_and_validate_key("ip"), 5)
    cache.count({"ip": 60})
    assert client.ttl(cache.make_and_validate_key("ip")) <= 5
    server.stop()
    assert cache.count({"ip": 60}) == {"ip": 1}  # the fallback starts afresh
    assert cache.count({"ip": 60}) == {"ip": 2}
    assert cache.is_available() is False
