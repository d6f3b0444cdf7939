"""An idle socket on the Redis channel layer stays open and still receives the next broadcast.

The layer waits for messages with BZPOPMIN, which blocks on the server for 5 s; with
redis-py's default 5 s socket timeout the read timed out just as Redis answered, the
consumer died and every quiet socket was closed with 1011 after about 5 s.
hub.redis_settings sets the read timeout well above the blocking time. A minute of silence
covers many blocking rounds (and the connection health check's interval).
"""

import uuid

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers, get_channel_layer
from channels.testing import WebsocketCommunicator

from hub.redis_settings import channel_layer_config
from hub.routing import websocket_router
from hub.websocket import user_group
from tests.hub.factories import UserFactory

IDLE_SECONDS = 60

pytestmark = pytest.mark.redis


@pytest.mark.django_db(transaction=True)
async def test_a_socket_idle_for_a_minute_still_receives_the_next_broadcast(redis_url, settings):
    settings.CHANNEL_LAYERS = {
        "default": channel_layer_config(redis_url, prefix=f"hub-test-{uuid.uuid4().hex[:8]}")
    }
    channel_layers.backends.clear()
    user = await sync_to_async(UserFactory)()
    socket = WebsocketCommunicator(websocket_router, "/ws/notifications/")
    socket.scope["user"] = user
    try:
        assert (await socket.connect(timeout=10))[0]
        assert (await socket.receive_json_from(timeout=10))["type"] == "hello"

        # Nothing at all for a minute: no message, and above all no close.
        assert await socket.receive_nothing(timeout=IDLE_SECONDS, interval=0.5)

        await get_channel_layer().group_send(
            user_group(user.pk), {"type": "notification", "title": "Consegna domani", "url": "/"}
        )
        message = await socket.receive_json_from(timeout=10)
        assert message == {"type": "notification", "title": "Consegna domani", "url": "/"}
        await socket.disconnect()
    finally:
        channel_layers.backends.clear()
        from django.db import connections

        await sync_to_async(connections.close_all)()
