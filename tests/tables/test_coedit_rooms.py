"""A room's fan-out to this process's sockets (tables.coedit.rooms.Room.send_all)."""

from __future__ import annotations

from tables.coedit.rooms import Room


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
