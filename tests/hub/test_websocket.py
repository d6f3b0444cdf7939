"""Broadcasting: after commit only, and relayed from the task cluster in embedded mode."""

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from hub.models import BroadcastOutbox
from hub.websocket import (
    broadcast,
    broadcast_many,
    broadcast_many_on_commit,
    broadcast_on_commit,
    relay_outbox,
)


def listen(group: str) -> str:
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(group, channel)
    return channel


def receive(channel: str, timeout: float = 1.0):
    import asyncio

    async def wait():
        return await asyncio.wait_for(get_channel_layer().receive(channel), timeout)

    return async_to_sync(wait)()


@pytest.mark.django_db
def test_broadcast_waits_for_commit(django_capture_on_commit_callbacks):
    channel = listen("round.1")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        broadcast_on_commit("round.1", {"type": "round.closed", "id": 1})
    assert len(callbacks) == 1  # nothing was sent inside the transaction
    callbacks[0]()
    assert receive(channel) == {"type": "round.closed", "id": 1}


def test_an_event_needs_a_type():
    with pytest.raises(ValueError, match="type"):
        broadcast_on_commit("round.1", {"id": 1})
    with pytest.raises(ValueError, match="type"):
        broadcast_many_on_commit([("user.1", {"type": "notification"}), ("user.2", {"id": 1})])


@pytest.mark.django_db
def test_many_broadcasts_leave_after_commit_in_one_hook_and_in_order(
    django_capture_on_commit_callbacks,
):
    channels = {user_id: listen(f"user.{user_id}") for user_id in range(1, 31)}
    twice = listen("user.3")
    events = [(f"user.{user_id}", {"type": "notification", "id": user_id}) for user_id in channels]
    events.append(("user.3", {"type": "notification.read", "unread": 0}))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        broadcast_many_on_commit(iter(events))
    # One hook whatever the number of people (one each cost a close more than its writes).
    assert len(callbacks) == 1
    callbacks[0]()
    for user_id, channel in channels.items():
        assert receive(channel)["id"] == user_id
    assert receive(twice) == {"type": "notification", "id": 3}
    assert receive(twice) == {"type": "notification.read", "unread": 0}


def test_nothing_to_broadcast_adds_no_hook(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        broadcast_many_on_commit([])
    assert callbacks == []
    assert broadcast_many([]) == 0


@pytest.mark.django_db
def test_an_event_made_after_commit_reads_the_committed_state(
    django_capture_on_commit_callbacks, caplog
):
    """A function given for the event is called once committed (what it reads includes the
    change); None sends nothing; its failure is logged, never raised to the request."""
    from hub.models import User

    channel = listen("round.2")
    made = []

    def state():
        made.append(User.objects.count())
        return {"type": "round.state", "people": made[-1]}

    def broken():
        raise RuntimeError("the database went away")

    with django_capture_on_commit_callbacks(execute=True):
        broadcast_on_commit("round.2", state)
        broadcast_on_commit("round.2", lambda: None)
        broadcast_on_commit("round.2", broken)
        User.objects.create(email="nuova@example.org")
        assert made == []  # nothing made inside the transaction
    assert receive(channel) == {"type": "round.state", "people": made[0]}
    assert made == [1]
    assert "the database went away" in caplog.text


# transaction=True: the relay reads the outbox through database_sync_to_async, which manages
# (and may close) its thread's connection, as it does in the web process.
@pytest.mark.django_db(transaction=True)
def test_task_worker_broadcasts_reach_the_web_process_through_the_outbox(monkeypatch):
    channel = listen("user.7")
    monkeypatch.setenv("HUB_PROCESS_ROLE", "tasks")
    broadcast("user.7", {"type": "notification", "title": "Consegna domani"})
    assert list(BroadcastOutbox.objects.values_list("group", flat=True)) == ["user.7"]

    monkeypatch.setenv("HUB_PROCESS_ROLE", "web")
    sent = async_to_sync(relay_outbox)(get_channel_layer())
    assert sent == 1
    assert receive(channel) == {"type": "notification", "title": "Consegna domani"}
    assert not BroadcastOutbox.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_task_worker_broadcasts_many_through_the_outbox_in_order(monkeypatch):
    channel = listen("user.9")
    monkeypatch.setenv("HUB_PROCESS_ROLE", "tasks")
    events = [("user.9", {"type": "notification", "id": 1}), ("user.10", {"type": "x"})]
    events.append(("user.9", {"type": "notification", "id": 2}))
    assert broadcast_many(events) == 3
    assert list(BroadcastOutbox.objects.values_list("group", "event")) == events

    monkeypatch.setenv("HUB_PROCESS_ROLE", "web")
    assert async_to_sync(relay_outbox)(get_channel_layer()) == 3
    assert [receive(channel)["id"], receive(channel)["id"]] == [1, 2]


@pytest.mark.django_db
def test_web_process_broadcasts_directly(monkeypatch):
    channel = listen("user.8")
    monkeypatch.setenv("HUB_PROCESS_ROLE", "web")
    broadcast("user.8", {"type": "notification", "title": "Ciao"})
    assert receive(channel)["title"] == "Ciao"
    assert not BroadcastOutbox.objects.exists()


# --- A failing channel layer, unknown paths, close codes --------------------------------------

# Port 1 on loopback: nothing listens there, every connection is refused.
DEAD_REDIS_LAYER = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
    }
}


@pytest.fixture
def dead_layer(settings):
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = DEAD_REDIS_LAYER
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def test_a_broadcast_the_layer_refuses_is_logged_not_raised(dead_layer, caplog, monkeypatch):
    import logging

    from hub import websocket
    from hub.outages import OutageLog

    monkeypatch.setenv("HUB_PROCESS_ROLE", "web")
    # The outage log is per process: start from "no outage seen", whatever ran before.
    fresh = OutageLog(logging.getLogger("hub.websocket"), "channel layer")
    monkeypatch.setattr(websocket, "channel_layer_outage", fresh)
    with caplog.at_level("WARNING", logger="hub.websocket"):
        for _ in range(20):
            assert broadcast("gaf.round.1", {"type": "round.changed", "sequence": 3}) is False
    # One warning for the outage, not one per failure.
    assert len(caplog.records) == 1
    assert "channel layer unavailable" in caplog.records[0].getMessage()


def test_many_broadcasts_stop_at_the_first_refusal(dead_layer, caplog, monkeypatch):
    """The layer is down for all of them: the others are dropped at once, not each left to
    wait for its own refusal (or, with Redis hung, its own timeout) after the commit."""
    import logging

    from hub import websocket
    from hub.outages import OutageLog

    monkeypatch.setenv("HUB_PROCESS_ROLE", "web")
    fresh = OutageLog(logging.getLogger("hub.websocket"), "channel layer")
    monkeypatch.setattr(websocket, "channel_layer_outage", fresh)
    attempts = []
    real_send = websocket.get_channel_layer().group_send

    async def counting_send(group, event):
        attempts.append(group)
        await real_send(group, event)

    monkeypatch.setattr(websocket.get_channel_layer(), "group_send", counting_send)
    events = [(f"user.{user_id}", {"type": "notification"}) for user_id in range(50)]
    with caplog.at_level("WARNING", logger="hub.websocket"):
        assert broadcast_many(events) == 0
    assert attempts == ["user.0"]
    [record] = caplog.records
    assert "49 more events dropped" in record.getMessage()


@pytest.mark.django_db(transaction=True)
async def test_a_socket_whose_layer_fails_is_closed_with_try_again_later(dead_layer):
    from asgiref.sync import sync_to_async
    from channels.testing import WebsocketCommunicator

    from hub.routing import websocket_router
    from hub.websocket import CloseCode
    from tests.hub.factories import UserFactory

    socket = WebsocketCommunicator(websocket_router, "/ws/notifications/")
    socket.scope["user"] = await sync_to_async(UserFactory)()
    # Accepted, so that the client sees the code instead of a refused upgrade.
    assert (await socket.connect(timeout=10))[0]
    assert await socket.receive_output(timeout=10) == {
        "type": "websocket.close",
        "code": CloseCode.TRY_AGAIN_LATER,
    }


@pytest.mark.parametrize("path", ["/ws/nowhere/", "/", "/ws/gaf/rounds/abc/", "/ws/notifications"])
@pytest.mark.django_db(transaction=True)
async def test_an_unknown_socket_path_is_closed_cleanly_with_not_found(path, caplog):
    from channels.testing import WebsocketCommunicator

    from hub.asgi import application
    from hub.websocket import CloseCode

    socket = WebsocketCommunicator(application, path, headers=[(b"origin", b"http://testserver")])
    assert await socket.connect(timeout=10) == (True, None)
    assert await socket.receive_output(timeout=10) == {
        "type": "websocket.close",
        "code": CloseCode.NOT_FOUND,
    }
    assert not [record for record in caplog.records if record.levelname in {"ERROR", "CRITICAL"}]


def test_close_codes_reach_the_page_as_json_data():
    import json
    import re

    from django.template import Context, Template

    html = Template("{% load hub_websocket %}{% websocket_close_codes %}").render(Context())
    match = re.fullmatch(
        r'<script id="hub-socket-close-codes" type="application/json">(.*)</script>', html
    )
    assert match, html
    assert json.loads(match.group(1)) == {"final": [4403, 4404], "retry": [1001, 1012, 1013]}


def test_the_redis_layer_reads_for_longer_than_it_blocks():
    """channels_redis blocks each read for brpop_timeout on the server; a socket timeout no
    longer than that times the read out while Redis is answering (idle sockets got 1011)."""
    from channels_redis.core import RedisChannelLayer

    from hub.redis_settings import channel_layer_config

    [host] = channel_layer_config("redis://127.0.0.1:6379/0")["CONFIG"]["hosts"]
    assert host["socket_timeout"] >= 2 * RedisChannelLayer.brpop_timeout


# --- A database that cannot serve, during the handshake or in a consumer ---------------------


def _database_down_error():
    """What Django raises when the database cannot serve (here SQLite's "database is locked";
    PostgreSQL's refused connection or the pool's timeout are classified the same way)."""
    import sqlite3

    from django.db import OperationalError

    try:
        raise OperationalError("database is locked") from sqlite3.OperationalError(
            "database is locked"
        )
    except OperationalError as error:
        return error


class _DatabaseDownConsumer:
    """An ASGI app whose connect reads a database that is down (a consumer, or the session
    and authentication lookups that run before any consumer)."""

    def __init__(self, error):
        self.error = error

    async def __call__(self, scope, receive, send):
        await receive()  # websocket.connect
        raise self.error


async def test_a_socket_whose_database_is_down_is_closed_with_try_again_later(caplog):
    from channels.testing import WebsocketCommunicator

    from hub.availability import ServiceOutageGuard
    from hub.websocket import CloseCode

    app = ServiceOutageGuard(_DatabaseDownConsumer(_database_down_error()))
    socket = WebsocketCommunicator(app, "/ws/gaf/rounds/1/")
    # Accepted, then closed with 1013: not an HTTP 500 on the upgrade, not 1011.
    assert (await socket.connect())[0]
    assert await socket.receive_output() == {
        "type": "websocket.close",
        "code": CloseCode.TRY_AGAIN_LATER,
    }
    assert not [record for record in caplog.records if record.levelname in {"ERROR", "CRITICAL"}]


async def test_a_consumer_bug_is_not_mistaken_for_an_outage():
    from channels.testing import WebsocketCommunicator

    from hub.availability import ServiceOutageGuard

    socket = WebsocketCommunicator(
        ServiceOutageGuard(_DatabaseDownConsumer(KeyError(4))), "/ws/gaf/rounds/1/"
    )
    with pytest.raises(KeyError):
        await socket.connect()


def test_the_whole_socket_stack_is_guarded():
    """The guard is outermost: the session and user lookups (which read the database before
    any route or consumer runs) are inside it."""
    from hub.asgi import application
    from hub.availability import ServiceOutageGuard

    assert isinstance(application.application_mapping["websocket"], ServiceOutageGuard)


def test_daphne_sends_the_registered_close_codes():
    """autobahn's sendClose refuses 1013 from an application ("invalid close code"), which
    Daphne turned into 1011; hub.asgi makes Daphne send it (and 1001, 1012) as it is."""
    from daphne.ws_protocol import WebSocketProtocol

    import hub.asgi  # noqa: F401 (applies hub.daphne_close_codes)

    sent = []

    class Recording(WebSocketProtocol):
        def sendCloseFrame(self, code=None, reasonUtf8=None, isReply=False):
            sent.append(("frame", code))

        def sendClose(self, code=None, reason=None):
            sent.append(("checked", code))

    protocol = Recording()
    for code in (1013, 1001, 1012, 4404, 1000):
        protocol.serverClose(code)
    assert sent == [
        ("frame", 1013),
        ("frame", 1001),
        ("frame", 1012),
        ("checked", 4404),
        ("checked", 1000),
    ]
    # Without the change, autobahn refuses the code outright.
    with pytest.raises(Exception, match="invalid close code 1013"):
        WebSocketProtocol.sendClose(WebSocketProtocol(), code=1013)


@pytest.mark.parametrize(
    "consumer_path",
    [
        "hub.consumers.NotificationsConsumer",
        "gaf.consumers.chat.ChatConsumer",
        "gaf.consumers.round_pool.RoundPoolConsumer",
        "tables.consumers.DocumentConsumer",
    ],
)
async def test_a_frame_for_a_socket_that_has_just_closed_is_dropped_quietly(consumer_path):
    """Daphne raises on a send between the client closing and the disconnect being handled;
    a broadcast landing then must not fail the consumer (a traceback, no clean-up)."""
    from autobahn.exception import Disconnected
    from django.utils.module_loading import import_string

    consumer = import_string(consumer_path)()
    sent = []

    async def closed(message):
        raise Disconnected("Attempt to send on a closed protocol")

    async def open_(message):
        sent.append(message)

    consumer.base_send = closed
    await consumer.send(text_data="{}")
    if hasattr(consumer, "send_json"):  # Channels' send_json goes past an override of send
        await consumer.send_json({"type": "presence"})
    await consumer.close()
    consumer.base_send = open_
    await consumer.send(text_data="{}")
    assert sent == [{"type": "websocket.send", "text": "{}"}]

    async def broken(message):
        raise ValueError("Socket has not been accepted, so cannot send over it")

    consumer.base_send = broken
    with pytest.raises(ValueError):
        await consumer.send(text_data="{}")
