"""The chat socket of a room (route policy: signed in; rule: gaf.rules.can_read_room).

The database is the record and the channel layer a doorbell. Services broadcast each room
event after its commit as `chat.event` with its gap-free number and the message as clients
show it, already written as JSON (gaf.selectors.chat.event_doorbell: serialised once per
event, not once per socket); this consumer forwards event n only when the last it sent was
n - 1. On a gap (the layer dropped something) it reads what is missing from the database;
on a duplicate it sends nothing. A client resumes with {"type": "resume", "after": n} when
it connects and whenever it notices a gap itself; until then no live event is forwarded
(the resume covers them).

The room's events reach the sockets of a process through its one channel in the room's
group (hub.websocket.LocalGroupMember), in one pass over them: the handlers of room events
only send. A read from the database (a catch-up) runs apart, one at a time per socket, and
the live events that arrive meanwhile wait for it, in order.

Every frame is checked against its schema (gaf.chat_protocol) and, before anything else,
the person's membership is read afresh: a family removed from the group is cut off at its
next frame. Its open sockets are closed at once too: they are in the person's group
`user.<id>`, to which gaf.services.membership_remove sends hub.websocket.ACCESS_REVOKED.
Bad frames get an error frame (code and Italian message) and the connection stays usable.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import deque

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gaf import rules, services
from gaf.chat_protocol import (
    HEARTBEAT_SECONDS,
    RESUME_CAP,
    TYPING_INTERVAL_SECONDS,
    FrameError,
    parse_frame,
)
from gaf.consumers._common import socket_language
from gaf.live import NOT_FOUND, chat_group, group_access_scope
from gaf.models import ChatRoom
from gaf.selectors.chat import (
    event_payload,
    events_after,
    online_people,
    person_name,
    relocalise,
    room_by_id,
)
from hub.websocket import (
    CloseCode,
    ClosedSocketSends,
    DirectDispatch,
    LocalGroupMember,
    PersonalGroupEvents,
    user_group,
)

logger = logging.getLogger(__name__)

# Frames that change something: the service call reads the person afresh itself (_call).
CHANGING_FRAMES = frozenset({"send", "edit", "delete", "pin", "read"})


class ChatConsumer(
    ClosedSocketSends,
    LocalGroupMember,
    PersonalGroupEvents,
    DirectDispatch,
    AsyncJsonWebsocketConsumer,
):
    async def connect(self):
        self.room_id = int(self.scope["url_route"]["kwargs"]["room_id"])
        self.language = socket_language(self.scope)
        self.synced = False
        self.last_seq = 0
        self.last_typing = 0.0
        # Catch-ups run one at a time; live events wait in `held` while one is due.
        self.catch_up_lock = asyncio.Lock()
        self.catch_ups_due = 0
        self.held: deque = deque()
        self.gap_task: asyncio.Task | None = None
        hello = await database_sync_to_async(self._open)()
        if hello is None:
            await self.close(code=NOT_FOUND)
            return
        self.group = chat_group(self.room_id)
        self.personal = user_group(self.user_id)
        await self.channel_layer.group_add(self.personal, self.channel_name)
        await self.accept()
        online = await database_sync_to_async(self._enter)()
        await self.send_json({**hello, "online": online})
        # The hello is the first frame. Room events before the join are not missed: none is
        # forwarded before the client's resume, which reads the database after the join.
        await self.local_group_join(self.group)
        await self.channel_layer.group_send(self.group, {"type": "chat.presence", "online": online})

    async def disconnect(self, code):
        if not hasattr(self, "group"):
            return
        if self.gap_task is not None:
            self.gap_task.cancel()
        await self.local_group_leave(self.group)
        await self.channel_layer.group_discard(self.personal, self.channel_name)
        online = await database_sync_to_async(self._leave)()
        await self.channel_layer.group_send(self.group, {"type": "chat.presence", "online": online})

    # --- Frames from the browser --------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        try:
            with translation.override(self.language):
                frame = parse_frame(text_data, bytes_data)
        except FrameError as error:
            await self._error(error.code, error.message)
            return
        if (
            frame.type not in CHANGING_FRAMES
            and await database_sync_to_async(self._member)() is None
        ):
            await self._cut_off()
            return
        await getattr(self, f"on_{frame.type}")(frame)

    async def on_resume(self, frame):
        await self._catch_up(frame["after"])

    async def on_send(self, frame):
        client_id = str(frame["client_id"])
        result = await self._call(
            services.chat_message_send,
            room=self.room,
            body=frame["body"],
            client_id=frame["client_id"],
            attach=frame.get("attach"),
            ref={"client_id": client_id},
        )
        if result is not None:
            await self.send_json(
                {
                    "type": "ack",
                    "client_id": client_id,
                    "message_id": result.message.pk,
                    "seq": result.message.seq,
                    "created": result.created,
                }
            )

    async def on_edit(self, frame):
        await self._call(
            services.chat_message_edit,
            room=self.room,
            message_id=frame["message_id"],
            body=frame["body"],
            ref={"message_id": frame["message_id"]},
        )

    async def on_delete(self, frame):
        await self._call(
            services.chat_message_delete,
            room=self.room,
            message_id=frame["message_id"],
            ref={"message_id": frame["message_id"]},
        )

    async def on_pin(self, frame):
        await self._call(
            services.chat_message_pin,
            room=self.room,
            message_id=frame["message_id"],
            pinned=frame["pinned"],
            ref={"message_id": frame["message_id"]},
        )

    async def on_read(self, frame):
        await self._call(services.chat_mark_read, room=self.room, seq=frame["seq"])

    async def on_typing(self, frame):
        now = time.monotonic()
        if now - self.last_typing < TYPING_INTERVAL_SECONDS:
            return
        self.last_typing = now
        await self.channel_layer.group_send(
            self.group, {"type": "chat.typing", "user": self.me["id"], "name": self.me["name"]}
        )

    async def on_ping(self, frame):
        online = await database_sync_to_async(self._refresh)()
        await self.send_json({"type": "pong", "online": online})

    # --- Events of the room (its fan-out in this process: they only send) --------------------

    async def chat_event(self, event):
        if self.catch_ups_due:  # including a resume's first read: what it may not have seen
            self.held.append(event)
        elif not self.synced or event["seq"] <= self.last_seq:
            return
        elif event["seq"] == self.last_seq + 1:
            await self._forward(event)
        else:  # a gap: the layer dropped something; read it apart from the fan-out
            self.catch_ups_due += 1
            self.gap_task = asyncio.get_running_loop().create_task(self._catch_up_gap())

    async def chat_typing(self, event):
        if event["user"] != self.user_id:
            await self.send_json(
                {"type": "typing", "user": {"id": event["user"], "name": event["name"]}}
            )

    async def chat_presence(self, event):
        await self.send_json({"type": "presence", "online": event["online"]})

    async def access_revoked(self, event):
        if event.get("scope") == group_access_scope(self.room.group_id):
            await self._cut_off()

    # --- Helpers ------------------------------------------------------------------------------

    async def _error(self, code: str, message: str, **extra):
        await self.send_json({"type": "error", "code": code, "message": message, **extra})

    async def _cut_off(self):
        with translation.override(self.language):
            message = _("Non fai più parte di questo gruppo: la chat si è chiusa.")
        await self._error("not_member", message)
        await self.close(code=int(CloseCode.FORBIDDEN))

    async def _call(self, service, *, ref: dict | None = None, **kwargs):
        """Run a service as the person, read afresh, in one call to a worker thread (one
        checkout of a database connection per frame); a refusal becomes an error frame,
        and a person who may no longer read the room is cut off."""

        def run():
            user = self._member()
            if user is None:
                return None, None, True
            with translation.override(self.language):
                try:
                    return service(user=user, **kwargs), None, False
                except ValidationError as error:
                    code = getattr(error, "code", None) or "invalid"
                    return None, (code, error.messages[0]), False

        result, refused, gone = await database_sync_to_async(run)()
        if gone:
            await self._cut_off()
        elif refused is not None:
            await self._error(*refused, **(ref or {}))
        return result

    async def _forward(self, event):
        self.last_seq = event["seq"]
        if event["localised"]:
            with translation.override(self.language):
                await self.send_json(relocalise(json.loads(event["text"])))
        else:
            await self.send(text_data=event["text"])

    async def _catch_up(self, after: int | None, *, counted: bool = False):
        """Send the events after `after` (None: after the last sent) from the database, in
        order, then the live events held meanwhile; or say why not."""
        if not counted:
            self.catch_ups_due += 1
        try:
            async with self.catch_up_lock:
                if after is None:
                    after = self.last_seq
                while True:
                    answer = await database_sync_to_async(self._events_after)(after)
                    if answer["type"] != "events":
                        self.synced = False
                        self.held.clear()
                        await self.send_json(answer)
                        return
                    self.last_seq = after
                    for payload in answer["events"]:
                        self.last_seq = payload["id"]
                        await self.send_json(payload)
                    self.synced = True
                    if not await self._forward_held():
                        return
                    after = self.last_seq  # a gap among them: read again from here
        finally:
            self.catch_ups_due -= 1

    async def _forward_held(self) -> bool:
        """Forward the held events that follow on; True if one did not (a gap: the rest
        are dropped, the next read from the database has them)."""
        while self.held:
            event = self.held.popleft()
            if event["seq"] <= self.last_seq:
                continue
            if event["seq"] != self.last_seq + 1:
                self.held.clear()
                return True
            await self._forward(event)
        return False

    async def _catch_up_gap(self):
        try:
            await self._catch_up(None, counted=True)
        except Exception:
            # The consumer's own handlers would have failed into the outage guard (1013);
            # this task is apart from them, so it closes the socket the same way.
            logger.warning("chat room %s: a catch-up failed", self.room_id, exc_info=True)
            await self.close(code=int(CloseCode.TRY_AGAIN_LATER))

    # --- Database work (worker threads) -------------------------------------------------------

    def _member(self):
        """The person, read afresh, while they may still read the room; else None."""
        user = get_user_model().objects.filter(pk=self.scope["user"].pk, is_active=True).first()
        if user is None or not rules.can_read_room(user, self.room):
            return None
        return user

    def _open(self) -> dict | None:
        room = room_by_id(room_id=self.room_id)
        if room is None:
            return None
        self.room = room
        user = self._member()
        if user is None:
            return None
        self.user_id = user.pk
        self.me = {
            "id": user.pk,
            "name": person_name(user=user),
            "moderator": rules.can_moderate_room(user, room),
        }
        return {
            "type": "hello",
            "room": room.pk,
            "last_seq": room.last_seq,
            "me": self.me,
            "heartbeat": HEARTBEAT_SECONDS,
        }

    def _enter(self) -> list[dict]:
        services.chat_presence_enter(
            room=self.room, user_id=self.user_id, channel_name=self.channel_name
        )
        return online_people(room=self.room, now=timezone.now())

    def _refresh(self) -> list[dict]:
        if not services.chat_presence_refresh(channel_name=self.channel_name):
            services.chat_presence_enter(
                room=self.room, user_id=self.user_id, channel_name=self.channel_name
            )
        return online_people(room=self.room, now=timezone.now())

    def _leave(self) -> list[dict]:
        services.chat_presence_leave(channel_name=self.channel_name)
        return online_people(room=self.room, now=timezone.now())

    def _events_after(self, after: int) -> dict:
        last = (
            ChatRoom.objects.filter(pk=self.room_id).values_list("last_seq", flat=True).first() or 0
        )
        with translation.override(self.language):
            if after > last:
                return {
                    "type": "error",
                    "code": "resume_future",
                    "message": _(
                        "Hai chiesto messaggi che non esistono ancora in questa chat: "
                        "ricarico la cronologia."
                    ),
                    "last_seq": last,
                }
            if last - after > RESUME_CAP:
                return {"type": "resume_too_far", "last_seq": last}
            events = events_after(room=self.room, after=after, limit=RESUME_CAP)
            return {"type": "events", "events": [event_payload(event) for event in events]}
