"""The live bell over a real socket: hub.asgi's application (origin check, session
authentication, the route's policy) with a signed-in person's session cookie."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from hub import notifications
from hub.asgi import application
from hub.notifications import services
from tests.hub.factories import UserFactory

ORIGIN = (b"origin", b"http://testserver")


def _session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


async def _signed_in_socket(user) -> WebsocketCommunicator:
    cookie = await sync_to_async(_session_cookie)(user)
    return WebsocketCommunicator(
        application, "/ws/notifications/", headers=[ORIGIN, (b"cookie", cookie.encode())]
    )


@pytest.fixture
async def close_thread_connections():
    """The consumer reads through database_sync_to_async, in a worker thread whose
    connection would outlive the test (PostgreSQL then refuses to drop the test database)."""
    yield
    from django.db import connections

    await sync_to_async(connections.close_all)()


def _notify(user, title):
    (notification,) = notifications.notify(users=[user], kind="test.quiet", title=title)
    return notification


@pytest.mark.django_db(transaction=True)
async def test_the_bell_follows_new_and_read_notifications_live(close_thread_connections):
    alice = await sync_to_async(UserFactory)()
    bob = await sync_to_async(UserFactory)()
    await sync_to_async(_notify)(alice, "Già presente")
    alice_socket, bob_socket = await _signed_in_socket(alice), await _signed_in_socket(bob)
    assert (await alice_socket.connect())[0]
    assert (await bob_socket.connect())[0]
    assert await alice_socket.receive_json_from() == {
        "type": "hello",
        "user": alice.pk,
        "unread": 1,
    }
    assert (await bob_socket.receive_json_from())["unread"] == 0

    # A service notifies Alice: once it commits, her bell moves; Bob's socket hears nothing.
    created = await sync_to_async(_notify)(alice, "Giro chiuso")
    message = await alice_socket.receive_json_from()
    assert message == {
        "type": "notification",
        "id": created.pk,
        "kind": "test.quiet",
        "title": "Giro chiuso",
        "body": "",
        "url": f"/notifiche/{created.pk}/",
        "place_label": "",
        "unread": 2,
    }
    assert await bob_socket.receive_nothing()

    await sync_to_async(services.notification_mark_read)(notification=created, by=alice)
    assert await alice_socket.receive_json_from() == {"type": "unread", "unread": 1}
    await sync_to_async(services.notifications_mark_all_read)(by=alice)
    assert await alice_socket.receive_json_from() == {"type": "unread", "unread": 0}
    assert await bob_socket.receive_nothing()
    await alice_socket.disconnect()
    await bob_socket.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_reconnecting_bell_gets_what_it_missed_in_order(close_thread_connections):
    alice = await sync_to_async(UserFactory)()
    seen = await sync_to_async(_notify)(alice, "Vista")
    missed = [await sync_to_async(_notify)(alice, f"Persa {n}") for n in range(3)]
    socket = await _signed_in_socket(alice)
    assert (await socket.connect())[0]
    assert (await socket.receive_json_from())["unread"] == 4
    await socket.send_json_to({"type": "resume", "last_id": seen.pk})
    received = [await socket.receive_json_from() for _ in range(4)]
    assert [m.get("id") for m in received[:3]] == [n.pk for n in missed]
    assert [m["title"] for m in received[:3]] == ["Persa 0", "Persa 1", "Persa 2"]
    assert received[3] == {"type": "unread", "unread": 4}
    # A fresh page (rendered with the count) resumes from 0: the count only.
    await socket.send_json_to({"type": "resume", "last_id": 0})
    assert await socket.receive_json_from() == {"type": "unread", "unread": 4}
    assert await socket.receive_nothing()
    await socket.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_bad_frames_get_an_error_and_the_socket_stays_usable(close_thread_connections):
    alice = await sync_to_async(UserFactory)()
    socket = await _signed_in_socket(alice)
    assert (await socket.connect())[0]
    await socket.receive_json_from()
    for frame, code in [
        ("not json", "bad_frame"),
        ('["resume"]', "unknown_type"),
        ('{"type": "dance"}', "unknown_type"),
        ('{"type": "resume", "last_id": "7"}', "bad_last_id"),
        ('{"type": "resume", "last_id": -1}', "bad_last_id"),
        ('{"type": "resume", "last_id": true}', "bad_last_id"),
    ]:
        await socket.send_to(text_data=frame)
        assert await socket.receive_json_from() == {"type": "error", "code": code}
    await socket.send_to(bytes_data=b"\x00")
    assert await socket.receive_json_from() == {"type": "error", "code": "bad_frame"}
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from() == {"type": "pong"}
    await socket.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_visitors_and_foreign_origins_are_refused(close_thread_connections):
    visitor = WebsocketCommunicator(application, "/ws/notifications/", headers=[ORIGIN])
    assert await visitor.connect() == (False, 4403)
    alice = await sync_to_async(UserFactory)()
    socket = await _signed_in_socket(alice)
    socket.scope["headers"] = [
        (name, b"https://evil.example" if name == b"origin" else value)
        for name, value in socket.scope["headers"]
    ]
    connected, _code = await socket.connect()
    assert connected is False
