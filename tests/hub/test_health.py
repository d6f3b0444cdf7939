"""GET /healthz reports each backing service; 503 names what is down."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_all_up_answers_200(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["down"] == []
    assert body["degraded"] == []
    assert set(body["checks"]) == {"database", "channel_layer", "task_broker", "search"}
    assert body["checks"]["channel_layer"]["backend"] == "InMemoryChannelLayer"
    assert body["checks"]["search"]["backend"] == "database"
    assert response["Cache-Control"].startswith("max-age=0")


@override_settings(
    CHANNEL_LAYERS={
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # Port 1 on loopback: nothing listens there, the connection is refused.
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
        }
    }
)
def test_unreachable_channel_layer_answers_503_naming_it(client):
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    try:
        response = client.get("/healthz")
    finally:
        channel_layers.backends.clear()
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["down"] == ["channel_layer"]
    assert body["checks"]["database"]["ok"] is True


@override_settings(MEILISEARCH_URL="http://127.0.0.1:1", MEILISEARCH_API_KEY="x")
def test_unreachable_meilisearch_is_reported_degraded_not_down(client):
    """Search still answers, from the database engine: the hub stays in the load balancer."""
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["down"] == []
    assert body["degraded"] == ["search"]
    assert body["checks"]["search"]["ok"] is False
    assert body["checks"]["search"]["degraded"] is True
    assert body["checks"]["search"]["backend"] == "database"
    assert "database engine" in body["checks"]["search"]["detail"]


@pytest.mark.redis
def test_redis_backed_services_report_up(client, redis_url, settings):
    from channels.layers import channel_layers
    from django_q.conf import Conf

    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [redis_url], "prefix": "hub-test"},
        }
    }
    channel_layers.backends.clear()
    broker_before = (Conf.REDIS, Conf.ORM)
    Conf.REDIS, Conf.ORM = redis_url, None
    try:
        response = client.get("/healthz")
    finally:
        Conf.REDIS, Conf.ORM = broker_before
        channel_layers.backends.clear()
    body = response.json()
    assert response.status_code == 200, body
    assert body["checks"]["channel_layer"]["backend"] == "RedisChannelLayer"
    assert body["checks"]["task_broker"]["backend"] == "Redis"


# --- The check leaves live sockets alone ------------------------------------------------------

SOCKETS = 100


@pytest.fixture
async def close_thread_connections():
    """Consumers and the health check read in worker threads: close what they opened."""
    yield
    from asgiref.sync import sync_to_async
    from django.db import connections

    await sync_to_async(connections.close_all)()


async def _health_checks_leave_open_sockets_alone():
    import asyncio

    from asgiref.sync import sync_to_async
    from channels.layers import get_channel_layer
    from channels.testing import WebsocketCommunicator
    from django.test import Client

    from hub.routing import websocket_router
    from hub.websocket import user_group
    from tests.hub.factories import UserFactory

    user = await sync_to_async(UserFactory)()
    sockets = []
    for _ in range(SOCKETS):
        socket = WebsocketCommunicator(websocket_router, "/ws/notifications/")
        socket.scope["user"] = user
        assert (await socket.connect(timeout=10))[0]
        assert (await socket.receive_json_from(timeout=10))["type"] == "hello"
        sockets.append(socket)

    # The checks run in the server's threads while every consumer waits on the layer.
    client = Client()
    for _ in range(5):
        response = await sync_to_async(client.get, thread_sensitive=False)("/healthz")
        assert response.status_code == 200, response.json()
        assert response.json()["checks"]["channel_layer"]["ok"] is True

    await get_channel_layer().group_send(
        user_group(user.pk), {"type": "notification", "title": "Ancora qui", "url": "/"}
    )
    for socket in sockets:
        assert (await socket.receive_json_from(timeout=5))["title"] == "Ancora qui"
    # Bounded: on Redis, a consumer cancelled in the middle of its blocking read on the layer
    # sometimes takes seconds to unwind (channels_redis/redis-py), and 100 at once more so.
    closing = [asyncio.ensure_future(socket.disconnect()) for socket in sockets]
    await asyncio.wait(closing, timeout=60)


@pytest.mark.django_db(transaction=True)
async def test_health_checks_leave_100_open_sockets_alone_in_memory(close_thread_connections):
    await _health_checks_leave_open_sockets_alone()


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
async def test_health_checks_leave_100_open_sockets_alone_on_redis(
    redis_url, settings, close_thread_connections
):
    """The check used the shared layer from its own event loop: channels_redis refused
    ("Two event loops are trying to receive() on one channel layer at once!"), the check
    answered 503 and the collision killed a live socket."""
    import uuid

    from channels.layers import channel_layers

    from hub.redis_settings import channel_layer_config

    settings.CHANNEL_LAYERS = {
        "default": channel_layer_config(redis_url, prefix=f"hub-test-{uuid.uuid4().hex[:8]}")
    }
    channel_layers.backends.clear()
    try:
        await _health_checks_leave_open_sockets_alone()
    finally:
        channel_layers.backends.clear()
