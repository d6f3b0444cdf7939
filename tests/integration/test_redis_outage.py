"""Redis stops and comes back: no request fails, sockets are told to retry, nothing restarts.

Each test starts a Redis of its own (tests/redis_server.py) and points the hub's cache and
channel layer at it with the production configuration (hub.redis_settings), so that it can
stop and restart it without disturbing anything else.
"""

from __future__ import annotations

import time
import uuid
from decimal import Decimal

import pytest
import redis
from asgiref.sync import sync_to_async
from channels.layers import channel_layers, get_channel_layer
from channels.testing import WebsocketCommunicator
from django.urls import reverse
from django.utils import timezone
from rest_framework.throttling import SimpleRateThrottle

from gaf.models import OrderLine, RoundProduct
from hub.redis_settings import cache_config, channel_layer_config
from hub.routing import websocket_router
from hub.websocket import CloseCode, user_group
from tests.associations.factories import make_association
from tests.events.factories import make_event
from tests.gaf.factories import make_group, make_member, make_orchard_catalogue, make_round, rome
from tests.hub.factories import UserFactory
from tests.redis_server import RedisServer

RETRY_AFTER = 0.2
RATE_LIMIT = 10
DURING = rome(2026, 10, 22, 12)


@pytest.fixture
def own_redis(settings, monkeypatch):
    server = RedisServer().start()
    prefix = f"hub-test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        "default": {**cache_config(server.url, key_prefix=prefix), "RETRY_AFTER_SECONDS": 0.2}
    }
    settings.CHANNEL_LAYERS = {"default": channel_layer_config(server.url, prefix=prefix)}
    # DRF reads the rates into a class attribute when it is imported.
    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        {"anon": f"{RATE_LIMIT}/min", "user": f"{RATE_LIMIT}/min"},
    )
    channel_layers.backends.clear()
    yield server
    channel_layers.backends.clear()
    server.close()


def wait_for_retry_window():
    # Not a timing assertion: the cache leaves Redis alone this long after an error.
    time.sleep(RETRY_AFTER * 1.5)


def keys(server, pattern: str) -> list[bytes]:
    return redis.Redis.from_url(server.url).keys(pattern)


def statuses(client, url: str, count: int, **extra) -> list[int]:
    return [client.get(url, **extra).status_code for _ in range(count)]


@pytest.mark.django_db
def test_pages_saves_and_throttles_survive_a_redis_outage(
    client, own_redis, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    monkeypatch.setattr(timezone, "now", lambda: DURING)
    setup = make_group()
    supplier, apples, eggs = make_orchard_catalogue(setup)
    round = make_round(setup, supplier, [apples, eggs])
    family, member = make_member(setup)
    association = make_association(
        name="Polisportiva Bruinese", network=setup.network, municipalities=[setup.municipality]
    )
    make_event(
        association=association,
        title="Minibasket",
        start=rome(2026, 10, 24, 18),
        end=rome(2026, 10, 24, 19),
    )
    apple_rp = RoundProduct.objects.get(round=round, product=apples)
    round_url = reverse("gaf:round", kwargs={"group_slug": setup.group.slug, "round_id": round.pk})
    api_events = reverse("api:events-list")

    # Redis up: the anonymous throttle counts in Redis and refuses the request over the rate.
    assert statuses(client, api_events, RATE_LIMIT + 1, REMOTE_ADDR="10.0.0.1")[-1] == 429
    assert keys(own_redis, "*throttle_*10.0.0.1")

    own_redis.stop()

    for url in ("/eventi/", "/associazioni/", "/eventi/feed.ics"):
        assert client.get(url).status_code == 200, url

    # The order page saves by POST; the broadcast after commit fails, and is only logged.
    client.force_login(member)
    basket = {f"firm_{apple_rp.pk}": "3", "pickup_point": round.pickup_points.get().pk}
    for rp in RoundProduct.objects.filter(round=round).exclude(pk=apple_rp.pk):
        basket[f"firm_{rp.pk}"] = ""
    with (
        caplog.at_level("WARNING", logger="hub.websocket"),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        response = client.post(round_url, basket)
    assert response.status_code == 302
    assert callbacks, "the save broadcasts after commit"
    assert any("channel layer" in record.getMessage() for record in caplog.records)
    line = OrderLine.objects.get(order__round=round, order__family=family)
    assert line.firm == Decimal("3")

    # Signed in: the throttle fails open (more requests than the rate, all answered).
    api_mine = reverse("api:gaf-orders-mine")
    answers = [
        client.put(
            api_mine,
            {"round": round.pk, "lines": [{"round_product": apple_rp.pk, "firm": str(n)}]},
            content_type="application/json",
        ).status_code
        for n in range(1, RATE_LIMIT + 4)
    ]
    assert answers == [200] * (RATE_LIMIT + 3)
    client.logout()

    # Anonymous: still refused over the rate (counted in this process meanwhile).
    flood = statuses(client, api_events, RATE_LIMIT + 5, REMOTE_ADDR="10.0.0.2")
    assert flood[:RATE_LIMIT] == [200] * RATE_LIMIT
    assert set(flood[RATE_LIMIT:]) == {429}

    # Redis returns: the hub uses it again, without a restart.
    own_redis.start()
    wait_for_retry_window()
    assert client.get("/eventi/").status_code == 200
    assert statuses(client, api_events, 2, REMOTE_ADDR="10.0.0.3") == [200, 200]
    assert keys(own_redis, "*throttle_*10.0.0.3")


@pytest.fixture
async def close_thread_connections():
    yield
    from django.db import connections

    await sync_to_async(connections.close_all)()


def socket_for(user) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(websocket_router, "/ws/notifications/")
    communicator.scope["user"] = user
    return communicator


@pytest.mark.django_db(transaction=True)
async def test_sockets_are_told_to_retry_while_redis_is_down(own_redis, close_thread_connections):
    user = await sync_to_async(UserFactory)()

    live = socket_for(user)
    assert (await live.connect(timeout=10))[0]
    assert (await live.receive_json_from(timeout=10))["type"] == "hello"

    await sync_to_async(own_redis.stop)()
    # The open socket's consumer meets the stopped layer: closed with "try again later".
    assert await live.receive_output(timeout=10) == {
        "type": "websocket.close",
        "code": CloseCode.TRY_AGAIN_LATER,
    }
    # A new socket is accepted, only to be told the same.
    newcomer = socket_for(user)
    assert (await newcomer.connect(timeout=10))[0]
    assert await newcomer.receive_output(timeout=10) == {
        "type": "websocket.close",
        "code": CloseCode.TRY_AGAIN_LATER,
    }

    # Redis returns: a reconnecting client is served again by the same layer instance.
    await sync_to_async(own_redis.start)()
    again = socket_for(user)
    assert (await again.connect(timeout=10))[0]
    assert (await again.receive_json_from(timeout=10))["type"] == "hello"
    await get_channel_layer().group_send(
        user_group(user.pk), {"type": "notification", "title": "Di nuovo qui", "url": "/"}
    )
    assert (await again.receive_json_from(timeout=10))["title"] == "Di nuovo qui"
    await again.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_chat_room_is_told_to_retry_while_redis_is_down_and_heard_again_after(
    own_redis, close_thread_connections
):
    """The room's sockets hear it through their process's one channel (hub.websocket.
    LocalGroups): when the layer fails under that channel's listener, every socket of the
    room is closed with "try again later", and once Redis is back a socket that comes back
    is in the room again and hears its messages."""
    from gaf.models import ChatMessage
    from tests.gaf.test_chat_socket import _send, _world, joined, next_of

    setup, room, (_family, member), other = await sync_to_async(_world)()
    sockets = [(await joined(user, room))[0] for user in (member, other)]
    for socket_ in sockets:
        await socket_.send_json_to({"type": "ping"})
        await next_of(socket_, "pong")

    await sync_to_async(own_redis.stop)()
    for socket_ in sockets:
        while (output := await socket_.receive_output(timeout=10))["type"] != "websocket.close":
            assert output["type"] == "websocket.send", output
        assert output["code"] == CloseCode.TRY_AGAIN_LATER
        await socket_.wait(timeout=10)

    await sync_to_async(own_redis.start)()
    back, _hello = await joined(member, room, after=0)
    await back.send_json_to({"type": "ping"})
    await next_of(back, "pong")
    await sync_to_async(_send)(room, setup.coordinator, "Di nuovo qui")
    event = await next_of(back, "event")
    assert event["message"]["text"] == "Di nuovo qui"
    assert await sync_to_async(ChatMessage.objects.filter(room=room).count)() == 1
    await back.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_coedited_document_is_told_to_retry_while_redis_is_down_and_rejoins_after(
    own_redis, threads_on_a_sqlite_file, close_thread_connections
):
    """A co-edited document's room hears the other processes through its channel in the
    document's group (tables.coedit.rooms): when Redis stops, the room's sockets are told
    to try again later and the room closes; once Redis is back, the editors that come back
    are in a room made afresh, whose channel is in the group again (a restarted Redis has
    forgotten it), and what they typed meanwhile is merged and stored."""
    from tables.coedit import rooms, services
    from tables.coedit.render import render_state
    from tests.gaf.test_chat_socket import _room_members_in_layer
    from tests.tables.coedit_client import YClient
    from tests.tables.coedit_world import make_world, proposal_path

    world = await sync_to_async(make_world)(body="Prima riga.")
    path = proposal_path(world.proposal)
    anna, bruno = YClient(world.author, path), YClient(world.coauthor, path)
    for client in (anna, bruno):
        assert await client.connect() == (True, None)
        await client.pump()
    [document_id] = rooms.open_rooms()
    group = services.group_name(document_id)
    assert await _room_members_in_layer(get_channel_layer(), group)

    await sync_to_async(own_redis.stop)()
    for client in (anna, bruno):
        for _ in range(50):
            await client.pump(quiet=0.2)
            if not client.online:
                break
        assert client.closed_code == CloseCode.TRY_AGAIN_LATER
    assert document_id not in rooms.open_rooms()
    # Typed while offline: kept in the editor, sent with the next connection's sync.
    await anna.edit(lambda f: f.children[0].children[0].insert(0, "Scritto offline. "))

    await sync_to_async(own_redis.start)()
    for client in (anna, bruno):
        assert await client.connect() == (True, None)
        await client.pump()
    layer = get_channel_layer()
    assert await _room_members_in_layer(layer, group) == [rooms.open_rooms()[document_id].channel]
    await bruno.edit(lambda f: f.children[0].children[0].insert(0, "Di nuovo qui. "))
    await bruno.pump()
    await anna.pump()
    assert bruno.text() == anna.text() == "Di nuovo qui. Scritto offline. Prima riga."
    stored = await sync_to_async(services.stored_state)(document_id=document_id)
    assert render_state(services.state_bytes(stored)).text == anna.text()
    await anna.disconnect()
    await bruno.disconnect()
    assert document_id not in rooms.open_rooms()
