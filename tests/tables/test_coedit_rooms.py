"""A room's fan-out to this process's sockets (tables.coedit.rooms.Room.send_all)."""

from __future__ import annotations

import asyncio

import pytest
from pycrdt import Doc, Text

from tables.coedit import rooms, services
from tables.coedit.rooms import Room
from tables.models import CoeditDocument
from tests.tables.coedit_world import make_world


class Socket:
    def __init__(self, *, accepted=True, broken=False):
        self.accepted, self.broken = accepted, broken
        self.frames: list[bytes] = []

    async def send_frame(self, frame: bytes) -> None:
        if self.broken:
            raise ValueError("Socket has not been accepted, so cannot send over it")
        self.frames.append(frame)


async def test_a_socket_not_yet_accepted_or_failing_never_keeps_a_frame_from_the_others():
    room = Room(1)
    joining, closing, sender = Socket(accepted=False), Socket(broken=True), Socket()
    others = [Socket(), Socket()]
    # A set has no order: every arrangement must reach the others.
    room.sockets = {joining, closing, sender, *others}
    await room.send_all(b"frame", skip=sender)
    assert [socket.frames for socket in others] == [[b"frame"], [b"frame"]]
    assert joining.frames == [] and sender.frames == []


@pytest.mark.django_db(transaction=True)
def test_an_update_is_stored_after_an_ended_event_loop_left_one_waiting():
    """An event loop that ended (a test's, or a server's that stopped) with an update still
    waiting for the writer must not keep the next loop's updates from being stored and
    acknowledged."""
    world = make_world(body="Testo.")
    document_id = services.document_open(
        kind=CoeditDocument.Kind.PROPOSAL, target=world.proposal
    ).pk
    ended = asyncio.new_event_loop()
    stale = ended.create_future()
    stale.add_done_callback(lambda _future: None)  # the task that awaited it, in its day
    ended.close()
    rooms._waiting.append((document_id, world.author.pk, b"stale", stale))
    try:
        doc = Doc()
        doc["scratch"] = Text("parola")
        update = doc.get_update()
        stored = rooms.store(document_id=document_id, user_id=world.author.pk, data=update)

        async def store_then_release():
            try:
                return await asyncio.wait_for(stored, 20)
            finally:
                await rooms.release_writer()

        seq = asyncio.run(store_then_release())
    finally:
        rooms._waiting.clear()
    assert seq == CoeditDocument.objects.get(pk=document_id).last_seq
    assert seq is not None


@pytest.mark.redis
async def test_with_redis_a_listening_room_holds_back_no_other_socket_of_the_process(redis_url):
    """channels_redis reads all of a process's channels of one prefix with one blocking read,
    taken by one reader at a time, which reads only its own prefix. The room's channel had
    a prefix of its own: while it held the read, a message for any socket of the process
    (a chat message, a notification's bell) waited up to 5 s, the read's timeout."""
    from channels.layers import get_channel_layer
    from django.test import override_settings

    from hub.redis_settings import channel_layer_config

    config = channel_layer_config(redis_url, prefix=f"test-coedit-{id(object())}")
    with override_settings(CHANNEL_LAYERS={"default": config}):
        layer = get_channel_layer()
        room = Room(987654)
        await room.listen()
        await asyncio.sleep(0.3)  # the room's listener waits in the read first
        socket_channel = await layer.new_channel()
        receiving = asyncio.ensure_future(layer.receive(socket_channel))
        await asyncio.sleep(0.3)
        await layer.send(socket_channel, {"type": "notification.new"})
        try:
            message = await asyncio.wait_for(receiving, timeout=1)
        finally:
            await room.stop_listening()
            await layer.flush()
        assert message["type"] == "notification.new"
