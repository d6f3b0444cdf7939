"""With REDIS_URL, the channel layer, task broker and cache use a real Redis."""

import uuid

import pytest
from channels_redis.core import RedisChannelLayer

pytestmark = pytest.mark.redis


async def test_group_messages_reach_consumers_of_another_worker(redis_url):
    prefix = f"hub-test-{uuid.uuid4().hex[:8]}"
    # Two layer instances stand for two ASGI worker processes sharing one Redis.
    worker_a = RedisChannelLayer(hosts=[redis_url], prefix=prefix)
    worker_b = RedisChannelLayer(hosts=[redis_url], prefix=prefix)
    try:
        channel = await worker_b.new_channel()
        await worker_b.group_add("gaf.round.7", channel)
        await worker_a.group_send("gaf.round.7", {"type": "order.updated", "id": 41})
        message = await worker_b.receive(channel)
        assert message == {"type": "order.updated", "id": 41}
    finally:
        await worker_b.flush()
        await worker_a.close_pools()
        await worker_b.close_pools()


def test_task_broker_round_trip(redis_url):
    from django_q.brokers.redis_broker import Redis
    from django_q.conf import Conf

    saved = Conf.REDIS
    Conf.REDIS = redis_url
    try:
        broker = Redis(list_key=f"hub-test-{uuid.uuid4().hex[:8]}")
        assert broker.ping()
        broker.enqueue("signed-task-payload")
        assert broker.queue_size() == 1
        [(task_id, payload)] = broker.dequeue()
        assert payload == b"signed-task-payload"
        broker.acknowledge(task_id)
        broker.delete_queue()
    finally:
        Conf.REDIS = saved


def test_cache_round_trip(redis_url):
    from django.core.cache.backends.redis import RedisCache

    cache = RedisCache(redis_url, {"KEY_PREFIX": f"hub-test-{uuid.uuid4().hex[:8]}"})
    cache.set("famiglie", {"Bruino": 3}, timeout=30)
    assert cache.get("famiglie") == {"Bruino": 3}
    cache.delete("famiglie")
    assert cache.get("famiglie") is None
