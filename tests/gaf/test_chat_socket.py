"""The chat socket against the real ASGI application (hub.asgi: origin check, session
authentication, the access policy guard): who may connect, delivery in order without gaps
or duplicates across reconnections and dropped broadcasts, idempotent retries, removal
cutting a family off, bad frames answered without harm, presence and typing; and the room's
numbers staying gap-free under concurrent senders (threads, PostgreSQL and SQLite)."""

from __future__ import annotations

import json
import uuid
from collections import Counter

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.db import connections, transaction
from django.test import Client, override_settings

from gaf import services
from gaf.models import ChatEvent, ChatMessage, GroupMembership
from gaf.selectors import chat as reads
from hub.asgi import application
from hub.models import User
from tests.gaf.factories import bulk_members, make_family, make_group, make_member
from tests.gaf.test_concurrency import _read_in_thread, _run_in_threads
from tests.hub.factories import UserFactory
from tests.sqlite_file import threads_use_a_file_copy

ORIGIN = (b"origin", b"http://testserver")


@pytest.fixture
async def close_thread_connections():
    """The consumer reads through database_sync_to_async, in worker threads whose
    connections would outlive the test (PostgreSQL then refuses to drop the database)."""
    yield
    await sync_to_async(connections.close_all)()


def _cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}".encode()


async def socket(user, room, *, origin=ORIGIN, lang="it") -> WebsocketCommunicator:
    """A socket to the room through hub.asgi.application, signed in as `user` (None: no session)."""
    headers = [origin] if origin else []
    if user is not None:
        headers.append((b"cookie", await sync_to_async(_cookie)(user)))
    return WebsocketCommunicator(
        application, f"/ws/gaf/chat/{room.pk}/?lang={lang}", headers=headers
    )


async def joined(user, room, *, after=0):
    """A connected socket that said hello and resumed after `after`; (socket, hello)."""
    communicator = await socket(user, room)
    connected, code = await communicator.connect(timeout=10)
    assert connected, code
    hello = await communicator.receive_json_from(timeout=10)
    assert hello["type"] == "hello"
    await communicator.send_json_to({"type": "resume", "after": after})
    return communicator, hello


async def next_of(communicator, kind, timeout=10):
    """The next frame of type `kind`, skipping presence and typing news."""
    while True:
        frame = await communicator.receive_json_from(timeout=timeout)
        if frame["type"] == kind:
            return frame
        assert frame["type"] in {"hello", "presence", "typing", "pong"}, frame


async def next_of_each(communicator, kinds: set[str], timeout=10) -> dict:
    """The next frame of each type in `kinds`, in whatever order they come; no other frame
    but presence and typing news comes between."""
    found = {}
    while set(found) != kinds:
        frame = await communicator.receive_json_from(timeout=timeout)
        if frame["type"] in kinds:
            assert frame["type"] not in found, frame
            found[frame["type"]] = frame
        else:
            assert frame["type"] in {"hello", "presence", "typing", "pong"}, frame
    return found


async def drained(communicator) -> list[str]:
    """The types of the frames waiting on the socket (until it stays quiet for 0.3 s)."""
    kinds = []
    while not await communicator.receive_nothing(timeout=0.3):
        kinds.append((await communicator.receive_json_from())["type"])
    return kinds


def _world():
    setup = make_group()
    family, member = make_member(setup, name="Famiglia Rossi")
    _other_family, other = make_member(setup, name="Famiglia Bianchi")
    room = reads.group_room(group=setup.group)
    return setup, room, (family, member), other


def _send(room, user, body, client_id=None):
    return services.chat_message_send(room=room, user=user, body=body, client_id=client_id).message


def _saved_without_doorbell(call):
    """Commit what `call` writes but drop its broadcast: what an over-capacity channel layer
    does to a message (at most once, by design)."""
    with transaction.atomic():
        result = call()
        transaction.get_connection().run_on_commit.clear()
    return result


# --- Who may connect ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
async def test_who_may_connect(close_thread_connections):
    setup, room, (_family, member), _other = await sync_to_async(_world)()

    def others():
        other_group = make_group()
        _f, other_group_member = make_member(other_group)
        _f, outsider = make_family(municipality=setup.municipality)
        staff = UserFactory(is_staff=True)
        return other_group_member, outsider, staff

    other_group_member, outsider, staff = await sync_to_async(others)()
    for user in (member, setup.coordinator, staff):
        communicator, hello = await joined(user, room)
        assert hello["me"]["id"] == user.pk
        assert hello["me"]["moderator"] is (user != member)
        await communicator.disconnect()
    # Not members: refused like a room that does not exist.
    for user in (outsider, other_group_member):
        communicator = await socket(user, room)
        assert await communicator.connect(timeout=10) == (False, 4404)
    # No session: refused by the route's policy.
    communicator = await socket(None, room)
    assert await communicator.connect(timeout=10) == (False, 4403)
    # A foreign origin, or none: refused by the origin validator before anything else.
    for origin in ((b"origin", b"https://evil.example"), None):
        communicator = await socket(member, room, origin=origin)
        connected, _code = await communicator.connect(timeout=10)
        assert not connected
    communicator = WebsocketCommunicator(application, "/ws/gaf/chat/999999/", headers=[ORIGIN])
    assert (await communicator.connect(timeout=10))[0] is False


# --- Delivery -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
async def test_messages_arrive_once_in_order_across_retries_gaps_and_reconnections(
    close_thread_connections,
):
    setup, room, (_family, member), other = await sync_to_async(_world)()
    alice, _hello = await joined(member, room)
    bob, _hello = await joined(other, room)

    # Sent with the browser's id: acked, and every socket gets event 1.
    client_id = str(uuid.uuid4())
    await alice.send_json_to(
        {"type": "send", "client_id": client_id, "body": "Chi porta le cassette?"}
    )
    # The sender's ack and the room's event may reach it in either order (the event goes
    # out to the room's sockets as the send commits; the page takes whichever comes first).
    mine = await next_of_each(alice, {"ack", "event"})
    ack = mine["ack"]
    assert (ack["client_id"], ack["seq"], ack["created"]) == (client_id, 1, True)
    for event in (mine["event"], await next_of(bob, "event")):
        assert (event["id"], event["kind"], event["message"]["text"]) == (
            1,
            "message",
            "Chi porta le cassette?",
        )
    # A retry of the same send (the ack was lost): the same message, no new event.
    await alice.send_json_to(
        {"type": "send", "client_id": client_id, "body": "Chi porta le cassette?"}
    )
    again = await next_of(alice, "ack")
    assert (again["message_id"], again["created"]) == (ack["message_id"], False)
    assert await bob.receive_nothing(timeout=0.3)

    # The layer drops the broadcasts of events 2 and 3; event 4's reaches Bob, whose
    # socket reads 2 and 3 from the database first: 2, 3, 4, in order, once.
    send = sync_to_async(_send)
    await sync_to_async(_saved_without_doorbell)(lambda: _send(room, setup.coordinator, "due"))
    await sync_to_async(_saved_without_doorbell)(lambda: _send(room, setup.coordinator, "tre"))
    await send(room, setup.coordinator, "quattro")
    received = [(await next_of(bob, "event"))["id"] for _n in range(3)]
    assert received == [2, 3, 4]
    assert await bob.receive_nothing(timeout=0.3)

    # Bob goes away; meanwhile five events happen; he comes back and resumes after 4.
    await bob.disconnect()
    await send(room, member, "cinque")
    first = await sync_to_async(ChatMessage.objects.get)(room=room, seq=1)
    await sync_to_async(services.chat_message_edit)(
        room=room, user=member, message_id=first.pk, body="Chi porta le cassette vuote?"
    )
    await sync_to_async(services.chat_message_delete)(room=room, user=member, message_id=first.pk)
    await sync_to_async(services.chat_message_pin)(
        room=room,
        user=setup.coordinator,
        message_id=(await sync_to_async(ChatMessage.objects.get)(room=room, seq=2)).pk,
        pinned=True,
    )
    await send(room, setup.coordinator, "nove")
    bob, hello = await joined(other, room, after=4)
    assert hello["last_seq"] == 9
    events = [await next_of(bob, "event") for _n in range(5)]
    assert [(e["id"], e["kind"]) for e in events] == [
        (5, "message"),
        (6, "edit"),
        (7, "delete"),
        (8, "pin"),
        (9, "message"),
    ]
    # Replays show each message as it is now: the deleted one's text is never sent again.
    assert events[1]["message"]["deleted"] and events[1]["message"]["text"] == ""
    assert await bob.receive_nothing(timeout=0.3)
    # A duplicate doorbell (a layer that delivers twice) sends nothing.
    from channels.layers import get_channel_layer

    from gaf.live import chat_group

    await get_channel_layer().group_send(
        chat_group(room.pk),
        {"type": "chat.event", "seq": 9, "text": json.dumps(events[-1]), "localised": False},
    )
    assert await bob.receive_nothing(timeout=0.3)
    await alice.disconnect()
    await bob.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_the_fan_out_takes_no_trip_to_the_database_thread_per_socket(
    close_thread_connections, monkeypatch
):
    """Channels awaits a connection clean-up on the one sync thread before every handler:
    with it, each message cost one trip through that thread per socket of the room, queued
    behind everyone's database work (hub.websocket.DirectDispatch; bench/chat_fanout.py)."""
    import channels.consumer

    trips = []

    async def counted():
        trips.append(1)

    monkeypatch.setattr(channels.consumer, "aclose_old_connections", counted)
    setup, room, (_family, member), other = await sync_to_async(_world)()
    sockets = [(await joined(user, room))[0] for user in (member, other, setup.coordinator)]
    for socket_ in sockets:  # each resume is handled once its ping is answered
        await socket_.send_json_to({"type": "ping"})
        await next_of(socket_, "pong")
    trips.clear()
    for n in range(3):
        await sync_to_async(_send)(room, setup.coordinator, f"m{n}")
    for socket_ in sockets:
        assert [(await next_of(socket_, "event"))["id"] for _n in range(3)] == [1, 2, 3]
    assert trips == []
    for socket_ in sockets:
        await socket_.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_resume_beyond_the_cap_is_told_to_reload_over_http(
    close_thread_connections, monkeypatch
):
    from gaf.consumers import chat as consumer

    monkeypatch.setattr(consumer, "RESUME_CAP", 3)
    setup, room, (_family, member), _other = await sync_to_async(_world)()
    for n in range(5):
        await sync_to_async(_send)(room, setup.coordinator, f"m{n}")
    communicator, _hello = await joined(member, room, after=1)
    assert await next_of(communicator, "resume_too_far") == {
        "type": "resume_too_far",
        "last_seq": 5,
    }
    await communicator.send_json_to({"type": "resume", "after": 2})
    assert [(await next_of(communicator, "event"))["id"] for _n in range(3)] == [3, 4, 5]
    await communicator.disconnect()


# --- Removal --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
async def test_a_removed_family_is_cut_off(close_thread_connections):
    setup, room, (family, member), other = await sync_to_async(_world)()
    alice, _hello = await joined(member, room)
    bob, _hello = await joined(other, room)

    # Removed by a coordinator: the open socket is closed at once.
    membership = await sync_to_async(GroupMembership.objects.get)(group=setup.group, family=family)
    await sync_to_async(services.membership_remove)(membership=membership, by=setup.coordinator)
    error = await next_of(alice, "error")
    assert error["code"] == "not_member" and "Non fai più parte" in error["message"]
    assert await alice.receive_output(timeout=10) == {"type": "websocket.close", "code": 4403}

    # Even when the revocation is lost, the next frame finds the membership gone.
    other_membership = await sync_to_async(GroupMembership.objects.get)(
        group=setup.group, family__memberships__user=other
    )
    await sync_to_async(_saved_without_doorbell)(
        lambda: services.membership_remove(membership=other_membership, by=setup.coordinator)
    )
    await bob.send_json_to(
        {"type": "send", "client_id": str(uuid.uuid4()), "body": "ci sono ancora?"}
    )
    assert (await next_of(bob, "error"))["code"] == "not_member"
    assert await bob.receive_output(timeout=10) == {"type": "websocket.close", "code": 4403}
    assert not await sync_to_async(ChatMessage.objects.filter(room=room).exists)()
    # And they cannot come back.
    communicator = await socket(member, room)
    assert await communicator.connect(timeout=10) == (False, 4404)


# --- Bad input ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
async def test_bad_frames_get_an_error_and_the_socket_stays_usable(close_thread_connections):
    setup, room, (_family, member), _other = await sync_to_async(_world)()

    def elsewhere():
        other = make_group()
        other_room = reads.group_room(group=other.group)
        return _send(other_room, other.coordinator, "altrove"), _send(
            room, setup.coordinator, "del coordinatore"
        )

    foreign, theirs = await sync_to_async(elsewhere)()
    communicator, _hello = await joined(member, room, after=1)
    client_id = str(uuid.uuid4())

    def frame(**content):
        return json.dumps(content)

    send = {"type": "send", "client_id": client_id}
    cases = [
        ("{not json", "invalid_json"),
        (frame(type="dance"), "unknown_type"),
        ('"just a string"', "invalid_frame"),
        (frame(type="send", body="x"), "invalid_frame"),
        (frame(**send, body="x" * 2001), "too_long"),
        (frame(**send, body="   "), "empty"),
        (frame(**send, body="x", extra=1), "invalid_frame"),
        (frame(**send, body="x", attach={"kind": "round", "id": 999999}), "invalid_attachment"),
        ("x" * 20000, "frame_too_large"),
        (frame(type="resume", after=999), "resume_future"),
        (frame(type="read", seq=999), "future"),
        (frame(type="edit", message_id=theirs.pk, body="mio!"), "forbidden"),
        (frame(type="edit", message_id=foreign.pk, body="mio!"), "not_found"),
        (frame(type="delete", message_id=foreign.pk), "not_found"),
        (frame(type="delete", message_id=theirs.pk), "forbidden"),
        (frame(type="pin", message_id=theirs.pk, pinned=True), "forbidden"),
        (frame(type="edit", message_id=2**31 - 1, body="x"), "not_found"),
    ]
    for text, code in cases:
        await communicator.send_to(text_data=text)
        error = await next_of(communicator, "error")
        assert error["code"] == code, (text[:60], error)
        assert error["message"], error  # a sentence in Italian
    await communicator.send_to(bytes_data=b"\x00\xff")
    assert (await next_of(communicator, "error"))["code"] == "invalid_frame"
    # Still usable: a heartbeat is answered, a good message is saved.
    await communicator.send_json_to({"type": "ping"})
    assert (await next_of(communicator, "pong"))["online"]
    await communicator.send_json_to({"type": "send", "client_id": client_id, "body": "finalmente"})
    assert (await next_of(communicator, "ack"))["created"] is True
    bodies = await sync_to_async(
        lambda: sorted(ChatMessage.objects.values_list("body", flat=True))
    )()
    assert bodies == ["altrove", "del coordinatore", "finalmente"]
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_errors_are_in_the_pages_language(close_thread_connections):
    _setup, room, (_family, member), _other = await sync_to_async(_world)()
    communicator = await socket(member, room, lang="en")
    assert (await communicator.connect(timeout=10))[0]
    await communicator.send_to(text_data='{"type": "dance"}')
    error = await next_of(communicator, "error")
    assert error["message"] == "Unknown message type: «dance»."
    await communicator.disconnect()


# --- Presence and typing --------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@override_settings(GAF_CHAT_SEND_RATE="100/m")
async def test_presence_and_typing(close_thread_connections):
    _setup, room, (_family, member), other = await sync_to_async(_world)()
    alice, hello = await joined(member, room)
    assert [person["name"] for person in hello["online"]] == ["Famiglia Rossi"]
    bob, hello = await joined(other, room)
    assert [person["name"] for person in hello["online"]] == ["Famiglia Bianchi", "Famiglia Rossi"]
    # Alice hears her own arrival, then Bob's.
    while len((await next_of(alice, "presence"))["online"]) != 2:
        pass
    await bob.send_json_to({"type": "typing"})
    await bob.send_json_to({"type": "typing"})  # within 3 s: dropped
    typing = await next_of(alice, "typing")
    assert typing["user"] == {"id": other.pk, "name": "Famiglia Bianchi"}
    assert "typing" not in await drained(alice)
    assert "typing" not in await drained(bob)  # one's own typing is not echoed
    await bob.disconnect()
    presence = await next_of(alice, "presence")
    assert [person["name"] for person in presence["online"]] == ["Famiglia Rossi"]
    assert not await sync_to_async(ChatMessage.objects.exists)()  # nothing of this is stored
    await alice.disconnect()


# --- Concurrent senders ---------------------------------------------------------------------

SENDERS = 40
MESSAGES_EACH = 5


def _crowd():
    setup = make_group()
    families = bulk_members(setup, SENDERS)
    room = reads.group_room(group=setup.group)
    users = list(User.objects.filter(family_membership__family__in=families))
    calls = []
    for user in users:
        for n in range(MESSAGES_EACH):
            client_id = uuid.uuid4()
            # Each message sent twice (a retry racing the first send): saved once.
            calls += [
                (lambda u=user, c=client_id, n=n: _send(room, u, f"{u.pk}:{n}", c)),
                (lambda u=user, c=client_id, n=n: _send(room, u, f"{u.pk}:{n}", c)),
            ]
    return room, calls


def _check_crowd(room, outcomes):
    assert [outcome for outcome in outcomes if outcome != "accepted"] == []
    total = SENDERS * MESSAGES_EACH
    assert list(
        ChatEvent.objects.filter(room=room).order_by("seq").values_list("seq", flat=True)
    ) == list(range(1, total + 1))
    assert ChatMessage.objects.filter(room=room).count() == total
    assert (
        Counter(ChatMessage.objects.filter(room=room).values_list("author", flat=True)).most_common(
            1
        )[0][1]
        == MESSAGES_EACH
    )
    room.refresh_from_db()
    assert room.last_seq == total


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_numbers_stay_gap_free_under_concurrent_senders_on_postgresql():
    room, calls = _crowd()
    outcomes = _run_in_threads(calls, 20)
    _check_crowd(room, outcomes)


@pytest.mark.sqlite
@pytest.mark.django_db(transaction=True)
def test_numbers_stay_gap_free_under_concurrent_senders_on_sqlite(tmp_path):
    room, calls = _crowd()
    with threads_use_a_file_copy(tmp_path, "gaf.sqlite3"):
        outcomes = _run_in_threads(calls, 8)
        _read_in_thread(lambda: _check_crowd(room, outcomes))


# --- The room's fan-out in a process -----------------------------------------------------------


async def _room_members_in_layer(layer, group: str) -> list[str]:
    """The channels the layer holds in `group`: in-memory, or in Redis (channels_redis)."""
    if hasattr(layer, "groups"):
        return list(layer.groups.get(group, {}))
    members = await layer.connection(layer.consistent_hash(group)).zrange(
        layer._group_key(group), 0, -1
    )
    return [member.decode() for member in members]


async def _one_channel_per_process(layer):
    from gaf.live import chat_group

    setup, room, (_family, member), other = await sync_to_async(_world)()
    group = chat_group(room.pk)
    sockets = [(await joined(user, room))[0] for user in (member, other, setup.coordinator)]
    for socket_ in sockets:
        await socket_.send_json_to({"type": "ping"})
        await next_of(socket_, "pong")
    [channel] = await _room_members_in_layer(layer, group)
    await sync_to_async(_send)(room, setup.coordinator, "uno")
    for socket_ in sockets:
        assert (await next_of(socket_, "event"))["id"] == 1
    # The process's channel stays while one socket of the room does, and only that long.
    for socket_ in sockets[:2]:
        await socket_.disconnect()
    assert await _room_members_in_layer(layer, group) == [channel]
    await sockets[2].disconnect()
    assert await _room_members_in_layer(layer, group) == []
    # A socket that comes back later gets a new channel into the group, and the room's events.
    socket_, _hello = await joined(member, room, after=1)
    await socket_.send_json_to({"type": "ping"})
    await next_of(socket_, "pong")
    assert len(await _room_members_in_layer(layer, group)) == 1
    await sync_to_async(_send)(room, setup.coordinator, "due")
    assert (await next_of(socket_, "event"))["id"] == 2
    await socket_.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_room_is_one_channel_of_the_process_in_the_layer_whatever_its_sockets(
    close_thread_connections,
):
    """A message reaches the process once, not once per socket of the room (a delivery per
    socket through the layer's queues and Channels' dispatch loop was most of a message's
    time to reach a room of 100: bench/chat_fanout.py); the process hands it to its
    sockets."""
    from channels.layers import get_channel_layer

    await _one_channel_per_process(get_channel_layer())


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
async def test_with_redis_a_room_is_one_channel_of_the_process_in_the_layer(
    close_thread_connections, redis_url
):
    from channels.layers import get_channel_layer

    from hub.redis_settings import channel_layer_config

    prefix = f"test-room-fanout-{uuid.uuid4().hex[:8]}"
    with override_settings(
        CHANNEL_LAYERS={"default": channel_layer_config(redis_url, prefix=prefix)}
    ):
        layer = get_channel_layer()
        try:
            await _one_channel_per_process(layer)
        finally:
            await layer.flush()


@pytest.mark.django_db(transaction=True)
async def test_an_event_that_arrives_while_a_resume_reads_the_database_follows_it_once(
    close_thread_connections, monkeypatch
):
    """The room's fan-out hands events to a socket while that socket's resume is still
    reading the database: an event committed after the read must wait and follow what the
    read found, in order, once (dropped, it would be missing until the next message)."""
    from gaf.consumers.chat import ChatConsumer

    setup, room, (_family, member), _other = await sync_to_async(_world)()
    for body in ("uno", "due"):
        await sync_to_async(_send)(room, setup.coordinator, body)
    read = ChatConsumer._events_after
    during = []

    def read_then_a_message_arrives(self, after):
        answer = read(self, after)
        if not during:  # the first read only: a message is sent and broadcast meanwhile
            during.append(_send(room, setup.coordinator, "mentre leggevi"))
        return answer

    monkeypatch.setattr(ChatConsumer, "_events_after", read_then_a_message_arrives)
    communicator, _hello = await joined(member, room, after=0)
    events = [await next_of(communicator, "event") for _n in range(3)]
    assert [(e["id"], e["message"]["text"]) for e in events] == [
        (1, "uno"),
        (2, "due"),
        (3, "mentre leggevi"),
    ]
    assert await communicator.receive_nothing(timeout=0.3)
    await communicator.disconnect()
